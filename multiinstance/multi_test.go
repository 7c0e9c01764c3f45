package multiinstance_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/auth"
	"backoffice/multiinstance"
	"backoffice/panelclient"
	"backoffice/sandbox"
	"backoffice/store/storetest"
)

// cluster is one sandbox process and two panel processes, A and B, on one
// PostgreSQL schema, as behind a load balancer.
type cluster struct {
	t       *testing.T
	bin     string
	sandbox *multiinstance.Process
	control *multiinstance.Control
	a, b    *multiinstance.Process
	panel   multiinstance.PanelConfig // shared settings (the data dir differs per panel)
	audit   *expectations
}

const apiUser, apiPass = "sandbox-multi", "sandbox-multi-password-0123"

func startCluster(t *testing.T) *cluster {
	t.Helper()
	db := storetest.PostgresConfig(t).DatabaseURL // skips without PostgreSQL, fails when CI requires it
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	root, err := multiinstance.ModuleRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "backoffice")
	if err := multiinstance.Build(ctx, root, bin); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, bin: bin, audit: &expectations{}}
	c.sandbox, err = multiinstance.StartSandbox(ctx, bin, multiinstance.SandboxConfig{Username: apiUser, Password: apiPass,
		DataDir: filepath.Join(dir, "sandbox")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopLogged(t, c.sandbox) })
	c.control = &multiinstance.Control{URL: c.sandbox.URL, Username: apiUser, Password: apiPass}
	c.panel = multiinstance.PanelConfig{DatabaseURL: db,
		SessionKeys: auth.NewToken() + auth.NewToken() + "," + auth.NewToken() + auth.NewToken(),
		APIURL:      c.sandbox.URL + "/api", APIUsername: apiUser, APIPassword: apiPass, Require2FA: "none"}

	// Both panels start at once on the empty schema: the migrations must
	// serialise themselves, as when an orchestrator starts every replica.
	var wg sync.WaitGroup
	var errA, errB error
	start := func(name string, p **multiinstance.Process, e *error) {
		defer wg.Done()
		cfg := c.panel
		cfg.Name, cfg.DataDir = name, filepath.Join(dir, name)
		*p, *e = multiinstance.StartPanel(ctx, bin, cfg)
	}
	wg.Add(2)
	go start("panel A", &c.a, &errA)
	go start("panel B", &c.b, &errB)
	wg.Wait()
	for _, p := range []*multiinstance.Process{c.a, c.b} {
		if p != nil {
			t.Cleanup(func() { stopLogged(t, p) })
		}
	}
	if errA != nil || errB != nil {
		t.Fatalf("start panels: %v; %v", errA, errB)
	}
	return c
}

func stopLogged(t *testing.T, p *multiinstance.Process) {
	if err := p.Stop(); err != nil {
		t.Errorf("%v", err)
	}
	if t.Failed() {
		t.Logf("output:\n%s\nlogs (tail):\n%s", p.Output(), lastLines(p.Logs(), 40))
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// person is a team member created with `backoffice user add`.
type person struct {
	email, name, role, password string
}

func (c *cluster) addUser(local, role string) person {
	c.t.Helper()
	p := person{email: local + "@example.com", name: "Multi " + local, role: role, password: "lantern quartz meadow " + local}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := multiinstance.AddUser(ctx, c.bin, c.panel, p.email, p.name, p.role, p.password); err != nil {
		c.t.Fatal(err)
	}
	c.audit.expect("users.create", "system", "ok", "", 1)
	return p
}

// expectations lists the audit entries the test's actions must have left,
// so the log can be checked for completeness and for doubles.
type expectations struct {
	rows []expected
}

type expected struct {
	action, actor, outcome string
	requestIDs             []string // one of these made the entry; empty: any
	count                  int
	// bounded: an event anyone can repeat (a refused sign-in), of which the
	// log lists only the first auditPerAddress of a minute per address and
	// counts the rest; the entry may be missing, never doubled.
	bounded bool
}

// auditPerAddress is how many refused sign-ins from one address a minute the
// audit log lists one by one (auth.DefaultAuditRate.PerKey).
const auditPerAddress = 10

func (e *expectations) expectBounded(action, actor, outcome, requestID string) {
	e.rows = append(e.rows, expected{action: action, actor: actor, outcome: outcome, requestIDs: []string{requestID}, count: 1, bounded: true})
}

func (e *expectations) expect(action, actor, outcome, requestID string, n int) {
	var ids []string
	if requestID != "" {
		ids = []string{requestID}
	}
	e.rows = append(e.rows, expected{action: action, actor: actor, outcome: outcome, requestIDs: ids, count: n})
}

func (e *expectations) expectOneOf(action, actor, outcome string, requestIDs ...string) {
	e.rows = append(e.rows, expected{action: action, actor: actor, outcome: outcome, requestIDs: requestIDs, count: 1})
}

// signIn signs p in through panel, checks it worked and notes the audit
// entry it must leave.
func (c *cluster) signIn(panel *multiinstance.Process, br *panelclient.Browser, p person) *panelclient.Browser {
	c.t.Helper()
	ctx := context.Background()
	br = br.On(panel.URL)
	login := get(c.t, br, "/login", http.StatusOK)
	f := form(c.t, login, `form[action="/login"]`)
	f.Values.Set("email", p.email)
	f.Values.Set("password", p.password)
	resp, err := br.Submit(ctx, f)
	if err != nil {
		c.t.Fatal(err)
	}
	if !resp.Redirected("/") {
		c.t.Fatalf("sign-in of %s on %s: status %d, location %q", p.email, panel.URL, resp.Status, resp.Location())
	}
	c.audit.expect("login", p.email, "ok", resp.RequestID, 1)
	get(c.t, br, "/", http.StatusOK)
	return br
}

// failSignIn makes one sign-in attempt that must be refused.
func (c *cluster) failSignIn(panel *multiinstance.Process, email, password string) {
	c.t.Helper()
	br := panelclient.New(panel.URL, nil)
	login := get(c.t, br, "/login", http.StatusOK)
	f := form(c.t, login, `form[action="/login"]`)
	f.Values.Set("email", email)
	f.Values.Set("password", password)
	resp, err := br.Submit(context.Background(), f)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.Status != http.StatusUnauthorized {
		c.t.Fatalf("sign-in of %s on %s: status %d, want 401 (refused)", email, panel.URL, resp.Status)
	}
	c.audit.expectBounded("login.failed", email, "failed", resp.RequestID)
}

func get(t *testing.T, br *panelclient.Browser, path string, want int) *panelclient.Page {
	t.Helper()
	p, err := br.Get(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != want {
		t.Fatalf("GET %s%s: status %d, want %d (location %q)", br.Base, path, p.Status, want, p.Location())
	}
	return p
}

func form(t *testing.T, p *panelclient.Page, selector string) *panelclient.Form {
	t.Helper()
	f, err := p.Form(selector)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTwoPanelsShareOneDatabase runs two real panel processes on one
// PostgreSQL database with one sandbox process as their Admin API, and
// checks what a team behind a load balancer relies on: a session started on
// one instance is valid on the other and ends on both; access changes made
// on one apply on the other at the next request; sign-in throttling counts
// attempts on both; one form sent to both at once changes 2Checkout once;
// an INS message taken by one reaches a pick list open on the other, live;
// and the audit log holds every sign-in and change exactly once.
func TestTwoPanelsShareOneDatabase(t *testing.T) {
	c := startCluster(t)
	ctx := context.Background()
	admin := c.addUser("admin", "admin")
	support := c.addUser("support", "support")
	cat := c.addUser("catalogue", "catalogue")
	packer := c.addUser("packer", "fulfilment")
	locked := c.addUser("locked", "viewer")
	control := c.addUser("control", "viewer")

	adminA := c.signIn(c.a, panelclient.New(c.a.URL, nil), admin)

	t.Run("a session begun on A is valid on B and ends on both", func(t *testing.T) {
		onA := c.signIn(c.a, panelclient.New(c.a.URL, nil), support)
		onB := onA.On(c.b.URL)
		if home := get(t, onB, "/", http.StatusOK); !strings.Contains(home.Text(".who"), support.name) {
			t.Fatalf("B does not show %s as signed in: %q", support.name, home.Text(".who"))
		}
		// The cookie as it stands now, replayed later from another client.
		cookie := onA.CookieHeader()
		replay := func(base string) int {
			req, _ := http.NewRequest(http.MethodGet, base+"/", nil)
			req.Header.Set("Cookie", cookie)
			p, err := panelclient.New(base, nil).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return p.Status
		}
		if s := replay(c.a.URL); s != http.StatusOK {
			t.Fatalf("the copied cookie on A before signing out: status %d", s)
		}
		home := get(t, onB, "/", http.StatusOK)
		out := form(t, home, `form[action="/logout"]`)
		resp, err := onB.Submit(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Redirected("/login") {
			t.Fatalf("sign-out on B: status %d, location %q", resp.Status, resp.Location())
		}
		c.audit.expect("logout", support.email, "ok", resp.RequestID, 1)
		for _, p := range []*multiinstance.Process{c.a, c.b} {
			if s := replay(p.URL); s != http.StatusSeeOther {
				t.Errorf("the signed-out cookie on %s: status %d, want 303 to the sign-in page", p.URL, s)
			}
		}
	})

	t.Run("a role change on A applies at the next request on B", func(t *testing.T) {
		onB := c.signIn(c.b, panelclient.New(c.b.URL, nil), cat)
		get(t, onB, "/products/new", http.StatusOK)
		id := userID(t, adminA, cat.email)
		page := get(t, adminA, "/users/"+id, http.StatusOK)
		f := form(t, page, `form[action="/users/`+id+`"]`)
		f.Values.Set("role", "viewer")
		resp, err := adminA.Submit(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Redirected("/users/" + id) {
			t.Fatalf("role change on A: status %d, location %q", resp.Status, resp.Location())
		}
		c.audit.expect("users.update", admin.email, "ok", resp.RequestID, 1)
		denied := get(t, onB, "/products/new", http.StatusForbidden)
		c.audit.expect("access.denied", cat.email, "denied", denied.RequestID, 1)
		get(t, onB, "/products", http.StatusOK) // still signed in, now as a viewer
	})

	t.Run("disabling on A ends the session on B at once", func(t *testing.T) {
		onB := c.signIn(c.b, panelclient.New(c.b.URL, nil), packer)
		get(t, onB, "/ship", http.StatusOK)
		id := userID(t, adminA, packer.email)
		// The member page links to a confirmation, whose form disables.
		page := get(t, adminA, "/users/"+id+"/disable", http.StatusOK)
		resp, err := adminA.Submit(ctx, form(t, page, `form[action="/users/`+id+`/disable"]`))
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Redirected("/users/" + id) {
			t.Fatalf("disable on A: status %d, location %q", resp.Status, resp.Location())
		}
		c.audit.expect("users.disable", admin.email, "ok", resp.RequestID, 1)
		if p := get(t, onB, "/ship", http.StatusSeeOther); !strings.HasPrefix(p.Location(), "/login") {
			t.Fatalf("the disabled user's next request on B went to %q, want the sign-in page", p.Location())
		}
		c.failSignIn(c.b, packer.email, packer.password)
	})

	t.Run("sign-in throttling counts attempts on both instances", func(t *testing.T) {
		// Five failures in all lock the account: three on A and two on B,
		// fewer than five on either.
		for i := 0; i < 3; i++ {
			c.failSignIn(c.a, locked.email, "wrong password number "+string(rune('a'+i)))
		}
		for i := 0; i < 2; i++ {
			c.failSignIn(c.b, locked.email, "wrong password number "+string(rune('x'+i)))
		}
		c.failSignIn(c.a, locked.email, locked.password) // the right password, refused: locked
		c.audit.expect("login.locked", locked.email, "denied", "", 1)
		// Four failures in all do not lock: the right password still works.
		for i := 0; i < 2; i++ {
			c.failSignIn(c.a, control.email, "wrong password number "+string(rune('a'+i)))
			c.failSignIn(c.b, control.email, "wrong password number "+string(rune('x'+i)))
		}
		c.signIn(c.b, panelclient.New(c.b.URL, nil), control)
	})

	t.Run("one form sent to A and B at once writes upstream once", func(t *testing.T) {
		onA := c.signIn(c.a, panelclient.New(c.a.URL, nil), support)
		onB := onA.On(c.b.URL)
		sale := firstSale(t, onA)
		page := get(t, onA, "/sales/"+sale, http.StatusOK)
		f := form(t, page, `form[action="/sales/`+sale+`/comments"]`)
		text := "Sent to both instances at once " + auth.NewToken()[:10]
		f.Values.Set("comment", text)
		// A slow upstream keeps the first request in flight while the second
		// arrives on the other instance.
		if err := c.control.SetFaults(ctx, multiinstance.Faults{Latency: "400ms"}); err != nil {
			t.Fatal(err)
		}
		before, err := c.control.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]*panelclient.Page, 2)
		errs := make([]error, 2)
		for i, br := range []*panelclient.Browser{onA, onB} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = br.Submit(ctx, f)
			}()
		}
		wg.Wait()
		if err := c.control.SetFaults(ctx, multiinstance.Faults{}); err != nil {
			t.Fatal(err)
		}
		after, err := c.control.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range results {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !r.Redirected("/sales/" + sale) {
				t.Errorf("the form on %s: status %d, location %q; both must report the comment added", []string{"A", "B"}[i], r.Status, r.Location())
			}
		}
		if n := after["create_comment"] - before["create_comment"]; n != 1 {
			t.Errorf("create_comment reached the sandbox %d times, want once", n)
		}
		c.audit.expectOneOf("sales.comment", support.email, "ok", results[0].RequestID, results[1].RequestID)
		shown := get(t, onB, "/sales/"+sale, http.StatusOK)
		if n := strings.Count(string(shown.Body), text); n != 1 {
			t.Errorf("the sale page on B shows the comment %d times, want once", n)
		}
	})

	t.Run("INS messages delivered to A appear on B's pick list", func(t *testing.T) {
		// The fraud hold is what only INS can tell (the reconciler reads
		// the API, which has no fraud status): B listing the sale as on
		// hold proves A's message reached it through the shared store.
		sale := fixtures(t).FraudReview
		picker := c.addUser("picker", "fulfilment") // the packer was disabled above
		onB := c.signIn(c.b, panelclient.New(c.b.URL, nil), picker)
		// The pick list is open on B, its event stream connected, before
		// A hears of the hold: the change must reach B live (NOTIFY).
		open := get(t, onB, "/ship/queue", http.StatusOK)
		events := openQueueStream(t, c.b.URL, onB, open)

		msg := c.sandboxINS(t, url.Values{"message_type": {"FRAUD_STATUS_CHANGED"}, "sale_id": {sale}, "fraud_status": {"wait"}})
		if status := postINS(t, c.a.URL, msg.Body); status != http.StatusOK {
			t.Fatalf("A answered the signed message %d", status)
		}
		if ev, ok := nextQueueEvent(events, `data-sale="`+sale+`"`, 20*time.Second); !ok {
			t.Errorf("B's open pick list stream sent no event with sale %s after A took the message", sale)
		} else if !strings.Contains(ev, "\nid: ") {
			t.Errorf("the event has no id to resume from: %.300s", ev)
		}
		list := get(t, onB, "/ship/queue", http.StatusOK)
		if held := list.Text("#on-hold"); !strings.Contains(held, "Sale "+sale) {
			t.Errorf("B's pick list does not hold sale %s: on hold %q", sale, held)
		}
		if ready := list.Text("#h-ready + *"); strings.Contains(ready, "Sale "+sale) {
			t.Errorf("B lists the held sale as ready to pack")
		}
		// The service delivers again, this time to B: taken once.
		if status := postINS(t, c.b.URL, msg.Body); status != http.StatusOK {
			t.Fatalf("B answered the repeat %d", status)
		}
		settings := get(t, adminA, "/settings", http.StatusOK)
		if taken, repeats := settings.Text("dl.facts dd:nth-of-type(2)"), settings.Text("dl.facts dd:nth-of-type(3)"); taken != "1" || repeats != "1" {
			t.Errorf("A's settings count %q taken and %q repeats, want 1 and 1", taken, repeats)
		}
	})

	t.Run("the audit log holds every sign-in and change once", func(t *testing.T) {
		csvPage := get(t, adminA.On(c.b.URL), "/audit?format=csv", http.StatusOK)
		rows, err := csv.NewReader(strings.NewReader(string(csvPage.Body))).ReadAll()
		if err != nil {
			t.Fatalf("audit CSV: %v", err)
		}
		if len(rows) == 0 || strings.Join(rows[0], ",") != "id,time_utc,actor,user_id,ip,action,target,outcome,params,detail,request_id,in_words" {
			t.Fatalf("audit CSV header: %v", rows[:min(1, len(rows))])
		}
		checkAudit(t, rows[1:], c.audit.rows)
	})
}

// checkAudit matches every expected entry to rows of the log exactly as
// often as expected, and reports rows nothing expected.
func checkAudit(t *testing.T, rows [][]string, want []expected) {
	t.Helper()
	const colActor, colAction, colOutcome, colRequest = 2, 5, 7, 10
	used := make([]bool, len(rows))
	bounded, listed := map[string]int{}, map[string]int{}
	for _, w := range want {
		found := 0
		for i, r := range rows {
			if used[i] || found == w.count || r[colAction] != w.action || r[colActor] != w.actor || r[colOutcome] != w.outcome {
				continue
			}
			if len(w.requestIDs) > 0 && !contains(w.requestIDs, uncell(r[colRequest])) {
				continue
			}
			used[i] = true
			found++
		}
		if w.bounded {
			bounded[w.action]++
			listed[w.action] += found
			continue
		}
		if found != w.count {
			t.Errorf("audit log: %d entries %s by %s (%s, request %v), want %d", found, w.action, w.actor, w.outcome, w.requestIDs, w.count)
		}
	}
	// Every refusal is listed until the address's allowance of its minute
	// is used, so at least that many are, whatever minutes they fell in.
	for action, n := range bounded {
		if listed[action] < min(n, auditPerAddress) {
			t.Errorf("audit log: %d of %d %s entries listed, want at least %d", listed[action], n, action, min(n, auditPerAddress))
		}
	}
	for i, r := range rows {
		if !used[i] {
			t.Errorf("audit log: unexpected entry %v (a double, or something the test did not do)", r)
		}
	}
}

// uncell undoes the quote the export puts before a cell that a spreadsheet
// would read as a formula (request ids may start with "-").
func uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// userID finds a team member's id on the Team page.
func userID(t *testing.T, admin *panelclient.Browser, email string) string {
	t.Helper()
	team := get(t, admin, "/users", http.StatusOK)
	for _, href := range team.Links("/users/") {
		id := strings.TrimPrefix(href, "/users/")
		if id == "new" {
			continue
		}
		if strings.Contains(get(t, admin, href, http.StatusOK).Text("main"), email) {
			return id
		}
	}
	t.Fatalf("no team member %s on the Team page", email)
	return ""
}

// firstSale returns the id of the first sale the Sales page lists.
func firstSale(t *testing.T, br *panelclient.Browser) string {
	t.Helper()
	for _, href := range get(t, br, "/sales", http.StatusOK).Links("/sales/") {
		if id := strings.TrimPrefix(href, "/sales/"); id != "" && !strings.ContainsAny(id, "?#/") {
			return id
		}
	}
	t.Fatal("the Sales page lists no sale")
	return ""
}

// fixtures are the sandbox's seeded sales: it seeds deterministically, so
// a fresh in-memory sandbox has the same ids as the process.
func fixtures(t *testing.T) sandbox.Fixtures {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	return sb.SaleFixtures()
}

// sandboxINS makes the sandbox record one INS message (it has no INS URL
// here, so it sends nothing itself) and returns it, signed as 2Checkout
// signs it.
func (c *cluster) sandboxINS(t *testing.T, form url.Values) sandbox.INSDelivery {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.sandbox.URL+"/_sandbox/ins", strings.NewReader(form.Encode()))
	req.SetBasicAuth(apiUser, apiPass)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d sandbox.INSDelivery
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != http.StatusOK || d.Body == "" {
		t.Fatalf("sandbox INS: %d %v", resp.StatusCode, err)
	}
	return d
}

// postINS delivers a message to a panel's receiver as the service does.
func postINS(t *testing.T, base, body string) int {
	t.Helper()
	resp, err := http.Post(base+"/ins", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// openQueueStream opens the pick list's event stream on base as the page's
// sse-connect attribute does, with br's session, and returns its events
// (each the lines of one event); the stream closes when the test ends.
func openQueueStream(t *testing.T, base string, br *panelclient.Browser, page *panelclient.Page) <-chan string {
	t.Helper()
	const attr = `sse-connect="`
	body := string(page.Body)
	i := strings.Index(body, attr)
	if i < 0 {
		t.Fatalf("the pick list has no event stream: %.500s", body)
	}
	path := body[i+len(attr):]
	path = strings.ReplaceAll(path[:strings.IndexByte(path, '"')], "&amp;", "&")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cookie", br.CookieHeader())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("pick list stream: %d %s", resp.StatusCode, ct)
	}
	events := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev strings.Builder
		for sc.Scan() {
			if line := sc.Text(); line != "" {
				ev.WriteString(line + "\n")
				continue
			}
			if ev.Len() > 0 {
				select {
				case events <- ev.String():
				case <-ctx.Done():
					return
				}
			}
			ev.Reset()
		}
	}()
	return events
}

// nextQueueEvent waits up to wait for a list event containing want.
func nextQueueEvent(events <-chan string, want string, wait time.Duration) (string, bool) {
	deadline := time.After(wait)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return "", false
			}
			if strings.Contains(ev, "event: queue") && strings.Contains(ev, want) {
				return ev, true
			}
		case <-deadline:
			return "", false
		}
	}
}
