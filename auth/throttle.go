package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"backoffice/store"
)

// ThrottleStore is the part of the store that counts attempts. Keeping the
// counters in the database lets every instance share them.
type ThrottleStore interface {
	ClaimAttempt(ctx context.Context, keys []store.ThrottleKey, since, at time.Time) (*store.ThrottleClaim, error)
	ReleaseAttempts(ctx context.Context, ids []int64) error
	ClearAttempts(ctx context.Context, key string) error
}

// Scope names what a throttled secret protects. Each scope counts on its
// own, so a correct password never clears second-factor failures.
type Scope string

// The throttled scopes.
const (
	// SignIn counts wrong passwords on the sign-in form, per account (the
	// e-mail as typed, whether or not such a user exists, so the answer is
	// the same for both) and per address.
	SignIn Scope = "signin"
	// SecondFactor counts wrong TOTP and recovery codes per user, across
	// any number of password sign-ins.
	SecondFactor Scope = "2fa"
	// StepUp counts wrong passwords re-entered by a signed-in user (the
	// secret word, the current password on a password change), per user.
	StepUp Scope = "stepup"
	// Badge counts failed badge sign-ins (a wrong PIN, an unknown badge),
	// per badge (a key derived from the scanned code, whether or not such a
	// badge exists) and per address, like passwords at SignIn but on their
	// own: a right password does not clear PIN failures.
	Badge Scope = "badge"
)

// Limit is a scope's policy: how many failures the window allows.
type Limit struct {
	PerAccount int
	// PerAddress is 0 when the scope is not counted per address.
	PerAddress int
	Window     time.Duration
}

// ErrThrottled matches every refusal of [Throttle.Claim].
var ErrThrottled = errors.New("auth: too many failed attempts")

// Lock describes a lock: which scope, whether the account or the address
// hit its limit, and Until, the first instant the next attempt is allowed
// (when the oldest counted failure is one window old).
type Lock struct {
	Scope Scope
	By    string // "account" or "address"
	Until time.Time
}

// ThrottledError is Claim's refusal. It matches [ErrThrottled]. It is for
// the audit log and the logs; sign-in must still answer exactly as for a
// wrong password.
type ThrottledError struct{ Lock }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("auth: %s: too many failed attempts for this %s; locked until %s",
		e.Scope, e.By, e.Until.UTC().Format(time.RFC3339))
}

// Is makes a ThrottledError match ErrThrottled.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// Throttle slows down guessing of passwords and codes. A caller claims a
// slot before checking the secret: the claim checks the count and counts the
// attempt in one atomic step in the store, so a burst of concurrent guesses,
// on any number of instances, gets no more checks than the limit. At the
// limit further attempts are refused without checking anything, until the
// oldest failure leaves the window; refused attempts are not counted, so an
// attacker cannot extend a lock beyond one window by hammering it. A lock
// refuses new attempts and ends nothing else (no session is revoked).
type Throttle struct {
	st     ThrottleStore
	now    func() time.Time
	Limits map[Scope]Limit
	// OnLocked, when set, hears of every attempt refused because of a
	// lock, for metrics.
	OnLocked func(Lock)
}

// NewThrottle builds a throttle with the limits documented in the README:
// per 15 minutes, 5 wrong passwords per account and 50 per address at
// sign-in, 5 wrong codes per user at the second factor, 5 wrong passwords
// per user at a step-up, 5 failed badge sign-ins per badge and 50 per
// address.
func NewThrottle(st ThrottleStore, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{st: st, now: now, Limits: map[Scope]Limit{
		SignIn:       {PerAccount: 5, PerAddress: 50, Window: 15 * time.Minute},
		SecondFactor: {PerAccount: 5, Window: 15 * time.Minute},
		StepUp:       {PerAccount: 5, Window: 15 * time.Minute},
		Badge:        {PerAccount: 5, PerAddress: 50, Window: 15 * time.Minute},
	}}
}

// UserAccount is the account argument of Claim for the scopes counted per
// user (SecondFactor, StepUp): the user's ID, which an e-mail change does not
// reset.
func UserAccount(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// accountKey and addressKey name the store's counters. Sign-in keeps the
// names it has always had, so counts and locks survive upgrades; the other
// scopes are prefixed with their name.
func accountKey(scope Scope, account string) string {
	account = strings.ToLower(strings.TrimSpace(account))
	if scope == SignIn {
		return "acct:" + account
	}
	return string(scope) + ":" + account
}

func addressKey(scope Scope, ip string) string {
	if scope == SignIn {
		return "ip:" + ip
	}
	return string(scope) + ":ip:" + ip
}

// Attempt is one claimed slot. Exactly one of Succeeded, Failed or Release
// settles it; an attempt never settled (an error half-way, a crash) keeps
// counting as a failure, which is the safe side.
type Attempt struct {
	t       *Throttle
	scope   Scope
	limit   Limit
	account string // store key
	claim   *store.ThrottleClaim
	keys    []store.ThrottleKey
	settled bool
}

// Claim takes a slot for one attempt at scope's secret before it is checked.
// account is the e-mail as typed for SignIn and UserAccount(id) for the
// other scopes; ip is the client's address (ignored by scopes not counted per
// address). When the account or the address is locked it returns a
// *ThrottledError (errors.Is(err, ErrThrottled)) and counts nothing: the
// caller must not check the secret.
func (t *Throttle) Claim(ctx context.Context, scope Scope, account, ip string) (*Attempt, error) {
	limit, ok := t.Limits[scope]
	if !ok {
		return nil, fmt.Errorf("auth: throttle scope %q has no limits", scope)
	}
	keys := []store.ThrottleKey{{Key: accountKey(scope, account), Max: limit.PerAccount}}
	if limit.PerAddress > 0 {
		keys = append(keys, store.ThrottleKey{Key: addressKey(scope, ip), Max: limit.PerAddress})
	}
	// An attempt counts while it is younger than the window: stored times
	// are microseconds and the store's bound is inclusive.
	now := t.now()
	c, err := t.st.ClaimAttempt(ctx, keys, now.Add(-limit.Window+time.Microsecond), now)
	if err != nil {
		return nil, fmt.Errorf("auth: throttle %s: %w", scope, err)
	}
	if !c.Granted {
		lock := Lock{Scope: scope, By: lockedBy(c.Full), Until: c.Oldest[c.Full].Add(limit.Window)}
		if t.OnLocked != nil {
			t.OnLocked(lock)
		}
		return nil, &ThrottledError{lock}
	}
	return &Attempt{t: t, scope: scope, limit: limit, account: keys[0].Key, claim: c, keys: keys}, nil
}

func lockedBy(i int) string {
	if i == 0 {
		return "account"
	}
	return "address"
}

func (a *Attempt) settle() error {
	if a.settled {
		return errors.New("auth: throttle attempt settled twice")
	}
	a.settled = true
	return nil
}

// Succeeded settles a correct secret: the account's failures in this scope
// are forgotten and the address's slot is given back. The address keeps its
// other failures: one good account must not unlock guessing others. Other
// scopes are untouched, so a correct password leaves second-factor failures
// counting.
func (a *Attempt) Succeeded(ctx context.Context) error {
	if err := a.settle(); err != nil {
		return err
	}
	if err := a.t.st.ClearAttempts(ctx, a.account); err != nil {
		return fmt.Errorf("auth: throttle %s: %w", a.scope, err)
	}
	if len(a.claim.IDs) > 1 {
		if err := a.t.st.ReleaseAttempts(ctx, a.claim.IDs[1:]); err != nil {
			return fmt.Errorf("auth: throttle %s: %w", a.scope, err)
		}
	}
	return nil
}

// Failed settles a wrong secret. The claimed slot already counts as the
// failure, so nothing is written; it reports the lock this failure started
// when it took the last slot of the account or the address, so the caller
// can audit it ("login.locked"), and nil otherwise.
func (a *Attempt) Failed() *Lock {
	if a.settle() != nil {
		return nil
	}
	for i, k := range a.keys {
		if a.claim.Counts[i] >= k.Max {
			return &Lock{Scope: a.scope, By: lockedBy(i), Until: a.claim.Oldest[i].Add(a.limit.Window)}
		}
	}
	return nil
}

// Release gives the slot back without clearing anything, for an attempt
// that turned out not to be a guess (an empty form) before any secret was
// checked. Never call it after checking one.
func (a *Attempt) Release(ctx context.Context) error {
	if err := a.settle(); err != nil {
		return err
	}
	if err := a.t.st.ReleaseAttempts(ctx, a.claim.IDs); err != nil {
		return fmt.Errorf("auth: throttle %s: %w", a.scope, err)
	}
	return nil
}
