// Package ship draws the scan-to-ship screen: one column, made for a phone
// held in one hand and a scanner that types and presses Enter.
package ship

import "backoffice/templates/components"

// Screen is the whole scan-to-ship screen.
type Screen struct {
	// Path is the screen's address: the scan form's and the send form's.
	Path string
	CSRF string
	// QueueURL is the pick list: what to pack next.
	QueueURL string
	// Sale is the scanned sale number, kept after any failure.
	Sale string
	// Options remembered from the last parcel.
	Notify, Reauthorize bool
	Result              *Result // the outcome of the last scan or parcel
	// SaleError is shown next to the sale number field.
	SaleError string
	Card      *Card // the sale that was looked up, ready to ship
	// Shift lists the latest of the parcels the person shipped this shift
	// (across sign-ins); ShiftCount counts them all.
	Shift      []Parcel
	ShiftCount int
	// IdleNote, for a badge sign-in, says when the phone signs out; the
	// screen then offers to sign out at once (LogoutURL), for the next
	// person on the shared phone.
	IdleNote  string
	LogoutURL string
}

// Result is the large banner: what just happened and what to do next.
type Result struct {
	Kind  string // "ok", "bad", "warn"
	Title string
	Text  string
	// CheckURL, when set, offers to check the sale again (outcome unknown).
	CheckURL string
}

// Card is a looked-up sale and the form that ships it.
type Card struct {
	SaleID   string
	Customer string
	Address  []string
	Items    []string
	Invoices []Invoice // tangible invoices, shipped or not
	// Key is the ship form's idempotency key.
	Key      string
	Tracking string
	Comment  string
	Errors   map[string]string
	// Reuse is set when the tracking number was already used on another
	// sale: the packer must confirm before it is sent.
	Reuse string
	// AskTracking offers the tick for a tracking number whose shape no
	// known carrier uses.
	AskTracking bool
	// Hold is the sale's fraud review notice (nil: it passed).
	Hold *components.FraudHold
}

// Invoice is one choice of the "which invoice" question.
type Invoice struct {
	ID       string
	Label    string
	Shipped  bool
	Selected bool
}

// Parcel is one line of the shift list.
type Parcel struct {
	At, SaleID, Tracking, Customer string
}

// Several reports whether the packer must choose an invoice.
func (c *Card) Several() bool { return len(c.Invoices) > 1 }

func resultClass(kind string) string { return "result result-" + kind }

func resultRole(kind string) string {
	if kind == "ok" {
		return "status"
	}
	return "alert"
}
