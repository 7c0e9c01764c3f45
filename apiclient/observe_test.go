package apiclient

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

// reports collects what an observer is told.
type reports struct {
	mu   sync.Mutex
	list []CallReport
}

func (r *reports) observe(_ context.Context, c CallReport) {
	r.mu.Lock()
	r.list = append(r.list, c)
	r.mu.Unlock()
}

func (r *reports) last(t *testing.T) CallReport {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.list) == 0 {
		t.Fatal("no call reported")
	}
	return r.list[len(r.list)-1]
}

func TestObserverSeesEachCallsOutcome(t *testing.T) {
	sw, f := newSwitchable(t)
	var got reports
	c := newTestClient(t, f.URL, WithRetry(2, time.Millisecond, time.Millisecond), WithObserver(got.observe))

	sw.mode.Store("ok")
	_ = read(c)
	first := got.last(t)
	eq(t, "method", first.Method, "products/list_products")
	eq(t, "outcome", first.Outcome, OutcomeOK)
	eq(t, "write", first.Write, false)
	eq(t, "attempts", first.Attempts, 1)
	eq(t, "new connections, first call", first.NewConns, 1)
	if first.Duration <= 0 {
		t.Errorf("duration %v", first.Duration)
	}
	_ = read(c)
	eq(t, "new connections, pooled", got.last(t).NewConns, 0)

	sw.mode.Store("notfound")
	_ = read(c)
	eq(t, "outcome of an API error", got.last(t).Outcome, OutcomeAPIError)

	sw.mode.Store("down")
	_ = read(c)
	down := got.last(t)
	eq(t, "outcome of a 503", down.Outcome, OutcomeFailed)
	eq(t, "a read is retried", down.Attempts, 2)

	eq(t, "one report per call", len(got.list), 4)
}

func TestObserverSeesUnknownWritesAndRefusals(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { hijackCut(w) })
	var got reports
	c := newTestClient(t, f.URL, WithObserver(got.observe), WithBreaker(1, time.Hour))
	_ = write(c)
	cut := got.last(t)
	eq(t, "outcome of a cut write", cut.Outcome, OutcomeUnknown)
	eq(t, "write", cut.Write, true)
	_ = write(c)
	refused := got.last(t)
	eq(t, "outcome while the breaker is open", refused.Outcome, OutcomeRefused)
	eq(t, "attempts of a refused call", refused.Attempts, 0)
}

func TestObserverMustBeGiven(t *testing.T) {
	if _, err := New("https://api.example.com/api", "u", "p", WithObserver(nil)); err == nil {
		t.Fatal("nil observer accepted")
	}
}
