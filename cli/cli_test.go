package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf is a bytes.Buffer safe for the server goroutine and the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func envFor(dir string, extra map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		if k == "BACKOFFICE_DATA_DIR" {
			return filepath.Join(dir, "data")
		}
		return ""
	}
}

// TestServeFromEmptyDirectory starts the panel on its defaults, as `go run .`
// does, and checks what a new user is told and that the sandbox answers.
func TestServeFromEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuf
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, Env{Args: []string{"--addr", "127.0.0.1:0"}, Stdout: &out, Stderr: &errOut,
			Getenv: envFor(dir, nil), Ready: func(u string) { ready <- u }})
	}()
	var base string
	select {
	case base = <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d: %s %s", code, out.String(), errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	printed := out.String()
	if !strings.Contains(printed, "Backoffice listening on http://127.0.0.1:") || !strings.Contains(printed, "sandbox mode") {
		t.Errorf("start-up lines: %q", printed)
	}
	m := regexp.MustCompile(`Setup: (http://\S+/setup\?token=\S+)`).FindStringSubmatch(printed)
	if m == nil {
		t.Fatalf("no setup link in %q", printed)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Create the first admin") {
		t.Fatalf("setup link: %d", resp.StatusCode)
	}
	creds := regexp.MustCompile(`user (\S+), password (\S+)`).FindStringSubmatch(printed)
	if creds == nil {
		t.Fatalf("no sandbox credentials printed: %q", printed)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/sandbox/api/products/list_products", nil)
	req.SetBasicAuth(creds[1], creds[2])
	req.Header.Set("Accept", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"page_info"`) {
		t.Fatalf("sandbox list_products: %d %.200s", resp.StatusCode, body)
	}
	for _, f := range []string{"backoffice.db", "session.keys", "sandbox.credentials", "sandbox.json"} {
		fi, err := os.Stat(filepath.Join(dir, "data", f))
		if err != nil {
			t.Errorf("data/%s: %v", f, err)
			continue
		}
		if f != "sandbox.json" && f != "backoffice.db" && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("data/%s is readable by others: %v", f, fi.Mode())
		}
	}
	if strings.Contains(errOut.String(), creds[2]) {
		t.Error("the sandbox password appears in the log")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after shutdown: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	// A second start keeps the credentials and does not print the password.
	out2 := runCLI(t, dir, nil, "", "migrate")
	if !strings.Contains(out2, "Migrations applied") {
		t.Errorf("migrate: %q", out2)
	}
}

func runCLI(t *testing.T, dir string, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	var out, errOut syncBuf
	code := Main(context.Background(), Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: envFor(dir, env)})
	if code != 0 {
		t.Fatalf("backoffice %v: exit %d: %s%s", args, code, out.String(), errOut.String())
	}
	return out.String()
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	out := runCLI(t, dir, nil, "", "user", "add", "--email", "Ada@Example.com", "--name", "Ada Admin", "--role", "admin")
	if !strings.Contains(out, "Added Ada Admin <ada@example.com> as Admin") || !strings.Contains(out, "One-time password") {
		t.Fatalf("add with a generated password: %q", out)
	}
	out = runCLI(t, dir, nil, "a long and private passphrase\n", "user", "add", "--email", "sam@example.com", "--name", "Sam", "--role", "support")
	if strings.Contains(out, "One-time password") {
		t.Fatalf("a piped password was replaced by a generated one: %q", out)
	}
	list := runCLI(t, dir, nil, "", "user", "list")
	for _, want := range []string{"ada@example.com", "admin", "sam@example.com", "support", "active"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q: %s", want, list)
		}
	}
	runCLI(t, dir, nil, "", "user", "disable", "sam@example.com")
	if list := runCLI(t, dir, nil, "", "user", "list"); !strings.Contains(list, "disabled") {
		t.Errorf("after disable: %s", list)
	}
	out = runCLI(t, dir, nil, "", "user", "reset-password", "ada@example.com")
	if !strings.Contains(out, "One-time password (shown once)") {
		t.Errorf("reset-password: %q", out)
	}
	// Mistakes get a clear message and a non-zero exit.
	var errOut syncBuf
	code := Main(context.Background(), Env{Args: []string{"user", "add", "--email", "x@example.com", "--name", "X", "--role", "boss"},
		Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errOut, Getenv: envFor(dir, nil)})
	if code != 2 || !strings.Contains(errOut.String(), "role must be") {
		t.Errorf("bad role: exit %d, %q", code, errOut.String())
	}
	errOut = syncBuf{}
	code = Main(context.Background(), Env{Args: []string{"user", "add", "--email", "y@example.com", "--name", "Y", "--role", "viewer"},
		Stdin: strings.NewReader("short\n"), Stdout: io.Discard, Stderr: &errOut, Getenv: envFor(dir, nil)})
	if code != 1 || !strings.Contains(errOut.String(), "12") {
		t.Errorf("short password: exit %d, %q", code, errOut.String())
	}
}

func TestConfigurationErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"BACKOFFICE_SESSION_KEYS": "short"}, "too short"},
		{map[string]string{"TCO_API_URL": "https://www.2checkout.com/api"}, "TCO_API_USERNAME and TCO_API_PASSWORD are required"},
		{map[string]string{"BACKOFFICE_REQUIRE_2FA": "sometimes"}, "admins, all or none"},
		{map[string]string{"BACKOFFICE_SESSION_IDLE": "-5m"}, "positive duration"},
		{map[string]string{"BACKOFFICE_DATABASE_URL": "mysql://x"}, "postgres://"},
	} {
		var errOut syncBuf
		code := Main(context.Background(), Env{Args: []string{"--addr", "127.0.0.1:0"}, Stdout: io.Discard, Stderr: &errOut, Getenv: envFor(dir, tc.env)})
		if code == 0 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, %q (want %q)", tc.env, code, errOut.String(), tc.want)
		}
	}
}
