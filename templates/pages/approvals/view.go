// Package approvals draws the refund approvals queue (four eyes): the
// refund requests waiting for a decision, each with its approve form (the
// password asked again) and its reject form (a reason required).
package approvals

// Page is the approvals queue.
type Page struct {
	CSRF string
	// NeedsCode: the approver has a second factor, so approving asks for a
	// code as well as the password.
	NeedsCode bool
	// Alert is a message at the top (an outcome, a refusal); AlertKind is
	// "ok", "warn" or "error".
	Alert, AlertKind string
	Requests         []Request
}

// Request is one refund request waiting for a decision.
type Request struct {
	ID string
	// SaleID and SaleURL lead to the sale.
	SaleID, SaleURL string
	Customer        string
	Amount          string
	What            string // "invoice 250" or "Blue mug (invoice 250)"
	Category        string
	Comment         string
	RequestedBy     string
	// Age is how long it has waited ("3 hours"), At when it was asked (UTC),
	// Expires when it lapses.
	Age, At, Expires string
	// Own: the viewer asked for it, so they may not decide it.
	Own bool
	// ApproveURL and RejectURL are where the forms post.
	ApproveURL, RejectURL string
	// Errors are this request's form errors after a failed attempt
	// ("password", "code", "reason", "" for the request as a whole); Reason
	// the reason as typed.
	Errors map[string]string
	Reason string
}
