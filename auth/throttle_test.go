package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// testClock is a settable clock shared by the throttles of a test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// verifier stands in for the password hasher and counts how many guesses
// reached it: the number the throttle must bound.
type verifier struct {
	right string
	calls atomic.Int32
}

func (v *verifier) check(secret string) bool {
	v.calls.Add(1)
	return secret == v.right
}

type guessResult struct {
	ok        bool
	throttled *ThrottledError
	locked    *Lock
}

// guess is what a handler does with one submitted secret: claim, check only
// when granted, settle by the answer.
func guess(ctx context.Context, th *Throttle, v *verifier, scope Scope, account, ip, secret string) (guessResult, error) {
	a, err := th.Claim(ctx, scope, account, ip)
	var te *ThrottledError
	if errors.As(err, &te) {
		return guessResult{throttled: te}, nil
	}
	if err != nil {
		return guessResult{}, err
	}
	if v.check(secret) {
		return guessResult{ok: true}, a.Succeeded(ctx)
	}
	return guessResult{locked: a.Failed()}, nil
}

// burst sends n guesses at once, spread round-robin over the throttles (one
// per instance), and returns how many were refused and how many locks were
// reported.
func burst(t *testing.T, ths []*Throttle, v *verifier, n int, scope Scope, account string, ip func(i int) string, secret string) (refused, locks int) {
	t.Helper()
	var start, done sync.WaitGroup
	res := make([]guessResult, n)
	errs := make([]error, n)
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			res[i], errs[i] = guess(t.Context(), ths[i%len(ths)], v, scope, account, ip(i), secret)
		}()
	}
	start.Done()
	done.Wait()
	for i, r := range res {
		if errs[i] != nil {
			t.Fatalf("guess %d: %v", i, errs[i])
		}
		if r.ok {
			t.Fatalf("guess %d of a wrong secret succeeded", i)
		}
		if r.throttled != nil {
			refused++
		}
		if r.locked != nil {
			locks++
		}
	}
	return refused, locks
}

func sameIP(int) string { return "203.0.113.9" }

var t0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// backends runs fn on SQLite (two stores on one file, as two processes
// would have) and on PostgreSQL (two stores on one schema, as two
// instances).
func backends(t *testing.T, fn func(t *testing.T, a, b *store.Store)) {
	run := func(t *testing.T, cfg store.Config) {
		a := storetest.Open(t, cfg)
		if err := a.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		fn(t, a, storetest.Open(t, cfg))
	}
	t.Run("sqlite", func(t *testing.T) { run(t, storetest.SQLiteConfig(t)) })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.PostgresConfig(t)) })
}

func TestSignInBurstChecksAtMostTheLimit(t *testing.T) {
	backends(t, func(t *testing.T, a, b *store.Store) {
		ctx := t.Context()
		clock := &testClock{t: t0}
		ths := []*Throttle{NewThrottle(a, clock.Now), NewThrottle(b, clock.Now)}
		v := &verifier{right: "the right password"}

		refused, locks := burst(t, ths, v, 100, SignIn, "Victim@Example.com", sameIP, "wrong")
		if n := v.calls.Load(); n > 5 {
			t.Fatalf("%d of 100 concurrent wrong passwords reached the hasher, want at most 5", n)
		}
		if n := v.calls.Load(); int(n)+refused != 100 || locks != 1 {
			t.Fatalf("%d checked, %d refused, %d locks reported; want checked+refused = 100 and one lock", n, refused, locks)
		}

		// The right password is refused, unchecked, until the oldest
		// failure is 15 minutes old; the lock is the account's.
		for _, d := range []time.Duration{0, 14*time.Minute + 59*time.Second, 15*time.Minute - time.Microsecond} {
			clock.Set(t0.Add(d))
			r, err := guess(ctx, ths[1], v, SignIn, "victim@example.com", "198.51.100.1", "the right password")
			if err != nil {
				t.Fatal(err)
			}
			if r.throttled == nil || r.throttled.By != "account" || !r.throttled.Until.Equal(t0.Add(15*time.Minute)) ||
				!errors.Is(r.throttled, ErrThrottled) {
				t.Fatalf("right password at +%v = %+v, want refused by the account until +15m", d, r)
			}
		}
		if n := v.calls.Load(); n > 5 {
			t.Fatalf("refused attempts reached the hasher: %d calls", n)
		}
		clock.Set(t0.Add(15 * time.Minute))
		before := v.calls.Load()
		r, err := guess(ctx, ths[0], v, SignIn, "victim@example.com", "198.51.100.1", "the right password")
		if err != nil || !r.ok || v.calls.Load() != before+1 {
			t.Fatalf("right password after the window = %+v, %v", r, err)
		}
		// Success clears the account: five more wrong ones are checked.
		refused, _ = burst(t, ths, v, 5, SignIn, "victim@example.com", sameIP, "wrong")
		if refused != 0 {
			t.Fatalf("%d refused right after a success, want 0", refused)
		}
	})
}

func TestSignInAddressLimit(t *testing.T) {
	backends(t, func(t *testing.T, a, _ *store.Store) {
		ctx := t.Context()
		clock := &testClock{t: t0}
		th := NewThrottle(a, clock.Now)
		v := &verifier{right: "right"}
		// Fifty accounts, one wrong password each, from one address.
		for i := range 50 {
			if r, err := guess(ctx, th, v, SignIn, fmt.Sprintf("u%d@example.com", i), "192.0.2.50", "wrong"); err != nil || r.throttled != nil {
				t.Fatalf("guess %d = %+v, %v", i, r, err)
			}
		}
		r, err := guess(ctx, th, v, SignIn, "fresh@example.com", "192.0.2.50", "right")
		if err != nil || r.throttled == nil || r.throttled.By != "address" {
			t.Fatalf("51st attempt from the address = %+v, %v; want refused by the address", r, err)
		}
		// Another address is not affected; a success there does not
		// unlock the first address.
		if r, err := guess(ctx, th, v, SignIn, "fresh@example.com", "192.0.2.51", "right"); err != nil || !r.ok {
			t.Fatalf("from another address = %+v, %v", r, err)
		}
		if r, _ := guess(ctx, th, v, SignIn, "other@example.com", "192.0.2.50", "right"); r.throttled == nil {
			t.Fatal("the address was unlocked by a success elsewhere")
		}
		// An attempt that was not a guess gives its slot back.
		at, err := th.Claim(ctx, SignIn, "empty@example.com", "192.0.2.52")
		if err != nil {
			t.Fatal(err)
		}
		if err := at.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := at.Release(ctx); err == nil {
			t.Error("an attempt was settled twice")
		}
		if n, err := a.CountAttempts(ctx, "acct:empty@example.com", t0.Add(-time.Hour)); err != nil || n != 0 {
			t.Errorf("released attempt still counted: %d, %v", n, err)
		}
	})
}

// Issue 9, item 2: signing in again with the right password every four
// codes must not reset the count of wrong codes.
func TestSecondFactorCountsAcrossPasswordSignIns(t *testing.T) {
	backends(t, func(t *testing.T, a, b *store.Store) {
		ctx := t.Context()
		clock := &testClock{t: t0}
		ths := []*Throttle{NewThrottle(a, clock.Now), NewThrottle(b, clock.Now)}
		password := &verifier{right: "password"}
		codes := &verifier{right: "123456"}
		user := UserAccount(42)
		for round := range 8 {
			r, err := guess(ctx, ths[round%2], password, SignIn, "ann@example.com", "192.0.2.8", "password")
			if err != nil || !r.ok {
				t.Fatalf("round %d: password sign-in = %+v, %v; a second-factor lock must not block it", round, r, err)
			}
			burst(t, ths, codes, 4, SecondFactor, user, sameIP, "000000")
		}
		if n := codes.calls.Load(); n != 5 {
			t.Fatalf("%d of 32 wrong codes were checked across 8 sign-ins, want 5", n)
		}
		r, err := guess(ctx, ths[0], codes, SecondFactor, user, "192.0.2.8", "123456")
		if err != nil || r.throttled == nil || r.throttled.Scope != SecondFactor {
			t.Fatalf("right code while locked = %+v, %v; want refused", r, err)
		}
		clock.Set(t0.Add(15 * time.Minute))
		if r, err := guess(ctx, ths[1], codes, SecondFactor, user, "192.0.2.8", "123456"); err != nil || !r.ok {
			t.Fatalf("right code after the window = %+v, %v", r, err)
		}
		// Another user's codes were never affected.
		if r, _ := guess(ctx, ths[0], codes, SecondFactor, UserAccount(43), "192.0.2.8", "123456"); !r.ok {
			t.Fatalf("another user's code = %+v", r)
		}
	})
}

// Issue 9, item 4: the step-up forms count wrong passwords per user; the
// lock is reported once, for the audit log, and touches no other scope.
func TestStepUpLocks(t *testing.T) {
	backends(t, func(t *testing.T, a, b *store.Store) {
		ctx := t.Context()
		clock := &testClock{t: t0}
		ths := []*Throttle{NewThrottle(a, clock.Now), NewThrottle(b, clock.Now)}
		v := &verifier{right: "password"}
		user := UserAccount(7)
		refused, locks := burst(t, ths, v, 30, StepUp, user, sameIP, "wrong")
		if n := v.calls.Load(); n != 5 || refused != 25 || locks != 1 {
			t.Fatalf("step-up burst: %d checked, %d refused, %d locks; want 5, 25, 1", n, refused, locks)
		}
		if r, _ := guess(ctx, ths[0], v, StepUp, user, "192.0.2.1", "password"); r.throttled == nil || r.throttled.Scope != StepUp {
			t.Fatalf("right password while locked = %+v", r)
		}
		// The lock ends nothing else: sign-in and the second factor work.
		if r, _ := guess(ctx, ths[1], v, SignIn, "ann@example.com", "192.0.2.1", "password"); !r.ok {
			t.Fatalf("sign-in during a step-up lock = %+v", r)
		}
		if r, _ := guess(ctx, ths[1], v, SecondFactor, user, "192.0.2.1", "password"); !r.ok {
			t.Fatalf("second factor during a step-up lock = %+v", r)
		}
	})
}

func TestThrottleUnknownScope(t *testing.T) {
	th := NewThrottle(nil, nil)
	if _, err := th.Claim(t.Context(), Scope("nope"), "a", "b"); err == nil {
		t.Fatal("Claim accepted a scope without limits")
	}
}
