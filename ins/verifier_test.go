package ins

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/apiclient"
)

// fakeCompany answers detail_company_info with a secret word the test can
// change, counting calls; gate, when set, holds every call until closed.
type fakeCompany struct {
	mu     sync.Mutex
	secret string
	err    error
	gate   chan struct{}
	calls  atomic.Int64
}

func (f *fakeCompany) CompanyInfo(ctx context.Context) (*apiclient.CompanyInfo, error) {
	f.calls.Add(1)
	f.mu.Lock()
	secret, err, gate := f.secret, f.err, f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return &apiclient.CompanyInfo{VendorID: apiclient.NewText("1817037"), SecretWord: apiclient.NewSecret(secret)}, nil
}

func (f *fakeCompany) set(secret string, err error) {
	f.mu.Lock()
	f.secret, f.err = secret, err
	f.mu.Unlock()
}

// fakeClock is a settable clock.
type fakeClock struct{ ns atomic.Int64 }

func newClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func (c *fakeClock) opts() VerifierOptions {
	return VerifierOptions{MinRefetch: time.Minute, Now: c.Now}
}
func signedWith(secret string) []field { return signed(example(), secret) }
func signed(fs []field, secret string) []field {
	get := func(k string) string {
		for _, f := range fs {
			if f.k == k {
				return f.v
			}
		}
		return ""
	}
	return set(fs, "md5_hash", Signature(get("sale_id"), get("vendor_id"), get("invoice_id"), secret))
}

func message(t *testing.T, fs []field) *Message {
	t.Helper()
	m, err := Parse([]byte(encode(fs)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func refusedFor(t *testing.T, err error, want Reason) {
	t.Helper()
	var re *RefusedError
	if !errors.As(err, &re) || re.Reason != want {
		t.Fatalf("Verify = %v; want a refusal for %s", err, want)
	}
	if re.Status() != 403 {
		t.Errorf("status %d; want 403", re.Status())
	}
}

func TestVerifierCachesAndRefetchesOnMismatch(t *testing.T) {
	api := &fakeCompany{secret: "tango"}
	clock := newClock()
	v := NewVerifier(api, clock.opts())
	ctx := t.Context()
	for range 3 {
		if err := v.Verify(ctx, message(t, signedWith("tango"))); err != nil {
			t.Fatalf("a message signed with the secret word: %v", err)
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Fatalf("detail_company_info called %d times for 3 messages; want 1 (cached)", n)
	}

	// The merchant changes the word: the first message signed with the new
	// one causes a single fetch and is accepted.
	clock.Add(time.Hour)
	api.set("rum", nil)
	if err := v.Verify(ctx, message(t, signedWith("rum"))); err != nil {
		t.Fatalf("a message signed with the new secret word: %v", err)
	}
	if n := api.calls.Load(); n != 2 {
		t.Fatalf("calls = %d; want 2 (one fetch again on the mismatch)", n)
	}
	// The old word is refused now, without another fetch (one was made
	// just now).
	refusedFor(t, v.Verify(ctx, message(t, signedWith("tango"))), ReasonHashWrong)

	// A flood of forged hashes, all at once: refused, and the API is asked
	// at most once per MinRefetch.
	flood := func() {
		var wg sync.WaitGroup
		for range 200 {
			wg.Go(func() {
				if err := v.Verify(ctx, message(t, signedWith("guess"))); err == nil {
					t.Error("a forged hash was accepted")
				}
			})
		}
		wg.Wait()
	}
	flood()
	if n := api.calls.Load(); n != 2 {
		t.Fatalf("calls after a flood within MinRefetch = %d; want still 2", n)
	}
	clock.Add(time.Minute)
	flood()
	if n := api.calls.Load(); n != 3 {
		t.Fatalf("calls after a flood once MinRefetch passed = %d; want 3 (one more)", n)
	}
	// The good word still works, from the cache.
	if err := v.Verify(ctx, message(t, signedWith("rum"))); err != nil || api.calls.Load() != 3 {
		t.Fatalf("Verify = %v with %d calls", err, api.calls.Load())
	}
}

func TestVerifierMissingHashAsksNothing(t *testing.T) {
	api := &fakeCompany{secret: "tango"}
	v := NewVerifier(api, newClock().opts())
	refusedFor(t, v.Verify(t.Context(), message(t, example())), ReasonHashMissing)
	refusedFor(t, v.Verify(t.Context(), message(t, without(example(), "md5_hash"))), ReasonHashMissing)
	if n := api.calls.Load(); n != 0 {
		t.Errorf("detail_company_info called %d times for unsigned messages", n)
	}
}

func TestVerifierUnavailable(t *testing.T) {
	api := &fakeCompany{err: errors.New("upstream unavailable")}
	clock := newClock()
	v := NewVerifier(api, clock.opts())
	ctx := t.Context()
	good := message(t, signedWith("tango"))
	for i := range 5 {
		err := v.Verify(ctx, good)
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("attempt %d: Verify = %v; want ErrUnavailable", i, err)
		}
		var re *RefusedError
		if errors.As(err, &re) {
			t.Fatal("an unreadable secret word was reported as a refusal")
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Fatalf("calls while the API fails = %d; want 1 per MinRefetch", n)
	}
	api.set("tango", nil)
	clock.Add(time.Minute)
	if err := v.Verify(ctx, good); err != nil {
		t.Fatalf("after the API recovered: %v", err)
	}
	// An account without a secret word cannot be checked at all.
	empty := &fakeCompany{secret: ""}
	if err := NewVerifier(empty, clock.opts()).Verify(ctx, message(t, signedWith(""))); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("with no secret word set: %v; want ErrUnavailable", err)
	}
	// A failed refetch after a mismatch says unavailable, not refused: the
	// word may have changed.
	clock.Add(time.Hour)
	api.set("", errors.New("upstream unavailable"))
	if err := v.Verify(ctx, message(t, signedWith("rum"))); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("mismatch with the API down: %v; want ErrUnavailable", err)
	}
}

func TestVerifierSharesOneFetch(t *testing.T) {
	gate := make(chan struct{})
	api := &fakeCompany{secret: "tango", gate: gate}
	v := NewVerifier(api, newClock().opts())
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() { errs[i] = v.Verify(t.Context(), message(t, signedWith("tango"))) })
	}
	deadline := time.Now().Add(10 * time.Second)
	for api.calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Errorf("%d concurrent first messages made %d fetches; want 1", len(errs), n)
	}
}
