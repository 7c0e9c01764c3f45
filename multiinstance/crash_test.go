package multiinstance_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backoffice/auth"
	"backoffice/multiinstance"
	"backoffice/panelclient"
	"backoffice/store/storetest"
)

// The write timeout the crashed panels run with: the write is in flight for
// the sandbox's latency (below it) when the panel is killed, and a pending
// write counts as abandoned this much (plus 5 s) after it was sent.
const crashWriteTimeout = 4 * time.Second

// TestPanelKilledMidWrite kills a real panel process (SIGKILL) while a sale
// comment is in flight upstream and starts it again. The write must not be
// lost or repeated: the audit log and the resent form say "unknown" with the
// way to check the sale, and the sandbox received the call once. On SQLite
// (one process per file) the restarted panel recovers the write before it
// serves; on PostgreSQL, whose other instances may have writes in flight, the
// resend waits only until the write is older than the write timeout, then
// recovers it.
func TestPanelKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := multiinstance.ModuleRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "backoffice")
	if err := multiinstance.Build(ctx, root, bin); err != nil {
		t.Fatal(err)
	}
	t.Run("sqlite", func(t *testing.T) { killMidWrite(t, bin, "") })
	t.Run("postgres", func(t *testing.T) { killMidWrite(t, bin, storetest.PostgresConfig(t).DatabaseURL) })
}

func killMidWrite(t *testing.T, bin, databaseURL string) {
	ctx := context.Background()
	dir := t.TempDir()
	sb, err := multiinstance.StartSandbox(ctx, bin, multiinstance.SandboxConfig{Username: apiUser, Password: apiPass,
		DataDir: filepath.Join(dir, "sandbox")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopLogged(t, sb) })
	control := &multiinstance.Control{URL: sb.URL, Username: apiUser, Password: apiPass}
	cfg := multiinstance.PanelConfig{Name: "panel", DataDir: filepath.Join(dir, "panel"), DatabaseURL: databaseURL,
		APIURL: sb.URL + "/api", APIUsername: apiUser, APIPassword: apiPass, Require2FA: "none",
		Env: map[string]string{"BACKOFFICE_WRITE_TIMEOUT": crashWriteTimeout.String()}}
	if databaseURL != "" {
		cfg.SessionKeys = auth.NewToken() + auth.NewToken()
	}
	support := person{email: "sue@example.com", name: "Sue Support", role: "support", password: "lantern quartz meadow sue"}
	admin := person{email: "ann@example.com", name: "Ann Admin", role: "admin", password: "lantern quartz meadow ann"}
	for _, p := range []person{support, admin} {
		if err := multiinstance.AddUser(ctx, bin, cfg, p.email, p.name, p.role, p.password); err != nil {
			t.Fatal(err)
		}
	}
	panel, err := multiinstance.StartPanel(ctx, bin, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopLogged(t, panel) })
	c := &cluster{t: t, audit: &expectations{}}

	br := c.signIn(panel, panelclient.New(panel.URL, nil), support)
	sale := firstSale(t, br)
	f := form(t, get(t, br, "/sales/"+sale, http.StatusOK), `form[action="/sales/`+sale+`/comments"]`)
	text := "Parcel left with the neighbour " + auth.NewToken()[:10]
	f.Values.Set("comment", text)
	before, err := control.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The sandbox holds the call for 3 s: the panel is killed while it
	// waits for the answer.
	if err := control.SetFaults(ctx, multiinstance.Faults{Latency: "3s"}); err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() {
		_, err := br.Submit(ctx, f)
		sent <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		calls, err := control.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if calls["create_comment"] > before["create_comment"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the comment never reached the sandbox")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := panel.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-sent; err == nil {
		t.Fatal("the request survived the kill")
	}
	killedAt := time.Now()
	if err := control.SetFaults(ctx, multiinstance.Faults{}); err != nil {
		t.Fatal(err)
	}
	if err := panel.Restart(ctx); err != nil {
		t.Fatal(err)
	}

	adminBr := c.signIn(panel, panelclient.New(panel.URL, nil), admin)
	auditShows := func(label, detail string) {
		t.Helper()
		page := get(t, adminBr, "/audit?action=sales.comment", http.StatusOK)
		if body := string(page.Body); !strings.Contains(body, label) || !strings.Contains(body, detail) {
			t.Errorf("the audit page does not show the write as %q (%q): %.1500s", label, detail, page.Text("main"))
		}
	}
	if databaseURL == "" {
		// Recovered before the restarted panel served anything.
		auditShows(">unknown<", "the panel stopped while the write was in flight")
	} else {
		// Still within its time: the entry is there, awaiting the answer.
		auditShows("sent, awaiting the answer", "")
	}

	// The same form sent again: answered "unknown" with the way to check
	// the sale, not sent again, not refused.
	resent, err := br.Submit(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("resend answered %s after the kill (%s)", time.Since(killedAt).Round(100*time.Millisecond), map[bool]string{true: "sqlite", false: "postgres"}[databaseURL == ""])
	body := string(resent.Body)
	if resent.Status != http.StatusGatewayTimeout || !strings.Contains(body, "Outcome unknown: the panel stopped while this was being sent to 2Checkout") ||
		!strings.Contains(body, "Look for it under Comments below before sending it again.") {
		t.Errorf("the resent form: status %d, %.600s", resent.Status, resent.Text("main"))
	}
	if links := resent.Links("/sales/" + sale); len(links) == 0 {
		t.Error("the resent form offers no way to check the sale")
	}
	auditShows(">unknown<", "the panel stopped while the write was in flight")

	after, err := control.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := after["create_comment"] - before["create_comment"]; n != 1 {
		t.Errorf("create_comment reached the sandbox %d times, want once", n)
	}
	if n := strings.Count(string(get(t, br, "/sales/"+sale, http.StatusOK).Body), text); n > 1 {
		t.Errorf("the sale shows the comment %d times", n)
	}

	// The CSV says the same: one entry for the write, its outcome unknown.
	rows, err := csv.NewReader(strings.NewReader(string(get(t, adminBr, "/audit?format=csv&action=sales.comment", http.StatusOK).Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][7] != "unknown" || !strings.Contains(rows[1][9], "the panel stopped while the write was in flight") {
		t.Errorf("audit CSV for sales.comment: %q", rows)
	}
}
