// Package e2e drives the whole panel in headless Chromium (Debian's package,
// never a downloaded browser) through the journeys people take.
package e2e

import (
	"bytes"
	"context"
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
	return p.Timeout(20 * time.Second)
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
