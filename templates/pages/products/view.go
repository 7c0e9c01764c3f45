// Package products draws the product pages: the filtered, sorted and paged
// list (and its results fragment), one product's details, the create and
// edit form, and the delete confirmation.
package products

import "backoffice/templates/components"

// ResultsID is the element the list's htmx requests swap; FiltersID is the
// filter form, whose own requests need no sort fields back; SortID holds
// the form's order fields, sent out of band after any other request.
const (
	ResultsID = "product-results"
	FiltersID = "product-filters"
	SortID    = "product-sort"
)

// Row is one product in the list.
type Row struct {
	ID, URL, Name, AssignedID, VendorProductID, Price, Kind string
}

// List is the list page: the filter form's values and the results.
type List struct {
	// Path is the list's address (the filter form's action); NewURL the
	// new-product form's.
	Path, NewURL                      string
	Name, VendorProductID, AssignedID string
	PageSizes                         []components.Option
	// SortOptions and DirOptions are the current order, chosen in the
	// filter form; SortOOB sends them with the results fragment.
	SortOptions, DirOptions []components.Option
	SortOOB                 bool
	Errors                  map[string]string
	Headers                 []components.SortHeader
	Rows                    []Row
	Pager                   components.Pager
	// Empty explains an empty result; FirstURL offers the first page when
	// the one asked for is past the end.
	Empty     string
	FirstURL  string
	CanCreate bool
}

// Fact is one labelled value on the detail page. Href is set only for an
// http(s) address, which is then linked; anything else shows as text.
type Fact struct {
	Label, Value string
	Href         string
	Note         string // e.g. why an address is not linked
	Pre          bool   // keep line breaks
}

// OptionRow is one option of a product with its values.
type OptionRow struct {
	ID, Name string
	URL      string // "" for roles that may not open options
	Values   []OptionValue
}

// OptionValue is one value of an option and its surcharge.
type OptionValue struct{ Name, Surcharge string }

// Detail is one product's page.
type Detail struct {
	ID, Name   string
	Facts      []Fact
	Options    []OptionRow
	Categories []string
	Images     []string
	CanEdit    bool
	CanDelete  bool
	// EditURL, DeleteURL (its confirmation) and ListURL are the page's links.
	EditURL, DeleteURL, ListURL string
}

// Choice is one checkbox of the options or categories lists.
type Choice struct {
	ID, Label, Hint string
	Checked         bool
}

// Form creates (ID "") or edits a product.
type Form struct {
	ID    string
	Title string
	// Action is where the form posts; Cancel where "Cancel" leads.
	Action, Cancel string
	CSRF, Key      string
	Name           string
	Price          string
	VendorPID      string
	Desc           string
	LongDesc       string
	PendingURL     string
	// ApprovedURL is the address the buyer is sent to after paying.
	ApprovedURL      string
	Tangible         bool
	Weight           string
	Handling         string
	Recurring        bool
	RecurrenceN      string
	RecurrenceUnit   string
	DurationN        string
	DurationUnit     string
	StartupFee       string
	Commission       bool
	CommissionType   string
	CommissionAmount string
	Options          []Choice
	Categories       []Choice
	Errors           map[string]string
}

// Submit is the label of the submit button.
func (f Form) Submit() string {
	if f.ID == "" {
		return "Create product"
	}
	return "Save changes"
}

// Units are the periods a recurrence or duration is counted in.
var Units = []string{"Week", "Month", "Year"}

// Forever is the duration of a subscription that runs until stopped.
const Forever = "Forever"

func unitOptions(selected string, forever bool) []components.Option {
	var out []components.Option
	if forever {
		out = append(out, components.Option{Value: Forever, Label: "Forever", Selected: selected == Forever || selected == ""})
	}
	for _, u := range Units {
		out = append(out, components.Option{Value: u, Label: u + "(s)", Selected: selected == u})
	}
	return out
}

func commissionTypes(selected string) []components.Option {
	return []components.Option{
		{Value: "", Label: "Choose…", Selected: selected == ""},
		{Value: "percentage", Label: "Percentage of the price", Selected: selected == "percentage"},
		{Value: "amount", Label: "Fixed amount", Selected: selected == "amount"},
	}
}

// Filtering reports whether a filter is set or refused: the filter form is
// then rendered unfolded on a phone.
func (v List) Filtering() bool {
	return v.Name != "" || v.VendorProductID != "" || v.AssignedID != "" || len(v.Errors) > 0
}
