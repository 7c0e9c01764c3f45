package handlers

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"backoffice/auth"
	"backoffice/ins"
)

// permMachine marks a route a machine posts to (2Checkout's INS): public,
// with no session and no CSRF token, since the sender has neither; the
// handler authenticates the message itself (md5_hash).
const permMachine auth.Permission = "machine"

// The INS receiver's rate per address: 2Checkout sends a message per event
// and retries, so even a busy shop stays far below it, while a flood of
// forged messages (each refusal is counted in the store) is cut off. Per
// instance: behind a load balancer the limit multiplies by the instances.
const (
	insRate  = 20  // messages per second, sustained
	insBurst = 100 // at once, e.g. the service catching up after an outage
)

// insHandler serves POST /ins (and /ins/{token}): 2Checkout's Instant
// Notification Service posts every event here.
type insHandler struct {
	rcv     *ins.Receiver
	token   string // BACKOFFICE_INS_PATH_TOKEN; "" when messages come to /ins
	audit   *Auditor
	metrics *Metrics
	web     *web
}

// limited wraps next in the per-address rate limit; over it the answer is
// 429 with Retry-After, which the service treats as a failed delivery and
// retries.
func (h *insHandler) limited(next echo.HandlerFunc) echo.HandlerFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: insRate, Burst: insBurst, ExpiresIn: 3 * time.Minute}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			h.metrics.insMessage(insLimited, "")
			c.Response().Header().Set("Retry-After", "10")
			return c.String(http.StatusTooManyRequests, "too many messages from this address: retry later\n")
		},
		ErrorHandler: func(c echo.Context, err error) error {
			return c.String(http.StatusForbidden, "refused\n")
		},
	})(next)
}

// receive is POST /ins: taken only when no path token is configured.
func (h *insHandler) receive(c echo.Context) error {
	if h.token != "" {
		return h.notFound(c)
	}
	return h.take(c)
}

// receiveToken is POST /ins/{token}: taken only with the configured token,
// compared in constant time; any other token is a page that does not exist.
func (h *insHandler) receiveToken(c echo.Context) error {
	if h.token == "" || subtle.ConstantTimeCompare([]byte(c.Param("token")), []byte(h.token)) != 1 {
		return h.notFound(c)
	}
	return h.take(c)
}

func (h *insHandler) notFound(c echo.Context) error {
	h.metrics.insMessage(insWrongPath, "")
	return c.String(http.StatusNotFound, "not found\n")
}

// take stores one message before answering, so a crash after the 200 loses
// nothing. Answers are short plain text: the sender is a machine that only
// reads the status.
func (h *insHandler) take(c echo.Context) error {
	r := c.Request()
	rq := requestOf(c)
	receipt, err := h.rcv.Receive(r.Context(), r.Header.Get("Content-Type"), r.Body)
	var refused *ins.RefusedError
	switch {
	case errors.As(err, &refused):
		h.metrics.insMessage(insRefused, string(refused.Reason))
		h.web.log.Warn("INS message refused", "request_id", rq.ID, "ip", rq.IP, "reason", string(refused.Reason),
			"detail", refused.Detail)
		if refused.Status() == http.StatusForbidden {
			// Anyone can post here, as fast as they like: the audit log gets
			// the first few of each minute one by one and a count of the rest.
			h.audit.RecordRepeatable(r.Context(), rq, AuditEntry{Action: "ins.refused", Target: "ins", Outcome: OutcomeDenied,
				Detail: string(refused.Reason) + ": " + refused.Detail})
		}
		return c.String(refused.Status(), "refused: "+refused.Detail+"\n")
	case errors.Is(err, ins.ErrUnavailable):
		h.metrics.insMessage(insUnavailable, "")
		h.web.log.Error("INS message not checked: the secret word could not be read", "request_id", rq.ID, "error", err)
		c.Response().Header().Set("Retry-After", "60")
		return c.String(http.StatusServiceUnavailable, "cannot check messages now: retry later\n")
	case err != nil:
		h.metrics.insMessage(insFailed, "")
		h.web.log.Error("INS message not stored", "request_id", rq.ID, "error", err)
		return c.String(http.StatusInternalServerError, "not stored: retry later\n")
	case receipt.Duplicate:
		h.metrics.insMessage(insDuplicate, "")
	default:
		h.metrics.insMessage(insAccepted, "")
		h.web.log.Info("INS message stored", "request_id", rq.ID, "message_id", receipt.MessageID,
			"type", receipt.Type, "sale_id", receipt.SaleID)
	}
	return c.String(http.StatusOK, "OK\n")
}
