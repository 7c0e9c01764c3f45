package handlers

import (
	"context"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
)

type pinger interface {
	Ping(ctx context.Context) error
}

// healthHandler answers liveness, readiness and metrics probes. Readiness
// depends only on what the panel owns (the store): an outage at 2Checkout
// must not take the panel and its audit log away, so the upstream's state is
// reported but never makes the panel unready. Bodies carry no internals.
type healthHandler struct {
	st  pinger
	api companyAPI
	// breaker reports the client's circuit breaker; nil: none.
	breaker      func() apiclient.BreakerStatus
	metricsToken string
	metrics      *Metrics

	mu         sync.Mutex
	upstream   string
	upstreamAt time.Time
}

func (h *healthHandler) live(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (h *healthHandler) ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	body := map[string]string{"status": "ready", "store": "ok", "upstream": h.upstreamState(ctx)}
	if h.breaker != nil {
		// Open: the panel is answering pages at once with "2Checkout is
		// not answering" instead of sending calls. Reported, never a reason
		// to take the panel out of service.
		b := h.breaker()
		body["breaker"] = string(b.State)
		if b.State == apiclient.BreakerOpen {
			body["breaker_open_until"] = b.OpenUntil.UTC().Format(time.RFC3339)
		}
	}
	if err := h.st.Ping(ctx); err != nil {
		body["status"], body["store"] = "unready", "unavailable"
		return c.JSON(http.StatusServiceUnavailable, body)
	}
	return c.JSON(http.StatusOK, body)
}

// upstreamState checks 2Checkout at most every 30 seconds, so probes do not
// spend the account's API quota.
func (h *healthHandler) upstreamState(ctx context.Context) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.upstream != "" && time.Since(h.upstreamAt) < 30*time.Second {
		return h.upstream
	}
	_, err := h.api.CompanyInfo(ctx)
	switch {
	case err == nil:
		h.upstream = "ok"
	case apiclient.IsUnauthorized(err):
		h.upstream = "credentials rejected"
	default:
		h.upstream = "unavailable"
	}
	h.upstreamAt = time.Now()
	return h.upstream
}

func (h *healthHandler) metricsHandler(c echo.Context) error {
	if h.metricsToken != "" {
		want := "Bearer " + h.metricsToken
		if subtle.ConstantTimeCompare([]byte(c.Request().Header.Get("Authorization")), []byte(want)) != 1 {
			return echo.NewHTTPError(http.StatusUnauthorized)
		}
	}
	h.metrics.handler.ServeHTTP(c.Response(), c.Request())
	return nil
}
