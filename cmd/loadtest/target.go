package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"backoffice/auth"
	"backoffice/multiinstance"
	"backoffice/panelclient"
)

// target is the panel under load and what the harness knows of it.
type target struct {
	url     string
	panel   *multiinstance.Process // nil when given -url
	sandbox *multiinstance.Process // the sandbox service, with -sandbox process
	proxy   *upstreamProxy         // between the panel and that sandbox
	control *multiinstance.Control // nil when the sandbox cannot be reached
	dir     string
	bin     string
	cfg     multiinstance.PanelConfig

	// auditor is an admin the harness uses for the audit log and checks;
	// it is not one of the simulated users.
	auditor *user
	users   []*user
	// created lists team members made through the Team page (with -url),
	// disabled again at the end.
	created []string

	restartMu  sync.Mutex
	cpuBefore  float64 // CPU of earlier incarnations of the panel (restarts)
	peakBefore float64 // their peak resident memory
}

func randomSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// startOwn builds the panel (unless -bin), starts the sandbox and the panel,
// and creates the users with `backoffice user add`.
func startOwn(ctx context.Context, o *options, r *run) (*target, error) {
	dir, err := os.MkdirTemp("", "loadtest-")
	if err != nil {
		return nil, err
	}
	t := &target{dir: dir, bin: o.bin}
	if t.bin == "" {
		root, err := multiinstance.ModuleRoot(ctx)
		if err != nil {
			return t, err
		}
		t.bin = filepath.Join(dir, "backoffice")
		fmt.Fprintf(os.Stderr, "building the panel (go build) ...\n")
		if err := multiinstance.Build(ctx, root, t.bin); err != nil {
			return t, err
		}
	}
	apiUser, apiPass := "loadtest-"+strings.ToLower(r.id), randomSecret(18)
	t.cfg = multiinstance.PanelConfig{Name: "panel", DataDir: filepath.Join(dir, "panel"), Require2FA: "none",
		LogPath: filepath.Join(dir, "panel.log"), DatabaseURL: o.databaseURL, APIUsername: apiUser, APIPassword: apiPass,
		Env: map[string]string{}}
	if o.databaseURL != "" {
		t.cfg.SessionKeys = randomSecret(36) + "," + randomSecret(36)
	}
	if o.gomaxprocs != "" {
		t.cfg.Env["GOMAXPROCS"] = o.gomaxprocs
	}
	switch o.sandboxMode {
	case "process":
		t.sandbox, err = multiinstance.StartSandbox(ctx, t.bin, multiinstance.SandboxConfig{Username: apiUser, Password: apiPass,
			DataDir: filepath.Join(dir, "sandbox"), LogPath: filepath.Join(dir, "sandbox.log"), Large: o.large})
		if err != nil {
			return t, err
		}
		u, _ := url.Parse(t.sandbox.URL)
		if t.proxy, err = newUpstreamProxy(u.Host); err != nil {
			return t, err
		}
		t.cfg.APIURL = "http://" + t.proxy.Addr() + "/api"
		t.control = &multiinstance.Control{URL: t.sandbox.URL, Username: apiUser, Password: apiPass}
	case "inprocess":
		// The panel mounts its own sandbox, as `go run .` does.
		if o.large > 0 {
			t.cfg.Env["BACKOFFICE_SANDBOX_LARGE"] = fmt.Sprint(o.large)
		}
	default:
		return t, fmt.Errorf("-sandbox: want process or inprocess, got %q", o.sandboxMode)
	}
	for _, role := range o.roles {
		for i := range o.users {
			u := &user{r: r, role: role, email: fmt.Sprintf("lt-%s-%s-%d@example.com", strings.ToLower(r.id), role, i+1),
				password: "load test " + r.id + " " + role + " meadow " + fmt.Sprint(i+1)}
			t.users = append(t.users, u)
		}
	}
	t.auditor = &user{r: r, role: "admin", email: "lt-" + strings.ToLower(r.id) + "-auditor@example.com", password: "load test auditor " + r.id + " lantern"}
	fmt.Fprintf(os.Stderr, "creating %d users (backoffice user add) ...\n", len(t.users)+1)
	for _, u := range append([]*user{t.auditor}, t.users...) {
		if err := multiinstance.AddUser(ctx, t.bin, t.cfg, u.email, "Load "+u.role, u.role, u.password); err != nil {
			return t, err
		}
	}
	if t.panel, err = multiinstance.StartPanel(ctx, t.bin, t.cfg); err != nil {
		return t, err
	}
	t.url = t.panel.URL
	if t.control == nil {
		t.control = &multiinstance.Control{URL: t.url + "/sandbox", Username: apiUser, Password: apiPass}
	}
	return t, nil
}

// useURL aims at a running panel. The admin given signs in as the harness's
// auditor and as every simulated admin (one session: a second factor code
// works once); the other users are added on the Team page and disabled
// again at the end.
func useURL(ctx context.Context, o *options, r *run) (*target, error) {
	t := &target{url: strings.TrimRight(o.url, "/")}
	if o.sandboxUser != "" {
		su := o.sandboxURL
		if su == "" {
			su = t.url + "/sandbox"
		}
		t.control = &multiinstance.Control{URL: su, Username: o.sandboxUser, Password: o.sandboxPassword}
	}
	if o.adminEmail == "" || o.adminPassword == "" {
		return t, errors.New("-url needs -admin-email and LOADTEST_ADMIN_PASSWORD (an admin to add the users and read the audit log)")
	}
	t.auditor = &user{r: r, role: "admin", email: o.adminEmail, password: o.adminPassword}
	t.auditor.br = panelclient.New(t.url, r.transport())
	if err := signInWithCode(ctx, t.auditor, o.adminTOTP); err != nil {
		return t, err
	}
	for _, role := range o.roles {
		for i := range o.users {
			u := &user{r: r, role: role}
			if role == "admin" {
				u.email, u.password, u.br = t.auditor.email, t.auditor.password, t.auditor.br
			} else if err := t.addOnTeamPage(ctx, u, fmt.Sprintf("lt-%s-%s-%d@example.com", strings.ToLower(r.id), role, i+1)); err != nil {
				return t, err
			}
			t.users = append(t.users, u)
		}
	}
	return t, nil
}

func signInWithCode(ctx context.Context, u *user, totpSecret string) error {
	if err := u.signIn(ctx); err != nil {
		return err
	}
	if totpSecret == "" {
		return nil
	}
	page, err := u.br.Get(ctx, "/login/2fa")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/login/2fa"]`)
	if err != nil {
		return fmt.Errorf("second step: %w", err)
	}
	code, err := auth.TOTPCode(strings.ReplaceAll(totpSecret, " ", ""), time.Now())
	if err != nil {
		return err
	}
	f.Values.Set("code", code)
	resp, err := u.br.Submit(ctx, f)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusSeeOther || strings.HasPrefix(resp.Location(), "/login") {
		return fmt.Errorf("second step of %s: status %d", u.email, resp.Status)
	}
	return nil
}

var userLink = regexp.MustCompile(`^/users/(\d+)$`)

// addOnTeamPage adds a member as an admin does, then signs them in and
// replaces the one-time password, as the member does at first sign-in.
func (t *target) addOnTeamPage(ctx context.Context, u *user, email string) error {
	admin := t.auditor.br
	page, err := admin.Get(ctx, "/users/new")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/users"]`)
	if err != nil {
		return err
	}
	f.Values.Set("name", "Load "+u.role)
	f.Values.Set("email", email)
	f.Values.Set("role", u.role)
	shown, err := admin.Submit(ctx, f)
	if err != nil {
		return err
	}
	once := shown.Text("code.secret")
	if shown.Status != http.StatusOK || once == "" {
		return fmt.Errorf("adding %s on the Team page: status %d", email, shown.Status)
	}
	for _, l := range shown.Links("/users/") {
		if m := userLink.FindStringSubmatch(l); m != nil {
			t.created = append(t.created, m[1])
		}
	}
	u.email, u.password = email, once
	u.br = panelclient.New(t.url, u.r.transport())
	if err := u.signIn(ctx); err != nil {
		return err
	}
	pw, err := u.br.Get(ctx, "/me/password")
	if err != nil {
		return err
	}
	cf, err := pw.Form(`form[action="/me/password"]`)
	if err != nil {
		return err
	}
	u.password = "load test " + randomSecret(12)
	cf.Values.Set("current_password", once)
	cf.Values.Set("new_password", u.password)
	resp, err := u.br.Submit(ctx, cf)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusSeeOther {
		return fmt.Errorf("first password of %s: status %d", email, resp.Status)
	}
	return nil
}

// cleanUp disables the members added on the Team page.
func (t *target) cleanUp(ctx context.Context) {
	for _, id := range t.created {
		page, err := t.auditor.br.Get(ctx, "/users/"+id)
		if err != nil {
			continue
		}
		if f, err := page.Form(`form[action="/users/` + id + `/disable"]`); err == nil {
			_, _ = t.auditor.br.Submit(ctx, f)
		}
	}
}

// stop ends what the harness started.
func (t *target) stop(keep bool) {
	if t.panel != nil {
		if err := t.panel.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if t.proxy != nil {
		t.proxy.Close()
	}
	if t.sandbox != nil {
		if err := t.sandbox.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if t.dir == "" {
		return
	}
	if keep {
		fmt.Fprintf(os.Stderr, "kept %s (panel.log, data)\n", t.dir)
		return
	}
	_ = os.RemoveAll(t.dir)
}

// restart restarts the panel gracefully on the same address, keeping what
// its earlier incarnation used.
func (t *target) restart(ctx context.Context) error {
	t.restartMu.Lock()
	defer t.restartMu.Unlock()
	pid := t.panel.Pid()
	cpu, peak := procCPU(pid), procPeakRSS(pid)
	if err := t.panel.Restart(ctx); err != nil {
		return err
	}
	t.cpuBefore += cpu
	t.peakBefore = max(t.peakBefore, peak)
	return nil
}

// panelCPU is the CPU time every incarnation of the panel used, from /proc;
// ok is false when the harness did not start the panel.
func (t *target) panelCPU() (float64, bool) {
	if t.panel == nil {
		return 0, false
	}
	t.restartMu.Lock()
	defer t.restartMu.Unlock()
	return t.cpuBefore + procCPU(t.panel.Pid()), true
}

func (t *target) panelPeakRSS() float64 {
	if t.panel == nil {
		return 0
	}
	t.restartMu.Lock()
	defer t.restartMu.Unlock()
	return max(t.peakBefore, procPeakRSS(t.panel.Pid()))
}

// discover reads what the users will pick from, as the auditor: every sale
// (following the pages), the products and coupons of the first pages.
func (t *target) discover(ctx context.Context) (*catalog, error) {
	c := &catalog{claimed: map[string]bool{}}
	br := t.auditor.br
	seen := map[string]bool{}
	for page := 1; page <= 50; page++ {
		p, err := br.Get(ctx, fmt.Sprintf("/sales?size=100&page=%d", page))
		if err != nil {
			return nil, err
		}
		if p.Status != http.StatusOK {
			break
		}
		added := 0
		for _, l := range p.Links("/sales/") {
			id := strings.TrimPrefix(l, "/sales/")
			if id != "" && !strings.ContainsAny(id, "/?#") && !seen[id] {
				seen[id] = true
				c.sales = append(c.sales, id)
				added++
			}
		}
		if added == 0 {
			break
		}
	}
	for page := 1; page <= 3; page++ {
		p, err := br.Get(ctx, fmt.Sprintf("/products?page=%d", page))
		if err != nil {
			return nil, err
		}
		for _, l := range p.Links("/products/") {
			id := strings.TrimPrefix(l, "/products/")
			if id != "" && id != "new" && !strings.ContainsAny(id, "/?#") {
				c.products = append(c.products, id)
			}
		}
	}
	p, err := br.Get(ctx, "/coupons")
	if err != nil {
		return nil, err
	}
	for _, l := range p.Links("/coupons/") {
		code := strings.TrimPrefix(l, "/coupons/")
		if code != "" && code != "new" && !strings.ContainsAny(code, "/?#") {
			if dec, err := url.PathUnescape(code); err == nil {
				c.coupons = append(c.coupons, dec)
			}
		}
	}
	if len(c.sales) == 0 || len(c.products) == 0 || len(c.coupons) == 0 {
		return nil, fmt.Errorf("the panel lists %d sales, %d products and %d coupons: nothing to work with", len(c.sales), len(c.products), len(c.coupons))
	}
	return c, nil
}
