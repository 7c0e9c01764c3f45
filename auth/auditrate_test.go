package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"backoffice/store"
)

// A flood of refused sign-ins from one address writes a bounded number of
// entries per minute, and the roll-up keeps the count of the rest.
func TestAuditLimiterBoundsAFlood(t *testing.T) {
	backends(t, func(t *testing.T, a, _ *store.Store) {
		ctx := t.Context()
		clock := &testClock{t: t0}
		l := NewAuditLimiter(a, clock.Now)
		written := 0
		for i := range 500 {
			clock.Set(t0.Add(time.Duration(i) * 100 * time.Millisecond)) // 50 s
			ok, err := l.Allow(ctx, "login.failed", "ip:203.0.113.7")
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				written++
				if err := a.AppendAudit(ctx, &store.AuditEntry{At: clock.Now(), Actor: "anonymous", IP: "203.0.113.7",
					Action: "login.failed", Outcome: "failed"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if written != DefaultAuditRate.PerKey {
			t.Fatalf("%d of 500 events written one by one, want %d", written, DefaultAuditRate.PerKey)
		}
		if n, err := a.RollUpAuditCounts(ctx, t0.Add(time.Minute), t0.Add(time.Minute)); err != nil || n != 1 {
			t.Fatalf("RollUpAuditCounts = %d, %v", n, err)
		}
		es, err := a.ListAudit(ctx, store.AuditFilter{Action: "login.failed", Limit: 100})
		if err != nil || len(es) != written+1 || es[0].Outcome != store.AuditSuppressed {
			t.Fatalf("entries = %d (%v), want %d and a summary on top", len(es), err, written+1)
		}
	})
}

type failingCounter struct{}

func (failingCounter) CountAuditEvent(_ context.Context, _, _ string, _ time.Time, _ store.AuditRate) (bool, error) {
	return false, errors.New("database down")
}

func TestAuditLimiterFailsOpen(t *testing.T) {
	ok, err := NewAuditLimiter(failingCounter{}, nil).Allow(t.Context(), "login.failed", "ip:x")
	if !ok || err == nil {
		t.Fatalf("Allow with a failing store = %v, %v; want true and the error", ok, err)
	}
}
