package sales

// Subscriptions is the sale page's recurring billing section: each
// recurring line item with its billing state, and the way to stop it.
type Subscriptions struct {
	Items []Subscription
	// StopAllURL leads to the confirmation of "Stop all" (several items
	// still bill); "" when not offered.
	StopAllURL string
}

// Subscription is one recurring line item.
type Subscription struct {
	ID, Product        string
	Status, StatusKind string
	NextBill           string // "" when it bills no more
	Installments       string // "3 billed"
	Amount             string // what each installment bills
	Every              string // "1 Month, forever"
	// Note is 2Checkout's own comment about the last change (e.g.
	// "Recurring billing stopped for Blue mug", with its date).
	Note string
	// StopURL leads to the confirmation of "Stop recurring billing"; "" when
	// it does not bill any more or the person may not stop it.
	StopURL string
}
