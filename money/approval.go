package money

import (
	"fmt"

	"backoffice/auth"
)

// Policy is BACKOFFICE_REFUND_APPROVAL_OVER: whether refunds need a second
// person's approval (four eyes), and above what amount for those allowed to
// refund.
type Policy struct {
	// Approvals is false when the setting is empty ("none"): no refund
	// needs approval, and only holders of sales.refund can refund.
	Approvals bool
	// OverCents: a holder of sales.refund refunds up to and including this
	// amount directly and needs approval above it; 0 means every refund
	// needs approval. In minor units of the account's currency.
	OverCents int64
}

// Route is what happens to a refund someone wants to make.
type Route int

// The routes of a refund.
const (
	// Refused: this person may neither refund nor ask for a refund.
	Refused Route = iota
	// Direct: the refund is sent at once.
	Direct
	// NeedsApproval: the refund is stored as a request for someone
	// holding refunds.approve, who is not its requester.
	NeedsApproval
)

// Decision is a Route with the sentence that tells the person why.
type Decision struct {
	Route Route
	Why   string
}

// Decide routes a refund of amount by someone with grants g:
//   - with approvals on, a holder of sales.refund refunds directly up to
//     the limit and needs approval above it; anyone else holding
//     sales.refund.request needs approval for every refund;
//   - with approvals off, holders of sales.refund refund directly and
//     nobody else can refund.
//
// The handler calls it after the form checks, with the checked amount.
func (p Policy) Decide(g auth.Grants, amount Amount) Decision {
	refund, request := g.Can(auth.SalesRefund), g.Can(auth.SalesRefundRequest)
	limit := Amount{Cents: p.OverCents, Currency: amount.Currency}
	switch {
	case !p.Approvals && refund:
		return Decision{Route: Direct}
	case !p.Approvals:
		return Decision{Route: Refused, Why: "Refund requests are switched off here (nobody approves them), and you may not refund directly."}
	case refund && amount.Cents <= p.OverCents:
		return Decision{Route: Direct}
	case refund && p.OverCents == 0:
		return Decision{Route: NeedsApproval, Why: "Every refund needs a second person's approval: this sends a request to someone who may approve refunds."}
	case refund:
		return Decision{Route: NeedsApproval, Why: fmt.Sprintf("Refunds over %s need a second person's approval: this sends a request to someone who may approve refunds.", limit)}
	case request:
		return Decision{Route: NeedsApproval, Why: "Your refunds need a second person's approval: this sends a request to someone who may approve refunds."}
	}
	return Decision{Route: Refused, Why: "You may not refund sales or ask for refunds."}
}

// CanApprove tells whether someone with grants g (user approverID) may
// approve or reject a request made by requesterID, and why not. The store
// enforces the same rule when the decision is written.
func CanApprove(g auth.Grants, approverID, requesterID int64) (bool, string) {
	switch {
	case !g.Can(auth.RefundsApprove):
		return false, "You may not approve refund requests."
	case approverID == requesterID:
		return false, "This is your own request: someone else must approve or reject it."
	}
	return true, ""
}
