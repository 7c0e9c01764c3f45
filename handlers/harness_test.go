package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/config"
	"backoffice/handlers"
	"backoffice/sandbox"
	"backoffice/static"
	"backoffice/store"
	"backoffice/store/storetest"
)

// clock is a settable clock shared by the panel, its sessions and the tests,
// so expiry is tested without sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log output from concurrent requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// suite collects, across every test of the package, the log output of each
// harness and every secret a test saw (passwords, cookies, CSRF tokens, the
// API password, the secret word), so TestMain can check that none of them
// ever reached a log line.
var suite struct {
	mu      sync.Mutex
	logs    []*syncBuffer
	secrets map[string]bool
}

func suiteSecret(s string) {
	if len(s) < 8 {
		return // too short to search for without false alarms
	}
	suite.mu.Lock()
	defer suite.mu.Unlock()
	if suite.secrets == nil {
		suite.secrets = map[string]bool{}
	}
	suite.secrets[s] = true
}

func TestMain(m *testing.M) {
	code := m.Run()
	suiteSecret("wh1sky") // the sandbox's secret word
	suite.mu.Lock()
	for _, buf := range suite.logs {
		logs := buf.String()
		for s := range suite.secrets {
			if strings.Contains(logs, s) {
				fmt.Fprintf(os.Stderr, "FAIL: a secret (%.4s…, %d characters) appears in the log output of the test suite\n", s, len(s))
				code = 1
			}
		}
	}
	suite.mu.Unlock()
	os.Exit(code)
}

// harness is a whole panel on a test server: real router, real middleware, a
// temporary store and the sandbox behind a real HTTP client.
type harness struct {
	t   testing.TB
	srv *handlers.Server
	ts  *httptest.Server
	st  *store.Store
	sb  *sandbox.Sandbox
	// api talks to the same sandbox, for checking results there rather than
	// only on the page.
	api     *apiclient.Client
	clock   *clock
	logs    *syncBuffer
	hasher  *auth.Hasher
	cfg     *config.Config
	secrets []string
}

type harnessOpt func(*config.Config)

const apiUser, apiPass = "apiuser", "api-secret-password-123"

// cheapHasher makes a hasher that keeps tests fast; one test in auth uses
// the real parameters. Each harness has its own, so counting its key
// derivations counts that panel's work only.
func cheapHasher() *auth.Hasher {
	return auth.NewHasherWith(auth.Params{Memory: 64, Time: 1, Threads: 1}, 8)
}

func newHarness(t testing.TB, opts ...harnessOpt) *harness {
	t.Helper()
	return buildHarness(t, nil, nil, opts...)
}

// newHarnessWith is newHarness with extra options for the panel's API
// client, e.g. short timeouts to test an upstream that hangs, or a transport
// that records or fakes what the upstream answers.
func newHarnessWith(t testing.TB, clientOpts []apiclient.ClientOption, opts ...harnessOpt) *harness {
	t.Helper()
	return buildHarness(t, nil, clientOpts, opts...)
}

// newHarnessVia puts wrap in front of the sandbox for the panel's API calls
// only (a recording or failing proxy, say); h.api still talks to the plain
// sandbox, so results are checked where they landed.
func newHarnessVia(t testing.TB, wrap func(*sandbox.Sandbox) http.Handler, clientOpts ...apiclient.ClientOption) *harness {
	t.Helper()
	return buildHarness(t, wrap, clientOpts)
}

func buildHarness(t testing.TB, wrap func(*sandbox.Sandbox) http.Handler, clientOpts []apiclient.ClientOption, opts ...harnessOpt) *harness {
	t.Helper()
	cfg, _, err := config.Load("test", nil, func(string) string { return "" }, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(cfg)
	}
	h := &harness{t: t, cfg: cfg, clock: &clock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}, hasher: cheapHasher()}
	h.st = storetest.SQLite(t)
	h.sb, err = sandbox.New(sandbox.Config{Username: apiUser, Password: apiPass, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	sbts := httptest.NewServer(h.sb)
	t.Cleanup(sbts.Close)
	if h.api, err = apiclient.New(sbts.URL+"/api", apiUser, apiPass); err != nil {
		t.Fatal(err)
	}
	panelURL := sbts.URL
	if wrap != nil {
		proxy := httptest.NewServer(wrap(h.sb))
		t.Cleanup(proxy.Close)
		panelURL = proxy.URL
	}
	// Wired as serve wires it: the client reports its calls to /metrics.
	metrics := handlers.NewMetrics()
	api, err := apiclient.New(panelURL+"/api", apiUser, apiPass,
		append([]apiclient.ClientOption{apiclient.WithRetry(2, time.Millisecond, 5*time.Millisecond),
			apiclient.WithObserver(metrics.ObserveCall)}, clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	key := "test-session-key-0123456789-abcdefghijklmnop"
	sessions, err := auth.NewSessions(h.st, auth.SessionOptions{Keys: []string{key}, Idle: cfg.SessionIdle, Max: cfg.SessionMax,
		ShiftMax: cfg.ShiftSessionMax, ShiftIdle: cfg.ShiftSessionIdle, BadgeIdle: cfg.BadgeIdle, Passive: handlers.PassiveRequest, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	assets, err := static.New("/static/")
	if err != nil {
		t.Fatal(err)
	}
	h.srv, err = handlers.New(handlers.Deps{Config: cfg, Store: h.st, API: api, Assets: assets, Sessions: sessions,
		Hasher: h.hasher, Logger: log, Now: h.clock.Now, SetupToken: handlers.NewSetupToken(h.st), Metrics: metrics, BadgeKeys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	h.ts = httptest.NewServer(h.srv.Handler)
	t.Cleanup(h.ts.Close)
	h.secrets = []string{apiPass, key}
	suiteSecret(apiPass)
	suiteSecret(key)
	suite.mu.Lock()
	suite.logs = append(suite.logs, h.logs)
	suite.mu.Unlock()
	return h
}

// addUser creates an active user directly in the store. Admins (and anyone
// when twoFactor is set) get a TOTP secret, returned for signing in.
func (h *harness) addUser(email, role string, twoFactor bool) (u *store.User, password, secret string) {
	h.t.Helper()
	password = "correct horse battery " + role
	suiteSecret(password)
	hash, err := h.hasher.Hash(context.Background(), password)
	if err != nil {
		h.t.Fatal(err)
	}
	u = &store.User{Email: email, Name: strings.ToUpper(role[:1]) + role[1:] + " Person", Role: role, Status: "active",
		PasswordHash: hash, CreatedAt: h.clock.Now(), UpdatedAt: h.clock.Now()}
	if twoFactor {
		secret, err = auth.NewTOTPSecret()
		if err != nil {
			h.t.Fatal(err)
		}
		u.TOTPSecret, u.TOTPEnabled = secret, true
	}
	if err := h.st.CreateUser(context.Background(), u); err != nil {
		h.t.Fatal(err)
	}
	return u, password, secret
}

// browser is one cookie jar: a person at one browser.
type browser struct {
	h    *harness
	c    *http.Client
	csrf string
	// last response's body, for assertions
	body string
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{h: h, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)
var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) *http.Response {
	b.h.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b.body = string(raw)
	if m := csrfMeta.FindStringSubmatch(b.body); m != nil {
		b.csrf = m[1]
	} else if m := csrfInput.FindStringSubmatch(b.body); m != nil {
		b.csrf = m[1]
	}
	suiteSecret(b.csrf)
	for _, c := range resp.Cookies() {
		suiteSecret(c.Value)
	}
	resp.Body = io.NopCloser(strings.NewReader(b.body))
	return resp
}

func (b *browser) get(path string, headers ...string) *http.Response {
	req, _ := http.NewRequest(http.MethodGet, b.h.ts.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// post sends a form with the browser's current CSRF token (fetching a page
// first if it has none), as a same-origin browser would.
func (b *browser) post(path string, form url.Values, headers ...string) *http.Response {
	if b.csrf == "" {
		b.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	return b.postRaw(path, form, headers...)
}

// postRaw sends exactly the form given.
func (b *browser) postRaw(path string, form url.Values, headers ...string) *http.Response {
	req, _ := http.NewRequest(http.MethodPost, b.h.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.h.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// signIn goes through the password step and, when secret is set, the code
// step, and fails the test unless the browser ends up signed in.
func (b *browser) signIn(email, password, secret string) {
	b.h.t.Helper()
	b.get("/login")
	resp := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.h.t.Fatalf("sign-in of %s: status %d, body %.300s", email, resp.StatusCode, b.body)
	}
	if secret != "" {
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login/2fa") {
			b.h.t.Fatalf("sign-in of %s: expected the code step, went to %q", email, loc)
		}
		b.get("/login/2fa")
		code, err := auth.TOTPCode(secret, b.h.clock.Now())
		if err != nil {
			b.h.t.Fatal(err)
		}
		resp = b.post("/login/2fa", url.Values{"code": {code}})
		if resp.StatusCode != http.StatusSeeOther {
			b.h.t.Fatalf("code step of %s: status %d, body %.300s", email, resp.StatusCode, b.body)
		}
		// Each step accepts a code once: move the clock past this step so a
		// later sign-in in the same test gets a fresh code.
		b.h.clock.Advance(31 * time.Second)
	}
	if resp := b.get("/"); resp.StatusCode != http.StatusOK {
		b.h.t.Fatalf("after sign-in of %s, home gave %d (Location %q)", email, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// signedInAs creates a user of role and a browser signed in as them.
func (h *harness) signedInAs(role string) (*browser, *store.User) {
	h.t.Helper()
	twoFactor := role == "admin"
	u, pw, secret := h.addUser(role+"-"+auth.NewToken()[:6]+"@example.com", role, twoFactor)
	b := h.browser()
	b.signIn(u.Email, pw, secret)
	return b, u
}

// assertNoSecretsInLogs checks the suite's log output for every secret the
// harness knows of, plus the given ones.
func (h *harness) assertNoSecretsInLogs(extra ...string) {
	h.t.Helper()
	logs := h.logs.String()
	for _, s := range append(h.secrets, extra...) {
		if s != "" && strings.Contains(logs, s) {
			h.t.Errorf("a secret (%.4s…) appears in the log output", s)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// postTwiceAtOnce sends the same form twice at the same moment, as a double
// tap does, and returns both answers (bodies closed).
func (b *browser) postTwiceAtOnce(t *testing.T, path string, form url.Values) [2]*http.Response {
	t.Helper()
	var (
		wg    sync.WaitGroup
		resps [2]*http.Response
	)
	for i := range resps {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, b.h.ts.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", b.h.ts.URL)
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				resps[i] = &http.Response{Header: http.Header{}}
				return
			}
			resp.Body.Close()
			resps[i] = resp
		})
	}
	wg.Wait()
	return resps
}

// atSignIn is a new harness with one support member, Sam, who has no second
// factor, and a browser on the sign-in page.
func atSignIn(t *testing.T) (h *harness, sam *store.User, password string, b *browser) {
	t.Helper()
	h = newHarness(t)
	sam, password, _ = h.addUser("sam@example.com", "support", false)
	b = h.browser()
	b.get("/login")
	return h, sam, password, b
}
