package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/form"
	"backoffice/htmx"
	"backoffice/templates/components"
)

// Every paged list (products, options, coupons, sales) keeps its state in
// its URL with the same keys, read and written here and nowhere else:
//
//	page  the page, from 1 (left out on page 1)
//	size  the page size, one of pageSizes (left out at defaultPageSize)
//	sort  the column ordered by (left out for the list's own order)
//	dir   asc or desc (left out for the list's own order)
//
// plus each list's filters under their own names. Links shared before the
// keys were one set name the product list's old "pagesize" and "sort_dir":
// they are read as size and dir, and never written.
//
// The fragment protocol is one too: an htmx request for a list gets its
// results region (rows, sort headings, pager); when something other than
// the filter form asked (a heading, the pager), the filter form's order
// fields come along out of band, so the next filter keeps the order; and
// the address bar follows the state (HX-Push-Url). Each page names its
// region ids as constants next to its view.

// pageSizes are the page sizes a list offers (the API allows 1 to 100).
var pageSizes = []int{10, 20, 50, 100}

// defaultPageSize is the API's own default.
const defaultPageSize = 20

// maxListPage bounds the page a URL may ask for.
const maxListPage = 99999

// listAliases are old URL keys read as the canonical ones.
var listAliases = map[string]string{"pagesize": "size", "sort_dir": "dir"}

// listSpec is what one list offers: its address, the columns it sorts by
// and its own order (the one its URL leaves out).
type listSpec struct {
	path  string
	sorts []string
	// defSort and defDesc are the list's own order: defSort "" is the API's
	// order, which is by column natural.
	defSort string
	defDesc bool
	natural string
	// markNatural marks natural's heading as the active one in the list's
	// own order.
	markNatural bool
	// words say how each column's directions read in the Order select
	// (defSort's too); byText for a column not listed.
	words map[string]orderWords
}

// orderWords say how a column's two directions read, ascending first.
type orderWords [2]string

var (
	byText   = orderWords{"A to Z", "Z to A"}
	byNumber = orderWords{"Lowest first", "Highest first"}
	byDate   = orderWords{"Oldest first", "Newest first"}
)

// listState is a list's state as its URL carries it.
type listState struct {
	spec    listSpec
	filters [][2]string // name, value, in URL order; empty values are left out
	Sort    string
	Desc    bool
	Page    int
	Size    int
}

// readList reads page, size, sort and dir (and their aliases) for spec. A
// value that is not offered falls back to the default, so an old or
// hand-edited link still shows a list; the errors say which were refused,
// for a page that checks its whole form (the sales search).
func readList(q url.Values, spec listSpec) (listState, form.Errors) {
	vals := url.Values{}
	for _, k := range []string{"page", "size", "sort", "dir"} {
		if v, ok := q[k]; ok {
			vals[k] = v
		}
	}
	for old, k := range listAliases {
		if v, ok := q[old]; ok && vals[k] == nil {
			vals[k] = v
		}
	}
	in := form.NewReader(vals)
	s := listState{spec: spec, Sort: spec.defSort, Page: 1, Size: defaultPageSize}
	if p := in.Digits("page", "Page", false, 5); p != "" && in.Errors.Get("page") == "" {
		s.Page, _ = strconv.Atoi(p)
	}
	sizes := make([]string, len(pageSizes))
	for i, n := range pageSizes {
		sizes[i] = itoa(n)
	}
	if n := in.Choice("size", "Results per page", false, sizes...); n != "" && in.Errors.Get("size") == "" {
		s.Size, _ = strconv.Atoi(n)
	}
	sorts := append([]string{spec.defSort}, spec.sorts...)
	if col := in.Choice("sort", "Sort column", false, sorts...); col != "" && in.Errors.Get("sort") == "" {
		s.Sort = col
	}
	s.Desc = s.Sort == spec.defSort && spec.defDesc
	switch in.Choice("dir", "Sort order", false, "asc", "desc") {
	case "asc":
		s.Desc = false
	case "desc":
		s.Desc = true
	}
	return s, in.Errors
}

// own reports whether the state is in the list's own order.
func (s listState) own() bool { return s.Sort == s.spec.defSort && s.Desc == s.spec.defDesc }

// withFilters sets the filters the list's URLs carry.
func (s listState) withFilters(kv ...[2]string) listState {
	s.filters = kv
	return s
}

// values is the state's query string, defaults left out.
func (s listState) values() url.Values {
	v := url.Values{}
	for _, f := range s.filters {
		if f[1] != "" {
			v.Set(f[0], f[1])
		}
	}
	if !s.own() {
		if s.Sort != s.spec.defSort {
			v.Set("sort", s.Sort)
		}
		v.Set("dir", s.dir())
	}
	if s.Size != defaultPageSize {
		v.Set("size", itoa(s.Size))
	}
	if s.Page > 1 {
		v.Set("page", itoa(s.Page))
	}
	return v
}

func (s listState) dir() string {
	if s.Desc {
		return "desc"
	}
	return "asc"
}

// URL is the list's address with this state.
func (s listState) URL() string { return withQuery(s.spec.path, s.values()) }

// AtPage is the address of page p of the same list.
func (s listState) AtPage(p int) string {
	s.Page = p
	return s.URL()
}

// SortCol and SortDir are the order to ask the API for: nothing for the
// API's own order, else the column and ASC or DESC.
func (s listState) SortCol() string {
	if s.Sort == "" && !s.own() {
		return s.spec.natural
	}
	return s.Sort
}

// SortDir is the direction to ask the API for ("" with no column).
func (s listState) SortDir() string {
	if s.SortCol() == "" {
		return ""
	}
	return strings.ToUpper(s.dir())
}

// Head is a sortable column heading: clicking it sorts by that column,
// ascending first, and again to reverse, back on page 1.
func (s listState) Head(label, col string, num bool, target string) components.SortHeader {
	cur := s.Sort
	if cur == "" && s.spec.markNatural {
		cur = s.spec.natural
	}
	active := cur == col
	n := s
	n.Page, n.Sort, n.Desc = 1, col, active && !s.Desc
	return components.SortHeader{Label: label, URL: n.URL(), Active: active, Desc: active && s.Desc, Num: num, Target: target}
}

// Pager is the pager under page s.Page of last pages holding total rows.
func (s listState) Pager(total, last int, target string) components.Pager {
	p := components.Pager{Page: s.Page, LastPage: last, Total: total, Target: target}
	if s.Page > 1 {
		p.PrevURL = s.AtPage(min(s.Page-1, max(last, 1)))
	}
	if s.Page < last {
		p.NextURL = s.AtPage(s.Page + 1)
	}
	return p
}

// SizeOptions are the choices of the "per page" select.
func (s listState) SizeOptions() []components.Option {
	out := make([]components.Option, 0, len(pageSizes))
	for _, n := range pageSizes {
		out = append(out, components.Option{Value: itoa(n), Label: itoa(n), Selected: n == s.Size})
	}
	return out
}

// DirOptions are the choices of the sort-order select, in the sort
// column's words ("A to Z", "Newest first"). The column's usual
// direction (ascending; the list's own for its own column) is sent as no
// direction at all, so picking another column in the form without touching
// the order starts that column in its usual direction: "Date added,
// Newest first" then "Code" reads A to Z, not Z to A.
func (s listState) DirOptions() []components.Option {
	usualDesc := s.Sort == s.spec.defSort && s.spec.defDesc
	value := func(desc bool) string {
		switch {
		case desc == usualDesc:
			return ""
		case desc:
			return "desc"
		}
		return "asc"
	}
	words, ok := s.spec.words[s.Sort]
	if !ok {
		words = byText
	}
	return []components.Option{{Value: value(false), Label: words[0], Selected: !s.Desc},
		{Value: value(true), Label: words[1], Selected: s.Desc}}
}

// SortOptions are the choices of the "Sort by" select, each a column and
// its label.
func (s listState) SortOptions(choices ...[2]string) []components.Option {
	out := make([]components.Option, 0, len(choices))
	for _, ch := range choices {
		out = append(out, components.Option{Value: ch[0], Label: ch[1], Selected: ch[0] == s.Sort})
	}
	return out
}

// listFragment follows the fragment protocol for a list request: it sets
// the address bar to the state and reports whether the order fields must
// come along out of band: when the filter form, filtersID, did not ask, or
// asked with no direction in a list whose own order is descending. The
// server then chose the direction (DirOptions), and the form may show the
// old column's usual one: ascending for every column but the own one.
func listFragment(c echo.Context, s listState, filtersID string) (orderOOB bool) {
	r := c.Request()
	if !htmx.IsRequest(r) {
		return false
	}
	c.Response().Header().Set(htmx.HeaderPushURL, s.URL())
	q := r.URL.Query()
	return r.Header.Get(htmx.HeaderTrigger) != filtersID || (s.spec.defDesc && q.Get("dir") == "" && q.Get("sort_dir") == "")
}

// textFilter reads a free-text list filter: trimmed, valid UTF-8, at most
// 255 characters.
func textFilter(q url.Values, name string) string {
	v := strings.TrimSpace(strings.ToValidUTF8(q.Get(name), ""))
	if r := []rune(v); len(r) > 255 {
		v = string(r[:255])
	}
	return v
}
