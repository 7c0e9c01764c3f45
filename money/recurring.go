package money

import (
	"strings"

	"backoffice/apiclient"
)

// Subscription is one recurring line item of a sale, for the sale page.
type Subscription struct {
	LineitemID string
	InvoiceID  string
	Product    string
	// Status is the billing state in words ("Active", "Stopped"...);
	// RawStatus what the API sent (billing.recurring_status).
	Status    string
	RawStatus string
	// Active: it bills again and "Stop recurring billing" applies
	// (recurring_status "active", the one state the API stops).
	Active bool
	// NextBill is the next billing date (YYYY-MM-DD), "" when none.
	NextBill string
	// Installments is how many installments were billed so far (the line
	// item's installment number).
	Installments int
	Recurrence   string // "1 Month"
	Duration     string // "Forever", "1 Year"
	// Amount is what each installment bills, in the merchant's currency;
	// Known is false when the API's amount is unreadable.
	Amount Amount
	Known  bool
}

var recurringWords = map[string]string{
	"active":    "Active",
	"stopped":   "Stopped",
	"completed": "Completed",
	"canceled":  "Cancelled",
	"cancelled": "Cancelled",
	"on hold":   "On hold",
	"declined":  "Declined",
}

// Subscriptions lists the sale's recurring line items: those whose billing
// has a recurring_status, on any invoice (earlier installments of a
// subscription have none). currency is the account's currency code.
func Subscriptions(s *apiclient.Sale, currency string) []Subscription {
	var out []Subscription
	for _, inv := range s.Invoices {
		for _, li := range inv.Lineitems {
			b := li.Billing
			if b.RecurringStatus.Blank() {
				continue
			}
			raw := strings.TrimSpace(b.RecurringStatus.Value)
			sub := Subscription{LineitemID: li.LineitemID.Value, InvoiceID: inv.InvoiceID.Value,
				Product: li.ProductName.Value, RawStatus: raw, Active: raw == "active",
				Installments: apiInt(li.Installment), Recurrence: li.ProductRecurrence.Or(""),
				Duration: li.ProductDuration.Or("")}
			sub.Status = recurringWords[strings.ToLower(raw)]
			if sub.Status == "" {
				sub.Status = raw // shown as sent rather than guessed at
			}
			if sub.Active && !b.DateNext.Blank() {
				sub.NextBill = b.DateNext.Value
			}
			amount := b.VendorAmount
			if amount.Blank() {
				amount = b.Amount
			}
			c, ok := ParseAPI(amount)
			sub.Amount, sub.Known = Amount{Cents: c, Currency: currency}, ok
			out = append(out, sub)
		}
	}
	return out
}

// Stoppable lists the line items "Stop all" stops: the active ones, in the
// order of the sale (the API has no call for a whole sale; the vendor's
// libraries stop each active line item in turn).
func Stoppable(subs []Subscription) []string {
	var ids []string
	for _, s := range subs {
		if s.Active {
			ids = append(ids, s.LineitemID)
		}
	}
	return ids
}
