package store

import (
	"context"
	"testing"
	"time"
)

// A database from before migration 003 keeps what matters across the
// upgrade: sign-in failures still count (a lock in force stays in force),
// old audit entries stay unchangeable, and a write left pending by the old
// code is recovered with a new entry.
func TestUpgradeTo003(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms, err := loadMigrations(s.backend)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version < 3 {
			if err := s.applyMigration(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for range 5 {
		if _, err := s.db.ExecContext(ctx, "INSERT INTO login_failures (key, at) VALUES ('acct:ann@example.com', ?)", micros(now)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, outcome) VALUES (?, 'ann@example.com', 'login', 'ok')`, micros(now)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO idempotency (key, user_id, action, state, created_at, updated_at)
		VALUES ('old', 3, 'sales.ship', 'pending', ?, ?)`, micros(now), micros(now)); err != nil {
		t.Fatal(err)
	}

	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate to 003: %v", err)
	}
	c, err := s.ClaimAttempt(ctx, []ThrottleKey{{Key: "acct:ann@example.com", Max: 5}}, now.Add(-time.Minute), now)
	if err != nil || c.Granted {
		t.Fatalf("claim on an account locked before the upgrade = %+v, %v; want refused", c, err)
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE audit_log SET outcome = 'failed', completed_at = 1 WHERE action = 'login'"); err == nil {
		t.Error("an entry from before the upgrade could be changed")
	}
	rs, err := s.RecoverPending(ctx, now.Add(time.Minute), now.Add(time.Minute))
	if err != nil || len(rs) != 1 || !rs[0].NewEntry {
		t.Fatalf("recovering the old pending write = %+v, %v", rs, err)
	}
	if e, err := scanAudit(s.queryRow(ctx, s.db, "SELECT "+auditColumns+" FROM audit_log WHERE id = ?", rs[0].AuditID)); err != nil ||
		e.Outcome != AuditUnknown || e.Action != "sales.ship" || e.Actor != "system" {
		t.Fatalf("its entry = %+v, %v", e, err)
	}
}
