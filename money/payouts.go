package money

import (
	"strings"
	"time"

	"backoffice/apiclient"
)

// Payout is a payment from 2Checkout to the merchant, pending
// (detail_pending_payment) or past (list_payments), with money as money.
type Payout struct {
	ID         string
	Identifier string // e.g. "wire_999042012" (past payments)
	// Method is payment_method (pending) or payment_type (past): "ach",
	// "wire"...
	Method       string
	ReleaseLevel string
	Amount       Figure
	// Lines break the amount down, in a fixed order.
	Lines []PayoutLine
	// Paid, ReserveReleased and Voided are zero when the API gave no date;
	// see "Time" in the package doc for their zone (UTC).
	Paid            time.Time
	ReserveReleased time.Time
	Voided          time.Time
	Void            bool
}

// Figure is one amount from the API: Known with the amount, or the text as
// sent when it is not a plain decimal ("" for null).
type Figure struct {
	Amount Amount
	Known  bool
	Raw    string
}

// String is the amount for reading ("1,234.50 USD"), the API's text when it
// could not be read, "—" when there is none.
func (f Figure) String() string {
	switch {
	case f.Known:
		return f.Amount.String()
	case f.Raw != "":
		return f.Raw
	}
	return "—"
}

// csv is the figure in a CSV cell: a plain decimal, "" when unknown.
func (f Figure) csv() string {
	if !f.Known {
		return ""
	}
	return f.Amount.Decimal()
}

// PayoutLine is one named part of a payout.
type PayoutLine struct {
	Label  string
	Figure Figure
}

func figure(t apiclient.Text, currency string) Figure {
	c, ok := ParseAPI(t)
	return Figure{Amount: Amount{Cents: c, Currency: currency}, Known: ok, Raw: strings.TrimSpace(t.Or(""))}
}

// payoutParts is the breakdown, in the order the payouts page and the CSV
// show it.
var payoutParts = []struct {
	label, column string
	get           func(p *apiclient.Payment) apiclient.Text
}{
	{"Sales", "total_sales", func(p *apiclient.Payment) apiclient.Text { return p.TotalSales }},
	{"Refunds", "total_refunds", func(p *apiclient.Payment) apiclient.Text { return p.TotalRefunds }},
	{"Fees", "total_fees", func(p *apiclient.Payment) apiclient.Text { return p.TotalFees }},
	{"Chargeback fees", "total_chargeback_fees", func(p *apiclient.Payment) apiclient.Text { return p.TotalChargebackFees }},
	{"Commissions earned", "total_commissions", func(p *apiclient.Payment) apiclient.Text { return p.TotalCommissions }},
	{"Commissions paid to affiliates", "total_outgoing_commissions", func(p *apiclient.Payment) apiclient.Text { return p.TotalOutgoingCommissions }},
	{"Adjustments", "total_adjustments", func(p *apiclient.Payment) apiclient.Text { return p.TotalAdjustments }},
	{"Balance carried forward", "total_balance_forward", func(p *apiclient.Payment) apiclient.Text { return p.TotalBalanceForward }},
	{"Reserve held", "reserve_held", func(p *apiclient.Payment) apiclient.Text { return p.ReserveHeld }},
	{"Reserve released", "total_reserve_released", func(p *apiclient.Payment) apiclient.Text { return p.TotalReserveReleased }},
	{"Payment fee", "payment_fee", func(p *apiclient.Payment) apiclient.Text { return p.PaymentFee }},
}

// PayoutOf reads a payment of either call; currency is the account's code.
func PayoutOf(p *apiclient.Payment, currency string) Payout {
	out := Payout{ID: p.PaymentID.Or(""), Identifier: p.PaymentIdentifier.Or(""), Method: p.PaymentMethod.Or(p.PaymentType.Or("")),
		ReleaseLevel: p.ReleaseLevel.Or(""), Amount: figure(p.Amount, currency), Void: p.Void.Value == "1"}
	for _, part := range payoutParts {
		out.Lines = append(out.Lines, PayoutLine{Label: part.label, Figure: figure(part.get(p), currency)})
	}
	out.Paid, _ = APITime(p.DatePaid)
	out.ReserveReleased, _ = APITime(p.DateReserveReleased)
	out.Voided, _ = APITime(p.DateVoided)
	return out
}

// PayoutsCSVHeader is the first row of the payouts download.
func PayoutsCSVHeader() []string {
	h := []string{"payment_id", "payment_identifier", "method", "date_paid_utc", "void", "date_voided_utc",
		"date_reserve_released_utc", "currency", "amount"}
	for _, part := range payoutParts {
		h = append(h, part.column)
	}
	return h
}

// CSVRecord is the payout as a row under PayoutsCSVHeader. Amounts are
// plain decimals ("" when the API's value was unreadable), dates RFC 3339
// in UTC. The text columns (the first three) are the API's and must go
// through the export's guard against spreadsheet formulas.
func (p Payout) CSVRecord() []string {
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	void := "no"
	if p.Void {
		void = "yes"
	}
	row := []string{p.ID, p.Identifier, p.Method, date(p.Paid), void, date(p.Voided), date(p.ReserveReleased),
		p.Amount.Amount.Currency, p.Amount.csv()}
	for _, l := range p.Lines {
		row = append(row, l.Figure.csv())
	}
	return row
}
