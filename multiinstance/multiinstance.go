// Package multiinstance runs real Backoffice processes from one built
// binary: the offline sandbox as a service of its own and any number of
// panels on one database, the way a merchant runs several instances behind a
// load balancer. The test beside it proves that such panels share sessions,
// throttles, form keys and the audit log; the load harness (cmd/loadtest)
// starts what it measures with it.
package multiinstance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ModuleRoot returns the directory of the module the working directory is
// in (the backoffice module, for its tests and commands).
func ModuleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside a Go module: run from the backoffice repository")
	}
	return filepath.Dir(mod), nil
}

// Build compiles the backoffice command of the module at moduleDir into out,
// statically (CGO_ENABLED=0) as the release build and the Docker image are.
func Build(ctx context.Context, moduleDir, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, msg)
	}
	return nil
}

// Spec describes one process to start.
type Spec struct {
	Name string // for messages: "sandbox", "panel A"
	Bin  string
	// Args come after the subcommand's own --addr, which Start adds.
	Args []string
	// Addr is the listen address; default 127.0.0.1:0 (a free port).
	Addr string
	// Env is the process's whole configuration. Nothing of the caller's
	// environment but PATH, HOME and TMPDIR is passed on, so a developer's
	// BACKOFFICE_* variables cannot change what a test runs.
	Env map[string]string
	// LogPath receives standard error (the structured logs), appended; empty
	// keeps the last megabyte in memory.
	LogPath string
	// Ready matches the line on standard output that says the process
	// listens; its first group is the base URL.
	Ready *regexp.Regexp
}

// Process is a running Backoffice process.
type Process struct {
	spec Spec
	// URL is the base URL the process printed when it started listening.
	URL string

	mu     sync.Mutex
	cmd    *exec.Cmd
	out    *tail
	logs   *tail
	logf   *os.File
	done   chan struct{}
	waited error
}

// startTimeout bounds how long a process may take to start listening (it
// migrates the database first).
const startTimeout = 60 * time.Second

// stopGrace is how long a process gets to finish after SIGTERM before it is
// killed; the panel's own shutdown grace is 25 seconds.
const stopGrace = 30 * time.Second

// Start runs spec and waits until the process listens.
func Start(ctx context.Context, spec Spec) (*Process, error) {
	if spec.Addr == "" {
		spec.Addr = "127.0.0.1:0"
	}
	p := &Process{spec: spec}
	if err := p.start(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Process) start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	args := append(append([]string(nil), p.spec.Args...), "--addr", p.spec.Addr)
	cmd := exec.Command(p.spec.Bin, args...)
	cmd.Env = environ(p.spec.Env)
	p.out, p.logs = &tail{max: 1 << 20}, &tail{max: 1 << 20}
	var stderr io.Writer = p.logs
	if p.spec.LogPath != "" {
		f, err := os.OpenFile(p.spec.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("%s: log file: %w", p.spec.Name, err)
		}
		p.logf = f
		stderr = io.MultiWriter(f, p.logs)
	}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start: %w", p.spec.Name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			line := sc.Text()
			p.out.Write([]byte(line + "\n"))
			if m := p.spec.Ready.FindStringSubmatch(line); !found && m != nil {
				found = true
				ready <- m[1]
			}
		}
		p.waited = cmd.Wait()
		if p.logf != nil {
			p.logf.Close()
		}
		close(p.done)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case u := <-ready:
		p.URL = u
		return nil
	case <-p.done:
		return fmt.Errorf("%s exited before listening (%v):\n%s%s", p.spec.Name, p.waited, p.out, p.logs)
	case <-timer.C:
	case <-ctx.Done():
	}
	_ = cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("%s did not start listening within %s:\n%s%s", p.spec.Name, startTimeout, p.out, p.logs)
}

func environ(settings map[string]string) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	for k, v := range settings {
		env = append(env, k+"="+v)
	}
	return env
}

// Pid is the process id of the running process.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd.Process.Pid
}

// Output is what the process printed on standard output.
func (p *Process) Output() string { return p.out.String() }

// Logs is the last megabyte of its standard error.
func (p *Process) Logs() string { return p.logs.String() }

// Stop asks the process to shut down gracefully (SIGTERM) and kills it when
// it has not exited within the grace period. Stopping a stopped process does
// nothing.
func (p *Process) Stop() error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	select {
	case <-done:
		return nil
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopGrace):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%s did not stop within %s and was killed", p.spec.Name, stopGrace)
	}
	var ee *exec.ExitError
	if p.waited != nil && !errors.As(p.waited, &ee) {
		return p.waited
	}
	return nil
}

// Kill ends the process at once with SIGKILL, as a crash, an OOM kill or a
// pulled plug does: no shutdown, nothing finished or flushed. Killing a
// stopped process does nothing.
func (p *Process) Kill() error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	select {
	case <-done:
		return nil
	default:
	}
	if err := cmd.Process.Kill(); err != nil {
		return fmt.Errorf("%s: kill: %w", p.spec.Name, err)
	}
	<-done
	return nil
}

// Restart stops the process gracefully and starts it again on the same
// address, as an operator's rolling restart does; after Kill it starts it
// again, as a supervisor does after a crash.
func (p *Process) Restart(ctx context.Context) error {
	if err := p.Stop(); err != nil {
		return err
	}
	u, err := url.Parse(p.URL)
	if err != nil {
		return err
	}
	p.spec.Addr = u.Host
	return p.start(ctx)
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

var (
	panelReady   = regexp.MustCompile(`^Backoffice listening on (http://\S+)`)
	sandboxReady = regexp.MustCompile(`^Offline 2Checkout Admin API listening on (http://\S+?)/api/`)
)

// SandboxConfig configures a `backoffice sandbox` process.
type SandboxConfig struct {
	Username, Password string // the credentials it accepts (HTTP Basic)
	DataDir            string // its state file lives here
	// Fault knobs at start, in the syntax of BACKOFFICE_SANDBOX_*; they can
	// be changed at run time through Control.
	Latency, FailRate, ForceError string
	Large                         int // extra generated products
	LogPath                       string
	Env                           map[string]string // anything else, e.g. GOMAXPROCS
}

// StartSandbox starts the offline Admin API as its own service. Its API is
// at URL+"/api", its control endpoints at URL+"/_sandbox/".
func StartSandbox(ctx context.Context, bin string, c SandboxConfig) (*Process, error) {
	env := map[string]string{"BACKOFFICE_DATA_DIR": c.DataDir, "TCO_API_USERNAME": c.Username, "TCO_API_PASSWORD": c.Password,
		"BACKOFFICE_LOG_LEVEL": "warn"}
	for k, v := range map[string]string{"BACKOFFICE_SANDBOX_LATENCY": c.Latency, "BACKOFFICE_SANDBOX_FAIL_RATE": c.FailRate,
		"BACKOFFICE_SANDBOX_FORCE_ERROR": c.ForceError} {
		if v != "" {
			env[k] = v
		}
	}
	if c.Large > 0 {
		env["BACKOFFICE_SANDBOX_LARGE"] = fmt.Sprint(c.Large)
	}
	for k, v := range c.Env {
		env[k] = v
	}
	return Start(ctx, Spec{Name: "sandbox", Bin: bin, Args: []string{"sandbox"}, Env: env, LogPath: c.LogPath, Ready: sandboxReady})
}

// PanelConfig configures one panel process.
type PanelConfig struct {
	Name    string // for messages
	DataDir string
	// DatabaseURL is the shared PostgreSQL database; empty: SQLite in
	// DataDir (one instance only).
	DatabaseURL string
	// SessionKeys are the cookie keys every instance shares.
	SessionKeys string
	// APIURL is the Admin API, e.g. a sandbox process's URL+"/api"; empty:
	// the panel mounts its own sandbox, as `go run .` does.
	APIURL, APIUsername, APIPassword string
	Require2FA                       string            // admins (default), all or none
	Env                              map[string]string // anything else
	LogPath                          string
}

// Environment is the panel's configuration as environment variables.
func (c PanelConfig) Environment() map[string]string {
	env := map[string]string{"BACKOFFICE_DATA_DIR": c.DataDir}
	for k, v := range map[string]string{"BACKOFFICE_DATABASE_URL": c.DatabaseURL, "BACKOFFICE_SESSION_KEYS": c.SessionKeys,
		"TCO_API_URL": c.APIURL, "TCO_API_USERNAME": c.APIUsername, "TCO_API_PASSWORD": c.APIPassword,
		"BACKOFFICE_REQUIRE_2FA": c.Require2FA} {
		if v != "" {
			env[k] = v
		}
	}
	for k, v := range c.Env {
		env[k] = v
	}
	return env
}

// StartPanel starts one panel (`backoffice serve`).
func StartPanel(ctx context.Context, bin string, c PanelConfig) (*Process, error) {
	name := c.Name
	if name == "" {
		name = "panel"
	}
	return Start(ctx, Spec{Name: name, Bin: bin, Args: []string{"serve"}, Env: c.Environment(), LogPath: c.LogPath, Ready: panelReady})
}

// AddUser runs `backoffice user add` against the panel's store, with the
// password on standard input, as an operator would.
func AddUser(ctx context.Context, bin string, c PanelConfig, email, name, role, password string) error {
	cmd := exec.CommandContext(ctx, bin, "user", "add", "--email", email, "--name", name, "--role", role)
	cmd.Env = environ(c.Environment())
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("backoffice user add %s: %w: %s", email, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Control talks to a sandbox's run-time control endpoints.
type Control struct {
	// URL is where /_sandbox/ lives: a sandbox process's base URL, or a
	// panel's URL+"/sandbox" when the panel mounts its own.
	URL                string
	Username, Password string
	HTTP               *http.Client
}

func (c *Control) do(ctx context.Context, method, path string, form url.Values, into any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.URL, "/")+path, body)
	if err != nil {
		return err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(c.Username, c.Password)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("sandbox %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sandbox %s: status %d: %s", path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			return fmt.Errorf("sandbox %s: %w", path, err)
		}
	}
	return nil
}

// Calls returns how many authenticated calls each API method has had since
// the sandbox started or was reset, failed ones included.
func (c *Control) Calls(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	return out, c.do(ctx, http.MethodGet, "/_sandbox/calls", nil, &out)
}

// Faults are the sandbox's fault knobs, in the syntax of its flags.
type Faults struct {
	Latency    string `json:"latency"`
	FailRate   string `json:"fail_rate"`
	ForceError string `json:"force_error"`
}

// SetFaults replaces all three knobs ("" or "0" turns one off).
func (c *Control) SetFaults(ctx context.Context, f Faults) error {
	return c.do(ctx, http.MethodPost, "/_sandbox/faults",
		url.Values{"latency": {f.Latency}, "fail_rate": {f.FailRate}, "force_error": {f.ForceError}}, nil)
}

// Reset puts the sandbox back to its seed and zeroes the call counts.
func (c *Control) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/_sandbox/reset", url.Values{}, nil)
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
