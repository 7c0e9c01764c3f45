package handlers

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/store"
)

// Metrics holds the panel's Prometheus collectors, in a registry of its own
// so /metrics shows only what the panel means to show. Every series has a
// bounded set of labels: route patterns, API method names, outcomes and
// reasons from fixed lists, never ids, e-mails or raw paths.
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	upstreamCalls   *prometheus.CounterVec
	upstreamSeconds *prometheus.HistogramVec
	upstreamConns   prometheus.Counter

	writes   *prometheus.CounterVec
	idemHits *prometheus.CounterVec
	ins      *prometheus.CounterVec
	locks    *prometheus.CounterVec
}

// NewMetrics builds the collectors. serve makes one before the API client,
// so the client can report its calls to it ([Metrics.ObserveCall]); New
// makes its own when Deps has none.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"method", "route", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "backoffice_http_request_duration_seconds", Help: "Time to answer HTTP requests.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"method", "route"})
	m.upstreamCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_upstream_calls_total",
		Help: "Calls to the 2Checkout API by method and outcome (ok, api_error, failed, unknown, refused by the circuit breaker).",
	}, []string{"method", "outcome"})
	m.upstreamSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "backoffice_upstream_seconds", Help: "Time a call to the 2Checkout API took, retries included, by method and outcome.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20},
	}, []string{"method", "outcome"})
	m.upstreamConns = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "backoffice_upstream_connections_total",
		Help: "New connections the API client opened (the rest reuse pooled ones).",
	})
	m.writes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_write_outcomes_total",
		Help: "Changes sent to 2Checkout, once per form, by action and outcome (ok, failed, unknown: sent but the answer was lost).",
	}, []string{"action", "outcome"})
	m.idemHits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_idempotency_hits_total",
		Help: "Forms sent again with a key already used: answered with the first outcome (replayed) or refused as a different change (conflict).",
	}, []string{"action", "result"})
	m.ins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_ins_messages_total",
		Help: "INS deliveries by result (accepted, duplicate, refused, unavailable, error, limited, wrong_path) and refusal reason.",
	}, []string{"result", "reason"})
	m.locks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_throttle_locked_total",
		Help: "Attempts refused unchecked because the account or the address had too many failures, by scope (signin, 2fa, stepup, badge) and by.",
	}, []string{"scope", "by"})
	m.reg.MustRegister(m.requests, m.duration, m.upstreamCalls, m.upstreamSeconds, m.upstreamConns,
		m.writes, m.idemHits, m.ins, m.locks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{DisableCompression: true}) // the gzip middleware compresses
	return m
}

// watchBreaker exposes the circuit breaker's state and totals, read when
// /metrics is scraped.
func (m *Metrics) watchBreaker(status func() apiclient.BreakerStatus) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "backoffice_upstream_breaker_open",
			Help: "1 while the circuit breaker refuses calls to 2Checkout (open or half-open), else 0.",
		}, func() float64 {
			if s := status().State; s == apiclient.BreakerOpen || s == apiclient.BreakerHalfOpen {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "backoffice_upstream_breaker_opened_total", Help: "How often the circuit breaker opened.",
		}, func() float64 { return float64(status().Opened) }),
	)
}

// upstreamTimeKey is the context key of a request's upstreamTime.
type upstreamTimeKey struct{}

// upstreamTime is the time a request spent waiting for 2Checkout: the
// union of its calls' spans, since a page's reads may run in parallel and
// their sum would then exceed the time the page waited.
type upstreamTime struct {
	mu    sync.Mutex
	spans [][2]time.Time
}

func (u *upstreamTime) add(end time.Time, d time.Duration) {
	u.mu.Lock()
	u.spans = append(u.spans, [2]time.Time{end.Add(-d), end})
	u.mu.Unlock()
}

func (u *upstreamTime) total() time.Duration {
	u.mu.Lock()
	defer u.mu.Unlock()
	slices.SortFunc(u.spans, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	var sum time.Duration
	var end time.Time
	for _, s := range u.spans {
		if s[0].After(end) {
			sum += s[1].Sub(s[0])
		} else if s[1].After(end) {
			sum += s[1].Sub(end)
		}
		if s[1].After(end) {
			end = s[1]
		}
	}
	return sum
}

// observe records each request under its route pattern, never its raw path,
// so ids in URLs cannot blow up the number of series, and tells the browser
// (Server-Timing: upstream) how long the answer waited for 2Checkout, so
// the time the panel adds can be told apart from the time 2Checkout takes.
func (m *Metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		up := &upstreamTime{}
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), upstreamTimeKey{}, up)))
		c.Response().Before(func() {
			ms := float64(up.total()) / float64(time.Millisecond)
			c.Response().Header().Add("Server-Timing", "upstream;dur="+strconv.FormatFloat(ms, 'f', 1, 64))
		})
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if err != nil {
			if he, ok := err.(*echo.HTTPError); ok {
				status = he.Code
			} else {
				status = http.StatusInternalServerError
			}
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// ObserveCall is the API client's observer ([apiclient.WithObserver]).
func (m *Metrics) ObserveCall(ctx context.Context, r apiclient.CallReport) {
	if up, ok := ctx.Value(upstreamTimeKey{}).(*upstreamTime); ok {
		up.add(time.Now(), r.Duration)
	}
	m.upstreamCalls.WithLabelValues(r.Method, r.Outcome).Inc()
	m.upstreamSeconds.WithLabelValues(r.Method, r.Outcome).Observe(r.Duration.Seconds())
	if r.NewConns > 0 {
		m.upstreamConns.Add(float64(r.NewConns))
	}
}

// Write outcomes, the outcome label of backoffice_write_outcomes_total.
var writeOutcomes = map[string]string{
	store.IdemSucceeded: "ok",
	store.IdemFailed:    "failed",
	store.IdemUnknown:   "unknown",
}

// wrote counts a write the write path sent, by what became of it.
func (m *Metrics) wrote(action, state string) {
	if o, ok := writeOutcomes[state]; ok {
		m.writes.WithLabelValues(action, o).Inc()
	}
}

// Results of a form key seen again, the result label of
// backoffice_idempotency_hits_total.
const (
	idemReplayed = "replayed"
	idemConflict = "conflict"
)

// idemHit counts a form sent again under a key already used.
func (m *Metrics) idemHit(action, result string) { m.idemHits.WithLabelValues(action, result).Inc() }

// INS receiver outcomes, the result label of backoffice_ins_messages_total.
const (
	insAccepted    = "accepted"    // stored
	insDuplicate   = "duplicate"   // a message_id stored before: answered 200, nothing changed
	insRefused     = "refused"     // reason: oversize, malformed, hash_missing, hash_wrong
	insUnavailable = "unavailable" // the secret word could not be read: 503, the service retries
	insFailed      = "error"       // storing failed: 500, the service retries
	insLimited     = "limited"     // over the per-address rate: 429
	insWrongPath   = "wrong_path"  // /ins without the configured path token, or a wrong token: 404
)

// insMessage counts what became of one delivery to the INS receiver.
func (m *Metrics) insMessage(result, reason string) { m.ins.WithLabelValues(result, reason).Inc() }

// throttleLocked is the throttle's OnLocked hook.
func (m *Metrics) throttleLocked(l auth.Lock) { m.locks.WithLabelValues(string(l.Scope), l.By).Inc() }
