package apiclient

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// Call outcomes, as a [CallReport] names them. They are few on purpose: a
// metric label per error code would grow with every code the API invents.
const (
	OutcomeOK       = "ok"        // the API answered with a result
	OutcomeAPIError = "api_error" // the API answered with an error code (a refusal, not a fault)
	OutcomeFailed   = "failed"    // no usable answer: network, timeout, 5xx, a body that does not decode
	OutcomeUnknown  = "unknown"   // a write was sent but its answer was lost: it may have been applied
	OutcomeRefused  = "refused"   // not sent: the circuit breaker is open
)

// CallReport describes one finished call: what an operator graphs, never its
// parameters or its answer.
type CallReport struct {
	Method   string // "group/name", as [MethodInfo.Path]
	Write    bool
	Outcome  string // one of the Outcome constants
	Duration time.Duration
	// Attempts is how many HTTP exchanges the call took (reads are
	// retried); 0 when the breaker refused it.
	Attempts int
	// NewConns is how many of those exchanges opened a new connection
	// rather than reusing a pooled one.
	NewConns int
}

// Observer receives a report of every call when it ends, with the call's
// context (so a server can add the time to the request that made it). It
// runs on the caller's goroutine, so it must be quick and must not call the
// client.
type Observer func(context.Context, CallReport)

// WithObserver reports every call to o, for metrics.
func WithObserver(o Observer) ClientOption {
	return func(c *Client) error {
		if o == nil {
			return errors.New("apiclient: WithObserver: nil observer")
		}
		c.observer = o
		return nil
	}
}

// callStats counts what one call's exchanges did. The counters are atomic
// because the transport's trace hooks may run on its own goroutines.
type callStats struct {
	attempts atomic.Int32
	newConns atomic.Int32
}

// observe reports a finished call to the observer, if any.
func (c *Client) observe(ctx context.Context, m *MethodInfo, start time.Time, st *callStats, err error) {
	if c.observer == nil {
		return
	}
	c.observer(ctx, CallReport{Method: m.Path(), Write: m.Write, Outcome: outcomeOf(err), Duration: time.Since(start),
		Attempts: int(st.attempts.Load()), NewConns: int(st.newConns.Load())})
}

func outcomeOf(err error) string {
	var ae *Error
	switch {
	case err == nil:
		return OutcomeOK
	case IsCircuitOpen(err):
		return OutcomeRefused
	case IsOutcomeUnknown(err):
		return OutcomeUnknown
	case errors.As(err, &ae) && ae.Code != "" && ae.Status < 500:
		return OutcomeAPIError
	}
	return OutcomeFailed
}
