package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Defaults of [WithBreaker], as gobreaker's (security.md 4.5) but with a
// shorter pause: a panel page should learn quickly that the API is back.
const (
	DefaultBreakerFailures = 5
	DefaultBreakerOpenFor  = 30 * time.Second
)

// ErrCircuitOpen matches every call refused by the circuit breaker: the API
// failed repeatedly, so for a while calls fail at once instead of each
// waiting for its timeout. Such a call was never sent, so it also matches
// [ErrNotSent].
var ErrCircuitOpen = errors.New("apiclient: circuit open: the API failed repeatedly, calls are paused")

// CircuitOpenError is a call the breaker refused; nothing left the client.
type CircuitOpenError struct {
	Method string
	// Write is true for a write: writes are refused, never queued.
	Write bool
	// Until is when the breaker lets a read through to test the API again;
	// zero while such a test call is under way.
	Until time.Time
}

// Error says that nothing was sent and until when.
func (e *CircuitOpenError) Error() string {
	when := "until a test call succeeds"
	if !e.Until.IsZero() {
		when = "until " + e.Until.UTC().Format("15:04:05") + " UTC"
	}
	if e.Write {
		return fmt.Sprintf("apiclient: %s: POST not sent: the API failed repeatedly; writes are refused, not queued, %s", e.Method, when)
	}
	return fmt.Sprintf("apiclient: %s: GET not sent: the API failed repeatedly; calls are paused %s", e.Method, when)
}

// Is makes it match [ErrCircuitOpen] and [ErrNotSent].
func (e *CircuitOpenError) Is(target error) bool {
	return target == ErrCircuitOpen || target == ErrNotSent
}

// IsCircuitOpen reports a call refused by the circuit breaker. It was not
// sent ([IsNotSent] is true too), so trying again later is safe.
func IsCircuitOpen(err error) bool { return errors.Is(err, ErrCircuitOpen) }

// BreakerState is the circuit breaker's state.
type BreakerState string

// Breaker states.
const (
	// BreakerDisabled: the client has no breaker.
	BreakerDisabled BreakerState = "disabled"
	// BreakerClosed: calls go through.
	BreakerClosed BreakerState = "closed"
	// BreakerOpen: calls fail at once with [ErrCircuitOpen].
	BreakerOpen BreakerState = "open"
	// BreakerHalfOpen: the pause is over; the next read tests the API
	// (writes stay refused until it succeeded).
	BreakerHalfOpen BreakerState = "half-open"
)

// BreakerStatus is a snapshot for readiness pages and metrics.
type BreakerStatus struct {
	State BreakerState
	// ConsecutiveFailures counts calls failed in a row while closed.
	ConsecutiveFailures int
	// OpenUntil is when an open breaker lets a test read through.
	OpenUntil time.Time
	// Totals since the client was made: calls that failed upstream,
	// calls that got an answer, calls refused by the breaker, and how
	// often it opened.
	Failures, Successes, Rejected, Opened uint64
}

// WithBreaker makes the client fail fast after failures calls in a row
// failed upstream (timeouts, connection errors, 5xx; not 4xx or API errors,
// which are answers), for openFor. Then one read is let through as a test:
// an answer closes the breaker, a failure opens it for another openFor.
// Writes are never used as the test and never queued: while the breaker is
// not closed they fail at once, not sent. failures 0 disables the breaker,
// the default for [New].
func WithBreaker(failures int, openFor time.Duration) ClientOption {
	return func(c *Client) error {
		if failures < 0 || (failures > 0 && openFor <= 0) {
			return errors.New("apiclient: WithBreaker: need failures >= 0 and a positive pause")
		}
		if failures == 0 {
			c.breaker = nil
			return nil
		}
		c.breaker = &breaker{threshold: failures, openFor: openFor, now: time.Now, state: BreakerClosed}
		return nil
	}
}

// Breaker reports the breaker's state and counts.
func (c *Client) Breaker() BreakerStatus {
	if c.breaker == nil {
		return BreakerStatus{State: BreakerDisabled}
	}
	return c.breaker.status()
}

// breaker is a small consecutive-failure circuit breaker (the gobreaker
// model: closed, open, half-open with one probe). It counts calls, not
// attempts: a read's retries are one call.
type breaker struct {
	threshold int
	openFor   time.Duration
	now       func() time.Time

	mu          sync.Mutex
	state       BreakerState
	consecutive int
	openedAt    time.Time
	probing     bool
	failures    uint64
	successes   uint64
	rejected    uint64
	opened      uint64
}

// verdict is what a call's result says about the upstream.
type verdict int

const (
	answered verdict = iota // the API answered, even with an error
	failed                  // timeout, connection error, 5xx
	neutral                 // says nothing: the caller gave up first
)

// transition is a state change to log.
type transition struct {
	to       BreakerState
	failures int
}

// allow decides whether a call may be sent; probe is true for the half-open
// test call, which must be reported back with done.
func (b *breaker) allow(m *MethodInfo) (probe bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.state == BreakerOpen && !now.Before(b.openedAt.Add(b.openFor)) {
		b.state = BreakerHalfOpen
	}
	switch {
	case b.state == BreakerClosed:
		return false, nil
	case b.state == BreakerHalfOpen && !m.Write && !b.probing:
		b.probing = true
		return true, nil
	}
	b.rejected++
	e := &CircuitOpenError{Method: m.Path(), Write: m.Write}
	if b.state == BreakerOpen {
		e.Until = b.openedAt.Add(b.openFor)
	}
	return false, e
}

// done records a sent call's verdict.
func (b *breaker) done(probe bool, v verdict) *transition {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch v {
	case answered:
		b.successes++
		b.consecutive = 0
		if probe {
			b.state = BreakerClosed
			return &transition{to: BreakerClosed}
		}
	case failed:
		b.failures++
		switch {
		case probe:
			b.open()
			return &transition{to: BreakerOpen}
		case b.state == BreakerClosed:
			b.consecutive++
			if b.consecutive >= b.threshold {
				n := b.consecutive
				b.open()
				return &transition{to: BreakerOpen, failures: n}
			}
		}
	}
	return nil
}

func (b *breaker) open() {
	b.state, b.openedAt, b.consecutive = BreakerOpen, b.now(), 0
	b.opened++
}

func (b *breaker) status() BreakerStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := BreakerStatus{State: b.state, ConsecutiveFailures: b.consecutive,
		Failures: b.failures, Successes: b.successes, Rejected: b.rejected, Opened: b.opened}
	if b.state == BreakerOpen {
		s.OpenUntil = b.openedAt.Add(b.openFor)
		if !b.now().Before(s.OpenUntil) {
			s.State = BreakerHalfOpen // the next read will test the API
		}
	}
	return s
}

// judge says what a call's error tells about the upstream. parent is the
// caller's context: if it ended, the call was cut short by the caller and
// proves nothing.
func judge(parent context.Context, err error) verdict {
	if err == nil {
		return answered
	}
	if parent.Err() != nil {
		return neutral
	}
	var re *ResponseError
	var ae *Error
	switch {
	case errors.As(err, &ae):
		if ae.Status >= http.StatusInternalServerError {
			return failed
		}
		return answered
	case errors.As(err, &re):
		if re.Status >= http.StatusInternalServerError || re.Reason == "truncated" {
			return failed
		}
		return answered
	}
	// Timeouts, refused or reset connections, DNS and TLS failures,
	// whether or not the request was written.
	return failed
}
