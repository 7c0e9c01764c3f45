package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
)

// TestFirstRunTeamJourney is issue 3's walk-through on a clean start: open
// the setup link, create the admin, enrol the second factor, create a
// fulfilment user, sign in as them in another browser and see only what
// fulfilment may do; the audit page shows all of it and downloads it as CSV.
func TestFirstRunTeamJourney(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	if p.SetupURL == "" {
		t.Fatalf("no setup link printed: %s", p.Out)
	}

	admin := phone(t, b)
	admin.MustNavigate(p.SetupURL).MustWaitLoad()
	fill(admin, "name", "Ada Admin")
	fill(admin, "email", "ada@example.com")
	fill(admin, "password", "a long admin passphrase")
	submit(admin, `main button[type=submit]`)
	// Admins must enrol a second factor before anything else.
	if got := path(admin); got != "/me/2fa" {
		t.Fatalf("after setup the admin is at %s, want /me/2fa", got)
	}
	if !admin.MustHas("svg[role=img]") {
		t.Error("no QR code drawn on the enrolment page")
	}
	secret := text(admin, "code.secret")
	fill(admin, "code", totpNow(t, secret))
	submit(admin, `form[action="/me/2fa"] button[type=submit]`)
	codes := admin.MustElements("ol.codes li")
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	submit(admin, "main a.btn")

	// Add a fulfilment team member.
	admin.MustNavigate(p.URL + "/users/new").MustWaitLoad()
	fill(admin, "email", "fred@example.com")
	fill(admin, "name", "Fred Floor")
	admin.MustElement(`select[name=role]`).MustSelect("Fulfilment")
	submit(admin, `main button[type=submit]`)
	oneTime := text(admin, "code.secret")
	if len(oneTime) < 12 {
		t.Fatalf("one-time password %q", oneTime)
	}

	// Fred signs in on his phone and must choose his own password first.
	fred := phone(t, b)
	fred.MustNavigate(p.URL + "/").MustWaitLoad()
	if got := path(fred); !strings.HasPrefix(got, "/login") {
		t.Fatalf("anonymous home went to %s", got)
	}
	fill(fred, "email", "fred@example.com")
	fill(fred, "password", oneTime)
	submit(fred, `main button[type=submit]`)
	// As in signInAs: the answer may be an htmx redirect that navigates a
	// moment after the first navigation event.
	_ = fred.Timeout(30 * time.Second).Wait(rod.Eval(`() => location.pathname !== "/login"`))
	if got := path(fred); got != "/me/password" {
		t.Fatalf("after a one-time password Fred is at %s", got)
	}
	fill(fred, "current_password", oneTime)
	fill(fred, "new_password", "fred's own long passphrase")
	submit(fred, `form[action="/me/password"] button[type=submit]`)

	// He sees only what fulfilment may do.
	fred.MustNavigate(p.URL + "/").MustWaitLoad()
	nav := fred.MustElement("nav .nav").MustText()
	for _, hidden := range []string{"Team", "Audit", "Account", "Coupons", "Options"} {
		if strings.Contains(nav, hidden) {
			t.Errorf("fulfilment sees %q in the navigation: %q", hidden, nav)
		}
	}
	fred.MustNavigate(p.URL + "/users").MustWaitLoad()
	if h1 := text(fred, "h1"); h1 != "Not allowed" {
		t.Errorf("fulfilment on /users sees %q", h1)
	}
	fred.MustNavigate(p.URL + "/audit").MustWaitLoad()
	if h1 := text(fred, "h1"); h1 != "Not allowed" {
		t.Errorf("fulfilment on /audit sees %q", h1)
	}

	// The admin's audit log shows all of it, in words; the codes are one
	// click away under Details.
	admin.MustNavigate(p.URL + "/audit").MustWaitLoad()
	log := admin.MustElement("#audit-results").MustText()
	for _, want := range []string{"Ada Admin created the first admin account.", "Ada Admin turned on a second sign-in factor.",
		"Ada Admin added Fred Floor to the team as Fulfilment.", "fred@example.com", "Fred Floor changed their password.",
		"Fred Floor was refused the page /audit."} {
		if !strings.Contains(log, want) {
			t.Errorf("audit page lacks %q: %.600s", want, log)
		}
	}
	admin.MustElement("#audit-results details summary").MustClick()
	if raw := admin.MustElement("#audit-results details").MustText(); !strings.Contains(raw, "access.denied") {
		t.Errorf("the first entry's details lack its raw action: %q", raw)
	}
	// Filter by person with htmx: the URL follows, so it can be shared.
	openFilters(admin)
	admin.MustElement(`select[name=actor]`).MustSelect("Fred Floor (fred@example.com)")
	admin.MustWaitStable()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(path(admin), "actor=fred") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(path(admin), "actor=fred%40example.com") {
		t.Errorf("filtered URL %s", path(admin))
	}
	filtered := admin.MustElement("#audit-results").MustText()
	if strings.Contains(filtered, "created the first admin account") || !strings.Contains(filtered, "Fred Floor was refused the page") {
		t.Errorf("the person filter did not apply: %.400s", filtered)
	}
	csv := admin.MustEval(`() => fetch("/audit?format=csv").then(r => r.text())`).String()
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if !strings.HasPrefix(lines[0], "id,time_utc,actor") || len(lines) < 7 {
		t.Fatalf("CSV export: %d lines, first %q", len(lines), lines[0])
	}
	if !strings.Contains(csv, "users.create") || !strings.Contains(csv, "fred@example.com") {
		t.Error("CSV lacks the team change")
	}
	if !strings.HasSuffix(lines[0], ",request_id,in_words") || !strings.Contains(csv, "Ada Admin added Fred Floor to the team as Fulfilment.") {
		t.Errorf("CSV lacks the plain-words column: %q", lines[0])
	}
	// Nothing secret in the logs of the whole journey.
	for _, s := range []string{"a long admin passphrase", "fred's own long passphrase", oneTime} {
		if strings.Contains(p.Logs.String(), s) {
			t.Errorf("a password appears in the server log")
		}
	}
}
