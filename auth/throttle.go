package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ThrottleStore is the part of the store that counts failed sign-ins. Keeping
// the counters in the database lets every instance share them.
type ThrottleStore interface {
	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error
}

// Throttle slows down password guessing. Failures are counted per account
// (the e-mail as typed, whether or not such a user exists, so the answer is
// the same for both) and per address, over a sliding window. At the limit
// further attempts are refused without checking the password, until the
// oldest failure leaves the window. Refused attempts are not counted, so an
// attacker cannot extend a lock beyond one window by hammering it.
type Throttle struct {
	st            ThrottleStore
	now           func() time.Time
	Window        time.Duration
	MaxPerAccount int
	MaxPerAddress int
}

// NewThrottle builds a throttle with the defaults documented in the README:
// 5 failures per account and 50 per address within 15 minutes.
func NewThrottle(st ThrottleStore, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{st: st, now: now, Window: 15 * time.Minute, MaxPerAccount: 5, MaxPerAddress: 50}
}

func accountKey(email string) string { return "acct:" + strings.ToLower(strings.TrimSpace(email)) }
func addressKey(ip string) string    { return "ip:" + ip }

// Blocked reports whether sign-in attempts for this account or from this
// address are refused for now.
func (t *Throttle) Blocked(ctx context.Context, email, ip string) (bool, error) {
	since := t.now().Add(-t.Window)
	n, err := t.st.CountLoginFailures(ctx, accountKey(email), since)
	if err != nil {
		return false, fmt.Errorf("count failures: %w", err)
	}
	if n >= t.MaxPerAccount {
		return true, nil
	}
	n, err = t.st.CountLoginFailures(ctx, addressKey(ip), since)
	if err != nil {
		return false, fmt.Errorf("count failures: %w", err)
	}
	return n >= t.MaxPerAddress, nil
}

// Fail records a failed attempt for the account and the address.
func (t *Throttle) Fail(ctx context.Context, email, ip string) error {
	now := t.now()
	if err := t.st.RecordLoginFailure(ctx, accountKey(email), now); err != nil {
		return fmt.Errorf("record failure: %w", err)
	}
	if err := t.st.RecordLoginFailure(ctx, addressKey(ip), now); err != nil {
		return fmt.Errorf("record failure: %w", err)
	}
	return nil
}

// Succeed clears the account's failures after a correct password. The
// address keeps its count: one good account must not unlock guessing others.
func (t *Throttle) Succeed(ctx context.Context, email string) error {
	return t.st.ClearLoginFailures(ctx, accountKey(email))
}
