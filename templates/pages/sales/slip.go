package sales

import "strconv"

// Slip is a packing slip: who the parcel goes to, what is in it, and the
// sale number as a barcode the packer scans on the ship screen.
type Slip struct {
	ID string
	// SaleURL leads back to the sale (hidden in print).
	SaleURL string
	Placed  string
	ShipTo  []string // name first, then the address lines
	Method  string
	Parcels []SlipParcel
	Barcode Barcode
}

// SlipParcel is one unshipped invoice with physical goods.
type SlipParcel struct {
	InvoiceID string
	Items     []SlipItem
}

// SlipItem is one line to pack.
type SlipItem struct {
	Name    string
	Options []string
}

// Barcode is a Code 128 symbol laid out on the server: bars as x and
// width in modules, drawn as <rect>s with no raw markup.
type Barcode struct {
	// Width is the symbol's width in modules, quiet zones included.
	Width int
	Bars  []Bar
	Label string
}

// Bar is one dark bar.
type Bar struct{ X, W int }

// barHeight is the bars' height in modules.
const barHeight = 40

func (b Barcode) viewBox() string { return "0 0 " + itoa(b.Width) + " " + itoa(barHeight) }

// widthPx draws a module 2 CSS pixels wide (about 0.5 mm in print).
func (b Barcode) widthPx() string { return itoa(2 * b.Width) }

func itoa(n int) string { return strconv.Itoa(n) }
