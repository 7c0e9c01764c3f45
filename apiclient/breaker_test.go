package apiclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// switchable is a fake API whose answer the test changes: 503, 404, a hang
// until released, or success.
type switchable struct {
	mode    atomic.Value // string
	release chan struct{}
}

func newSwitchable(t *testing.T) (*switchable, *fakeAPI) {
	s := &switchable{release: make(chan struct{})}
	s.mode.Store("down")
	ok := testdata(t, "list_products.json")
	comment := testdata(t, "create_comment.json")
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch s.mode.Load().(string) {
		case "down":
			respond(w, 503, "application/json", []byte(`{"errors":[{"code":"UNAVAILABLE","message":"down"}]}`))
		case "notfound":
			respond(w, 404, "application/json", testdata(t, "error_record_not_found.json"))
		case "hang":
			select {
			case <-s.release:
			case <-r.Context().Done():
				return
			}
			respond(w, 200, "application/json", ok)
		default:
			if r.Method == http.MethodPost {
				respond(w, 200, "application/json", comment)
				return
			}
			respond(w, 200, "application/json", ok)
		}
	})
	return s, f
}

// breakerClient has a breaker of 3 failures and a 30 s pause on a clock the
// test moves, and no read retries, so calls and hits match.
func breakerClient(t *testing.T, url string, clock *time.Time, mu *sync.Mutex) *Client {
	c := newTestClient(t, url, WithRetry(1, 0, 0), WithBreaker(3, 30*time.Second))
	c.breaker.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return *clock }
	return c
}

func read(c *Client) error {
	_, err := c.ListProducts(context.Background(), ListProductsParams{})
	return err
}

func write(c *Client) error {
	_, err := c.CreateComment(context.Background(), CreateCommentParams{SaleID: "1", SaleComment: "x"})
	return err
}

func TestBreakerOpensFailsFastAndRecovers(t *testing.T) {
	sw, f := newSwitchable(t)
	var mu sync.Mutex
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := breakerClient(t, f.URL, &now, &mu)

	// Three 503s in a row open it.
	for i := range 3 {
		if err := read(c); IsCircuitOpen(err) || err == nil {
			t.Fatalf("read %d: %v, want the 503", i+1, err)
		}
	}
	st := c.Breaker()
	if st.State != BreakerOpen || st.Opened != 1 || st.Failures != 3 || !st.OpenUntil.Equal(now.Add(30*time.Second)) {
		t.Fatalf("status after 3 failures = %+v", st)
	}

	// While open nothing leaves the client: a read fails fast, and so does
	// a write, as not sent (never "outcome unknown"), with its own words.
	hits := f.hits.Load()
	err := read(c)
	if !IsCircuitOpen(err) || !IsNotSent(err) || !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("read while open: %v", err)
	}
	err = write(c)
	var ce *CircuitOpenError
	if !errors.As(err, &ce) || !ce.Write || !IsNotSent(err) || IsOutcomeUnknown(err) ||
		!strings.Contains(err.Error(), "writes are refused, not queued") || !ce.Until.Equal(now.Add(30*time.Second)) {
		t.Fatalf("write while open: %v", err)
	}
	eq(t, "requests sent while open", f.hits.Load(), hits)
	eq(t, "rejected", c.Breaker().Rejected, uint64(2))

	// After the pause the next read tests the API; a write is not used as
	// the test and stays refused.
	advance(30 * time.Second)
	eq(t, "state after the pause", c.Breaker().State, BreakerHalfOpen)
	if err := write(c); !IsCircuitOpen(err) {
		t.Fatalf("write in half-open: %v, want refused", err)
	}
	eq(t, "requests sent", f.hits.Load(), hits)
	// The test read fails: open for another pause.
	if err := read(c); err == nil || IsCircuitOpen(err) {
		t.Fatalf("probe read: %v, want the 503", err)
	}
	eq(t, "probe sent", f.hits.Load(), hits+1)
	if st := c.Breaker(); st.State != BreakerOpen || st.Opened != 2 || !st.OpenUntil.Equal(now.Add(30*time.Second)) {
		t.Fatalf("after a failed probe = %+v", st)
	}

	// The API recovers; after the pause one read closes the breaker and
	// writes go out again.
	sw.mode.Store("up")
	advance(30 * time.Second)
	if err := read(c); err != nil {
		t.Fatalf("probe read after recovery: %v", err)
	}
	if st := c.Breaker(); st.State != BreakerClosed || st.ConsecutiveFailures != 0 || st.Successes != 1 {
		t.Fatalf("after a good probe = %+v", st)
	}
	if err := write(c); err != nil {
		t.Fatalf("write after recovery: %v", err)
	}
}

// Answers, even errors, prove the API is up: 4xx never opens the breaker,
// and one answer resets the count of failures in a row.
func TestBreakerCountsOnlyUpstreamFailures(t *testing.T) {
	sw, f := newSwitchable(t)
	var mu sync.Mutex
	now := time.Now()
	c := breakerClient(t, f.URL, &now, &mu)

	sw.mode.Store("notfound")
	for range 10 {
		if _, err := c.DetailSale(context.Background(), DetailSaleParams{SaleID: "1"}); !IsNotFound(err) {
			t.Fatalf("err = %v", err)
		}
	}
	eq(t, "state after ten 404s", c.Breaker().State, BreakerClosed)

	for range 2 {
		sw.mode.Store("down")
		_ = read(c)
		_ = read(c)
		sw.mode.Store("up")
		if err := read(c); err != nil {
			t.Fatal(err)
		}
	}
	if st := c.Breaker(); st.State != BreakerClosed || st.Failures != 4 || st.Opened != 0 {
		t.Fatalf("after 2+2 failures split by an answer = %+v", st)
	}

	// A caller giving up proves nothing either.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 5 {
		_, _ = c.ListProducts(ctx, ListProductsParams{})
	}
	eq(t, "state after cancelled calls", c.Breaker().State, BreakerClosed)

	// Timeouts and refused connections do count.
	sw.mode.Store("hang")
	defer close(sw.release)
	slow := newTestClient(t, f.URL, WithRetry(1, 0, 0), WithTimeouts(50*time.Millisecond, 50*time.Millisecond), WithBreaker(2, time.Minute))
	_ = read(slow)
	_ = write(slow) // outcome unknown: a failure too
	eq(t, "state after two timeouts", slow.Breaker().State, BreakerOpen)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	refused := newTestClient(t, "http://"+addr+"/api", WithRetry(1, 0, 0), WithBreaker(2, time.Minute))
	_ = read(refused)
	_ = read(refused)
	eq(t, "state after two refused connections", refused.Breaker().State, BreakerOpen)
}

// In half-open exactly one read is the test; the others fail fast until it
// has answered.
func TestBreakerOneProbeAtATime(t *testing.T) {
	sw, f := newSwitchable(t)
	var mu sync.Mutex
	now := time.Now()
	c := breakerClient(t, f.URL, &now, &mu)
	for range 3 {
		_ = read(c)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()

	sw.mode.Store("hang")
	probe := make(chan error, 1)
	go func() { probe <- read(c) }()
	for f.hits.Load() < 4 { // the probe reached the server
		time.Sleep(time.Millisecond)
	}
	err := read(c)
	var ce *CircuitOpenError
	if !errors.As(err, &ce) || !ce.Until.IsZero() || !strings.Contains(err.Error(), "until a test call succeeds") {
		t.Fatalf("second read during the probe: %v", err)
	}
	eq(t, "hits", f.hits.Load(), int32(4))
	close(sw.release)
	if err := <-probe; err != nil {
		t.Fatalf("probe: %v", err)
	}
	eq(t, "state", c.Breaker().State, BreakerClosed)
}

func TestBreakerOption(t *testing.T) {
	c := newTestClient(t, "https://api.example.com/api")
	eq(t, "default", c.Breaker().State, BreakerDisabled)
	for _, bad := range []ClientOption{WithBreaker(-1, time.Second), WithBreaker(3, 0)} {
		if _, err := New("https://api.example.com/api", testUser, testPassword, bad); err == nil {
			t.Error("bad WithBreaker accepted")
		}
	}
	c = newTestClient(t, "https://api.example.com/api", WithBreaker(DefaultBreakerFailures, DefaultBreakerOpenFor), WithBreaker(0, 0))
	eq(t, "disabled again", c.Breaker().State, BreakerDisabled)
}
