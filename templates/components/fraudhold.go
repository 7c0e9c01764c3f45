package components

// FraudHold is what a ship form says about the sale's fraud review
// (2Checkout's INS is its only source): a hold, or a note that the status
// is unknown.
type FraudHold struct {
	// Held: the review is waiting or failed, and the panel refuses to mark
	// the sale shipped.
	Held bool
	Text string
	// CanOverride shows the confirming tick and reason that ship it anyway.
	CanOverride bool
	Override    bool
	Reason      string
}
