package money

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"backoffice/apiclient"
	"backoffice/form"
)

// RefundWindow is how long after an invoice was placed 2Checkout still
// refunds it.
const RefundWindow = 180 * 24 * time.Hour

// CurrencyParam is the refund_invoice currency the panel sends: amounts are
// the merchant's (see "Currency" in the package doc).
const CurrencyParam = "vendor"

// Limits the API puts on a refund's fields.
const (
	MaxComment = 5000
	MinCents   = 1 // TOO_LOW below 0.01
)

// Fields of the refund forms. An invoice refund form has an invoice field
// only when the sale has several invoices; problems with the invoice are
// then keyed to FieldInvoice, and otherwise to "" (the top of the form), so
// a message never lands on a field the page does not show. A line item
// refund form identifies its line with a hidden FieldLineitem, and the
// problems of that line are keyed to it (show them by the line).
//
// The names are the panel's own, prefixed, so that the sale page's refund
// forms never share a field name with its other forms (a comment, an
// invoice to ship).
const (
	FieldInvoice  = "refund_invoice"
	FieldLineitem = "refund_lineitem"
	// FieldAmount is optional: empty refunds everything left on the
	// invoice.
	FieldAmount   = "refund_amount"
	FieldCategory = "refund_category"
	FieldComment  = "refund_comment"
)

// PanelRefund is a refund the panel sent on the sale, or may have: the
// store's refund requests of the sale in state sending, approved or unknown
// (store.RefundRequest.MoneyMayHaveMoved). detail_sale does not show partial
// refunds, so these count against what is left.
type PanelRefund struct {
	InvoiceID  string
	LineitemID string // "" for a refund of (part of) the invoice
	Cents      int64
	// Confirmed is true when 2Checkout accepted it (approved); false while
	// it is being sent or its outcome is unknown.
	Confirmed bool
}

// Refundable is what can be refunded on one sale, worked out by Assess.
type Refundable struct {
	SaleID   string
	Customer string // the buyer's name, "" when unknown
	Currency string
	Invoices []InvoiceRefund
}

// InvoiceRefund is one invoice's refund position.
type InvoiceRefund struct {
	InvoiceID string
	Placed    time.Time // zero when unreadable
	Customer  string
	// Known is false when the invoice's total is unreadable: the panel
	// cannot check a refund against it.
	Known bool
	Total Amount
	// Refunded counts the line items shown as refunded and the panel's own
	// refunds; Unconfirmed is the part of it whose outcome is not known.
	Refunded    Amount
	Unconfirmed Amount
	// Left is what can still be refunded (never below zero).
	Left Amount
	// FullyRefunded: nothing is left (NOTHING_TO_DO).
	FullyRefunded bool
	// TooOld: placed more than 180 days ago (TOO_LATE).
	TooOld    bool
	Lineitems []LineRefund
}

// LineRefund is one line item's refund position (refund_lineitem refunds a
// line whole).
type LineRefund struct {
	LineitemID string
	Name       string
	Type       string // "product", "shipping", "tax", "coupon"...
	// Fee marks a "Tax Fee" or "Shipping Fee" line: typed "product" by the
	// API like goods, but refund_lineitem refuses it (INVALID_PARAMETER).
	Fee    bool
	Amount Amount
	// Refunded: shown as refunded, or the panel sent a refund of it.
	Refunded bool
	// Refundable tells whether refund_lineitem would be accepted; Why says
	// in plain words why not.
	Refundable bool
	Why        string
}

// CanRefund tells whether any refund of the invoice is possible, and Why
// says in plain words why not.
func (iv *InvoiceRefund) CanRefund() bool { return iv.Why() == "" }

// Why is "" when the invoice can be refunded, else the reason in plain
// words.
func (iv *InvoiceRefund) Why() string {
	switch {
	case !iv.Known:
		return "The panel cannot read this invoice's total, so it cannot check a refund of it. Refund it in 2Checkout's own panel."
	case iv.FullyRefunded && iv.Unconfirmed.Cents > 0:
		return "Nothing is left to refund on this invoice if the refund already sent went through; 2Checkout's answer to it was lost. Check the sale before refunding again."
	case iv.FullyRefunded:
		return "This invoice has been refunded in full already."
	case iv.TooOld:
		return "This invoice was placed more than 180 days ago; 2Checkout no longer refunds it."
	}
	return ""
}

// Assess works out what can be refunded on a sale at now. currency is the
// account's currency code; panel lists the refunds the panel sent on the
// sale (see PanelRefund).
func Assess(s *apiclient.Sale, now time.Time, currency string, panel []PanelRefund) *Refundable {
	rf := &Refundable{SaleID: s.SaleID.Value, Customer: customerName(s, nil), Currency: currency}
	for i := range s.Invoices {
		rf.Invoices = append(rf.Invoices, assessInvoice(s, &s.Invoices[i], now, currency, panel))
	}
	return rf
}

func assessInvoice(s *apiclient.Sale, inv *apiclient.Invoice, now time.Time, currency string, panel []PanelRefund) InvoiceRefund {
	money := func(c int64) Amount { return Amount{Cents: c, Currency: currency} }
	iv := InvoiceRefund{InvoiceID: inv.InvoiceID.Value, Customer: customerName(s, inv)}
	if placed, ok := APITime(inv.DatePlaced); ok {
		iv.Placed = placed
		iv.TooOld = now.After(placed.Add(RefundWindow))
	}
	total, ok := ParseAPI(inv.VendorTotal)
	iv.Known = ok
	iv.Total = money(total)

	var refunded, unconfirmed int64
	shown := map[string]bool{} // line items the sale shows as refunded
	allShown := len(inv.Lineitems) > 0
	for _, li := range inv.Lineitems {
		if li.Status.Value == "refund" {
			shown[li.LineitemID.Value] = true
			if c, ok := ParseAPI(li.VendorAmount); ok {
				refunded += c
			}
		} else {
			allShown = false
		}
	}
	sent := map[string]bool{} // line items the panel sent a refund of
	for _, p := range panel {
		if p.InvoiceID != iv.InvoiceID || (p.LineitemID != "" && shown[p.LineitemID]) {
			continue
		}
		if p.LineitemID != "" {
			sent[p.LineitemID] = true
		}
		refunded += p.Cents
		if !p.Confirmed {
			unconfirmed += p.Cents
		}
	}
	left := max(total-refunded, 0)
	iv.Refunded, iv.Unconfirmed, iv.Left = money(refunded), money(unconfirmed), money(left)
	iv.FullyRefunded = iv.Known && (allShown || left == 0)

	for _, li := range inv.Lineitems {
		lr := LineRefund{LineitemID: li.LineitemID.Value, Name: li.ProductName.Value, Type: li.Type.Value, Fee: li.Fee()}
		amount, ok := ParseAPI(li.VendorAmount)
		lr.Amount = money(amount)
		lr.Refunded = shown[lr.LineitemID] || sent[lr.LineitemID]
		switch {
		case shown[lr.LineitemID]:
			lr.Why = "This line has been refunded already."
		case sent[lr.LineitemID]:
			lr.Why = "A refund of this line was sent already; if 2Checkout's answer was lost, check the sale before refunding again."
		case lr.Type != "product":
			lr.Why = "Only products can be refunded line by line; refund the invoice instead."
		case lr.Fee:
			lr.Why = "Tax and shipping fees cannot be refunded line by line; refund the invoice instead."
		case !ok:
			lr.Why = "The panel cannot read this line's amount. Refund it in 2Checkout's own panel."
		case amount < MinCents:
			lr.Why = "This line cost nothing, so there is nothing to refund."
		default:
			lr.Why = iv.Why()
			if lr.Why == "" && amount > left {
				lr.Why = fmt.Sprintf("This line (%s) is more than what is left to refund on its invoice (%s).", lr.Amount, iv.Left)
			}
		}
		lr.Refundable = lr.Why == ""
		iv.Lineitems = append(iv.Lineitems, lr)
	}
	return iv
}

// customerName is who a refund goes to, for sentences: the invoice's
// customer_name (for the sale as a whole, the latest invoice's), else the
// buyer's first and last name, else the cardholder's name; "" when none is
// known.
func customerName(s *apiclient.Sale, inv *apiclient.Invoice) string {
	if inv != nil && !inv.CustomerName.Blank() {
		return strings.TrimSpace(inv.CustomerName.Value)
	}
	if inv == nil {
		for i := len(s.Invoices) - 1; i >= 0; i-- {
			if !s.Invoices[i].CustomerName.Blank() {
				return strings.TrimSpace(s.Invoices[i].CustomerName.Value)
			}
		}
	}
	c := s.Customer
	if n := strings.TrimSpace(c.FirstName.Or("") + " " + c.LastName.Or("")); n != "" {
		return n
	}
	return strings.TrimSpace(c.CardholderName.Or(""))
}

// Invoice returns the invoice with that id, or nil.
func (rf *Refundable) Invoice(id string) *InvoiceRefund {
	for i := range rf.Invoices {
		if rf.Invoices[i].InvoiceID == id {
			return &rf.Invoices[i]
		}
	}
	return nil
}

// Line returns a line item and its invoice, or nils.
func (rf *Refundable) Line(id string) (*InvoiceRefund, *LineRefund) {
	for i := range rf.Invoices {
		iv := &rf.Invoices[i]
		for j := range iv.Lineitems {
			if iv.Lineitems[j].LineitemID == id {
				return iv, &iv.Lineitems[j]
			}
		}
	}
	return nil, nil
}

// invoiceField is where invoice problems go: see the Field constants.
func (rf *Refundable) invoiceField() string {
	if len(rf.Invoices) > 1 {
		return FieldInvoice
	}
	return ""
}

// Refund is a checked refund, ready to be decided on (Policy.Decide), put
// in a sentence for the confirmation step, stored as a request, and sent.
type Refund struct {
	SaleID    string
	InvoiceID string
	// LineitemID is set for a refund of one line item (refund_lineitem);
	// Item is its product name.
	LineitemID string
	Item       string
	Amount     Amount
	// Whole: everything left on the invoice (or the whole line item).
	Whole    bool
	Category int
	Comment  string
	Customer string
	// AmountText is the amount as typed (normalised, "12.50", when valid),
	// to show again in the form; "" when the field was left empty.
	AmountText string
}

// IsLineitem tells a line item refund from an invoice refund.
func (r Refund) IsLineitem() bool { return r.LineitemID != "" }

// Sentence is the confirmation question: "Refund 12.50 USD to Ana Ruiz?",
// "Refund 28.85 USD for Blue mug to Ana Ruiz?".
func (r Refund) Sentence() string {
	to := r.Customer
	if to == "" {
		to = "the buyer"
	}
	if r.IsLineitem() && r.Item != "" {
		return fmt.Sprintf("Refund %s for %s to %s?", r.Amount, r.Item, to)
	}
	return fmt.Sprintf("Refund %s to %s?", r.Amount, to)
}

// InvoiceParams is the refund_invoice call. The amount is always sent, so
// exactly the amount confirmed (and approved) is refunded, never a balance
// that changed in between.
func (r Refund) InvoiceParams() apiclient.RefundInvoiceParams {
	return apiclient.RefundInvoiceParams{SaleID: r.SaleID, InvoiceID: r.InvoiceID, Amount: r.Amount.Decimal(),
		Currency: CurrencyParam, Comment: r.Comment, Category: r.Category}
}

// LineitemParams is the refund_lineitem call.
func (r Refund) LineitemParams() apiclient.RefundLineitemParams {
	return apiclient.RefundLineitemParams{LineitemID: r.LineitemID, Category: r.Category, Comment: r.Comment}
}

// Values are the refund's parameters for the write path (audit log and the
// fingerprint that tells a repeat from a different change).
func (r Refund) Values() url.Values {
	v := url.Values{"sale_id": {r.SaleID}, "invoice_id": {r.InvoiceID}, "category": {strconv.Itoa(r.Category)},
		"comment": {r.Comment}}
	if r.IsLineitem() {
		v.Set("lineitem_id", r.LineitemID)
	} else {
		v.Set("amount", r.Amount.Decimal())
		v.Set("currency", CurrencyParam)
	}
	return v
}

// readReason reads the category and comment both refund forms share, with
// the API's rules: a category 1-17 but not 7; a comment of 1 to 5000
// characters without "<" or ">".
func readReason(in *form.Reader) (int, string) {
	comment := in.Text(FieldComment, form.Text{Label: "Comment", Required: true, Max: MaxComment, Multi: true, NoAngle: true})
	v := in.Text(FieldCategory, form.Text{Label: "Reason", Required: true, Max: 2})
	if v == "" || in.Errors.Get(FieldCategory) != "" {
		return 0, comment
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil || n < 1 || n > 17:
		in.Errors.Add(FieldCategory, "Choose one of the offered reasons.")
		return 0, comment
	case n == CategoryInternal:
		in.Errors.Add(FieldCategory, "2Checkout keeps reason 7 for its own use; choose another.")
		return 0, comment
	}
	return n, comment
}

// ReadInvoiceRefund reads and checks an invoice refund form (FieldInvoice
// when the sale has several invoices, FieldAmount, FieldCategory,
// FieldComment) against the sale, with every rule the API applies
// (AMBIGUOUS, TOO_LOW, TOO_HIGH, NOTHING_TO_DO, TOO_LATE, category 7).
// Problems land in in.Errors in plain words; ok is true when there are none.
func (rf *Refundable) ReadInvoiceRefund(in *form.Reader) (r Refund, ok bool) {
	r = Refund{SaleID: rf.SaleID, Customer: rf.Customer}
	r.Category, r.Comment = readReason(in)

	r.AmountText = in.Text(FieldAmount, form.Text{Label: "Amount", Max: 20})
	var cents int64
	if r.AmountText != "" && in.Errors.Get(FieldAmount) == "" {
		c, err := form.ParseCents(r.AmountText)
		switch {
		case err != nil:
			in.Errors.Add(FieldAmount, "Amount "+err.Error())
		case c < MinCents:
			in.Errors.Add(FieldAmount, "The amount must be at least 0.01.")
		default:
			cents, r.AmountText = c, form.FormatCents(c)
		}
	}

	field := rf.invoiceField()
	id := in.Text(FieldInvoice, form.Text{Label: "Invoice", Max: 32})
	var iv *InvoiceRefund
	switch {
	case len(rf.Invoices) == 0:
		in.Errors.Add("", "This sale has no invoice to refund.")
	case id == "" && len(rf.Invoices) > 1:
		in.Errors.Add(FieldInvoice, "This sale has several invoices: choose the one to refund.")
	case id == "":
		iv = &rf.Invoices[0]
	default:
		if iv = rf.Invoice(id); iv == nil {
			in.Errors.Add(field, "Choose one of this sale's invoices.")
		}
	}
	if iv == nil {
		return r, false
	}
	r.InvoiceID = iv.InvoiceID
	if iv.Customer != "" {
		r.Customer = iv.Customer
	}
	if why := iv.Why(); why != "" {
		in.Errors.Add(field, why)
		return r, false
	}
	switch {
	case r.AmountText == "" && in.Errors.Get(FieldAmount) == "":
		cents, r.Whole = iv.Left.Cents, true
	case cents > iv.Left.Cents:
		in.Errors.Add(FieldAmount, fmt.Sprintf("The amount is more than what is left to refund on this invoice: %s.", iv.Left))
	case cents == iv.Left.Cents:
		r.Whole = true
	}
	r.Amount = Amount{Cents: cents, Currency: rf.Currency}
	return r, !in.Errors.Any()
}

// ReadLineitemRefund reads and checks a line item refund form
// (FieldLineitem, FieldCategory, FieldComment): the line must be a product
// of this sale, not refunded yet, worth at least 0.01 and no more than what
// is left on its invoice, which must be under 180 days old. Problems with
// the line are keyed to FieldLineitem.
func (rf *Refundable) ReadLineitemRefund(in *form.Reader) (r Refund, ok bool) {
	r = Refund{SaleID: rf.SaleID, Customer: rf.Customer, Whole: true}
	r.Category, r.Comment = readReason(in)
	id := in.Text(FieldLineitem, form.Text{Label: "Line item", Required: true, Max: 32})
	if id == "" || in.Errors.Get(FieldLineitem) != "" {
		return r, false
	}
	iv, line := rf.Line(id)
	if line == nil {
		in.Errors.Add(FieldLineitem, "This line item is not part of the sale. Reload the page.")
		return r, false
	}
	r.InvoiceID, r.LineitemID, r.Item, r.Amount = iv.InvoiceID, line.LineitemID, line.Name, line.Amount
	if iv.Customer != "" {
		r.Customer = iv.Customer
	}
	if !line.Refundable {
		in.Errors.Add(FieldLineitem, line.Why)
	}
	return r, !in.Errors.Any()
}

// Recheck tells whether a refund checked earlier (a request waiting for
// approval, rebuilt from the store) still fits the sale as it is now: ""
// when it does, else why not in plain words. An approver's page calls it
// with a fresh Assess before claiming the request.
func (rf *Refundable) Recheck(r Refund) string {
	if r.IsLineitem() {
		_, line := rf.Line(r.LineitemID)
		if line == nil {
			return "The line item is no longer part of the sale."
		}
		return line.Why
	}
	iv := rf.Invoice(r.InvoiceID)
	if iv == nil {
		return "The invoice is no longer part of the sale."
	}
	if why := iv.Why(); why != "" {
		return why
	}
	if r.Amount.Cents > iv.Left.Cents {
		return fmt.Sprintf("The request is for %s, but only %s is left to refund on the invoice now.", r.Amount, iv.Left)
	}
	return ""
}
