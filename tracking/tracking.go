// Package tracking decides whether a scanned tracking number can be sent to
// 2Checkout: it recognises the carriers' formats (naming the carrier and
// linking to its tracking page), and refuses the commonest mistake on the
// warehouse floor, scanning the sale's own barcode, or another parcel's,
// instead of the carrier's label, before the customer is e-mailed a sale
// number as their tracking number.
//
// It knows nothing of HTTP or storage: the ship forms call Check with the
// sale being shipped and put the Verdict into words next to the field.
package tracking

import (
	"strconv"
	"strings"
)

// Kind is what a form should do with a tracking number.
type Kind int

// The kinds of Verdict.
const (
	// OK: a known carrier's number with a right check digit (or a format
	// that has none). Send it.
	OK Kind = iota
	// Confirm: a shape no carrier we know uses, or a known shape whose
	// check digit is wrong. Send it only after the person ticks that the
	// label says so.
	Confirm
	// Refused: the sale's or an invoice's own number, or one shaped like
	// this account's sale numbers. Never sent; the person scans again.
	Refused
)

// Own are the numbers of this account a tracking number must not be
// mistaken for.
type Own struct {
	// SaleID and InvoiceIDs are the sale being shipped and its invoices.
	SaleID     string
	InvoiceIDs []string
	// Recent are other sale and invoice numbers of the account, newest
	// best (e.g. the last page of the sales list), so that the slip of the
	// next parcel on the bench is recognised as well. SaleID and
	// InvoiceIDs count as examples too, so Recent may be empty.
	Recent []string
}

// Verdict is the answer for one tracking number.
type Verdict struct {
	Kind Kind
	// Number is what to send and store: the carrier's number for a match,
	// otherwise the input in upper case without spaces.
	Number string
	// Match is the recognised carrier, when there is one (Carrier != "").
	Match Match
	// Message is a plain sentence for the form, next to the field: why it
	// is refused, what to confirm, or which carrier it belongs to.
	Message string
}

// Allowed reports whether the number may be sent, given whether the person
// ticked the confirmation box.
func (v Verdict) Allowed(confirmed bool) bool {
	return v.Kind == OK || (v.Kind == Confirm && confirmed)
}

// URL is the carrier's public tracking page for the number, or "".
func (v Verdict) URL() string { return v.Match.URL() }

// The messages of Check, kept together so they read alike.
const (
	msgSale        = "That is the sale number: scan the carrier's label."
	msgInvoice     = "That is the invoice number: scan the carrier's label."
	msgSaleShaped  = "That looks like a sale number, not a tracking number: scan the carrier's label."
	msgUnknown     = "This is not a tracking number format we know. Check it against the carrier's label, then tick to confirm."
	msgBadCheckFmt = "This looks like a %s tracking number, but its check digit is wrong. Scan the label again, or tick to confirm it is exactly as printed."
)

// Check decides what to do with a scanned or typed tracking number for a
// parcel of the sale in own. In order:
//
//  1. Equal to the sale's or one of its invoices' numbers (spaces and
//     dashes ignored): Refused. This is the double scan of the sale barcode.
//  2. Shaped like this account's sale numbers (see SaleShaped): Refused,
//     even if the digits happen to pass a carrier's check digit, since a
//     mod-10 or mod-7 check passes one random number in ten or seven.
//  3. A known carrier's format with a right check digit: OK, carrier named.
//  4. A distinctive carrier format (UPS 1Z, S10, USPS IMpb, a FedEx
//     barcode) with a wrong check digit: Confirm, naming the carrier.
//  5. Anything else: Confirm.
//
// An empty number is left to the form's "required" rule and gets Confirm
// with no message.
func Check(number string, own Own) Verdict {
	c := compact(number)
	v := Verdict{Number: strings.ToUpper(strings.Join(strings.Fields(number), ""))}
	if c == "" {
		v.Kind = Confirm
		return v
	}
	if sameNumber(c, own.SaleID) {
		return Verdict{Kind: Refused, Number: v.Number, Message: msgSale}
	}
	for _, id := range own.InvoiceIDs {
		if sameNumber(c, id) {
			return Verdict{Kind: Refused, Number: v.Number, Message: msgInvoice}
		}
	}
	if SaleShaped(c, own.examples()) {
		return Verdict{Kind: Refused, Number: v.Number, Message: msgSaleShaped}
	}
	m, res := identify(c)
	switch res {
	case matched:
		v.Kind, v.Number, v.Match = OK, m.Number, m
		v.Message = m.Name() + " tracking number"
		if !m.Verified {
			v.Message += " (this format has no check digit)"
		}
		return v
	case badCheck:
		v.Kind = Confirm
		v.Message = strings.Replace(msgBadCheckFmt, "%s", m.Carrier, 1)
		return v
	}
	v.Kind, v.Message = Confirm, msgUnknown
	return v
}

func (o Own) examples() []string {
	ex := make([]string, 0, 1+len(o.InvoiceIDs)+len(o.Recent))
	ex = append(ex, o.SaleID)
	ex = append(ex, o.InvoiceIDs...)
	return append(ex, o.Recent...)
}

// sameNumber compares a compacted scan with one of our numbers, ignoring
// the leading zeros a label printer may pad a number with.
func sameNumber(c, id string) bool {
	id = compact(id)
	if id == "" {
		return false
	}
	return c == id || (digits(c) && digits(id) && strings.TrimLeft(c, "0") == strings.TrimLeft(id, "0"))
}

// saleShapedWindow is how close, relative to a known sale or invoice number,
// an all-digit number must be to count as one of the account's: 0.1%.
const saleShapedWindow = 0.001

// SaleShaped reports whether number looks like one of this account's sale
// or invoice numbers rather than a carrier's. 2Checkout hands out sale and
// invoice numbers from one rising sequence, so the slips of the parcels
// packed around the same time carry numbers of the same length that agree
// in their leading digits. The rule: the number is all digits (spaces and
// dashes ignored) with no leading zero, and lies within 0.1% of one of the
// examples (all-digit numbers of at least six digits). That is the brief's
// "same length, same leading digits" made exact: within 0.1% means the same
// length (±1 only across a power of ten) and, away from such a boundary,
// the same first three digits; and it does not break when the sequence
// rolls over from …999 to …000, where a prefix rule would.
//
// The cost is a false refusal for a carrier number that happens to fall in
// that window: for a 10-digit DHL Express number next to 10-digit sale
// numbers, about one in a thousand. Carriers' longer all-digit numbers (12
// to 34 digits) never fall near 2Checkout's 10 to 13 digits.
func SaleShaped(number string, examples []string) bool {
	c := compact(number)
	if !digits(c) || c[0] == '0' || len(c) > 20 {
		return false
	}
	n, err := strconv.ParseFloat(c, 64)
	if err != nil {
		return false
	}
	for _, e := range examples {
		e = compact(e)
		if len(e) < 6 || len(e) > 20 || !digits(e) || e[0] == '0' {
			continue
		}
		x, err := strconv.ParseFloat(e, 64)
		if err != nil {
			continue
		}
		// Float precision (15–16 digits) is ample for a 0.1% window.
		if d := n - x; d <= x*saleShapedWindow && -d <= x*saleShapedWindow {
			return true
		}
	}
	return false
}
