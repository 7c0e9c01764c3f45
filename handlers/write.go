package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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
	// Abandoned marks an unknown outcome left by a panel that stopped while
	// the call was in flight (recovered), rather than a call that timed out.
	Abandoned bool
}

// Succeeded reports whether the change was made.
func (o Outcome) Succeeded() bool { return o.State == store.IdemSucceeded }

// Unknown reports whether the change may or may not have been made.
func (o Outcome) Unknown() bool { return o.State == store.IdemUnknown }

// Status is the one policy for the status of a page shown again after a
// write that did not succeed: 504 when it is not known whether the change
// was made, 422 when 2Checkout refused the values (the person can fix
// them), 503 when the panel paused its calls to a failing 2Checkout
// (nothing was sent), 502 when 2Checkout failed itself or could not be
// reached.
func (o Outcome) Status() int {
	if o.Unknown() {
		return http.StatusGatewayTimeout
	}
	if apiclient.IsCircuitOpen(o.Err) {
		return http.StatusServiceUnavailable
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
		return o.UnknownCause() + ", so it is not known whether the change was made. Check the record before sending it again."
	}
	return apiErrorText(o.Err)
}

// UnknownCause says why an unknown outcome is unknown, as the start of a
// sentence: the call timed out, or the panel stopped while it was in flight.
func (o Outcome) UnknownCause() string {
	if o.Abandoned {
		return "The panel stopped while this was being sent to 2Checkout, before the answer was recorded"
	}
	return "2Checkout did not answer in time"
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

// writeStore is what the write path needs of the store: the idempotency
// record and the audit entry, begun together before the call and completed
// together after it, and the recovery of writes a dead process left
// pending.
type writeStore interface {
	BeginWrite(ctx context.Context, r *store.IdemRecord, e *store.AuditEntry) (*store.IdemRecord, bool, error)
	FinishWrite(ctx context.Context, key, state, result, detail string, at time.Time) error
	IdempotentByKey(ctx context.Context, key string) (*store.IdemRecord, error)
	RecoverPending(ctx context.Context, olderThan, at time.Time) ([]store.RecoveredWrite, error)
}

// writer is the one path every API write takes: it checks the permission,
// records the write (its form key and its audit entry, "sent") before the
// call, sends the call detached from the browser's connection, and completes
// both with the answer, handing back an outcome the handler turns into a
// message. A crash between sending and recording leaves a pending record
// and a "sent" entry, which recovery turns into "unknown" (RecoverPending),
// so nothing sent is missing from the log and no form waits for ever.
type writer struct {
	st    writeStore
	audit *Auditor
	log   *slog.Logger
	// abandonAfter is the age past which a write still pending can only
	// belong to a process that died: the client's write timeout bounds the
	// call, store.RecoverySlack the recording around it.
	abandonAfter time.Duration
	// poll is how often a repeat looks again at a write still running.
	poll    time.Duration
	metrics *Metrics
}

func newWriter(st writeStore, audit *Auditor, log *slog.Logger, writeTimeout time.Duration, m *Metrics) *writer {
	return &writer{st: st, audit: audit, log: log, abandonAfter: writeTimeout + store.RecoverySlack, poll: 50 * time.Millisecond, metrics: m}
}

// Errors of the write path itself, shown as a message at the top of the form.
var (
	errFormKey     = echo.NewHTTPError(http.StatusBadRequest, "This form is out of date. Reload the page and try again.")
	errKeyConflict = echo.NewHTTPError(http.StatusConflict, "This form was already used for a different change. Reload the page to start a new one.")
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
	now := rq.Now()
	rec := &store.IdemRecord{Key: wr.Key, UserID: rq.User().ID, Action: wr.Action, ParamsHash: hash, FormHash: rq.postedHash(),
		State: store.IdemPending, Result: "{}", CreatedAt: now, UpdatedAt: now}
	var began string
	if len(wr.Before) > 0 {
		began = "before: " + ScrubParams(wr.Before)
	}
	entry := w.audit.Entry(rq, AuditEntry{Action: wr.Action, Target: wr.Target, Params: sent, Detail: began})
	existing, created, err := w.st.BeginWrite(ctx, rec, entry)
	if err != nil {
		return Outcome{}, err // nothing was sent
	}
	if !created {
		return w.repeat(ctx, rq, wr, sent, existing, hash)
	}

	// The call must not die with the browser's connection: a phone losing
	// Wi-Fi half-way must not leave a half-sent write unrecorded. The client
	// puts its own deadline on the call.
	callCtx := context.WithoutCancel(ctx)
	id, callErr := wr.Send.call(callCtx)
	out, res, detail := settled(id, callErr)
	w.metrics.wrote(wr.Action, out.State)
	b, _ := json.Marshal(res)
	if err := w.st.FinishWrite(callCtx, wr.Key, out.State, string(b), detail, rq.Now()); err != nil {
		// The call is made: the person must see its outcome, and the log
		// keeps it whole (recovery will mark the record unknown).
		w.log.Error("write outcome not recorded", "request_id", rq.ID, "error", err, "action", wr.Action, "target", wr.Target,
			"state", out.State, "detail", detail, "audit_id", entry.ID)
	}
	return out, nil
}

// settled is the outcome of a call, what the idempotency record keeps of
// it and the audit entry's detail.
func settled(id string, callErr error) (Outcome, storedResult, string) {
	out := Outcome{ID: id, Err: callErr}
	res := storedResult{ID: id}
	switch {
	case callErr == nil:
		out.State = store.IdemSucceeded
		if id != "" {
			return out, res, "id " + id
		}
		return out, res, ""
	case apiclient.IsOutcomeUnknown(callErr):
		out.State, res.Kind = store.IdemUnknown, "unknown"
		return out, res, "no answer from 2Checkout after sending"
	}
	out.State = store.IdemFailed
	var ae *apiclient.Error
	switch {
	case errors.As(callErr, &ae):
		res.Kind, res.Code, res.Message, res.Parameter, res.Status = "api", ae.Code, ae.Message, ae.Parameter, ae.Status
	case apiclient.IsCircuitOpen(callErr):
		res.Kind = "paused"
	default:
		res.Kind = "transport"
	}
	return out, res, failureDetail(callErr)
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
// outcome when the same person sent the same change; a refusal otherwise.
func (w *writer) repeat(ctx context.Context, rq *request, wr Write, sent url.Values, rec *store.IdemRecord, hash string) (Outcome, error) {
	if rec.UserID != rq.User().ID || rec.Action != wr.Action || rec.ParamsHash != hash {
		w.audit.Record(ctx, rq, AuditEntry{Action: wr.Action, Target: wr.Target, Outcome: OutcomeDenied, Params: sent,
			Detail: "form key reused for a different change"})
		w.metrics.idemHit(wr.Action, idemConflict)
		return Outcome{}, errKeyConflict
	}
	w.metrics.idemHit(wr.Action, idemReplayed)
	return w.answer(ctx, rq, rec)
}

// answer is the first outcome of the write rec records. An "unknown" record
// is answered at once. A write still pending is waited for, but only until
// it is older than a call can take (abandonAfter): past that, the process
// that sent it died, so the record is recovered as unknown (at start-up or
// by housekeeping, or here when the resend comes first) and answered so.
func (w *writer) answer(ctx context.Context, rq *request, rec *store.IdemRecord) (Outcome, error) {
	if rec.State == store.IdemPending {
		// The panel's clock dates the record; the wait itself is real time.
		wait := rec.CreatedAt.Add(w.abandonAfter).Sub(rq.Now())
		deadline := time.Now().Add(wait)
		for rec.State == store.IdemPending && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return Outcome{}, ctx.Err()
			case <-time.After(min(w.poll, time.Until(deadline))):
			}
			var err error
			if rec, err = w.st.IdempotentByKey(ctx, rec.Key); err != nil {
				return Outcome{}, err
			}
		}
		if rec.State == store.IdemPending {
			if err := w.recoverAbandoned(ctx, rq, rec); err != nil {
				return Outcome{}, err
			}
			var err error
			if rec, err = w.st.IdempotentByKey(ctx, rec.Key); err != nil {
				return Outcome{}, err
			}
		}
	}
	var res storedResult
	_ = json.Unmarshal([]byte(rec.Result), &res)
	out := Outcome{State: rec.State, ID: res.ID, Replayed: true}
	switch {
	case rec.State == store.IdemUnknown:
		// Recovery leaves the result a pending record began with (no kind).
		out.Abandoned = res.Kind == ""
		out.Err = &apiclient.OutcomeUnknownError{Method: rec.Action}
	case rec.State == store.IdemFailed && res.Kind == "api":
		out.Err = &apiclient.Error{Method: rec.Action, Status: res.Status, Code: res.Code, Message: res.Message, Parameter: res.Parameter}
	case rec.State == store.IdemFailed && res.Kind == "paused":
		out.Err = &apiclient.CircuitOpenError{Method: rec.Action, Write: true}
	case rec.State == store.IdemFailed:
		out.Err = errors.New("the first attempt could not reach 2Checkout")
	}
	return out, nil
}

// recoverAbandoned marks rec, and every write begun no later than it and still
// pending, as unknown: each is older than any call can take.
func (w *writer) recoverAbandoned(ctx context.Context, rq *request, rec *store.IdemRecord) error {
	rs, err := w.st.RecoverPending(context.WithoutCancel(ctx), rec.CreatedAt.Add(time.Microsecond), rq.Now())
	for _, r := range rs {
		w.log.Warn("write in flight when a panel stopped: marked unknown, check it at 2Checkout", "request_id", rq.ID,
			"action", r.Action, "user_id", r.UserID, "sent_at", r.CreatedAt, "audit_id", r.AuditID)
	}
	if err != nil {
		return fmt.Errorf("recover abandoned write: %w", err)
	}
	return nil
}

// Replay is the outcome of a form already sent, for a handler that cannot
// rebuild the write because the record it changed is gone (a coupon renamed
// or deleted by this very form, whose first answer the browser never
// showed). The form's key, the person and the action identify it; the
// parameters cannot be compared, as they were built from the record, so the
// form as posted is: the same key with edited fields is refused
// (errKeyConflict), as Do refuses it. found is false when this form was not
// sent before: the handler then answers as it would have.
func (w *writer) Replay(ctx context.Context, rq *request, action, key string) (out Outcome, found bool, err error) {
	if !validFormKey(key) {
		return Outcome{}, false, nil
	}
	rec, err := w.st.IdempotentByKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return Outcome{}, false, nil
	}
	if err != nil {
		return Outcome{}, false, err
	}
	if rec.UserID != rq.User().ID || rec.Action != action {
		return Outcome{}, false, nil
	}
	if posted := rq.postedHash(); rec.FormHash != "" && posted != rec.FormHash {
		w.audit.Record(ctx, rq, AuditEntry{Action: action, Outcome: OutcomeDenied,
			Detail: "form key reused for a different change"})
		w.metrics.idemHit(action, idemConflict)
		return Outcome{}, true, errKeyConflict
	}
	w.metrics.idemHit(action, idemReplayed)
	out, err = w.answer(ctx, rq, rec)
	return out, err == nil, err
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
