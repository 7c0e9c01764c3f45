package store_test

import (
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

func TestAuditTargetSQLite(t *testing.T) { testAuditTarget(t, storetest.SQLiteConfig) }

func TestAuditTargetPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	testAuditTarget(t, storetest.PostgresConfig)
}

// testAuditTarget: a sale's filter selects its own entries and those under
// it (an invoice of it), never another sale whose id begins the same.
func testAuditTarget(t *testing.T, cfg newConfig) {
	s := storetest.Open(t, cfg(t))
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i, target := range []string{"sale:42", "sale:42/invoice:7", "sale:421", "sale:4", "product:42", "sale:42/invoice:8"} {
		if err := s.AppendAudit(t.Context(), &store.AuditEntry{At: at.Add(time.Duration(i) * time.Second), Actor: "a@example.com",
			Action: "sales.ship", Target: target, Params: "{}", Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListAudit(t.Context(), store.AuditFilter{Target: "sale:42"})
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, e := range got {
		targets = append(targets, e.Target)
	}
	want := []string{"sale:42/invoice:8", "sale:42/invoice:7", "sale:42"}
	if len(targets) != len(want) {
		t.Fatalf("targets %v, want %v", targets, want)
	}
	for i := range want {
		if targets[i] != want[i] {
			t.Fatalf("targets %v, want %v (newest first)", targets, want)
		}
	}
}
