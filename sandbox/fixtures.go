package sandbox

// Fixtures names seeded records that tests can rely on. Dates are relative
// to the moment the state was created (Config.Now then; see State in the
// package documentation): "N days old" below means placed N days before
// that day. Every fixture sale is at most 100 days old unless noted
// (OldSale; RepeatCustomerSales span the year), so its refunds stay within
// the 180-day limit for months. Each field is also
// valid in a state file written by an earlier run, since the file stores
// them.
type Fixtures struct {
	// CreatedAt is the moment the state was seeded (RFC 3339, UTC); every
	// seeded date is relative to its day.
	CreatedAt string `json:"created_at"`
	// TangibleOneInvoice: one invoice, physical goods, not shipped, valid
	// authorization. mark_shipped with sale_id alone works.
	TangibleOneInvoice string `json:"tangible_one_invoice"`
	// AuthExpiring: tangible, not shipped, approved; its card authorization
	// holds through the day after creation (6 days old, 7-day hold), so the
	// panel can warn that it is about to expire.
	AuthExpiring string `json:"auth_expiring"`
	// TangibleTwoInvoices: a physical subscription box with two invoices,
	// neither shipped. mark_shipped needs invoice_id.
	TangibleTwoInvoices string `json:"tangible_two_invoices"`
	// TangibleTwoInvoicesOneShipped: two invoices; the first is shipped
	// (NOTHING_TO_DO "Sale already marked shipped."), the second is not.
	TangibleTwoInvoicesOneShipped string `json:"tangible_two_invoices_one_shipped"`
	// Intangible: one invoice of digital goods (mark_shipped answers
	// NOTHING_TO_DO "Item not shippable."); refundable.
	Intangible string `json:"intangible"`
	// IntangibleTwoItems: digital goods, two product line items.
	IntangibleTwoItems string `json:"intangible_two_items"`
	// RefundableLineitem: a line item of IntangibleTwoItems (refund_lineitem works).
	RefundableLineitem string `json:"refundable_lineitem"`
	// FreeLineitem: a 0.00 line item (refund_lineitem answers TOO_LOW).
	FreeLineitem string `json:"free_lineitem"`
	// Recurring: a monthly subscription with three invoices; the last
	// invoice's line item recurs (active, installment "3", date_next a
	// month after the last invoice).
	Recurring string `json:"recurring"`
	// RecurringLineitem: the active recurring line item of Recurring.
	RecurringLineitem string `json:"recurring_lineitem"`
	// SeveralInvoices: a sale with several invoices (the same as Recurring):
	// refund_invoice without invoice_id answers AMBIGUOUS.
	SeveralInvoices string `json:"several_invoices"`
	// RecurringStopped: a subscription whose billing was stopped.
	RecurringStopped string `json:"recurring_stopped"`
	// RecurringStoppedLineitem: its stopped line item (stop answers NOTHING_TO_DO).
	RecurringStoppedLineitem string `json:"recurring_stopped_lineitem"`
	// PayPalRecurring: an active subscription paid with PayPal.
	PayPalRecurring string `json:"paypal_recurring"`
	// PayPalRecurringLineitem: its active line item
	// (update_lineitem_recurring answers FORBIDDEN).
	PayPalRecurringLineitem string `json:"paypal_recurring_lineitem"`
	// DeclinedRecurring: a weekly subscription with a recurring_decline.
	DeclinedRecurring string `json:"declined_recurring"`
	// Shipped: one invoice, already shipped, with a tracking number.
	Shipped string `json:"shipped"`
	// ShippingLineitem: the "Shipping Fee" line item of Shipped
	// (refund_lineitem answers INVALID_PARAMETER).
	ShippingLineitem string `json:"shipping_lineitem"`
	// Fees: a shipped US sale whose invoice carries both fee line items, a
	// "Tax Fee" and a "Shipping Fee", shaped as recorded (type "product",
	// vendor_product_id and installment null).
	Fees string `json:"fees"`
	// TaxLineitem: the "Tax Fee" line item of Fees.
	TaxLineitem string `json:"tax_lineitem"`
	// Refunded: one invoice, fully refunded (refund_invoice answers
	// NOTHING_TO_DO; the refund is a line item of type "refund").
	Refunded string `json:"refunded"`
	// PartiallyRefunded: one invoice with 20.00 of 100.00+ refunded; the
	// rest can still be refunded.
	PartiallyRefunded string `json:"partially_refunded"`
	// LineitemRefunded: two product line items, the second refunded with
	// refund_lineitem (RefundedLineitem).
	LineitemRefunded string `json:"lineitem_refunded"`
	// RefundedLineitem: that refunded line item (refund_lineitem answers
	// NOTHING_TO_DO "Lineitem was already refunded.").
	RefundedLineitem string `json:"refunded_lineitem"`
	// OldSale: 315 days old, past the 180-day limit: refunds answer TOO_LATE.
	OldSale string `json:"old_sale"`
	// WithComments: three comments, one of them HostileComment.
	WithComments string `json:"with_comments"`
	// HostileComment is the exact text of that comment: markup, quotes,
	// an ampersand and a right-to-left override character.
	HostileComment string `json:"hostile_comment"`
	// HostileCustomer: a sale whose customer's name and city contain markup.
	HostileCustomer string `json:"hostile_customer"`
	// FraudReview: tangible, not shipped, held in fraud review ("wait");
	// INS messages for it say so (the Admin API never does).
	FraudReview string `json:"fraud_review"`
	// FraudFailed: failed fraud review ("fail"): cancelled, so its invoice
	// is declined and refunded in full.
	FraudFailed string `json:"fraud_failed"`
	// AuthExpired: tangible, not shipped, authorization expired 10 days
	// before creation; mark_shipped with reauthorize=1 renews it and ships.
	AuthExpired string `json:"auth_expired"`
	// ReauthTooLate: tangible, not shipped, expired and payment already
	// pending; reauthorize=1 (or reauth) answers TOO_LATE.
	ReauthTooLate string `json:"reauth_too_late"`
	// ReauthFailed: tangible, not shipped, expired; reauthorization
	// answers FAILED, and a second attempt the same day TOO_SOON.
	ReauthFailed string `json:"reauth_failed"`
	// ScanToShip: eight unshipped tangible one-invoice sales with valid
	// authorizations, for scan-to-ship tests.
	ScanToShip []string `json:"scan_to_ship"`
	// RepeatCustomer is a customer_name filter ("Okonkwo") matching exactly
	// the sales in RepeatCustomerSales.
	RepeatCustomer string `json:"repeat_customer"`
	// RepeatCustomerSales: the five sales of that customer, oldest first.
	RepeatCustomerSales []string `json:"repeat_customer_sales"`
	// Invoices maps each fixture sale above to its invoice ids, in order.
	Invoices map[string][]string `json:"invoices"`
	// HostileProduct is the product whose name, description and URLs
	// carry markup and script.
	HostileProduct string `json:"hostile_product"`
	// ForbiddenSale, ForbiddenProduct, ForbiddenOption and ForbiddenCoupon
	// belong to another merchant: the API answers FORBIDDEN for them.
	ForbiddenSale    string `json:"forbidden_sale"`
	ForbiddenProduct string `json:"forbidden_product"`
	ForbiddenOption  string `json:"forbidden_option"`
	ForbiddenCoupon  string `json:"forbidden_coupon"`
}

func (f Fixtures) clone() Fixtures {
	out := f
	out.ScanToShip = append([]string(nil), f.ScanToShip...)
	out.RepeatCustomerSales = append([]string(nil), f.RepeatCustomerSales...)
	out.Invoices = make(map[string][]string, len(f.Invoices))
	for k, v := range f.Invoices {
		out.Invoices[k] = append([]string(nil), v...)
	}
	return out
}
