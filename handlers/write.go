package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/store"
)

// Write is one change sent to the Admin API through the write path.
type Write struct {
	Action     string          // audit action, e.g. "products.update"
	Permission auth.Permission // checked again here, on top of the route guard
	Target     string          // e.g. "product:4635212971"
	// Key is the idempotency key the form carried (formKeyOf).
	Key string
	// Send is the call and the typed params it sends (built by send or
	// sendID). The audit log's parameters and the fingerprint that tells a
	// repeat from a different change under the same key are both encoded
	// from exactly those params, so they cannot drift from the request.
	Send Send
	// Before holds the record's values before the change, when the API can
	// give them, for the audit log (one ...Before function per resource).
	Before url.Values
}

// Send is an API call bound to the params it sends.
type Send struct {
	params any
	call   func(ctx context.Context) (string, error)
}

// send binds an API method to the params it is called with; the write
// hands back no id.
func send[P, R any](method func(context.Context, P) (R, error), p P) Send {
	return Send{params: p, call: func(ctx context.Context) (string, error) {
		_, err := method(ctx, p)
		return "", err
	}}
}

// sendID is send for a call whose answer names what it made (a created
// product's id, a coupon's code), which the outcome carries back.
func sendID[P, R any](method func(context.Context, P) (R, error), p P, id func(R) string) Send {
	return Send{params: p, call: func(ctx context.Context) (string, error) {
		r, err := method(ctx, p)
		if err != nil {
			return "", err
		}
		return id(r), nil
	}}
}

// Outcome is what became of a write.
type Outcome struct {
	State    string // store.IdemSucceeded, IdemFailed, IdemUnknown
	ID       string // the id the call handed back, on success
	Err      error  // the API's error, for failed and unknown
	Replayed bool   // the same form was sent before: this is the first result
}

// Succeeded reports whether the change was made.
func (o Outcome) Succeeded() bool { return o.State == store.IdemSucceeded }

// Unknown reports whether the change may or may not have been made.
func (o Outcome) Unknown() bool { return o.State == store.IdemUnknown }

// Status is the one policy for the status of a page shown again after a
// write that did not succeed: 504 when it is not known whether the change
// was made, 422 when 2Checkout refused the values (the person can fix
// them), 502 when 2Checkout failed itself or could not be reached.
func (o Outcome) Status() int {
	if o.Unknown() {
		return http.StatusGatewayTimeout
	}
	var ae *apiclient.Error
	if errors.As(o.Err, &ae) && ae.Status < 500 && ae.Code != codeInternalError {
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadGateway
}

// Message is the message at the top of a form or confirmation after a
// write that did not succeed.
func (o Outcome) Message() string {
	if o.Unknown() {
		return "2Checkout did not answer in time, so it is not known whether the change was made. Check the record before sending it again."
	}
	return apiErrorText(o.Err)
}

// ApplyTo puts a failed write's message on a form: next to the field the
// API names when the form has it (fields maps API parameter names to form
// field names), at the top otherwise; an unknown outcome always at the top.
func (o Outcome) ApplyTo(errs form.Errors, fields map[string]string) {
	if o.Unknown() {
		errs.Add("", o.Message())
		return
	}
	applyAPIError(errs, o.Err, fields)
}

type idemStore interface {
	BeginIdempotent(ctx context.Context, r *store.IdemRecord) (*store.IdemRecord, bool, error)
	FinishIdempotent(ctx context.Context, key, state, result string, at time.Time) error
	IdempotentByKey(ctx context.Context, key string) (*store.IdemRecord, error)
}

// writer is the one path every API write takes: it checks the permission,
// makes the write idempotent, sends the call detached from the browser's
// connection, records the audit entry and hands back an outcome the handler
// turns into a message.
type writer struct {
	idem  idemStore
	audit *Auditor
	// wait bounds how long a repeat waits for the first request with the
	// same key to finish.
	wait time.Duration
}

// Errors of the write path itself, shown as a message at the top of the form.
var (
	errFormKey      = echo.NewHTTPError(http.StatusBadRequest, "This form is out of date. Reload the page and try again.")
	errKeyConflict  = echo.NewHTTPError(http.StatusConflict, "This form was already used for a different change. Reload the page to start a new one.")
	errStillRunning = echo.NewHTTPError(http.StatusConflict, "The same change is still being sent. Wait a moment, then reload the page to see the result.")
)

// codeInternalError is the code 2Checkout answers when it failed itself.
const codeInternalError = "INTERNAL_ERROR"

// Do runs a write once per form key, for the person of rq. ctx is the
// request's context: the call itself is detached from it, so a browser that
// goes away does not cut a write off half-sent.
func (w *writer) Do(ctx context.Context, rq *request, wr Write) (Outcome, error) {
	sent, err := apiclient.EncodeParams(wr.Send.params)
	if err != nil {
		return Outcome{}, fmt.Errorf("%s: %w", wr.Action, err)
	}
	if !rq.Can(wr.Permission) {
		w.audit.Record(ctx, rq, AuditEntry{Action: wr.Action, Target: wr.Target, Outcome: OutcomeDenied, Params: sent})
		return Outcome{}, echo.NewHTTPError(http.StatusForbidden)
	}
	if !validFormKey(wr.Key) {
		return Outcome{}, errFormKey
	}
	hash := paramsHash(wr.Action, sent)
	rec := &store.IdemRecord{Key: wr.Key, UserID: rq.User().ID, Action: wr.Action, ParamsHash: hash,
		State: store.IdemPending, Result: "{}", CreatedAt: rq.Now(), UpdatedAt: rq.Now()}
	existing, created, err := w.idem.BeginIdempotent(ctx, rec)
	if err != nil {
		return Outcome{}, err
	}
	if !created {
		return w.repeat(ctx, rq, wr, sent, existing, hash)
	}

	// The call must not die with the browser's connection: a phone losing
	// Wi-Fi half-way must not leave a half-sent write unrecorded. The client
	// puts its own deadline on the call.
	callCtx := context.WithoutCancel(ctx)
	id, callErr := wr.Send.call(callCtx)
	out := Outcome{ID: id, Err: callErr}
	res := storedResult{ID: id}
	switch {
	case callErr == nil:
		out.State = store.IdemSucceeded
	case apiclient.IsOutcomeUnknown(callErr):
		out.State, res.Kind = store.IdemUnknown, "unknown"
	default:
		out.State = store.IdemFailed
		var ae *apiclient.Error
		if errors.As(callErr, &ae) {
			res.Kind, res.Code, res.Message, res.Parameter, res.Status = "api", ae.Code, ae.Message, ae.Parameter, ae.Status
		} else {
			res.Kind = "transport"
		}
	}
	b, _ := json.Marshal(res)
	if err := w.idem.FinishIdempotent(callCtx, wr.Key, out.State, string(b), rq.Now()); err != nil {
		return out, err
	}
	entry := AuditEntry{Action: wr.Action, Target: wr.Target, Params: sent}
	switch out.State {
	case store.IdemSucceeded:
		entry.Outcome = OutcomeOK
		if id != "" {
			entry.Detail = "id " + id
		}
	case store.IdemUnknown:
		entry.Outcome, entry.Detail = OutcomeUnknown, "no answer from 2Checkout after sending"
	default:
		entry.Outcome, entry.Detail = OutcomeFailed, failureDetail(callErr)
	}
	if len(wr.Before) > 0 {
		entry.Detail = joinDetail(entry.Detail, "before: "+ScrubParams(wr.Before))
	}
	w.audit.Record(callCtx, rq, entry)
	return out, nil
}

func failureDetail(err error) string {
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		s := ae.Code
		if ae.Message != "" {
			s += ": " + ae.Message
		}
		if ae.Parameter != "" {
			s += " (" + ae.Parameter + ")"
		}
		return s
	}
	return upstreamView(err).Title
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// repeat answers a second request with a key already seen: the stored
// outcome when the same person sent the same change, waiting for it when the
// first request is still running; a refusal otherwise.
func (w *writer) repeat(ctx context.Context, rq *request, wr Write, sent url.Values, rec *store.IdemRecord, hash string) (Outcome, error) {
	if rec.UserID != rq.User().ID || rec.Action != wr.Action || rec.ParamsHash != hash {
		w.audit.Record(ctx, rq, AuditEntry{Action: wr.Action, Target: wr.Target, Outcome: OutcomeDenied, Params: sent,
			Detail: "form key reused for a different change"})
		return Outcome{}, errKeyConflict
	}
	deadline := time.Now().Add(w.wait)
	for rec.State == store.IdemPending {
		if time.Now().After(deadline) {
			return Outcome{}, errStillRunning
		}
		select {
		case <-ctx.Done():
			return Outcome{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		var err error
		if rec, err = w.idem.IdempotentByKey(ctx, wr.Key); err != nil {
			return Outcome{}, err
		}
	}
	var res storedResult
	_ = json.Unmarshal([]byte(rec.Result), &res)
	out := Outcome{State: rec.State, ID: res.ID, Replayed: true}
	switch {
	case rec.State == store.IdemUnknown:
		out.Err = &apiclient.OutcomeUnknownError{Method: wr.Action}
	case rec.State == store.IdemFailed && res.Kind == "api":
		out.Err = &apiclient.Error{Method: wr.Action, Status: res.Status, Code: res.Code, Message: res.Message, Parameter: res.Parameter}
	case rec.State == store.IdemFailed:
		out.Err = errors.New("the first attempt could not reach 2Checkout")
	}
	return out, nil
}

// refusalText is the message of a write the write path refused before
// sending (a stale or reused form key, a change still running).
func refusalText(err error) string {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if msg, ok := he.Message.(string); ok {
			return msg
		}
	}
	return "the panel refused to send it."
}
