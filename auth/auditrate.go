package auth

import (
	"context"
	"fmt"
	"time"

	"backoffice/store"
)

// AuditCounter is the part of the store that counts audited events.
type AuditCounter interface {
	CountAuditEvent(ctx context.Context, action, key string, at time.Time, rate store.AuditRate) (bool, error)
}

// AuditLimiter bounds the audit entries that anonymous or repeated events
// (refused sign-ins, 403s) can create, while every event is still counted
// and later summed up in the log (store.RollUpAuditCounts). Actions that
// only a signed-in person can cause once per deliberate act (a write, a
// team change) must not go through it.
type AuditLimiter struct {
	st   AuditCounter
	now  func() time.Time
	Rate store.AuditRate
}

// DefaultAuditRate writes, per minute, up to 10 entries of an action for one
// key (an address, a user) and 100 for the action as a whole: enough to see
// every honest mistake one by one, and a flood's first moments in detail.
var DefaultAuditRate = store.AuditRate{PerKey: 10, PerAction: 100}

// NewAuditLimiter builds a limiter with DefaultAuditRate.
func NewAuditLimiter(st AuditCounter, now func() time.Time) *AuditLimiter {
	if now == nil {
		now = time.Now
	}
	return &AuditLimiter{st: st, now: now, Rate: DefaultAuditRate}
}

// Allow counts one event of action for key and reports whether to write its
// audit entry. If counting fails it answers true with the error: an entry
// too many is better than an event lost.
func (l *AuditLimiter) Allow(ctx context.Context, action, key string) (bool, error) {
	ok, err := l.st.CountAuditEvent(ctx, action, key, l.now(), l.Rate)
	if err != nil {
		return true, fmt.Errorf("auth: audit rate: %w", err)
	}
	return ok, nil
}
