package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/money"
	"backoffice/store"
	"backoffice/templates/components"
	salespage "backoffice/templates/pages/sales"
)

// Refunds from the sale page (issue 10). A refund form is checked with the
// API's own rules (money.ReadInvoiceRefund, ReadLineitemRefund), confirmed
// on a page that says the amount and the buyer in a sentence, and then,
// per BACKOFFICE_REFUND_APPROVAL_OVER (money.Policy), either sent at once
// through the write path or stored as a request for someone else to
// approve (approvals.go). Every refund, made or asked for, is a row of the
// store's refund_requests, created under the form's key (so a form sent
// twice makes one) and carrying its own idempotency key for its one API
// write.

// stepConfirm marks the second post of a refund form: the confirmation.
const stepConfirm = "confirm"

// refund takes the refund forms of a holder of sales.refund; refundRequest
// those of someone who may only ask (sales.refund.request). Both check the
// form, show the confirmation, and on the confirmed post refund at once or
// store a request, as the policy decides for this person and amount.
func (h *salesHandler) refund(c echo.Context) error {
	return h.refundPost(c, h.paths.SaleRefund)
}

func (h *salesHandler) refundRequest(c echo.Context) error {
	return h.refundPost(c, h.paths.SaleRefundRequest)
}

func (h *salesHandler) refundPost(c echo.Context, action func(string) string) error {
	id, in, err := saleForm(c)
	if err != nil {
		return err
	}
	key := formKeyOf(c)
	if !validFormKey(key) {
		return errFormKey
	}
	rq := requestOf(c)
	sale, err := h.readSale(c, id)
	if err != nil {
		return err
	}
	led, err := h.money.ledger(c.Request().Context(), id, sale, rq.Now())
	if err != nil {
		return err
	}
	confirming := in.Raw("step") == stepConfirm
	if prev := led.byFormKey(key); confirming && prev != nil {
		return h.refundAgain(c, id, led, prev)
	}
	typed := readRefundInput(in)
	var r money.Refund
	var ok bool
	if typed.lineitem != "" {
		r, ok = led.rf.ReadLineitemRefund(in)
	} else {
		r, ok = led.rf.ReadInvoiceRefund(in)
	}
	if !ok {
		return h.refundFormAgain(c, id, sale, typed, in.Errors, http.StatusUnprocessableEntity, key)
	}
	r.SaleID = id
	d := h.money.policy.Decide(rq.viewer.Grants, r.Amount)
	switch {
	case d.Route == money.Refused:
		return echo.NewHTTPError(http.StatusForbidden, d.Why)
	case !confirming:
		return h.renderPrivate(c, http.StatusOK, "Confirm the refund",
			components.ConfirmPage(refundConfirmation(rq, h.paths, id, r, d, action(id), key)), nil)
	case d.Route == money.NeedsApproval:
		return h.askApproval(c, id, led, r, key)
	}
	return h.refundNow(c, id, led, r, key)
}

// refundInput is a refund form as typed, to show again.
type refundInput struct {
	invoice, lineitem, amount, category, comment string
}

func readRefundInput(in *form.Reader) refundInput {
	return refundInput{invoice: in.Raw(money.FieldInvoice), lineitem: in.Raw(money.FieldLineitem),
		amount: in.Raw(money.FieldAmount), category: in.Raw(money.FieldCategory), comment: in.Raw(money.FieldComment)}
}

// refundConfirmation is the question before a refund is made or asked for.
// The checked values travel in hidden fields, so what is sent is exactly
// what the question states; the form keeps its key.
func refundConfirmation(rq *request, p paths, id string, r money.Refund, d money.Decision, action, key string) components.Confirm {
	facts := []components.Fact{{Label: "Sale", Value: id}, {Label: "Invoice", Value: r.InvoiceID}}
	carry := []components.Hidden{{Name: "step", Value: stepConfirm}}
	if r.IsLineitem() {
		facts = append(facts, components.Fact{Label: "Item", Value: inert(r.Item)})
		carry = append(carry, components.Hidden{Name: money.FieldLineitem, Value: r.LineitemID})
	} else {
		carry = append(carry, components.Hidden{Name: money.FieldInvoice, Value: r.InvoiceID},
			components.Hidden{Name: money.FieldAmount, Value: r.Amount.Decimal()})
	}
	facts = append(facts, components.Fact{Label: "Amount", Value: r.Amount.String()},
		components.Fact{Label: "Reason", Value: money.CategoryWords(r.Category)}, components.Fact{Label: "Comment", Value: r.Comment})
	carry = append(carry, components.Hidden{Name: money.FieldCategory, Value: itoa(r.Category)},
		components.Hidden{Name: money.FieldComment, Value: r.Comment})
	cf := components.Confirm{Question: inert(r.Sentence()), Facts: facts, Action: action, Cancel: p.Sale(id) + "#refunds",
		CSRF: rq.CSRF(), Key: key, Carry: carry}
	if d.Route == money.Direct {
		cf.Consequence = "2Checkout gives the money back to the buyer at once. A refund cannot be undone."
		cf.Submit = "Refund " + r.Amount.String()
	} else {
		cf.Consequence = d.Why + " Nothing is refunded until then, and the request lapses after 7 days without a decision."
		cf.Submit = "Ask for approval"
	}
	return cf
}

// newRefundRecord is the store's record of refund r asked for (or, when
// direct, made) by the person of rq with the form under key.
func newRefundRecord(rq *request, r money.Refund, key string, direct bool) *store.RefundRequest {
	return &store.RefundRequest{FormKey: key, IdemKey: auth.NewToken(), Direct: direct, RequestedBy: rq.User().ID,
		RequestedAt: rq.Now(), SaleID: r.SaleID, InvoiceID: r.InvoiceID, LineitemID: r.LineitemID, Item: r.Item,
		Customer: r.Customer, AmountCents: r.Amount.Cents, Currency: r.Amount.Currency, Category: r.Category, Comment: r.Comment}
}

// askApproval stores a refund request and says it waits for approval.
func (h *salesHandler) askApproval(c echo.Context, id string, led *ledger, r money.Refund, key string) error {
	rq := requestOf(c)
	ctx := context.WithoutCancel(c.Request().Context())
	stored, created, err := h.money.refunds.CreateRefundRequest(ctx, newRefundRecord(rq, r, key, false))
	if err != nil {
		return err
	}
	if !created {
		return h.refundAgain(c, id, led, stored)
	}
	h.wr.audit.Record(ctx, rq, AuditEntry{Action: "refunds.request", Target: "sale:" + id, Params: r.Values(), Outcome: OutcomeOK,
		Detail: "request " + itoa64(stored.ID) + ": " + r.Amount.String()})
	h.flash(c, "ok", "Refund request sent: "+inert(r.Sentence())+" Someone who may approve refunds decides; you will see the outcome here and on your home page.")
	return redirect(c, h.paths.Sale(id)+"#refunds")
}

// refundNow makes a refund its author may make without approval: the
// record first (so what is left counts it at once, on every instance),
// then the one API write under the record's own key.
func (h *salesHandler) refundNow(c echo.Context, id string, led *ledger, r money.Refund, key string) error {
	rq := requestOf(c)
	// From here on the write must follow its record even if the browser
	// goes away.
	ctx := context.WithoutCancel(c.Request().Context())
	stored, created, err := h.money.refunds.CreateRefundRequest(ctx, newRefundRecord(rq, r, key, true))
	if err != nil {
		return err
	}
	if !created {
		return h.refundAgain(c, id, led, stored)
	}
	out, r, err := h.money.send(ctx, rq, h.wr, led.rf, stored, auth.SalesRefund)
	if err != nil {
		return err
	}
	return h.refundReport(c, id, r, out, led)
}

// refundReport answers a refund sent from the sale page with the one
// outcome policy: a message and the sale on success; the form again with
// 2Checkout's refusal next to the field it concerns; the sale read afresh
// when the outcome is unknown.
func (h *salesHandler) refundReport(c echo.Context, id string, r money.Refund, out Outcome, led *ledger) error {
	field, msg := refundWords(led.rf, r, out)
	switch {
	case out.Succeeded():
		h.flash(c, "ok", "Refunded "+r.Amount.String()+" to "+inert(orBuyer(r.Customer))+".")
		return redirect(c, h.paths.Sale(id)+"#refunds")
	case out.Unknown():
		return h.afterUnknown(c, id, "Outcome unknown: "+msg, func(*salespage.Detail) {})
	}
	sale, err := h.readSale(c, id)
	if err != nil {
		return err
	}
	typed := refundInput{invoice: r.InvoiceID, lineitem: r.LineitemID, category: itoa(r.Category), comment: r.Comment}
	if !r.IsLineitem() {
		typed.amount = r.Amount.Decimal()
	}
	return h.refundFormAgain(c, id, sale, typed, form.Errors{field: msg}, out.Status(), NewFormKey())
}

func orBuyer(name string) string {
	if name == "" {
		return "the buyer"
	}
	return name
}

// refundAgain answers a refund form whose key made a record already: the
// confirmation sent twice (a double click), or raced by a second tab. It
// never sends a second refund: a direct refund still being sent is sent
// again under its own key, which the write path answers with the first
// attempt's outcome; anything else reports the record.
func (h *salesHandler) refundAgain(c echo.Context, id string, led *ledger, prev *store.RefundRequest) error {
	rq := requestOf(c)
	if prev.SaleID != id || prev.RequestedBy != rq.User().ID {
		return errKeyConflict
	}
	r := refundOf(prev)
	if !prev.Direct {
		h.flash(c, "warn", "This refund request was sent already ("+refundWhat(prev)+"); it is "+lowerFirst(stateOnly(prev, rq.Now()))+".")
		return redirect(c, h.paths.Sale(id)+"#refunds")
	}
	switch prev.State {
	case store.RefundSending:
		out, r, err := h.money.send(context.WithoutCancel(c.Request().Context()), rq, h.wr, led.rf, prev, auth.SalesRefund)
		if err != nil {
			return err
		}
		return h.refundReport(c, id, r, out, led)
	case store.RefundApproved:
		h.flash(c, "ok", "Refunded "+r.Amount.String()+" to "+inert(orBuyer(r.Customer))+". (The form was sent twice; it was refunded once.)")
		return redirect(c, h.paths.Sale(id)+"#refunds")
	case store.RefundUnknown:
		return h.afterUnknown(c, id, "Outcome unknown: "+prev.Outcome, func(*salespage.Detail) {})
	}
	h.flash(c, "error", "This refund was sent already and 2Checkout refused it: "+prev.Outcome)
	return redirect(c, h.paths.Sale(id)+"#refunds")
}

func stateOnly(r *store.RefundRequest, now time.Time) string {
	w, _ := refundStateWords(r, now)
	return w
}

// refundFormAgain shows the sale page with the refund form as typed, its
// errors next to its fields, under key.
func (h *salesHandler) refundFormAgain(c echo.Context, id string, sale *apiclient.Sale, typed refundInput, errs form.Errors, status int, key string) error {
	v := h.detail(c, id, sale)
	f := findRefundForm(v.Refunds, typed)
	if f == nil {
		// The form is no longer offered (the invoice cannot be refunded
		// now): the message goes to the top of the page.
		keepShown(errs)
		v.Alert, v.AlertKind = errs.Get(""), "error"
		return h.renderSale(c, status, v)
	}
	shown := []string{money.FieldCategory, money.FieldComment}
	if typed.lineitem == "" {
		shown = append(shown, money.FieldAmount)
	}
	keepShown(errs, shown...)
	f.Errors, f.Open, f.Key = errs, true, key
	f.Amount, f.Comment, f.Categories = typed.amount, typed.comment, refundCategories(typed.category)
	return h.renderSale(c, status, v)
}

// findRefundForm is the form on the page that typed came from.
func findRefundForm(v *salespage.Refunds, typed refundInput) *salespage.RefundForm {
	if v == nil {
		return nil
	}
	for i := range v.Invoices {
		iv := &v.Invoices[i]
		if typed.lineitem == "" && iv.Form != nil && (iv.ID == typed.invoice || typed.invoice == "" && len(v.Invoices) == 1) {
			return iv.Form
		}
		for j := range iv.Lines {
			if l := &iv.Lines[j]; typed.lineitem != "" && l.ID == typed.lineitem && l.Form != nil {
				return l.Form
			}
		}
	}
	return nil
}

// refundOf rebuilds the refund a record stands for.
func refundOf(r *store.RefundRequest) money.Refund {
	return money.Refund{SaleID: r.SaleID, InvoiceID: r.InvoiceID, LineitemID: r.LineitemID, Item: r.Item,
		Amount: money.Amount{Cents: r.AmountCents, Currency: r.Currency}, Category: r.Category, Comment: r.Comment,
		Customer: r.Customer, Whole: r.LineitemID != ""}
}

// send makes the one API write of refund record req under its own
// idempotency key, for the person of rq holding perm (sales.refund for a
// direct refund, refunds.approve for an approval), and records the outcome
// on the record. However often it is called for one record, by one person,
// the refund is sent once: the write path answers a repeat with the first
// outcome.
func (m saleMoney) send(ctx context.Context, rq *request, wr *writer, rf *money.Refundable, req *store.RefundRequest, perm auth.Permission) (Outcome, money.Refund, error) {
	r := refundOf(req)
	w := Write{Action: "sales.refund", Permission: perm, Target: "sale:" + req.SaleID, Key: req.IdemKey,
		Send: send(m.api.RefundInvoice, r.InvoiceParams())}
	if r.IsLineitem() {
		w.Action, w.Send = "sales.refund_lineitem", send(m.api.RefundLineitem, r.LineitemParams())
	}
	out, err := wr.Do(ctx, rq, w)
	if err != nil {
		return out, r, err
	}
	_, words := refundWords(rf, r, out)
	err = m.refunds.FinishRefundRequest(ctx, req.ID, store.RefundStateForWrite(out.State), words, rq.Now())
	if err != nil && !errors.Is(err, store.ErrRefundDecided) {
		return out, r, err
	}
	return out, r, nil
}

// refundWords puts a refund's outcome into plain words, with the form field
// a refusal concerns.
func refundWords(rf *money.Refundable, r money.Refund, out Outcome) (field, msg string) {
	switch {
	case out.Succeeded():
		return "", "2Checkout refunded " + r.Amount.String() + "."
	case out.Unknown():
		return "", "2Checkout did not answer in time, so it is not known whether the refund was made. It counts as made until someone checks: look at the sale (or 2Checkout's own panel) before refunding again."
	}
	if rf != nil {
		if f, m, ok := rf.Refusal(r, out.Err); ok {
			return f, m
		}
	}
	return "", out.Message()
}

// refundParams are the audit parameters of a refund record (approval,
// rejection).
func refundParams(r *store.RefundRequest) url.Values {
	return refundOf(r).Values()
}
