// Package options draws the product option pages: the filtered list, one
// option with its values, the create and edit forms with their value rows,
// and the delete confirmation.
package options

import "backoffice/templates/components"

// ResultsID is the element the list's htmx requests swap; FiltersID is the
// filter form, whose own requests need no order fields back; SortID holds
// the form's order fields, sent out of band after any other request.
const (
	ResultsID = "opt-results"
	FiltersID = "opt-filters"
	SortID    = "opt-sort"
)

// Row is one option in the list.
type Row struct {
	ID   string
	Href string // "" when the id is not one the panel can link to
	Name string
	// Values summarises the option's values, e.g. "Low, Medium, High".
	Values string
}

// List is the filtered, sorted, paged list of options.
type List struct {
	// Path is the list's address (the filter form's action); NewURL the
	// new-option form's.
	Path, NewURL string
	Name, Value  string // filters: option name, value name
	Sorts, Dirs  []components.Option
	Sizes        []components.Option
	Heads        []components.SortHeader
	Rows         []Row
	Pager        components.Pager
	// Notice explains an empty page (e.g. past the last page) and FirstURL
	// leads back to the first page.
	Notice   string
	FirstURL string
	CanEdit  bool
}

// Value is one value of an option on its page.
type Value struct{ Name, Surcharge string }

// Detail is one option's page.
type Detail struct {
	ID        string
	Name      string
	Values    []Value
	CanEdit   bool
	CanDelete bool
	// EditURL, DeleteURL (its confirmation) and ListURL are the page's links.
	EditURL, DeleteURL, ListURL string
}

// ValueRow is one row of the value editor, holding what the person typed.
type ValueRow struct {
	Index        string // unique within the page, for element ids
	ID           string // the existing value's id; "" for a new value
	Name         string
	Surcharge    string
	NameErr      string
	SurchargeErr string
	// RowURL answers the editor's htmx add and remove buttons.
	RowURL string
}

// Form creates or edits an option.
type Form struct {
	Title  string
	Action string // where the form posts
	Cancel string
	Submit string
	CSRF   string
	Key    string // idempotency key
	Name   string
	Rows   []ValueRow
	// Known lists the ids of the values the edit form was drawn with,
	// space-separated ("" on create).
	Known string
	// Next is the index the next added row gets; RowURL answers the
	// editor's htmx add button.
	Next   string
	RowURL string
	Errors map[string]string
	// Done and NotDone report, after a partly failed save, which changes
	// were made and which were not.
	Done    []string
	NotDone []string
}

// Filtering reports whether a filter is set: the filter form is then
// rendered unfolded on a phone.
func (v List) Filtering() bool { return v.Name != "" || v.Value != "" }
