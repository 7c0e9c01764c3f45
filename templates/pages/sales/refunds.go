package sales

import "backoffice/templates/components"

// Refunds is the sale page's refund section: per invoice what was paid, what
// has been refunded and what is left, the forms that refund it (the whole
// invoice, part of it, or one line item), and the refunds and refund
// requests made through the panel with their outcomes.
type Refunds struct {
	// Unavailable says why refunds cannot be checked now (the panel could
	// not read its own refund records or the account's currency); nothing
	// is offered then.
	Unavailable string
	// Note explains the approval rule that applies to this person, or why
	// they cannot refund at all.
	Note     string
	CSRF     string
	Invoices []InvoiceRefund
	Requests []RefundRequest
}

// InvoiceRefund is one invoice's refund position.
type InvoiceRefund struct {
	ID                    string
	Total, Refunded, Left string
	// Unconfirmed is the part of Refunded whose outcome is not known ("" when
	// none).
	Unconfirmed string
	// Why is why the invoice cannot be refunded ("" when it can).
	Why string
	// Form refunds all or part of the invoice; nil when the person may not
	// refund or the invoice cannot be refunded.
	Form  *RefundForm
	Lines []LineRefund
}

// LineRefund is one product line item of an invoice.
type LineRefund struct {
	ID, Name, Amount string
	// Why is why the line cannot be refunded on its own ("" when it can).
	Why string
	// Form refunds the line whole; nil when it cannot be refunded or the
	// person may not.
	Form *RefundForm
}

// RefundForm is a refund form: of an invoice (Amount is shown) or of one
// line item (LineitemID is set).
type RefundForm struct {
	Action, Key string
	// InvoiceID and LineitemID are posted as hidden fields.
	InvoiceID, LineitemID string
	// Amount, Category and Comment are as typed.
	Amount, Category, Comment string
	Currency                  string
	Categories                []components.Option
	Errors                    map[string]string
	// Open unfolds the form (it has errors to show).
	Open bool
	// Summary labels the fold ("Refund invoice 123…"); Submit the button.
	Summary, Submit string
}

// RefundRequest is a refund made or asked for through the panel.
type RefundRequest struct {
	What  string // "12.50 USD of invoice 250", "28.85 USD for Blue mug"
	State string // in words: "Waiting for approval", "Refunded"...
	Kind  string // badge kind: ok, warn, bad
	// By and At: who asked (or refunded) and when (UTC).
	By, At   string
	Category string
	Comment  string
	// Decided says who decided and when, "" while pending.
	Decided string
	// Reason is why it was rejected; Outcome what 2Checkout answered.
	Reason, Outcome string
}

// fieldID keeps the ids of the many refund forms on one page apart.
func (f *RefundForm) fieldID(name string) string {
	if f.LineitemID != "" {
		return "f-" + name + "-line-" + f.LineitemID
	}
	return "f-" + name + "-inv-" + f.InvoiceID
}
