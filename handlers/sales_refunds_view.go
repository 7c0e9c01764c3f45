package handlers

import (
	"fmt"
	"time"

	"backoffice/auth"
	"backoffice/money"
	"backoffice/store"
	"backoffice/templates/components"
	salespage "backoffice/templates/pages/sales"
)

// The refund section of the sale page: what may be refunded, the forms,
// and the panel's own refunds and requests on the sale.

// refundsSection is the sale page's refund section for the person of rq;
// nil when they have nothing to do with refunds and the panel made none on
// the sale. led is nil when the panel's records could not be read.
func refundsSection(rq *request, p paths, pol money.Policy, id string, led *ledger, name func(int64) string) *salespage.Refunds {
	canRefund, canAsk := rq.Can(auth.SalesRefund), rq.Can(auth.SalesRefundRequest)
	involved := canRefund || canAsk || rq.Can(auth.RefundsApprove)
	if led == nil {
		if !involved {
			return nil
		}
		return &salespage.Refunds{Unavailable: "The panel cannot check refunds of this sale right now (it could not read its own refund records or the account's currency), so none is offered. Reload the page in a moment."}
	}
	if !involved && len(led.requests) == 0 {
		return nil
	}
	v := &salespage.Refunds{CSRF: rq.CSRF()}
	action := ""
	if canRefund || canAsk {
		action = p.SaleRefundRequest(id)
		if canRefund {
			action = p.SaleRefund(id)
		}
		v.Note = policyNote(pol, rq.viewer.Grants, led.currency)
		if d := pol.Decide(rq.viewer.Grants, money.Amount{Cents: money.MinCents, Currency: led.currency}); d.Route == money.Refused {
			action, v.Note = "", d.Why
		}
	}
	for i := range led.rf.Invoices {
		v.Invoices = append(v.Invoices, invoiceRefundView(&led.rf.Invoices[i], action, led.currency))
	}
	now := rq.Now()
	for i := range led.requests {
		v.Requests = append(v.Requests, refundRequestView(&led.requests[i], name, now))
	}
	return v
}

// policyNote says which approval rule applies to this person's refunds.
func policyNote(pol money.Policy, g auth.Grants, currency string) string {
	switch {
	case !pol.Approvals:
		return ""
	case g.Can(auth.SalesRefund) && pol.OverCents == 0:
		return "Every refund needs a second person's approval: yours are sent as requests to someone who may approve refunds."
	case g.Can(auth.SalesRefund):
		return fmt.Sprintf("You refund up to %s at once; a larger refund is sent as a request for a second person's approval.",
			money.Amount{Cents: pol.OverCents, Currency: currency})
	}
	return "Your refunds need a second person's approval: they are sent as requests to someone who may approve refunds."
}

// invoiceRefundView is one invoice's refund position with its forms (none
// when action is "").
func invoiceRefundView(iv *money.InvoiceRefund, action, currency string) salespage.InvoiceRefund {
	out := salespage.InvoiceRefund{ID: iv.InvoiceID, Total: "—", Refunded: iv.Refunded.String(), Left: "—", Why: iv.Why()}
	if iv.Known {
		out.Total, out.Left = iv.Total.String(), iv.Left.String()
	}
	if iv.Unconfirmed.Cents > 0 {
		out.Unconfirmed = iv.Unconfirmed.String()
	}
	if action != "" && iv.CanRefund() {
		out.Form = newRefundForm(action, currency)
		out.Form.InvoiceID = iv.InvoiceID
		out.Form.Summary = "Refund invoice " + iv.InvoiceID + "…"
	}
	var goods []money.LineRefund
	for _, l := range iv.Lineitems {
		if l.Type == "product" && !l.Fee {
			goods = append(goods, l)
		}
	}
	// One item is the invoice itself: its own form would say the same.
	if len(goods) < 2 {
		return out
	}
	for _, l := range goods {
		lv := salespage.LineRefund{ID: l.LineitemID, Name: inert(l.Name), Amount: l.Amount.String(), Why: l.Why}
		if action != "" && l.Refundable {
			lv.Form = newRefundForm(action, currency)
			lv.Form.LineitemID = l.LineitemID
			lv.Form.Summary = "Refund " + inert(l.Name) + "…"
		}
		out.Lines = append(out.Lines, lv)
	}
	return out
}

func newRefundForm(action, currency string) *salespage.RefundForm {
	return &salespage.RefundForm{Action: action, Key: NewFormKey(), Currency: currency, Categories: refundCategories(""),
		Submit: "Continue"}
}

// refundCategories are the reasons a refund form offers, in plain words.
func refundCategories(selected string) []components.Option {
	out := []components.Option{{Value: "", Label: "Choose a reason", Selected: selected == ""}}
	for _, c := range money.Categories() {
		v := itoa(c.ID)
		out = append(out, components.Option{Value: v, Label: c.Words, Selected: v == selected})
	}
	return out
}

// refundRequestView is one refund made or asked for through the panel.
func refundRequestView(r *store.RefundRequest, name func(int64) string, now time.Time) salespage.RefundRequest {
	state, kind := refundStateWords(r, now)
	v := salespage.RefundRequest{What: refundWhat(r), State: state, Kind: kind, At: formatTime(r.RequestedAt),
		Category: money.CategoryWords(r.Category), Comment: r.Comment, Reason: r.Reason, Outcome: r.Outcome}
	if r.Direct {
		v.By = "Refunded by " + name(r.RequestedBy)
	} else {
		v.By = "Asked by " + name(r.RequestedBy)
		switch r.State {
		case store.RefundRejected:
			v.Decided = "Rejected by " + name(r.DecidedBy) + " on " + formatTime(r.DecidedAt)
		case store.RefundSending, store.RefundApproved, store.RefundFailed, store.RefundUnknown:
			v.Decided = "Approved by " + name(r.DecidedBy) + " on " + formatTime(r.DecidedAt)
		}
	}
	return v
}

// refundStateWords says where a refund stands, with its badge kind.
func refundStateWords(r *store.RefundRequest, now time.Time) (words, kind string) {
	switch r.StateAt(now) {
	case store.RefundPending:
		return "Waiting for approval", "warn"
	case store.RefundSending:
		return "Being sent to 2Checkout", "warn"
	case store.RefundApproved:
		if r.Direct {
			return "Refunded", "ok"
		}
		return "Approved and refunded", "ok"
	case store.RefundRejected:
		return "Rejected", "bad"
	case store.RefundExpired:
		return "Expired: nobody decided within 7 days", "bad"
	case store.RefundFailed:
		return "Refused by 2Checkout", "bad"
	}
	return "Outcome unknown", "warn"
}

// refundWhat names a refund's amount and what it refunds.
func refundWhat(r *store.RefundRequest) string {
	a := money.Amount{Cents: r.AmountCents, Currency: r.Currency}.String()
	if r.LineitemID != "" {
		return a + " for " + inert(r.Item) + " (invoice " + r.InvoiceID + ")"
	}
	return a + " of invoice " + r.InvoiceID
}
