package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// A write left pending by a process that died is marked unknown before the
// panel serves its first request, with its audit entry, and the log says so.
// On SQLite (one process per file) every pending write is, however young; on
// PostgreSQL, shared by instances, a write younger than the write timeout
// may still be in flight on another one and is left pending. (The
// end-to-end version, a server killed mid-write, is in multiinstance.)
func TestServeRecoversAbandonedWritesBeforeServing(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRecoveryAtStart(t, nil, store.IdemUnknown) })
	t.Run("postgres", func(t *testing.T) {
		env := map[string]string{"BACKOFFICE_DATABASE_URL": storetest.PostgresConfig(t).DatabaseURL,
			"BACKOFFICE_SESSION_KEYS": "recovery-test-session-key-0123456789abcdef"}
		testRecoveryAtStart(t, env, store.IdemPending)
	})
}

func testRecoveryAtStart(t *testing.T, env map[string]string, youngState string) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: filepath.Join(dir, "data"), DatabaseURL: env["BACKOFFICE_DATABASE_URL"]})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sent := time.Now().Add(-time.Minute) // older than the 20 s write timeout
	young := time.Now()                  // could still be in flight elsewhere
	for key, at := range map[string]time.Time{"abandoned-key-0123456789abcdef0123": sent, "young-key-0123456789abcdef01234567": young} {
		e := &store.AuditEntry{At: at, UserID: 1, Actor: "ann@example.com", Action: "sales.comment", Target: "sale:1", Params: "{}"}
		if _, _, err := st.BeginWrite(ctx, &store.IdemRecord{Key: key, UserID: 1, Action: "sales.comment", CreatedAt: at, UpdatedAt: at}, e); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var out, logs syncBuf
	ready := make(chan struct{}, 1)
	done := make(chan int, 1)
	go func() {
		done <- Main(sctx, Env{Args: []string{"--addr", "127.0.0.1:0"}, Stdout: &out, Stderr: &logs,
			Getenv: envFor(dir, env), Ready: func(string) { ready <- struct{}{} }})
	}()
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}

	st, err = store.Open(ctx, store.Config{DataDir: filepath.Join(dir, "data"), DatabaseURL: env["BACKOFFICE_DATABASE_URL"]})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec, err := st.IdempotentByKey(ctx, "abandoned-key-0123456789abcdef0123")
	if err != nil || rec.State != store.IdemUnknown {
		t.Fatalf("abandoned write when serving began = %+v, %v; want unknown", rec, err)
	}
	es, err := st.ListAudit(ctx, store.AuditFilter{Action: "sales.comment"})
	if err != nil || len(es) != 2 {
		t.Fatalf("entries = %+v, %v", es, err)
	}
	outcomes := map[int64]string{}
	for _, e := range es {
		outcomes[e.ID] = e.Outcome
	}
	if outcomes[rec.AuditID] != store.AuditUnknown {
		t.Errorf("abandoned write's entry = %q, want unknown", outcomes[rec.AuditID])
	}
	if rec, _ := st.IdempotentByKey(ctx, "young-key-0123456789abcdef01234567"); rec.State != youngState {
		t.Errorf("a write younger than the write timeout = %+v, want %s", rec, youngState)
	}
	if !strings.Contains(logs.String(), "marked unknown") || !strings.Contains(logs.String(), "action=sales.comment") {
		t.Errorf("recovery not logged: %s", logs.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, logs.String())
	}
}
