package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backoffice/auth"
	"backoffice/config"
	"backoffice/store"
	"backoffice/tracking/trackingtest"
)

// Badge sign-in on shared phones (issue 12, item 4).

const (
	annBadge = "EMP-00412345"
	annPIN   = "4071"
)

// withBadge is a fulfilment member, Ann, who set up her badge on her profile
// with her password, and the browser she did it in (still signed in).
func withBadge(t *testing.T, h *harness) (*store.User, string, *browser) {
	t.Helper()
	ann, pw, _ := h.addUser("ann@example.com", "fulfilment", false)
	b := h.browser()
	b.signIn(ann.Email, pw, "")
	b.get("/me/badge")
	resp := b.post("/me/badge", url.Values{"badge_code": {annBadge}, "pin": {annPIN}, "pin_again": {annPIN}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/me/badge" {
		t.Fatalf("setting the badge: %d %.600s", resp.StatusCode, b.body)
	}
	return ann, pw, b
}

// badgeSignIn signs a fresh browser in with a badge and PIN and returns it
// with the answer.
func badgeSignIn(h *harness, code, pin string) (*browser, *http.Response) {
	b := h.browser()
	b.get("/login")
	return b, b.post("/login/badge", url.Values{"badge_code": {code}, "pin": {pin}})
}

func doc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestBadgeSetUpOnProfile(t *testing.T) {
	h := newHarness(t)
	ann, pw, _ := h.addUser("ann@example.com", "fulfilment", false)
	b := h.browser()
	b.signIn(ann.Email, pw, "")
	b.get("/me")
	if !strings.Contains(b.body, `href="/me/badge"`) {
		t.Fatal("a fulfilment member's profile offers no badge")
	}
	b.get("/me/badge")
	if !strings.Contains(b.body, "No badge") || !strings.Contains(b.body, `name="badge_code"`) || !strings.Contains(b.body, `spellcheck="false"`) {
		t.Fatalf("badge page: %.800s", b.body)
	}

	// Every field's own message, with the summary above the form; the code
	// is kept, the PINs and the password never come back.
	for _, tc := range []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"badge_code": {"EMP-1"}, "pin": {annPIN}, "pin_again": {annPIN}, "password": {pw}}, "badge_code", "at least 8 characters"},
		{url.Values{"badge_code": {annBadge}, "pin": {"1234"}, "pin_again": {"1234"}, "password": {pw}}, "pin", "too easy to guess"},
		{url.Values{"badge_code": {annBadge}, "pin": {"40a1"}, "pin_again": {"40a1"}, "password": {pw}}, "pin", "4 to 8 digits"},
		{url.Values{"badge_code": {annBadge}, "pin": {annPIN}, "pin_again": {"4072"}, "password": {pw}}, "pin_again", "The two PINs differ"},
		{url.Values{"badge_code": {annBadge}, "pin": {annPIN}, "pin_again": {annPIN}, "password": {"not my password"}}, "password", "That is not your password"},
		{url.Values{"badge_code": {annBadge}, "pin": {annPIN}, "pin_again": {annPIN}}, "password", "is required"},
	} {
		resp := b.post("/me/badge", tc.form)
		d := doc(t, b.body)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#f-"+tc.field+"-err").Text(), tc.want) {
			t.Errorf("%s: %d, field error %q, want %q", tc.field, resp.StatusCode, d.Find("#f-"+tc.field+"-err").Text(), tc.want)
		}
		if got := d.Find(`[role=alert]`).First().Text(); !strings.Contains(got, "The badge was not saved") {
			t.Errorf("%s: summary %q", tc.field, got)
		}
		if v, _ := d.Find("#f-badge_code").Attr("value"); v != tc.form.Get("badge_code") {
			t.Errorf("%s: badge code not kept: %q", tc.field, v)
		}
		if strings.Contains(b.body, `value="`+tc.form.Get("pin")+`"`) || strings.Contains(b.body, pw) {
			t.Errorf("%s: a PIN or the password came back in the page", tc.field)
		}
	}
	if has, _ := h.st.BadgeOf(context.Background(), ann.ID); has != nil {
		t.Fatal("a refused form stored a badge")
	}

	resp := b.post("/me/badge", url.Values{"badge_code": {annBadge}, "pin": {annPIN}, "pin_again": {annPIN}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set: %d %.400s", resp.StatusCode, b.body)
	}
	b.get("/me/badge")
	if !strings.Contains(b.body, "Your badge is set up") || !strings.Contains(b.body, "Set up") || !strings.Contains(b.body, "Remove my badge") {
		t.Fatalf("after setting: %.800s", b.body)
	}
	row, err := h.st.BadgeOf(context.Background(), ann.ID)
	if err != nil || strings.Contains(strings.ToUpper(row.Lookup), "00412345") || !strings.HasPrefix(row.PINHash, "$argon2id$") {
		t.Fatalf("stored badge %+v %v", row, err)
	}

	// Another person cannot take the same badge code.
	bob, bobPW, _ := h.addUser("bob@example.com", "fulfilment", false)
	bb := h.browser()
	bb.signIn(bob.Email, bobPW, "")
	resp = bb.post("/me/badge", url.Values{"badge_code": {strings.ToLower(annBadge)}, "pin": {"5093"}, "pin_again": {"5093"}, "password": {bobPW}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, bb.body).Find("#f-badge_code-err").Text(), "already in use") {
		t.Fatalf("a taken code: %d %.600s", resp.StatusCode, bb.body)
	}

	// Change the PIN, then remove the badge.
	if resp := b.post("/me/badge", url.Values{"badge_code": {annBadge}, "pin": {"8315"}, "pin_again": {"8315"}, "password": {pw}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if _, resp := badgeSignIn(h, annBadge, annPIN); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the old PIN still signs in: %d", resp.StatusCode)
	}
	if resp := b.post("/me/badge/remove", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	if _, resp := badgeSignIn(h, annBadge, "8315"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a removed badge signs in: %d", resp.StatusCode)
	}
	// A form without the CSRF token changes nothing.
	if resp := b.postRaw("/me/badge", url.Values{"badge_code": {annBadge}, "pin": {annPIN}, "pin_again": {annPIN}, "password": {pw}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", resp.StatusCode)
	}
	if _, err := h.st.BadgeOf(context.Background(), ann.ID); err == nil {
		t.Fatal("a form without CSRF set a badge")
	}

	var sentences []string
	for _, e := range auditRows(t, h, "") {
		if strings.HasPrefix(e.Action, "me.badge.") {
			sentences = append(sentences, e.Action+" "+e.Outcome)
		}
	}
	want := []string{"me.badge.remove ok", "me.badge.set ok", "me.badge.set ok"}
	got := strings.Join(sentences, ",")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("audit %q lacks %q", got, w)
		}
	}
}

func TestBadgeOnlyForFulfilment(t *testing.T) {
	h := newHarness(t)
	for _, role := range []string{"support", "admin"} {
		b, _ := h.signedInAs(role)
		b.get("/me")
		if strings.Contains(b.body, `href="/me/badge"`) {
			t.Errorf("%s: the profile offers a badge", role)
		}
		b.get("/me/badge")
		if !strings.Contains(b.body, "only for fulfilment staff") || strings.Contains(b.body, `name="badge_code"`) {
			t.Errorf("%s: badge page %.600s", role, b.body)
		}
		resp := b.post("/me/badge", url.Values{"badge_code": {"EMP-00999999"}, "pin": {annPIN}, "pin_again": {annPIN}, "password": {"whatever it is"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: set a badge: %d", role, resp.StatusCode)
		}
	}
	if rows := auditRows(t, h, "me.badge.set"); len(rows) != 2 || rows[0].Outcome != "denied" {
		t.Errorf("refused set-ups in the audit log: %+v", rows)
	}
}

func TestBadgeSignIn(t *testing.T) {
	h := newHarness(t)
	ann, _, _ := withBadge(t, h)

	// The page: the password form first, then the badge form, and no
	// autofocus anywhere (a scan must not land in the e-mail field).
	b := h.browser()
	b.get("/login")
	d := doc(t, b.body)
	forms := d.Find("main form")
	if forms.Length() != 2 || forms.Eq(0).AttrOr("action", "") != "/login" || forms.Eq(1).AttrOr("action", "") != "/login/badge" {
		t.Fatalf("sign-in forms: %.1200s", b.body)
	}
	if d.Find("[autofocus]").Length() != 0 {
		t.Error("the sign-in page autofocuses a field")
	}
	if forms.Eq(1).Find(`input[name=_csrf]`).Length() != 1 || forms.Eq(1).Find(`#f-pin[inputmode=numeric]`).Length() != 1 {
		t.Error("the badge form lacks its CSRF token or a numeric PIN field")
	}

	// Right badge (as a scanner types it, any case, trailing space) and PIN.
	bb, resp := badgeSignIn(h, strings.ToLower(annBadge)+" ", annPIN)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ship" {
		t.Fatalf("badge sign-in: %d to %q %.400s", resp.StatusCode, resp.Header.Get("Location"), bb.body)
	}
	if resp := bb.get("/ship"); resp.StatusCode != http.StatusOK || !strings.Contains(bb.body, "Signed in with your badge") || !strings.Contains(bb.body, "15 minutes") {
		t.Fatalf("ship screen after badge sign-in: %d %.600s", resp.StatusCode, bb.body)
	}
	// The page leaves for the sign-in page by itself once the server has
	// ended the session (15 minutes, and a minute for its bookkeeping).
	if doc(t, bb.body).Find(`#ship form[action="/logout"] button`).Length() != 0 || doc(t, bb.body).Find(`main form[action="/logout"] button`).Length() != 1 {
		t.Error("the ship screen offers no sign-out for the next person")
	}
	if !strings.Contains(bb.body, `data-idle-signout="960" data-idle-url="/login"`) {
		t.Error("a badge session's page does not sign out by itself")
	}
	b.signIn(ann.Email, "correct horse battery fulfilment", "")
	b.get("/ship")
	if strings.Contains(b.body, "data-idle-signout") || strings.Contains(b.body, "Signed in with your badge") {
		t.Error("a password session's page is treated as a badge one")
	}
	list, _ := h.st.ListUserSessions(context.Background(), ann.ID)
	badges := 0
	for _, s := range list {
		if s.Method == store.SignInBadge {
			badges++
		}
	}
	if badges != 1 {
		t.Fatalf("%d badge sessions recorded", badges)
	}
	b.get("/me/sessions")
	if strings.Count(b.body, "Badge sign-in") != 1 {
		t.Error("the sessions page does not mark the badge sign-in")
	}

	// Wrong PIN and unknown badge: one message.
	var bodies []string
	for _, f := range [][2]string{{annBadge, "4072"}, {"EMP-00000001", annPIN}, {"short", annPIN}} {
		b, resp := badgeSignIn(h, f[0], f[1])
		msg := doc(t, b.body).Find("[role=alert]").Text()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(msg, "do not match an account that may use a badge") {
			t.Errorf("%v: %d %q", f, resp.StatusCode, msg)
		}
		bodies = append(bodies, msg)
		if strings.Contains(b.body, f[0]) {
			t.Errorf("%v: the badge code came back in the page", f)
		}
	}
	if bodies[0] != bodies[1] {
		t.Errorf("wrong PIN %q and unknown badge %q read differently", bodies[0], bodies[1])
	}
	// Empty fields are not a guess: a plain hint.
	if b, resp := badgeSignIn(h, annBadge, ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, "Type your PIN") {
		t.Errorf("no PIN: %d", resp.StatusCode)
	}

	rows := auditRows(t, h, "login.badge")
	if len(rows) != 1 || rows[0].UserID != ann.ID || rows[0].Outcome != "ok" {
		t.Errorf("login.badge entries: %+v", rows)
	}
	failed := auditRows(t, h, "login.badge.failed")
	if len(failed) != 3 {
		t.Fatalf("%d refused badge sign-ins audited", len(failed))
	}
	for _, e := range failed {
		if strings.Contains(strings.ToUpper(e.Detail+e.Params+e.Actor), "00412345") || strings.Contains(e.Detail+e.Params, annPIN) {
			t.Errorf("a refused badge sign-in's entry holds the code or PIN: %+v", e)
		}
	}
	if failed[len(failed)-1].UserID != ann.ID { // newest first: the wrong PIN is the oldest
		t.Errorf("the wrong PIN is not recorded against the badge's owner: %+v", failed[len(failed)-1])
	}
	h.assertNoSecretsInLogs(annBadge, "EMP-00000001")
}

// Wrong PINs lock the badge like wrong passwords lock an account: after 5
// the right PIN is refused alike until the window has passed, the lock is
// audited, and the person's password sign-in is not locked by it.
func TestBadgePINsAreThrottled(t *testing.T) {
	h := newHarness(t)
	ann, pw, _ := withBadge(t, h)
	for i := range 5 {
		if _, resp := badgeSignIn(h, annBadge, "900"+itoa(int64(i))); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong PIN %d: %d", i, resp.StatusCode)
		}
	}
	before := h.hasher.Derivations()
	b, resp := badgeSignIn(h, annBadge, annPIN)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b.body, "too many attempts") {
		t.Fatalf("right PIN during the lock: %d", resp.StatusCode)
	}
	if n := h.hasher.Derivations() - before; n != 0 {
		t.Errorf("a locked attempt ran %d key derivations", n)
	}
	locks := auditRows(t, h, "login.badge.locked")
	if len(locks) != 1 || locks[0].Actor != ann.Email || !strings.Contains(locks[0].Detail, "failed badge sign-ins") {
		t.Fatalf("lock entries: %+v", locks)
	}
	// The lock shows in the metrics like any other.
	mb := h.browser()
	mb.get("/metrics")
	if !strings.Contains(mb.body, `backoffice_throttle_locked_total{by="account",scope="badge"} 1`) {
		t.Errorf("the badge lock is not in the metrics: %.300s", mb.body[max(0, strings.Index(mb.body, "backoffice_throttle_locked_total")):])
	}
	// Her password still works: the badge counts on its own.
	h.browser().signIn(ann.Email, pw, "")
	h.clock.Advance(15*time.Minute + time.Second)
	if _, resp := badgeSignIn(h, annBadge, annPIN); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right PIN after the window: %d", resp.StatusCode)
	}
}

// No bypass of a second factor: a badge stops working for someone who
// enrolled one, or whose role needs one; disabled accounts are refused.
func TestBadgeNeverBypassesASecondFactor(t *testing.T) {
	h := newHarness(t)
	ann, _, _ := withBadge(t, h)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(u *store.User)
		status int
		want   string
	}{
		{"second factor", func(u *store.User) { u.TOTPEnabled, u.TOTPSecret = true, "JBSWY3DPEHPK3PXP" }, http.StatusForbidden, "a badge would bypass"},
		{"role needs one", func(u *store.User) { u.Role = string(auth.RoleAdmin) }, http.StatusForbidden, "only for fulfilment staff"},
		{"disabled", func(u *store.User) { u.Status = store.StatusDisabled }, http.StatusUnauthorized, "do not match an account"},
	} {
		u, _ := h.st.UserByID(ctx, ann.ID)
		saved := *u
		tc.change(u)
		if err := h.st.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		b, resp := badgeSignIn(h, annBadge, annPIN)
		if resp.StatusCode != tc.status || !strings.Contains(doc(t, b.body).Find("[role=alert]").Text(), tc.want) {
			t.Errorf("%s: %d %q", tc.name, resp.StatusCode, doc(t, b.body).Find("[role=alert]").Text())
		}
		if resp := b.get("/ship"); classify(resp) != toLogin {
			t.Errorf("%s: signed in anyway", tc.name)
		}
		if err := h.st.UpdateUser(ctx, &saved); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(16 * time.Minute) // out of the throttle's window
	}
}

// With BACKOFFICE_REQUIRE_2FA=all nobody may skip the second factor, so
// the sign-in page has no badge form and the route refuses.
func TestBadgeOffWhenEveryoneNeedsASecondFactor(t *testing.T) {
	h := newHarness(t, func(c *config.Config) { c.Require2FA = config.TwoFactorAll })
	b := h.browser()
	b.get("/login")
	if strings.Contains(b.body, "/login/badge") {
		t.Fatal("the badge form is offered under require-2fa=all")
	}
	if resp := b.post("/login/badge", url.Values{"badge_code": {annBadge}, "pin": {annPIN}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("badge sign-in under require-2fa=all: %d", resp.StatusCode)
	}
}

// A badge session ends after BACKOFFICE_BADGE_IDLE without use; the pick
// list's event stream does not keep it awake; a password session of the
// same person keeps the shift's idle time.
func TestBadgeSessionSignsOutWhenIdle(t *testing.T) {
	h := newHarness(t, func(c *config.Config) { c.BadgeIdle = 15 * time.Minute })
	withBadge(t, h)
	pwb := h.browser()
	pwb.signIn("ann@example.com", "correct horse battery fulfilment", "")

	b, _ := badgeSignIn(h, annBadge, annPIN)
	h.clock.Advance(14 * time.Minute)
	if resp := b.get("/ship"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after 14 minutes: %d", resp.StatusCode)
	}
	pwb.get("/ship")
	// Only the event stream, for 16 minutes.
	for range 4 {
		h.clock.Advance(4 * time.Minute)
		b.get("/ship/queue", "Accept", "text/event-stream")
	}
	if resp := b.get("/ship"); classify(resp) != toLogin {
		t.Fatalf("a badge session idle for 16 minutes is still signed in: %d", resp.StatusCode)
	}
	b.get("/login")
	if !strings.Contains(b.body, "Your session has expired") {
		t.Error("the sign-in page does not say why")
	}
	if resp := pwb.get("/ship"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the password session ended with the badge idle time: %d", resp.StatusCode)
	}
}

// "Shipped this shift" counts the person's parcels since the shift began,
// across the sign-ins of the day, and starts again after a long pause.
func TestShippedThisShiftAcrossSignIns(t *testing.T) {
	h := newHarness(t)
	withBadge(t, h)
	fx := h.sb.SaleFixtures()
	count := func(b *browser) string {
		b.get("/ship")
		return doc(t, b.body).Find("#shift-title").Text()
	}
	b, _ := badgeSignIn(h, annBadge, annPIN)
	for i, sale := range fx.ScanToShip[:2] {
		if resp := lookupAndShip(t, b, sale, "", trackingtest.UPS(t, 700+i)); resp.StatusCode != http.StatusOK {
			t.Fatalf("parcel %d: %d", i, resp.StatusCode)
		}
	}
	b.post("/logout", nil)
	h.clock.Advance(40 * time.Minute) // a break; someone else used the phone
	b2, _ := badgeSignIn(h, annBadge, annPIN)
	if got := count(b2); !strings.Contains(got, "(2)") {
		t.Fatalf("after signing in again: %q, want the shift's 2 parcels", got)
	}
	if resp := lookupAndShip(t, b2, fx.ScanToShip[2], "", trackingtest.UPS(t, 710)); resp.StatusCode != http.StatusOK {
		t.Fatal("third parcel")
	}
	if got := count(b2); !strings.Contains(got, "(3)") {
		t.Fatalf("after the third parcel: %q", got)
	}
	// The next day: a new shift.
	h.clock.Advance(14 * time.Hour)
	b3, _ := badgeSignIn(h, annBadge, annPIN)
	if got := count(b3); !strings.Contains(got, "(0)") {
		t.Fatalf("next day: %q, want a new shift", got)
	}
}

// A badge lost on the floor: the admin sees it on the member's page and
// removes it; whoever has it can no longer sign in with it, the session it
// opened ends, and the member's password session goes on.
func TestAdminRemovesALostBadge(t *testing.T) {
	h := newHarness(t)
	ann, _, annDesk := withBadge(t, h)
	floor, resp := badgeSignIn(h, annBadge, annPIN)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("badge sign-in: %d", resp.StatusCode)
	}
	admin, _ := h.signedInAs("admin")
	page := "/users/" + itoa(ann.ID)
	admin.get(page)
	d := doc(t, admin.body)
	if got := d.Find("dt:contains('Sign-in badge') + dd").Text(); !strings.Contains(got, "Set up") {
		t.Errorf("the member page shows the badge as %q", got)
	}
	if d.Find("td[data-label=Device] .badge:contains('Badge sign-in')").Length() != 1 {
		t.Error("the member page does not mark the one badge session")
	}
	remove := d.Find(`form[action="` + page + `/badge/remove"]`)
	if remove.Length() != 1 || remove.Find("input[name=_csrf]").Length() != 1 {
		t.Fatalf("no Remove badge form: %.1500s", admin.body)
	}

	resp = admin.post(page+"/badge/remove", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
		t.Fatalf("remove: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	admin.get(page)
	if !strings.Contains(admin.body, "badge is removed") || !strings.Contains(admin.body, "1 badge session ended") {
		t.Errorf("no message after removing: %.800s", admin.body)
	}
	d = doc(t, admin.body)
	if got := d.Find("dt:contains('Sign-in badge') + dd").Text(); strings.TrimSpace(got) != "None" {
		t.Errorf("after removing, the badge shows as %q", got)
	}
	if d.Find(`form[action="`+page+`/badge/remove"]`).Length() != 0 {
		t.Error("Remove badge is still offered")
	}
	if resp := floor.get("/ship"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("the badge session still works: %d", resp.StatusCode)
	}
	if resp := annDesk.get("/me"); resp.StatusCode != http.StatusOK {
		t.Errorf("the member's password session ended too: %d", resp.StatusCode)
	}
	if _, resp := badgeSignIn(h, annBadge, annPIN); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the removed badge still signs in: %d", resp.StatusCode)
	}
	rows := auditRows(t, h, "users.badge.remove")
	if len(rows) != 1 || rows[0].Outcome != "ok" || rows[0].Target != "user:"+itoa(ann.ID) {
		t.Fatalf("audit: %+v", rows)
	}
	admin.get("/audit")
	if !strings.Contains(doc(t, admin.body).Find("main").Text(), "removed "+ann.Name+"'s sign-in badge") {
		t.Errorf("the audit log does not say it in words")
	}
	// A badge with no session open: no count of none.
	if resp := annDesk.post("/me/badge", url.Values{"badge_code": {annBadge}, "pin": {annPIN}, "pin_again": {annPIN}, "password": {"correct horse battery fulfilment"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setting the badge again: %d", resp.StatusCode)
	}
	admin.post(page+"/badge/remove", url.Values{})
	admin.get(page)
	if !strings.Contains(admin.body, "badge is removed and no longer signs them in.") || strings.Contains(admin.body, "0 badge sessions") {
		t.Errorf("removing a badge with no session: %.600s", doc(t, admin.body).Find("#flash").Text())
	}
	// Again: nothing to remove, said plainly.
	admin.post(page+"/badge/remove", url.Values{})
	admin.get(page)
	if !strings.Contains(admin.body, "has no badge to remove") {
		t.Error("removing twice says nothing")
	}
}
