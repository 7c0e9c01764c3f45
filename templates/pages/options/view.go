// Package options draws the product option pages: the filtered list, one
// option with its values, the create and edit forms with their value rows,
// and the delete confirmation.
package options

import "backoffice/templates/components"

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
	Name, Value string // filters: option name, value name
	Sorts, Dirs []components.Option
	Sizes       []components.Option
	Heads       []components.SortHeader
	Rows        []Row
	Pager       components.Pager
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
}

// ValueRow is one row of the value editor, holding what the person typed.
type ValueRow struct {
	Index        string // unique within the page, for element ids
	ID           string // the existing value's id; "" for a new value
	Name         string
	Surcharge    string
	NameErr      string
	SurchargeErr string
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
	// Next is the index the next added row gets.
	Next   string
	Errors map[string]string
	// Done and NotDone report, after a partly failed save, which changes
	// were made and which were not.
	Done    []string
	NotDone []string
}

// Confirm asks before deleting an option.
type Confirm struct {
	ID     string
	Name   string
	Values int
	CSRF   string
	Key    string
	Error  string
}
