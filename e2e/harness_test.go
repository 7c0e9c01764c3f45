// Package e2e drives the whole panel in headless Chromium (Debian's package,
// never a downloaded browser) through the journeys people take.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/cli"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// chromiumPath finds the browser, or skips the test with a reason — unless
// BACKOFFICE_TEST_REQUIRE names chromium (CI), where a missing browser fails.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("BACKOFFICE_TEST_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		if strings.Contains(os.Getenv("BACKOFFICE_TEST_REQUIRE"), "chromium") {
			t.Fatalf("browser tests need Chromium at %s (BACKOFFICE_TEST_CHROMIUM): %v", p, err)
		}
		t.Skip("browser tests need Chromium: install Debian's chromium or set BACKOFFICE_TEST_CHROMIUM")
	}
	return p
}

// panel is a running Backoffice started exactly as `go run .` starts it, in a
// temporary data directory, with its start-up output.
type panel struct {
	URL      string
	Out      *syncBuf
	Logs     *syncBuf
	SetupURL string
	dir      string
}

func startPanel(t *testing.T, env map[string]string) *panel {
	t.Helper()
	dir := t.TempDir()
	p := &panel{Out: &syncBuf{}, Logs: &syncBuf{}, dir: dir}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == "BACKOFFICE_DATA_DIR" {
			return filepath.Join(dir, "data")
		}
		return ""
	}
	go func() {
		done <- cli.Main(ctx, cli.Env{Args: []string{"--addr", "127.0.0.1:0"}, Stdout: p.Out, Stderr: p.Logs,
			Getenv: getenv, Ready: func(u string) { ready <- u }})
	}()
	select {
	case p.URL = <-ready:
	case <-done:
		t.Fatalf("panel did not start: %s %s", p.Out, p.Logs)
	case <-time.After(15 * time.Second):
		t.Fatal("panel did not start in time")
	}
	t.Cleanup(func() {
		cancel()
		<-done
	})
	if m := regexp.MustCompile(`Setup: (\S+)`).FindStringSubmatch(p.Out.String()); m != nil {
		p.SetupURL = m[1]
	}
	return p
}

// newBrowser launches headless Chromium with the flags this machine needs
// (no background networking: the machine has no network).
func newBrowser(t *testing.T) *rod.Browser {
	t.Helper()
	bin := chromiumPath(t)
	l := launcher.New().Bin(bin).Headless(true).NoSandbox(true).Leakless(false).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").Set("disable-background-networking").
		Set("disable-component-update").Set("disable-sync").UserDataDir(t.TempDir())
	u, err := l.Launch()
	if err != nil {
		t.Fatalf("launch chromium: %v", err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		t.Fatalf("connect to chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		l.Kill()
		l.Cleanup()
	})
	return b
}

// pageLifetime bounds everything one test does with a page, so a hung page
// fails the test instead of hanging it. rod's Timeout is a deadline for the
// page's whole life, not per step: a journey through many pages on a busy
// machine needs minutes, not seconds.
const pageLifetime = 4 * time.Minute

// phone opens a page in a fresh incognito context (its own cookies) at a
// 360x740 phone viewport.
func phone(t *testing.T, b *rod.Browser) *rod.Page {
	t.Helper()
	ctx, err := b.Incognito()
	if err != nil {
		t.Fatal(err)
	}
	p, err := ctx.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetViewport(&proto.EmulationSetDeviceMetricsOverride{Width: 360, Height: 740, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	return p.Timeout(pageLifetime)
}

// fill types into the input named name, replacing what is there.
func fill(p *rod.Page, name, value string) {
	el := p.MustElement(`[name="` + name + `"]`)
	el.MustSelectAllText().MustInput(value)
}

// submit clicks the form's submit button and waits for the next page.
func submit(p *rod.Page, selector string) {
	wait := p.MustWaitNavigation()
	p.MustElement(selector).MustClick()
	wait()
}

func totpNow(t *testing.T, secret string) string {
	t.Helper()
	code, err := auth.TOTPCode(strings.ReplaceAll(secret, " ", ""), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func text(p *rod.Page, selector string) string {
	return strings.TrimSpace(p.MustElement(selector).MustText())
}

func path(p *rod.Page) string {
	u := p.MustInfo().URL
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.Index(u, "/"); j >= 0 {
			return u[j:]
		}
	}
	return u
}

// withoutScripts stops every script from loading on the page, so it behaves
// as a browser with JavaScript off: the panel has no inline scripts (its CSP
// forbids them), so blocking script files leaves only plain HTML forms.
// (Disabling script execution through the DevTools protocol would also stop
// the test driver from reading the page.)
func withoutScripts(t *testing.T, page *rod.Page) {
	t.Helper()
	router := page.HijackRequests()
	router.MustAdd("*.js", func(h *rod.Hijack) { h.Response.Fail(proto.NetworkErrorReasonBlockedByClient) })
	go router.Run()
	t.Cleanup(func() { _ = router.Stop() })
}

// creds are the sandbox's API credentials the panel printed at start-up.
func (p *panel) creds(t *testing.T) (user, pass string) {
	t.Helper()
	m := regexp.MustCompile(`user (\S+), password (\S+)`).FindStringSubmatch(p.Out.String())
	if m == nil {
		t.Fatalf("no sandbox credentials in %q", p.Out.String())
	}
	return m[1], m[2]
}

// API is a client of the panel's sandbox, for checking results in the
// sandbox itself rather than only on the page.
func (p *panel) API(t *testing.T) *apiclient.Client {
	t.Helper()
	user, pass := p.creds(t)
	c, err := apiclient.New(p.URL+"/sandbox/api", user, pass)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addUser adds a team member through the command line, with a chosen
// password (so no first-sign-in change is due), and returns the password.
func (p *panel) addUser(t *testing.T, email, role string) string {
	t.Helper()
	password := "e2e passphrase for " + role
	var out, errOut syncBuf
	code := cli.Main(context.Background(), cli.Env{Args: []string{"user", "add", "--email", email, "--name", strings.ToUpper(role[:1]) + role[1:] + " Tester", "--role", role},
		Stdin: strings.NewReader(password + "\n"), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string {
			if k == "BACKOFFICE_DATA_DIR" {
				return filepath.Join(p.dir, "data")
			}
			return ""
		}})
	if code != 0 {
		t.Fatalf("user add: %s %s", out.String(), errOut.String())
	}
	return password
}

// signInAs creates a user with role and signs them in on a fresh phone-sized
// page, enrolling the second factor when the role needs one (admins). With
// js false the page has JavaScript disabled before anything loads, to prove
// every journey works as plain HTML forms.
func signInAs(t *testing.T, b *rod.Browser, p *panel, role string, js bool) *rod.Page {
	t.Helper()
	email := role + "-" + strings.ToLower(auth.NewToken()[:6]) + "@example.com"
	password := p.addUser(t, email, role)
	page := phone(t, b)
	if !js {
		withoutScripts(t, page)
	}
	page.MustNavigate(p.URL + "/login").MustWaitLoad()
	fill(page, "email", email)
	fill(page, "password", password)
	submit(page, `main button[type=submit]`)
	// With scripts on, the sign-in answer may arrive as an htmx redirect
	// that navigates a moment after the first navigation event: wait until
	// the browser has really left the sign-in page before reading where.
	if err := page.Timeout(30 * time.Second).Wait(rod.Eval(`() => location.pathname !== "/login"`)); err != nil {
		t.Fatalf("%s did not get signed in: still on /login (%v)", role, err)
	}
	if path(page) == "/me/2fa" {
		secret := text(page, "code.secret")
		fill(page, "code", totpNow(t, secret))
		submit(page, `form[action="/me/2fa"] button[type=submit]`)
		submit(page, "main a.btn")
	}
	if got := path(page); strings.HasPrefix(got, "/login") || strings.HasPrefix(got, "/me/") {
		t.Fatalf("%s did not get signed in: at %s", role, got)
	}
	return page
}

// getJSON fetches a JSON document with Basic credentials.
func getJSON(t *testing.T, url, user, pass string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.SetBasicAuth(user, pass)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
