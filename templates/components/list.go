package components

import "strconv"

// Pager is the "previous / page N of M / next" bar under a list. The URLs
// carry the whole filter state, so every page has its own shareable address.
type Pager struct {
	Page, LastPage, Total int
	PrevURL, NextURL      string
	// Target is the element htmx swaps the next page into ("" = whole page).
	Target string
}

// Summary reads "Page 2 of 5 · 93 results".
func (p Pager) Summary() string {
	if p.Total == 0 {
		return "No results"
	}
	s := "Page " + strconv.Itoa(p.Page) + " of " + strconv.Itoa(max(p.LastPage, 1)) + " · " + strconv.Itoa(p.Total)
	if p.Total == 1 {
		return s + " result"
	}
	return s + " results"
}

// SortHeader is a column heading that sorts the list by that column.
type SortHeader struct {
	Label  string
	URL    string // "" for a column that cannot be sorted
	Active bool
	Desc   bool
	Num    bool // right-aligned numeric column
	Target string
}

// AriaSort is the column's aria-sort value.
func (h SortHeader) AriaSort() string {
	switch {
	case !h.Active:
		return ""
	case h.Desc:
		return "descending"
	}
	return "ascending"
}

func (h SortHeader) arrow() string {
	switch {
	case !h.Active:
		return ""
	case h.Desc:
		return " ↓"
	}
	return " ↑"
}

func (h SortHeader) class() string {
	if h.Num {
		return "num"
	}
	return ""
}
