// Package coupons draws the coupon pages: the list the panel filters, sorts
// and pages itself (the API sends every coupon at once), one coupon, the
// create and edit form, and the delete confirmation.
package coupons

import "backoffice/templates/components"

// ResultsID is the element the list's htmx requests swap; FiltersID is the
// filter form, whose own requests need no order fields back; SortID holds
// the form's order fields, sent out of band after any other request.
const (
	ResultsID = "cp-results"
	FiltersID = "cp-filters"
	SortID    = "cp-sort"
)

// Row is one coupon in the list.
type Row struct {
	Code     string
	Href     string
	Type     string
	Discount string
	Minimum  string
	Expires  string
	Expired  bool
	// Products names the products a product coupon applies to.
	Products string
}

// List is the filtered, sorted, paged list of coupons.
type List struct {
	// Path is the list's address (the filter form's action); NewURL the
	// new-coupon form's.
	Path, NewURL string
	Code         string // filter: code contains
	Types        []components.Option
	Sizes        []components.Option
	Sorts        []components.Option
	Dirs         []components.Option
	Heads        []components.SortHeader
	Rows         []Row
	Pager        components.Pager
	CanEdit      bool
}

// Product is a product a coupon applies to: its id, its name from the
// catalogue (or "product ID" when it has none there) and its page.
type Product struct{ ID, Name, Href string }

// Detail is one coupon's page.
type Detail struct {
	Code        string
	Type        string
	Discount    string
	Minimum     string
	Expires     string
	Expired     bool
	AllProducts bool
	Products    []Product
	EditURL     string
	DeleteURL   string
	ListURL     string
	CanEdit     bool
	CanDelete   bool
}

// Pick is a product that can be ticked on the form.
type Pick struct {
	ID, Name string
	Checked  bool
}

// Form creates or edits a coupon.
type Form struct {
	Title    string
	Action   string
	Cancel   string
	Submit   string
	CSRF     string
	Key      string
	Edit     bool
	Code     string // coupon_code on create, new_code on edit
	Types    []components.Option
	Discount string // "percent" or "value"
	Amount   string
	Minimum  string
	Expires  string
	Today    string // YYYY-MM-DD, the earliest expiry offered
	Applies  string // "all" or "some"
	Products []Pick
	Errors   map[string]string
}

// Filtering reports whether a filter is set: the filter form is then
// rendered unfolded on a phone.
func (v List) Filtering() bool {
	if v.Code != "" {
		return true
	}
	for _, t := range v.Types {
		if t.Selected && t.Value != "" {
			return true
		}
	}
	return false
}
