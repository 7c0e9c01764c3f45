// Package payments draws the payouts page: what 2Checkout will pay the
// merchant next and what it has paid, with money as money and every date
// with its time zone.
package payments

// Page is the payouts page.
type Page struct {
	// Pending is the next payment; nil when none is pending. PendingNote
	// says why it is missing or what it does not tell.
	Pending     *Payout
	PendingNote string
	Past        []Payout
	CSVURL      string
}

// Payout is one payment.
type Payout struct {
	ID, Identifier, Method string
	ReleaseLevel           string
	Amount                 string
	// Fees are 2Checkout's fees on the sales it covers, and PaymentFee the
	// bank's charge for sending it.
	Fees, PaymentFee string
	Lines            []Line
	// Paid, Voided and ReserveReleased are dates with their zone ("" when
	// the API gave none).
	Paid, Voided, ReserveReleased string
	Void                          bool
}

// Line is one part of a payment's breakdown.
type Line struct{ Label, Amount string }
