package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/handlers"
	"backoffice/sandbox"
	"backoffice/static"
	"backoffice/store"
)

// Refused sign-ins and 403s can be sent by anyone as fast as they like: the
// audit log lists the first ten of a minute per address or person and counts
// the rest, which housekeeping sums up in one "suppressed" entry.
func TestRepeatedRefusalsAreBoundedInTheAuditLog(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	anon := h.browser()
	anon.get("/login")
	for i := range 30 {
		// Thirty accounts, so no account lock gets in the way.
		anon.post("/login", url.Values{"email": {"guess" + itoa(int64(i)) + "@example.com"}, "password": {"wrong password"}})
	}
	if n := len(auditRows(t, h, "login.failed")); n != 10 {
		t.Errorf("%d login.failed entries for 30 refusals from one address in a minute, want 10", n)
	}
	viewer, _ := h.signedInAs("viewer")
	for range 30 {
		if resp := viewer.get("/users"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("viewer on /users: %d", resp.StatusCode)
		}
	}
	if n := len(auditRows(t, h, "access.denied")); n != 10 {
		t.Errorf("%d access.denied entries for 30 refusals of one person in a minute, want 10", n)
	}

	h.clock.Advance(2 * time.Minute)
	if n, err := h.st.RollUpAuditCounts(ctx, h.clock.Now(), h.clock.Now()); err != nil || n != 2 {
		t.Fatalf("RollUpAuditCounts = %d, %v; want the two summaries", n, err)
	}
	for action, more := range map[string]string{"login.failed": "20 more", "access.denied": "20 more"} {
		var summary *store.AuditEntry
		for _, e := range auditRows(t, h, action) {
			if e.Outcome == store.AuditSuppressed {
				summary = &e
			}
		}
		if summary == nil || !strings.HasPrefix(summary.Detail, more) || summary.Actor != "system" {
			t.Errorf("%s summary: %+v", action, summary)
		}
	}
	admin, _ := h.signedInAs("admin")
	admin.get("/audit?action=login.failed")
	if !strings.Contains(admin.body, "repeats counted, not listed one by one") {
		t.Error("the audit page does not word the suppressed outcome")
	}
}

// The CSRF token counts only from the form body or the X-CSRF-Token header:
// a token in the query string (which leaks through logs, history and
// Referer) is not accepted.
func TestCSRFTokenIsNotReadFromTheQueryString(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("support")
	b.get("/me/sessions")
	tok := b.csrf
	path := "/me/sessions/end-others"
	if resp := b.postRaw(path+"?_csrf="+url.QueryEscape(tok), url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token in the query string: %d, want 403", resp.StatusCode)
	}
	if resp := b.postRaw(path, url.Values{}, "X-CSRF-Token", tok); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("token in the header: %d, want accepted", resp.StatusCode)
	}
	if resp := b.postRaw(path, url.Values{"_csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("token in the body: %d, want accepted", resp.StatusCode)
	}
}

// The sandbox mounted at /sandbox/ is served on the panel's origin, so its
// answers (JSON, XML, the HTML page, errors) carry the panel's headers.
func TestSandboxAnswersCarryThePanelsSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	assets, err := static.New("/static/")
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := auth.NewSessions(h.st, auth.SessionOptions{Keys: []string{"sandbox-mount-session-key-0123456789abcdef"},
		Idle: h.cfg.SessionIdle, Max: h.cfg.SessionMax, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(handlers.Deps{Config: h.cfg, Store: h.st, API: h.api, Sandbox: h.sb, Assets: assets, Sessions: sessions,
		Hasher: h.hasher, Now: h.clock.Now, SetupToken: handlers.NewSetupToken(h.st)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()
	for _, c := range []struct {
		path, accept string
		auth         bool
	}{
		{"/sandbox/api/acct/detail_company_info", "application/json", true},
		{"/sandbox/api/acct/detail_company_info", "text/html", true},
		{"/sandbox/api/acct/detail_company_info", "application/json", false},
		{"/sandbox/api/no/such/method", "application/json", true},
		{"/sandbox/_sandbox/calls", "", true},
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept", c.accept)
		}
		if c.auth {
			req.SetBasicAuth(apiUser, apiPass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		hd := resp.Header
		what := c.path + " (" + c.accept + ", " + resp.Status + ")"
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin", "Cache-Control": "no-store", "Cross-Origin-Opener-Policy": "same-origin"} {
			if hd.Get(name) != want {
				t.Errorf("%s: %s %q, want %q", what, name, hd.Get(name), want)
			}
		}
		if csp := hd.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", what, csp)
		}
	}
}

// After repeated upstream failures the circuit breaker answers at once, in
// plain words: reads say calls are paused, a write is refused with nothing
// sent, and /readyz reports the breaker without going unready.
func TestCircuitBreakerInPlainWords(t *testing.T) {
	h := newHarnessWith(t, []apiclient.ClientOption{apiclient.WithBreaker(2, time.Minute)})
	b, _ := h.signedInAs("catalogue")
	b.get("/coupons/new")
	key := ocFormKey(t, b)
	h.sb.SetFaults(sandbox.Faults{FailRate: 1})
	for range 2 {
		b.get("/coupons")
	}
	calls := h.sb.Calls("list_coupons")
	resp := b.get("/coupons")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(b.body, "2Checkout is not answering; calls are paused until ") ||
		!strings.Contains(b.body, "Nothing was sent; try again shortly.") {
		t.Errorf("read while the breaker is open: %d %s", resp.StatusCode, errorText(b.body))
	}
	if n := h.sb.Calls("list_coupons"); n != calls {
		t.Errorf("a read was sent while the breaker was open (%d calls, was %d)", n, calls)
	}
	resp = b.post("/coupons", ocCouponForm(key))
	if resp.StatusCode != http.StatusServiceUnavailable ||
		!strings.Contains(b.body, "2Checkout is not answering; the panel has paused its calls until ") ||
		!strings.Contains(b.body, "Nothing was sent, so the change was not made; it is safe to send it again later.") {
		t.Errorf("write while the breaker is open: %d %s", resp.StatusCode, ocTopErr(b.body))
	}
	if n := h.sb.Calls("create_coupon"); n != 0 {
		t.Errorf("%d create_coupon calls while the breaker was open", n)
	}
	if !strings.Contains(b.body, `value="NEW10"`) {
		t.Error("the refused form lost its input")
	}
	if resp := b.get("/readyz"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, `"breaker":"open"`) ||
		!strings.Contains(b.body, `"breaker_open_until"`) {
		t.Errorf("readyz with the breaker open: %d %s", resp.StatusCode, b.body)
	}
	if a := ocAuditText(t, h); !strings.Contains(a, "coupons.create coupon:NEW10 failed") {
		t.Errorf("the refused write is not in the audit log: %.400s", a)
	}
}

// The live API answers an empty list with RECORD_NOT_FOUND: the panel says
// nothing was found instead of showing a 404.
func TestEmptyListsSayNothingFound(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	if resp := b.get("/options?name=no-such-option-anywhere"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "No options match these filters.") {
		t.Errorf("options search without a match: %d %s", resp.StatusCode, errorText(b.body))
	}
	list, err := h.api.ListCoupons(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, cp := range list {
		if _, err := h.api.DeleteCoupon(context.Background(), apiclient.DeleteCouponParams{CouponCode: cp.CouponCode.Value}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.api.ListCoupons(context.Background()); !apiclient.IsNotFound(err) {
		t.Fatalf("the sandbox's empty coupon list: %v, want RECORD_NOT_FOUND", err)
	}
	if resp := b.get("/coupons"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "No coupons match these filters.") {
		t.Errorf("coupons of an account without any: %d %s", resp.StatusCode, errorText(b.body))
	}
}

// A coupon rename or delete, or an option delete, sent again (the back
// button after it went through) finds no record under the old code: it
// replays the first outcome instead of a 404, and nothing is sent twice.
func TestCouponRenameAndDeleteResendReplay(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/coupons/HEADPHONES-20/edit")
	f := url.Values{"_idem": {ocFormKey(t, b)}, "new_code": {"HP-SALE"}, "type": {"product"}, "discount": {"percent"}, "amount": {"20"},
		"minimum_purchase": {"0"}, "date_expire": {"2026-12-31"}, "applies": {"some"}, "product_id": {headphonesID}}
	for i := range 2 {
		resp := b.post("/coupons/HEADPHONES-20", f)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/coupons/HP-SALE" {
			t.Fatalf("rename, sending %d: %d %q %s", i+1, resp.StatusCode, resp.Header.Get("Location"), errorText(b.body))
		}
	}
	b.get("/coupons/HP-SALE")
	if !strings.Contains(b.body, "This form was already sent: coupon HEADPHONES-20 was renamed to HP-SALE and saved.") {
		t.Errorf("the resend does not say what happened: %s", b.body[strings.Index(b.body, `id="flash"`):][:400])
	}
	if n := h.sb.Calls("update_coupon"); n != 1 {
		t.Errorf("%d update_coupon calls, want 1", n)
	}

	b.get("/coupons/HP-SALE/delete")
	del := url.Values{"_idem": {ocFormKey(t, b)}}
	for i := range 2 {
		if resp := b.post("/coupons/HP-SALE/delete", del); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/coupons" {
			t.Fatalf("delete, sending %d: %d %q %s", i+1, resp.StatusCode, resp.Header.Get("Location"), errorText(b.body))
		}
	}
	if n := h.sb.Calls("delete_coupon"); n != 1 {
		t.Errorf("%d delete_coupon calls, want 1", n)
	}
	// An option's delete, sent again, the same.
	b.get("/options/4688550010/delete")
	del = url.Values{"_idem": {ocFormKey(t, b)}}
	for i := range 2 {
		if resp := b.post("/options/4688550010/delete", del); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/options" {
			t.Fatalf("option delete, sending %d: %d %q %s", i+1, resp.StatusCode, resp.Header.Get("Location"), errorText(b.body))
		}
	}
	if n := h.sb.Calls("delete_option"); n != 1 {
		t.Errorf("%d delete_option calls, want 1", n)
	}
	// A form that was never sent still gets the 404 of a code nobody has.
	f.Set("_idem", handlers.NewFormKey())
	if resp := b.post("/coupons/HEADPHONES-20", f); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a new form for a gone coupon: %d, want 404", resp.StatusCode)
	}
}

// bidiOrInvisible matches a direction control or a run of zero-width
// characters that reached a page as themselves.
var bidiOrInvisible = regexp.MustCompile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]|>[\u200b\u200c\u200d\u2060\ufeff]+<")

// formValues matches what a form field holds: those keep the API's text as
// it is, so saving the form sends back exactly what 2Checkout has.
var formValues = regexp.MustCompile(`(?s) value="[^"]*"|<textarea[^>]*>.*?</textarea>`)

// Right-to-left overrides and names made only of zero-width characters
// are shown as codes on every page that shows API text, as comments are.
func TestHostileTextIsShownAsCodesOnEveryPage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	fx := h.sb.SaleFixtures()
	zw, err := h.api.CreateProduct(ctx, apiclient.CreateProductParams{Name: "\u200b\u200b", Price: "1.00",
		Description: "\u202eevil", LongDescription: "Long \u202etxt.exe"})
	if err != nil {
		t.Fatal(err)
	}
	opt, err := h.api.CreateOption(ctx, apiclient.CreateOptionParams{OptionName: "\u200b",
		OptionValueNames: []string{"\u202eLLIK"}, OptionValueSurcharges: []string{"1.00"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.api.CreateComment(ctx, apiclient.CreateCommentParams{SaleID: fx.WithComments, SaleComment: "\u200b"}); err != nil {
		t.Fatal(err)
	}
	b, _ := h.signedInAs("admin")
	pages := map[string][]string{
		"/products":                                   nil,
		"/products/" + fx.HostileProduct:              {"[U+202E]gnp.exe"},
		"/products/" + fx.HostileProduct + "/delete":  nil,
		"/products/" + zw.ProductID.Value:             {"<h1>[U+200B][U+200B]</h1>", "[U+202E]evil", "Long [U+202E]txt.exe"},
		"/products/" + zw.ProductID.Value + "/delete": {"Delete [U+200B][U+200B]?"},
		"/products/new":                               nil,
		"/options":                                    nil,
		"/options/" + opt.OptionID.Value:              {"[U+200B]", "[U+202E]LLIK"},
		"/options/" + opt.OptionID.Value + "/delete":  {"Delete option [U+200B]?"},
		"/coupons/new":                                {"[U+200B][U+200B]"},
		"/coupons":                                    nil,
		"/sales/" + fx.WithComments:                   {"[U+202E]txt.exe[U+202C]", `<p class="note">[U+200B]</p>`},
		"/sales/" + fx.HostileCustomer:                nil,
		"/sales?customer_name=Bobby":                  nil,
		"/account":                                    nil,
		"/":                                           nil,
	}
	for path, wants := range pages {
		if resp := b.get(path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, resp.StatusCode)
			continue
		}
		shown := formValues.ReplaceAllString(b.body, "")
		if m := bidiOrInvisible.FindString(shown); m != "" {
			t.Errorf("%s: %q reaches the page as itself", path, m)
		}
		for _, w := range wants {
			if !strings.Contains(b.body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
	// The edit forms keep the raw text, so saving sends back what is there.
	b.get("/products/" + zw.ProductID.Value + "/edit")
	if !strings.Contains(b.body, `value="`+"\u200b\u200b"+`"`) {
		t.Error("the edit form does not keep the name as it is")
	}
}
