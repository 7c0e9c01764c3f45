package ins

import (
	"math/big"
	"strings"
	"time"

	"backoffice/store"
)

// Message types (message_type).
const (
	OrderCreated                = "ORDER_CREATED"
	FraudStatusChanged          = "FRAUD_STATUS_CHANGED"
	ShipStatusChanged           = "SHIP_STATUS_CHANGED"
	InvoiceStatusChanged        = "INVOICE_STATUS_CHANGED"
	RefundIssued                = "REFUND_ISSUED"
	RecurringInstallmentSuccess = "RECURRING_INSTALLMENT_SUCCESS"
	RecurringInstallmentFailed  = "RECURRING_INSTALLMENT_FAILED"
	RecurringStopped            = "RECURRING_STOPPED"
	RecurringComplete           = "RECURRING_COMPLETE"
	RecurringRestarted          = "RECURRING_RESTARTED"
)

// Fraud is a sale's fraud review status. Only INS reports it: the Admin
// API's sale detail has no such field.
type Fraud string

// The fraud statuses. FraudUnknown means no message has said, which is not
// the same as pass.
const (
	FraudUnknown Fraud = ""
	FraudPass    Fraud = "pass"
	FraudWait    Fraud = "wait"
	FraudFail    Fraud = "fail"
)

// ParseFraud reads a fraud_status; anything but pass, wait and fail is
// unknown.
func ParseFraud(s string) Fraud {
	switch f := Fraud(strings.ToLower(strings.TrimSpace(s))); f {
	case FraudPass, FraudWait, FraudFail:
		return f
	}
	return FraudUnknown
}

// Hold reports whether goods must not be shipped: the vendor says not
// before pass, and a fail cancels the order. Unknown is not a hold (no
// message may ever come for a merchant without INS); screens say it is
// unknown.
func (f Fraud) Hold() bool { return f == FraudWait || f == FraudFail }

// String is the status in words: "pass", "wait", "fail" or "unknown".
func (f Fraud) String() string {
	if f == FraudUnknown {
		return "unknown"
	}
	return string(f)
}

// recurringStatus is the sale's recurring billing after an item-level
// message.
var recurringStatus = map[string]string{
	RecurringInstallmentSuccess: "live",
	RecurringRestarted:          "live",
	RecurringInstallmentFailed:  "failed",
	RecurringStopped:            "stopped",
	RecurringComplete:           "complete",
}

// event is what m says about its sale, in the store's terms. Every message
// carries a snapshot of the invoice (fraud_status, ship_status,
// invoice_status), so each one moves those registers; the store keeps the
// newest by (timestamp, message_id).
func (m *Message) event(received time.Time) *store.INSEvent {
	e := &store.INSEvent{
		MessageID: m.ID, Type: m.Type, Description: m.Description, At: m.Timestamp, ReceivedAt: received,
		SaleID: m.SaleID, InvoiceID: m.InvoiceID, Params: m.Raw,
		FraudStatus: string(ParseFraud(m.FraudStatus)), ShipStatus: m.ShipStatus, InvoiceStatus: m.InvoiceStatus,
		RecurringStatus: recurringStatus[m.Type], TrackingNumber: m.ShipTrackingNumber,
		Amount: m.InvoiceListAmount, Currency: m.ListCurrency,
		Order:    m.Type == OrderCreated,
		Shipped:  m.Type == ShipStatusChanged && m.ShipStatus == "shipped",
		Tangible: m.ShipStatus != "",
		Customer: m.customer(), Destination: m.destination(),
	}
	if m.Type == RefundIssued {
		e.Refund = true
		if refunded, ok := m.refunded(); ok {
			e.Amount = refunded.FloatString(2)
			total, okTotal := amount(m.InvoiceListAmount)
			e.FullRefund = okTotal && total.Sign() > 0 && refunded.Cmp(total) >= 0
		}
	}
	if e.Tangible && !e.Refund {
		for _, it := range m.Items {
			if it.Type == "refund" {
				continue
			}
			if name := firstNonEmpty(it.Name, it.ID); name != "" {
				e.Items = append(e.Items, name)
			}
		}
	}
	return e
}

// refunded sums the refund items' amounts. Without refund items the
// message does not say how much was refunded.
func (m *Message) refunded() (*big.Rat, bool) {
	sum, found := new(big.Rat), false
	for _, it := range m.Items {
		if it.Type != "refund" {
			continue
		}
		a, ok := amount(it.ListAmount)
		if !ok {
			return nil, false
		}
		sum.Add(sum, a.Abs(a))
		found = true
	}
	return sum, found
}

// amount reads a decimal amount such as "2.00".
func amount(s string) (*big.Rat, bool) {
	if s == "" || strings.ContainsAny(s, "/eE") { // a fraction or an exponent is no amount
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func (m *Message) customer() string {
	if m.CustomerName != "" {
		return m.CustomerName
	}
	return strings.TrimSpace(m.CustomerFirstName + " " + m.CustomerLastName)
}

// destination is where the parcel goes, e.g. "Columbus, OH, USA".
func (m *Message) destination() string {
	var parts []string
	for _, p := range []string{m.Ship.City, m.Ship.State, m.Ship.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
