package handlers

import (
	"strconv"

	"backoffice/templates/components"
)

// Every paged list offers the same page sizes (the API allows 1 to 100) and
// the same two sort directions; these are the one place they are defined.

// pageSizes are the page sizes a list offers.
var pageSizes = []int{10, 20, 50, 100}

// defaultPageSize is the API's own default.
const defaultPageSize = 20

// pageSize returns s as a page size when it is one of those offered.
func pageSize(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	for _, p := range pageSizes {
		if p == n {
			return n, true
		}
	}
	return 0, false
}

// pageSizeOptions are the choices of a "per page" select.
func pageSizeOptions(size int) []components.Option {
	out := make([]components.Option, 0, len(pageSizes))
	for _, n := range pageSizes {
		out = append(out, components.Option{Value: itoa(n), Label: itoa(n), Selected: n == size})
	}
	return out
}

// dirOptions are the choices of a sort-order select.
func dirOptions(desc bool) []components.Option {
	return []components.Option{{Value: "asc", Label: "Ascending", Selected: !desc}, {Value: "desc", Label: "Descending", Selected: desc}}
}
