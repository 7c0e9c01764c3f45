package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"backoffice/tracking/trackingtest"
)

// TestBadgeSignInAndShipOnAPhone is the shared phone: a packer sets up a
// badge on their profile once, signs out, and later takes the phone over
// by scanning the badge (the scanner types it and Enter) and typing the
// PIN, at 360×740, then ships a parcel; "Shipped this shift" counts it.
func TestBadgeSignInAndShipOnAPhone(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	asPhone(t, page)

	const code, pin = "EMP-00412345", "4071"
	axe := axeSource(t)
	page.MustNavigate(p.URL + "/me/badge").MustWaitLoad()
	checkA11y(t, page, axe, "/me/badge")
	// A refused form: its summary and field messages are accessible too.
	fill(page, "badge_code", code)
	fill(page, "pin", "1234")
	fill(page, "pin_again", "1234")
	fill(page, "password", "e2e passphrase for fulfilment")
	submit(page, `form[action="/me/badge"] button[type=submit]`)
	waitFor(t, page, "#f-pin-err", "too easy to guess")
	checkA11y(t, page, axe, "/me/badge (refused)")
	fill(page, "badge_code", code)
	fill(page, "pin", pin)
	fill(page, "pin_again", pin)
	fill(page, "password", "e2e passphrase for fulfilment")
	submit(page, `form[action="/me/badge"] button[type=submit]`)
	waitFor(t, page, "#flash", "Your badge is set up")
	page.MustElement("details.menu summary").MustClick() // the menu is folded on a phone
	submit(page, `form[action="/logout"] button[type=submit]`)

	// The sign-in page: the password form first, nothing focused, then
	// the badge form.
	page.MustNavigate(p.URL + "/login").MustWaitLoad()
	checkA11y(t, page, axe, "/login with the badge form")
	if id := focusedID(page); id != "" {
		t.Errorf("the sign-in page focuses %q", id)
	}
	if order := page.MustEval(`() => Array.from(document.querySelectorAll("main form")).map(f => f.getAttribute("action")).join(" ")`).String(); order != "/login /login/badge" {
		t.Fatalf("forms in order: %q", order)
	}
	page.MustElement("#f-badge_code").MustClick()
	scan(page, strings.ToLower(code)) // Enter with the PIN empty stops at the PIN
	if !waitFocus(page, "f-pin") {
		t.Fatalf("after the scan, focus is on %q, want the PIN", focusedID(page))
	}
	// A wrong PIN: the refusal is an alert, and the badge field is ready
	// for the scanner again.
	wait := page.MustWaitNavigation()
	scan(page, "9031")
	wait()
	waitFor(t, page, `main [role="alert"]`, "do not match an account that may use a badge")
	if !waitFocus(page, "f-badge_code") {
		t.Fatalf("after a wrong PIN, focus is on %q, want the badge field", focusedID(page))
	}
	scan(page, code)
	if !waitFocus(page, "f-pin") {
		t.Fatalf("after the scan, focus is on %q, want the PIN", focusedID(page))
	}
	wait = page.MustWaitNavigation()
	scan(page, pin)
	wait()
	if err := page.Timeout(30 * time.Second).Wait(rod.Eval(`() => location.pathname === "/ship"`)); err != nil {
		t.Fatalf("badge sign-in did not open the ship screen: at %s (%v)", path(page), err)
	}
	page.MustWaitLoad()
	waitFor(t, page, "#ship-idle", "signs you out after 15 minutes")
	if !waitFocus(page, "f-sale") {
		t.Fatalf("focus is on %q, want the sale number", focusedID(page))
	}
	sale := fx.ScanToShip[5]
	scan(page, sale)
	waitFor(t, page, "#card-title", sale)
	if !waitFocus(page, "f-tracking") {
		t.Fatalf("focus on %q after the sale scan", focusedID(page))
	}
	tracking := trackingtest.UPS(t, 900)
	scan(page, tracking)
	waitFor(t, page, ".result-ok", "Shipped: sale "+sale)
	waitFor(t, page, "#shift-title", "(1)")
	if got := shippedTracking(t, p.API(t), sale, ""); got != tracking {
		t.Errorf("sandbox: sale %s tracking %q, want %q", sale, got, tracking)
	}
	if w := page.MustEval(`() => document.documentElement.scrollWidth`).Int(); w > 360 {
		t.Errorf("the ship screen is %d px wide at 360", w)
	}
	// Done: hand the phone to the next person.
	if h := page.MustElement(`main form[action="/logout"] button`).MustShape().Box().Height; h < 44 {
		t.Errorf("the sign-out button is %.0f px tall", h)
	}
	submit(page, `main form[action="/logout"] button`)
	waitFor(t, page, "#flash", "You are signed out")
	if !page.MustHas("#f-badge_code") || path(page) != "/login" {
		t.Fatalf("after signing out: at %s", path(page))
	}

	// The badge form is a plain HTML form: it works with scripts off.
	plain := phone(t, b)
	withoutScripts(t, plain)
	plain.MustNavigate(p.URL + "/login").MustWaitLoad()
	fill(plain, "badge_code", code)
	fill(plain, "pin", pin)
	submit(plain, `form[action="/login/badge"] button[type=submit]`)
	if got := path(plain); got != "/ship" {
		t.Fatalf("badge sign-in without scripts: at %s", got)
	}
	if loaded := plain.MustEval(`() => typeof window.htmx`).String(); loaded != "undefined" {
		t.Fatalf("htmx loaded on a page without scripts: %s", loaded)
	}
	waitFor(t, plain, "#shift-title", "(1)")

	// The badge is lost on the floor: an admin removes it from the member's
	// page, and the phone still signed in with it is signed out.
	admin := signInAs(t, b, p, "admin", true)
	admin.MustNavigate(p.URL + "/users").MustWaitLoad()
	member := admin.MustEval(`() => Array.from(document.querySelectorAll("main a")).find(a => a.textContent.includes("Fulfilment Tester")).getAttribute("href")`).String()
	admin.MustNavigate(p.URL + member).MustWaitLoad()
	waitFor(t, admin, "main dl.facts", "Sign-in badge")
	if facts := text(admin, "main dl.facts"); !strings.Contains(facts, "Set up") {
		t.Fatalf("the member page does not show the badge: %q", facts)
	}
	if sessions := text(admin, "main table"); !strings.Contains(sessions, "Badge sign-in") {
		t.Errorf("the member's sessions do not mark the badge one: %q", sessions)
	}
	checkA11y(t, admin, axe, "a member with a badge")
	submit(admin, `main form[action$="/badge/remove"] button`)
	waitFor(t, admin, "#flash", "badge is removed")
	if msg := text(admin, "#flash"); !strings.Contains(msg, "1 badge session ended") {
		t.Errorf("after removing the badge: %q", msg)
	}
	plain.MustNavigate(p.URL + "/ship").MustWaitLoad()
	if got := path(plain); !strings.HasPrefix(got, "/login") {
		t.Errorf("the phone signed in with the removed badge is at %s", got)
	}
}
