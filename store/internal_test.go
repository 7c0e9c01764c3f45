package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests need the unexported parts of the store (the SQL helpers, the
// raw database handle) and run on SQLite only; everything observable through
// the API is covered on both backends by store_test.go.

func openSQLiteForTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

func TestRebind(t *testing.T) {
	pg := &Store{backend: backendPostgres}
	lite := &Store{backend: backendSQLite}
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"x IN (?,?,?) LIMIT ?", "x IN ($1,$2,$3) LIMIT $4"},
		{"a = '?' AND b = ?", "a = '?' AND b = $1"},
		{`"odd?name" = ? AND c = 'it''s ?'`, `"odd?name" = $1 AND c = 'it''s ?'`},
	}
	for _, c := range cases {
		if got := pg.rebind(c.in); got != c.want {
			t.Errorf("postgres rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := lite.rebind(c.in); got != c.in {
			t.Errorf("sqlite rebind(%q) = %q, want it unchanged", c.in, got)
		}
	}
}

func TestPrefixUpperBound(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"products.", "products/", true},
		{"a", "b", true},
		{"az\x7f", "az\u0080", true}, // stays valid UTF-8, unlike a byte increment
		{"é", "ê", true},
		{"x\uD7FF", "x\uE000", true}, // skips the surrogates
		{"x\U0010FFFF", "y", true},
		{"\U0010FFFF\U0010FFFF", "", false},
		{"a\xff", "b", true}, // invalid UTF-8 falls back to bytes
	}
	for _, c := range cases {
		got, ok := prefixUpperBound(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("prefixUpperBound(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestOpenConfig(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, Config{}); err == nil {
		t.Error("Open with an empty config succeeded")
	}
	secret := "mysql://root:hunter2@db/x"
	if _, err := Open(ctx, Config{DatabaseURL: secret}); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open(mysql URL) = %v; want an error that does not repeat the URL", err)
	}

	// The data directory is created private, and so is the database file,
	// whose mode SQLite copies to the -wal and -shm files.
	dir := filepath.Join(t.TempDir(), "nested", "data")
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if s.Backend() != "sqlite" {
		t.Errorf("Backend() = %q", s.Backend())
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "backoffice.db"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", path, got, want)
		}
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	s := openSQLiteForTest(t)
	ctx := context.Background()
	e := &AuditEntry{At: time.Unix(1, 0), Action: "login.ok"}
	if err := s.AppendAudit(ctx, e); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"} {
		if _, err := s.db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger to refuse", q, err)
		}
	}
}

func TestMapErrKeepsCause(t *testing.T) {
	s := openSQLiteForTest(t)
	ctx := context.Background()
	u := &User{Email: "a@example.com", Role: "viewer"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	err := s.CreateUser(ctx, &User{Email: "A@example.com", Role: "viewer"})
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("duplicate user: %v; want ErrConflict carrying the driver's message", err)
	}
}

// bulkAudit inserts n entries with one INSERT ... SELECT that SQLite
// generates itself; a million AppendAudit calls would time the commits, not
// the queries. Entry j is at largeStart plus j seconds, by user j%50+1, with
// action j%10 of the list below.
func bulkAudit(t testing.TB, s *Store, n int) {
	t.Helper()
	_, err := s.db.ExecContext(context.Background(), `
		WITH RECURSIVE seq(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM seq WHERE j + 1 < ?)
		INSERT INTO audit_log (at, user_id, actor, ip, action, target, params, outcome)
		SELECT ? + j * 1000000, j % 50 + 1, 'user' || (j % 50 + 1) || '@example.com', '192.0.2.1',
			CASE j % 10 WHEN 0 THEN 'login.ok' WHEN 1 THEN 'login.failed' WHEN 2 THEN 'products.update'
				WHEN 3 THEN 'products.delete' WHEN 4 THEN 'coupons.update' WHEN 5 THEN 'sales.comment'
				WHEN 6 THEN 'sales.ship' WHEN 7 THEN 'account.secret' WHEN 8 THEN 'users.manage'
				ELSE 'options.update' END,
			'product:' || j, '{"price":"1.00"}', 'ok'
		FROM seq`, n, micros(largeStart))
	if err != nil {
		t.Fatalf("bulk insert: %v", err)
	}
}

// scale shrinks the bulk tests under -race, keeping the ratios between log
// size, filter sizes and the planning threshold.
func scale() int {
	if raceEnabled {
		return 5
	}
	return 1
}

// largeAuditStore returns a store with n audit entries (see bulkAudit).
func largeAuditStore(t testing.TB, n int) *Store {
	t.Helper()
	s := openSQLiteForTest(t)
	bulkAudit(t, s, n)
	return s
}

var largeStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func sec(n int) time.Time { return largeStart.Add(time.Duration(n) * time.Second) }

// The plan for each filter shape, checked on 100k entries: what matters is
// that no page sorts a large set, so the cost of a page does not grow with
// the size of the log.
func TestAuditLargeSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts 100k rows")
	}
	n := 100_000
	s := largeAuditStore(t, n/scale())
	s.wideRange /= scale()
	n /= scale()
	ctx := context.Background()
	cases := []struct {
		name     string
		f        AuditFilter
		wantPlan string // substring of EXPLAIN QUERY PLAN
		want     int    // entries on the page
	}{
		{"newest page", AuditFilter{}, "SCAN audit_log", 50},
		{"next page", AuditFilter{BeforeID: int64(n / 2)}, "INTEGER PRIMARY KEY (rowid<?)", 50},
		{"user", AuditFilter{UserID: 7}, "audit_log_user_idx", 50},
		{"actor", AuditFilter{Actor: "user7@example.com"}, "audit_log_actor_idx", 50},
		{"action", AuditFilter{Action: "sales.ship"}, "audit_log_action_idx", 50},
		{"wide prefix", AuditFilter{Action: "products.*"}, "SCAN audit_log", 50},
		{"wide prefix, later page", AuditFilter{Action: "products.*", BeforeID: 500}, "(rowid<?)", 50},
		{"narrow prefix", AuditFilter{Action: "zzz.*"}, "audit_log_action_idx", 0},
		{"wide range", AuditFilter{From: sec(1000), To: sec(n * 9 / 10)}, "SCAN audit_log", 50},
		{"narrow range", AuditFilter{From: sec(1000), To: sec(1200)}, "audit_log_at_idx", 50},
		{"narrow old range, To only", AuditFilter{To: sec(100)}, "audit_log_at_idx", 50},
		{"recent, From only", AuditFilter{From: sec(n - 100)}, "SCAN audit_log", 50},
		{"user and wide range", AuditFilter{UserID: 7, From: sec(0), To: sec(n)}, "audit_log_user_idx", 50},
	}
	for _, c := range cases {
		c.f.Limit = 50
		q, args, err := s.orderedAuditQuery(ctx, c.f, c.f.Limit)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		plan := explain(t, s, q, args)
		if !strings.Contains(plan, c.wantPlan) {
			t.Errorf("%s: plan %q, want %q", c.name, plan, c.wantPlan)
		}
		// A temporary sort is fine only after a narrow index range (at
		// most wideRange rows).
		if strings.Contains(plan, "TEMP B-TREE") && !strings.HasPrefix(c.name, "narrow") {
			t.Errorf("%s: plan %q sorts", c.name, plan)
		}
		start := time.Now()
		page, err := s.ListAudit(ctx, c.f)
		elapsed := time.Since(start)
		if err != nil || len(page) != c.want {
			t.Fatalf("%s: %d entries, %v; want %d", c.name, len(page), err, c.want)
		}
		// Generous, for slow machines and -race; a plan that sorts the
		// whole log takes longer than this even without the race detector.
		if elapsed > 250*time.Millisecond {
			t.Errorf("%s: ListAudit took %v", c.name, elapsed)
		}
		t.Logf("%-28s %8v  %s", c.name, elapsed.Round(time.Microsecond), plan)
	}

	start := time.Now()
	acts, err := s.AuditActions(ctx)
	if err != nil || len(acts) != 10 {
		t.Fatalf("AuditActions = %v, %v", acts, err)
	}
	if elapsed := time.Since(start); elapsed > 250*time.Millisecond {
		t.Errorf("AuditActions took %v", elapsed)
	}
	if got, err := s.CountAudit(ctx, AuditFilter{}); err != nil || got != n {
		t.Fatalf("CountAudit = %d, %v", got, err)
	}
}

func explain(t testing.TB, s *Store, q string, args []any) string {
	t.Helper()
	rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, detail)
	}
	return strings.Join(parts, "; ")
}

func BenchmarkListAudit(b *testing.B) {
	const n = 100_000
	s := largeAuditStore(b, n)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    AuditFilter
	}{
		{"newest", AuditFilter{}},
		{"user", AuditFilter{UserID: 7}},
		{"prefix", AuditFilter{Action: "products.*"}},
		{"wide_range", AuditFilter{From: sec(1000), To: sec(n * 9 / 10)}},
		{"narrow_range", AuditFilter{From: sec(1000), To: sec(2000)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.f.Limit = 50
			for b.Loop() {
				if page, err := s.ListAudit(ctx, c.f); err != nil || len(page) != 50 {
					b.Fatalf("%d entries, %v", len(page), err)
				}
			}
		})
	}
}
