package home

// Refund is one of the person's own refunds or refund requests, with what
// became of it.
type Refund struct {
	What, SaleID, SaleURL string
	State, Kind           string // in words, and the badge kind
	At                    string // when it was asked (UTC)
	// Reason is a rejection's reason; Outcome what 2Checkout answered.
	Reason, Outcome string
}
