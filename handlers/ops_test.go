package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/config"
	"backoffice/handlers"
	"backoffice/sandbox"
)

func TestHealthAndReadiness(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	if resp := b.get("/healthz"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, `"ok"`) {
		t.Fatalf("healthz: %d %s", resp.StatusCode, b.body)
	}
	if resp := b.get("/readyz"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, `"upstream":"ok"`) {
		t.Fatalf("readyz: %d %s", resp.StatusCode, b.body)
	}
	// An upstream outage is reported but does not make the panel unready.
	h2 := newHarness(t)
	h2.sb.SetFaults(sandbox.Faults{FailRate: 1})
	b2 := h2.browser()
	if resp := b2.get("/readyz"); resp.StatusCode != http.StatusOK || !strings.Contains(b2.body, `"upstream":"unavailable"`) {
		t.Fatalf("readyz with the upstream down: %d %s", resp.StatusCode, b2.body)
	}
	// The store down makes it unready, with a generic body.
	h.st.Close()
	if resp := b.get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(b.body, "sql") || strings.Contains(b.body, "database is closed") {
		t.Fatalf("readyz with the store closed: %d %s", resp.StatusCode, b.body)
	}
	if resp := b.get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz with the store closed: %d", resp.StatusCode)
	}
}

func TestNoDebugEndpoints(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("admin")
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/vars"} {
		if resp := b.get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

func TestPanicGivesAGenericPage(t *testing.T) {
	h := newHarness(t)
	h.srv.Echo.GET("/boom-for-test", func(c echo.Context) error { panic("secret internal detail") })
	b := h.browser()
	resp := b.get("/boom-for-test")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(b.body, "secret internal detail") || strings.Contains(b.body, "goroutine") {
		t.Fatal("the panic's detail reached the page")
	}
	if !strings.Contains(b.body, "Something went wrong") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatal("no friendly page, or no security headers on it")
	}
	// The process carries on.
	if resp := b.get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatal("server down after a panic")
	}
}

func TestMetricsCanBeLimited(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.get("/login")
	if resp := b.get("/metrics"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, `backoffice_http_requests_total{method="GET",route="/login",status="200"} 1`) {
		t.Fatalf("open metrics: %d", resp.StatusCode)
	}
	hl := newHarness(t, func(c *config.Config) { c.MetricsToken = "metrics-token-123" })
	bl := hl.browser()
	if resp := bl.get("/metrics"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("metrics without token: %d", resp.StatusCode)
	}
	if resp := bl.get("/metrics", "Authorization", "Bearer metrics-token-123"); resp.StatusCode != http.StatusOK {
		t.Fatalf("metrics with token: %d", resp.StatusCode)
	}
}

// TestSessionKeyRotation: a new key prepended keeps sessions valid; once the
// old key is dropped they are rejected.
func TestSessionKeyRotation(t *testing.T) {
	h := newHarness(t)
	u, _, _ := h.addUser("sam@example.com", "support", false)
	oldKey, newKey := strings.Repeat("o", 40), strings.Repeat("n", 40)
	opts := func(keys ...string) auth.SessionOptions {
		return auth.SessionOptions{Keys: keys, Idle: time.Hour, Max: 2 * time.Hour, Now: h.clock.Now}
	}
	oldM, _ := auth.NewSessions(h.st, opts(oldKey))
	req, _ := http.NewRequest(http.MethodGet, "http://panel.example/", nil)
	v, _ := oldM.Load(req)
	if err := oldM.Begin(req.Context(), v, u, true, "127.0.0.1", "test"); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := oldM.Save(rec, req, v); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	load := func(m *auth.Sessions) bool {
		r, _ := http.NewRequest(http.MethodGet, "http://panel.example/", nil)
		r.AddCookie(cookie)
		vis, err := m.Load(r)
		if err != nil {
			t.Fatal(err)
		}
		return vis.SignedIn()
	}
	rotated, _ := auth.NewSessions(h.st, opts(newKey, oldKey))
	if !load(rotated) {
		t.Fatal("a session from before the rotation was rejected while the old key is still listed")
	}
	dropped, _ := auth.NewSessions(h.st, opts(newKey))
	if load(dropped) {
		t.Fatal("a session signed with a dropped key was accepted")
	}
	if _, err := auth.NewSessions(h.st, opts("too-short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}

// TestMetricsCountWhatThePanelDoes: after a page, a comment, the same
// comment form sent again, a write 2Checkout refuses and a locked sign-in,
// /metrics says so in the series the README and the dashboard use.
func TestMetricsCountWhatThePanelDoes(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("support")
	id := h.sb.SaleFixtures().WithComments
	if st := b.get("/sales/" + id).Header.Get("Server-Timing"); !strings.HasPrefix(st, "upstream;dur=") || st == "upstream;dur=0.0" {
		t.Errorf("sale page Server-Timing %q, want the time it waited for 2Checkout", st)
	}
	key := openSale(t, b, id, "comments")
	form := url.Values{"comment": {"Parcel left with a neighbour"}, "_idem": {key}}
	for range 2 {
		if resp := b.post("/sales/"+id+"/comments", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment: %d", resp.StatusCode)
		}
	}
	if resp := b.post("/sales/99999999/comments", url.Values{"comment": {"x"}, "_idem": {handlers.NewFormKey()}}); resp.StatusCode == http.StatusSeeOther {
		t.Fatal("a comment on an unknown sale was accepted")
	}
	eve := h.browser()
	eve.get("/login")
	for range 6 {
		eve.post("/login", url.Values{"email": {"eve@example.com"}, "password": {"guess"}})
	}

	b.get("/metrics")
	for _, want := range []string{
		`backoffice_upstream_calls_total{method="sales/detail_sale",outcome="ok"}`,
		`backoffice_upstream_calls_total{method="sales/create_comment",outcome="ok"} 1`,
		`backoffice_upstream_seconds_count{method="sales/create_comment",outcome="ok"} 1`,
		`backoffice_upstream_connections_total`,
		`backoffice_write_outcomes_total{action="sales.comment",outcome="ok"} 1`,
		`backoffice_write_outcomes_total{action="sales.comment",outcome="failed"} 1`,
		`backoffice_idempotency_hits_total{action="sales.comment",result="replayed"} 1`,
		`backoffice_throttle_locked_total{by="account",scope="signin"} 1`,
		`backoffice_upstream_breaker_open 0`,
	} {
		if !strings.Contains(b.body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(b.body, "eve@example.com") || strings.Contains(b.body, id) {
		t.Error("/metrics names a person or a sale")
	}
}
