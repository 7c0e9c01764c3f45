// Package sales draws the sales search, the sale page and its comment and
// "mark shipped" forms.
package sales

import (
	"backoffice/templates/components"
	"backoffice/templates/layout"
)

// RegionID is the element the search's htmx requests swap: the form and its
// results together, as the form shows the search's own errors.
const RegionID = "sales"

// Search is the sales search page: the filters as typed, their errors, and
// one page of results.
type Search struct {
	// Path is the search's address (the form's action).
	Path                                 string
	Number, Name, Email, Phone, From, To string
	// Sort and Dir are kept in hidden fields so a new search keeps the order.
	Sort, Dir string
	Sizes     []components.Option
	Errors    map[string]string
	// Notice is a message about the search itself, e.g. no sale with the
	// number asked for.
	Notice string
	// Checked is false when the filters were refused and nothing was asked.
	Checked bool
	Rows    []Row
	Headers []components.SortHeader
	Pager   components.Pager
	// FirstURL leads back to page 1 when the page asked for is past the end.
	FirstURL string
}

// Searched reports whether any search field is filled in: only then does
// the form offer "Clear search".
func (v Search) Searched() bool {
	for _, f := range []string{v.Number, v.Name, v.Email, v.Phone, v.From, v.To} {
		if f != "" {
			return true
		}
	}
	return false
}

// Row is one sale of the results.
type Row struct {
	ID, URL, Date, Customer, Total, Recurring, Declined string
}

// Detail is the sale page.
type Detail struct {
	ID     string
	Placed string
	CSRF   string
	// SearchURL leads back to the search; ShipURL and CommentURL are where
	// the forms post.
	SearchURL, ShipURL, CommentURL string
	Customer                       Customer
	// Declined describes the last declined recurring payment, if any.
	Declined string
	Invoices []Invoice
	Comments []Comment
	// Timeline is the sale's history, newest first (comments included).
	Timeline []Event
	// Alert is a message at the top of the page (an unknown outcome, or a
	// problem that belongs to no field); AlertKind is "error" or "warn".
	Alert, AlertKind string
	// ReloadURL offers to read the sale again (after an unknown outcome).
	ReloadURL string
	// Ship is nil when the viewer may not ship or nothing is left to ship.
	Ship *ShipForm
	// Comment is nil when the viewer may not comment.
	Comment *CommentForm
	// CommentsFlash are the messages about the comments ("Comment added"),
	// drawn in the comments section, where the page lands after adding one.
	CommentsFlash []layout.Flash
	// Issue 10: the card authorization notice, refunds and recurring
	// billing; each nil when it does not apply.
	Reauth        *Reauth
	Refunds       *Refunds
	Subscriptions *Subscriptions
}

// Customer is the buyer as the sale page shows them.
type Customer struct {
	Name, Email, Phone, Paid string
	Address                  []string
}

// Invoice is one invoice with its lines and shipment.
type Invoice struct {
	ID, Status, StatusKind string
	Total, USDTotal        string
	// Left is the total less the refunds shown among the items, "" when
	// nothing was refunded.
	Left            string
	Placed, Shipped string
	// Tangible is false for invoices of digital goods only.
	Tangible, IsShipped bool
	Shipping            *Shipping
	Items               []Item
}

// Shipping is the shipment of a tangible invoice.
type Shipping struct {
	Name     string
	Address  []string
	Method   string
	Tracking string
	// TrackingURL is the carrier's page for the parcel, set only when it is
	// an http(s) address.
	TrackingURL string
	// Carrier names a recognised carrier's number ("UPS").
	Carrier string
	Date    string
}

// Item is a line item with its chosen options.
type Item struct {
	Name, Type, Amount, Status string
	Options                    []ItemOption
}

// ItemOption is an option chosen on a line item.
type ItemOption struct {
	Name, Value, Surcharge string
}

// Comment is one entry of the sale's timeline.
type Comment struct {
	Author, At, Text string
}

// ShipForm is the "mark shipped" form of a sale.
type ShipForm struct {
	Key string
	// Invoices are the unshipped tangible invoices to choose from; empty when
	// the sale has a single invoice and none needs choosing.
	Invoices    []components.Option
	Tracking    string
	Comment     string
	Notify      bool
	Reauthorize bool
	Errors      map[string]string
	// Override and OverrideReason are the fraud hold override as typed;
	// Hold is the sale's fraud review notice (nil: it passed).
	Override       bool
	OverrideReason string
	Hold           *components.FraudHold
	// AskTracking offers the tick for a tracking number whose shape no
	// known carrier uses.
	AskTracking bool
}

// CommentForm adds a comment to a sale.
type CommentForm struct {
	Key        string
	Text       string
	CCCustomer bool
	CCVendor   bool
	Errors     map[string]string
}

// Unknown is the page shown when a write's outcome is unknown and the sale
// could not be read again to check it.
type Unknown struct {
	ID, Message string
	SaleURL     string
}

// Filtering reports whether a search is set or refused: the search form is
// then rendered unfolded on a phone.
func (v Search) Filtering() bool {
	return v.Number != "" || v.Name != "" || v.Email != "" || v.Phone != "" || v.From != "" || v.To != "" || len(v.Errors) > 0
}
