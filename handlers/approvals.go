package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/money"
	"backoffice/store"
	approvalspage "backoffice/templates/pages/approvals"
)

// approvalsHandler serves /approvals (refunds.approve): the refund
// requests waiting for a second person, approving (the password asked
// again, then the refund sent through the write path under the request's
// own idempotency key) and rejecting (with a reason). The store decides
// who wins when several approvers click at once (ClaimRefundRequest), and
// nobody decides their own request.
type approvalsHandler struct {
	*web
	sales *salesHandler // the API, the refund records and the write path
	step  stepUp
}

// maxApprovalsShown bounds the queue page; a team sees far fewer.
const maxApprovalsShown = 200

// approvalErrors are the form errors of one request on the queue page.
type approvalErrors struct {
	id     int64
	errs   form.Errors
	reason string
}

func (h *approvalsHandler) list(c echo.Context) error {
	return h.renderQueue(c, http.StatusOK, "", "", approvalErrors{})
}

// renderQueue shows the queue with a message on top and one request's
// form errors.
func (h *approvalsHandler) renderQueue(c echo.Context, status int, alert, kind string, fe approvalErrors) error {
	ctx := c.Request().Context()
	rq := requestOf(c)
	pending, err := h.sales.money.refunds.ListPendingRefundRequests(ctx, rq.Now(), maxApprovalsShown)
	if err != nil {
		return err
	}
	name, err := h.sales.money.names(ctx)
	if err != nil {
		return err
	}
	v := approvalsPage(rq, h.paths, pending, name, fe)
	v.Alert, v.AlertKind = alert, kind
	s := h.shell(c, "Refund approvals")
	s.NoHistory = true // buyers' names and refund comments
	return h.renderShell(c, status, s, approvalspage.ListPage(v), nil)
}

// approvalsPage is the queue for the person of rq.
func approvalsPage(rq *request, p paths, pending []store.RefundRequest, name func(int64) string, fe approvalErrors) approvalspage.Page {
	now := rq.Now()
	v := approvalspage.Page{CSRF: rq.CSRF(), NeedsCode: rq.User().TOTPEnabled}
	for i := range pending {
		r := &pending[i]
		id := itoa64(r.ID)
		row := approvalspage.Request{ID: id, SaleID: r.SaleID, SaleURL: p.Sale(r.SaleID), Customer: inert(orBuyer(r.Customer)),
			Amount: money.Amount{Cents: r.AmountCents, Currency: r.Currency}.String(), What: "invoice " + r.InvoiceID,
			Category: money.CategoryWords(r.Category), Comment: r.Comment, RequestedBy: name(r.RequestedBy),
			Age: roughly(now.Sub(r.RequestedAt)), At: rq.When(r.RequestedAt), Expires: rq.When(r.ExpiresAt),
			Own: r.RequestedBy == rq.User().ID, ApproveURL: p.Approve(id), RejectURL: p.Reject(id)}
		if r.LineitemID != "" {
			row.What = inert(r.Item) + " (invoice " + r.InvoiceID + ")"
		}
		if r.ID == fe.id {
			row.Errors, row.Reason = fe.errs, fe.reason
		}
		v.Requests = append(v.Requests, row)
	}
	return v
}

// decision reads a decision on the refund request the path names: the
// request, the posted form, and whether this person may decide it (holds
// refunds.approve and did not ask for it).
func (h *approvalsHandler) decision(c echo.Context) (*request, *store.RefundRequest, *form.Reader, error) {
	rq := requestOf(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	req, err := h.sales.money.refunds.RefundRequestByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil, echo.NewHTTPError(http.StatusNotFound, "There is no such refund request.")
	}
	if err != nil {
		return nil, nil, nil, err
	}
	vals, err := posted(c)
	if err != nil {
		return nil, nil, nil, err
	}
	if ok, why := money.CanApprove(rq.viewer.Grants, rq.User().ID, req.RequestedBy); !ok {
		return nil, nil, nil, echo.NewHTTPError(http.StatusForbidden, why)
	}
	return rq, req, form.NewReader(vals), nil
}

// approve approves a request and sends its refund: who may decide, the
// password again, the refund checked against the sale as it is now, the
// request claimed (one approver wins), then the one write.
func (h *approvalsHandler) approve(c echo.Context) error {
	rq, req, in, err := h.decision(c)
	if err != nil {
		return err
	}
	errs, failed, err := h.step.confirm(c.Request().Context(), rq, in.Raw(fieldStepPassword), in.Raw(fieldStepCode))
	if err != nil {
		return err
	}
	if errs.Any() {
		if failed {
			h.sales.wr.audit.Record(c.Request().Context(), rq, AuditEntry{Action: "refunds.approve", Target: "sale:" + req.SaleID,
				Outcome: OutcomeFailed, Detail: "request " + itoa64(req.ID) + ": step-up failed"})
		}
		return h.renderQueue(c, http.StatusUnprocessableEntity, "", "", approvalErrors{id: req.ID, errs: errs})
	}
	// The person is who they say: from here on nothing may be cut off half
	// way by the browser going away (a double click aborts the first post).
	ctx := context.WithoutCancel(c.Request().Context())
	now := rq.Now()
	if req.StateAt(now) != store.RefundPending {
		return h.decidedAlready(c, ctx, req)
	}
	sale, err := h.sales.money.api.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: req.SaleID})
	if err != nil {
		return err
	}
	led, err := h.sales.money.ledger(ctx, req.SaleID, sale, now)
	if err != nil {
		return err
	}
	if why := led.rf.Recheck(refundOf(req)); why != "" {
		return h.renderQueue(c, http.StatusConflict, "", "", approvalErrors{id: req.ID, errs: form.Errors{
			"": "This request no longer fits the sale: " + why + " Reject it, or ask for a new one."}})
	}
	claimed, err := h.sales.money.refunds.ClaimRefundRequest(ctx, req.ID, rq.User().ID, now)
	switch {
	case errors.Is(err, store.ErrRefundDecided) && claimed != nil:
		return h.decidedAlready(c, ctx, claimed)
	case errors.Is(err, store.ErrOwnRefundRequest):
		return echo.NewHTTPError(http.StatusForbidden, "This is your own request: someone else must approve or reject it.")
	case errors.Is(err, store.ErrRefundExpired):
		return h.renderQueue(c, http.StatusConflict, "This request lapsed: nobody decided within 7 days. Nothing was refunded.", "warn", approvalErrors{})
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "There is no such refund request.")
	case err != nil:
		return err
	}
	h.sales.wr.audit.Record(ctx, rq, AuditEntry{Action: "refunds.approve", Target: "sale:" + req.SaleID, Params: refundParams(claimed),
		Outcome: OutcomeOK, Detail: fmt.Sprintf("request %d, asked by user %d", claimed.ID, claimed.RequestedBy)})
	return h.sendApproved(c, ctx, led.rf, claimed)
}

// sendApproved sends an approved request's refund and reports the outcome
// on the queue.
func (h *approvalsHandler) sendApproved(c echo.Context, ctx context.Context, rf *money.Refundable, req *store.RefundRequest) error {
	out, r, err := h.sales.money.send(ctx, requestOf(c), h.sales.wr, rf, req, auth.RefundsApprove)
	if err != nil {
		return err
	}
	_, words := refundWords(rf, r, out)
	what := "the refund of " + r.Amount.String() + " to " + inert(orBuyer(r.Customer)) + " (sale " + req.SaleID + ")"
	switch {
	case out.Succeeded():
		h.flash(c, "ok", "Approved: 2Checkout refunded "+r.Amount.String()+" to "+inert(orBuyer(r.Customer))+" (sale "+req.SaleID+").")
		return redirect(c, h.paths.Approvals())
	case out.Unknown():
		return h.renderQueue(c, out.Status(), "Approved, but "+lowerFirst(words)+" ("+what+")", "warn", approvalErrors{})
	}
	return h.renderQueue(c, out.Status(), "Approved, but 2Checkout refused "+what+": "+words, "error", approvalErrors{})
}

// decidedAlready answers a decision on a request that is no longer
// pending. A request this person claimed and whose refund may still be
// under way (the second post of a double click) is sent again under its own
// key: the write path answers with the first attempt's outcome and sends
// nothing twice.
func (h *approvalsHandler) decidedAlready(c echo.Context, ctx context.Context, req *store.RefundRequest) error {
	rq := requestOf(c)
	if req.State == store.RefundSending && req.DecidedBy == rq.User().ID && !req.Direct {
		return h.sendApproved(c, ctx, nil, req)
	}
	name, err := h.sales.money.names(ctx)
	if err != nil {
		return err
	}
	state, _ := refundStateWords(req, rq.Now())
	msg := "This request was decided already: " + lowerFirst(state)
	if req.DecidedBy != 0 {
		msg += " (" + name(req.DecidedBy) + ")"
	}
	msg += ". Nothing more was done."
	return h.renderQueue(c, http.StatusConflict, msg, "warn", approvalErrors{})
}

// reject turns a request down with a reason the requester will read.
func (h *approvalsHandler) reject(c echo.Context) error {
	rq, req, in, err := h.decision(c)
	if err != nil {
		return err
	}
	reason := in.Text("reason", form.Text{Label: "The reason", Required: true, Max: 500, Multi: true})
	if in.Errors.Any() {
		keepShown(in.Errors, "reason")
		return h.renderQueue(c, http.StatusUnprocessableEntity, "", "", approvalErrors{id: req.ID, errs: in.Errors, reason: reason})
	}
	ctx := context.WithoutCancel(c.Request().Context())
	decided, err := h.sales.money.refunds.RejectRefundRequest(ctx, req.ID, rq.User().ID, reason, rq.Now())
	switch {
	case errors.Is(err, store.ErrRefundDecided) && decided != nil:
		return h.decidedAlready(c, ctx, decided)
	case errors.Is(err, store.ErrOwnRefundRequest):
		return echo.NewHTTPError(http.StatusForbidden, "This is your own request: someone else must approve or reject it.")
	case errors.Is(err, store.ErrRefundExpired):
		return h.renderQueue(c, http.StatusConflict, "This request lapsed already: nobody decided within 7 days.", "warn", approvalErrors{})
	case err != nil:
		return err
	}
	params := refundParams(decided)
	params.Set("reason", reason)
	h.sales.wr.audit.Record(ctx, rq, AuditEntry{Action: "refunds.reject", Target: "sale:" + req.SaleID, Params: params,
		Outcome: OutcomeOK, Detail: fmt.Sprintf("request %d, asked by user %d", decided.ID, decided.RequestedBy)})
	h.flash(c, "ok", "Rejected: "+refundWhat(decided)+" on sale "+decided.SaleID+" is not refunded. The requester sees your reason.")
	return redirect(c, h.paths.Approvals())
}
