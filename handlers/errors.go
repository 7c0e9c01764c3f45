package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/htmx"
	errpage "backoffice/templates/pages/errors"
)

// handleError is the one error path: handlers return errors, and this turns
// each into a page (or, for htmx, a message swapped into the page's message
// region), logged by status class. Nothing internal reaches the browser: no
// stack, no upstream body, no SQL.
func (w *web) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	v := w.describe(err)
	v.RequestID = RequestIDOf(c)
	r := c.Request()
	level := slog.LevelWarn
	if v.Status >= 500 {
		level = slog.LevelError
	}
	if v.Status == http.StatusNotFound || v.Status == http.StatusMethodNotAllowed {
		level = slog.LevelInfo
	}
	w.log.Log(r.Context(), level, "request failed", "request_id", v.RequestID, "status", v.Status,
		"path", r.URL.Path, "error", err.Error())
	if r.Method == http.MethodGet && v.Status >= 500 {
		v.RetryURL = r.URL.RequestURI()
	}
	if htmx.IsRequest(r) {
		h := c.Response().Header()
		h.Set(htmx.HeaderRetarget, "#flash")
		h.Set(htmx.HeaderReswap, "innerHTML")
		if err := w.renderFragment(c, v.Status, errpage.Fragment(v)); err != nil {
			w.log.Error("render error fragment", "request_id", v.RequestID, "error", err)
		}
		return
	}
	if r.Method == http.MethodHead {
		_ = c.NoContent(v.Status)
		return
	}
	if err := w.renderShell(c, v.Status, w.shell(c, v.Title), errpage.Page(v), nil); err != nil {
		w.log.Error("render error page", "request_id", v.RequestID, "error", err)
		_ = c.String(http.StatusInternalServerError, "Something went wrong.")
	}
}

// describe puts an error into plain words with the status to send.
func (w *web) describe(err error) errpage.View {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		v := errpage.View{Status: he.Code}
		switch he.Code {
		case http.StatusNotFound:
			v.Title, v.Message = "Page not found", "There is nothing at this address. Check the link, or start again from the home page."
		case http.StatusForbidden:
			v.Title, v.Message = "Not allowed", ownMessage(he, "Your role does not include this. If you need it for your work, ask an admin to change your role.")
		case http.StatusMethodNotAllowed:
			v.Title, v.Message = "Not allowed", "This address does not accept that kind of request."
		case http.StatusRequestEntityTooLarge:
			v.Title, v.Message = "Too much data", "What you sent is larger than the panel accepts. Shorten the text and try again."
		case http.StatusBadRequest:
			v.Title, v.Message = "Bad request", ownMessage(he, "The request could not be understood.")
		case http.StatusUnauthorized:
			v.Title, v.Message, v.SignInURL = "Please sign in", "Your session has ended. Sign in again to carry on.", w.paths.Login()
		case http.StatusConflict:
			// A form key reused for another change, or a change still
			// running: the handler's words say which and what to do.
			v.Title, v.Message = "Already sent", ownMessage(he, "This change was already sent. Reload the page to see where things stand.")
		case http.StatusTooManyRequests:
			v.Title, v.Message = "Too many requests", "Please wait a moment and try again."
		case http.StatusServiceUnavailable:
			v.Title, v.Message = "Unavailable", "The panel is shutting down or busy. Try again in a moment."
		default:
			if he.Code >= 500 {
				v.Title, v.Message = "Something went wrong", "The panel hit an unexpected problem. It has been logged; try again."
			} else {
				v.Title, v.Message = http.StatusText(he.Code), "The request could not be completed."
			}
		}
		return v
	}
	if isUpstream(err) {
		return upstreamView(err)
	}
	if errors.Is(err, context.Canceled) {
		return errpage.View{Status: 499, Title: "Cancelled", Message: "The request was cancelled."}
	}
	return errpage.View{Status: http.StatusInternalServerError, Title: "Something went wrong",
		Message: "The panel hit an unexpected problem. It has been logged; try again."}
}

// ownMessage is the message the handler gave an HTTP error, or fallback
// when it gave none (echo's default is the status text).
func ownMessage(he *echo.HTTPError, fallback string) string {
	if msg, ok := he.Message.(string); ok && msg != "" && msg != http.StatusText(he.Code) {
		return msg
	}
	return fallback
}

func isUpstream(err error) bool {
	var ae *apiclient.Error
	return errors.As(err, &ae) || errors.Is(err, apiclient.ErrUnexpectedResponse) ||
		apiclient.IsOutcomeUnknown(err) || errors.Is(err, context.DeadlineExceeded) || apiclient.IsNotSent(err)
}

// upstreamView explains a failed call to 2Checkout. Reads may simply be tried
// again; the message never carries the upstream body or credentials.
func upstreamView(err error) errpage.View {
	v := errpage.View{Status: http.StatusBadGateway, Title: "2Checkout did not answer properly"}
	switch {
	case apiclient.IsUnauthorized(err):
		v.Title = "Integration credentials rejected"
		v.Message = "2Checkout refused the panel's API credentials. An admin must check the API username and password."
	case apiclient.IsNotFound(err):
		v.Status, v.Title, v.Message = http.StatusNotFound, "Not found", "2Checkout has no record with this number. Check it and try again."
	case apiclient.IsForbidden(err):
		v.Status, v.Title, v.Message = http.StatusForbidden, "Access denied by 2Checkout", "The API user is not allowed to see or change this record."
	case apiclient.IsCircuitOpen(err):
		v.Status, v.Title, v.Message = http.StatusServiceUnavailable, "2Checkout is not answering", circuitOpenText(err)
	case apiclient.IsOutcomeUnknown(err):
		v.Status, v.Title = http.StatusGatewayTimeout, "Outcome unknown"
		v.Message = "2Checkout did not answer in time, so it is not known whether the change was made. Check the record before trying again."
	case errors.Is(err, context.DeadlineExceeded):
		v.Status, v.Title = http.StatusGatewayTimeout, "2Checkout is not responding"
		v.Message = "2Checkout did not answer in time. Nothing was changed; try again in a moment."
	case errors.Is(err, apiclient.ErrUnexpectedResponse):
		v.Message = "2Checkout sent an answer the panel could not read. Nothing was changed; try again in a moment."
	case apiclient.IsNotSent(err):
		v.Title = "2Checkout is unreachable"
		v.Message = "The panel could not reach 2Checkout. Nothing was sent; try again in a moment."
	default:
		v.Message = "2Checkout reported a problem: " + apiMessage(err)
	}
	return v
}

// circuitOpenText explains a call the circuit breaker refused: 2Checkout
// failed several times in a row, so for a while the panel sends nothing
// rather than make every page wait for its timeout. A write is refused, never
// queued, so the person knows it was not made and may send it again.
func circuitOpenText(err error) string {
	when := "for a moment"
	var ce *apiclient.CircuitOpenError
	if errors.As(err, &ce) && !ce.Until.IsZero() {
		when = "until " + ce.Until.UTC().Format("15:04:05") + " UTC"
	}
	if errors.As(err, &ce) && ce.Write {
		return "2Checkout is not answering; the panel has paused its calls " + when + ". Nothing was sent, so the change was not made; it is safe to send it again later."
	}
	return "2Checkout is not answering; calls are paused " + when + ". Nothing was sent; try again shortly."
}

// apiMessage is the API's own message for an error it reported, or a
// generic sentence when there is none. It is upstream text: templates escape
// it like any other.
func apiMessage(err error) string {
	var ae *apiclient.Error
	if errors.As(err, &ae) && ae.Message != "" {
		return ae.Message
	}
	return "the request could not be completed."
}
