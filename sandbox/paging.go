package sandbox

import (
	"strconv"
	"strings"
)

// pageInfoWire mirrors the recorded page_info (seed list_products and
// list_options examples): some values are strings, some numbers, and
// next_page/previous_page are null when there is no such page.
type pageInfoWire struct {
	CurPage      string `json:"cur_page"`
	FirstEntry   int    `json:"first_entry"`
	FirstPage    int    `json:"first_page"`
	FirstPageURL string `json:"first_page_url"`
	LastEntry    string `json:"last_entry"`
	LastPage     int    `json:"last_page"`
	LastPageURL  string `json:"last_page_url"`
	NextPage     *int   `json:"next_page"`
	Pagesize     string `json:"pagesize"`
	PreviousPage *int   `json:"previous_page"`
	TotalEntries string `json:"total_entries"`
}

// listReq is the paging and sorting input shared by the list methods.
type listReq struct {
	cur       int
	size      int
	sizeGiven bool
	col       string // lower-case; "" = the method's default order
	desc      bool
}

var pagingParams = []paramSpec{{name: "cur_page"}, {name: "pagesize"}, {name: "sort_col"}, {name: "sort_dir"}}

// parseListReq validates cur_page (>= 1), pagesize (1..100, default 20),
// sort_col (one of cols, case-insensitive) and sort_dir (ASC/DESC,
// case-insensitive, default ASC).
func parseListReq(p params, cols []string) (listReq, *apiError) {
	lr := listReq{cur: 1, size: 20}
	if p.given("cur_page") {
		n, ok := smallPositive(p.get("cur_page"))
		if !ok {
			return lr, errInvalid("cur_page")
		}
		lr.cur = n
	}
	if p.given("pagesize") {
		n, ok := smallPositive(p.get("pagesize"))
		if !ok || n > 100 {
			return lr, errInvalid("pagesize")
		}
		lr.size, lr.sizeGiven = n, true
	}
	if p.given("sort_col") {
		col := strings.ToLower(p.get("sort_col"))
		found := false
		for _, c := range cols {
			if c == col {
				found = true
				break
			}
		}
		if !found {
			return lr, errInvalid("sort_col")
		}
		lr.col = col
	}
	if p.given("sort_dir") {
		switch strings.ToUpper(p.get("sort_dir")) {
		case "ASC":
		case "DESC":
			lr.desc = true
		default:
			return lr, errInvalid("sort_dir")
		}
	}
	return lr, nil
}

// smallPositive parses a plain decimal integer 1..1e9 (no sign, no spaces).
func smallPositive(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n >= 1
}

// page cuts the window [start, end) out of total rows and builds page_info.
// No rows at all, or a page past the last, is RECORD_NOT_FOUND: the live API
// answers an empty list that way, never with an empty array (issue 9).
func (c *call) page(lr listReq, total int) (start, end int, pi pageInfoWire, e *apiError) {
	lastPage := (total + lr.size - 1) / lr.size
	if total == 0 || lr.cur > lastPage {
		return 0, 0, pi, errNotFound()
	}
	start = (lr.cur - 1) * lr.size
	end = min(start+lr.size, total)
	base := c.s.publicURL + "/" + c.method.group + "/" + c.method.name + "?cur_page="
	suffix := ""
	if lr.sizeGiven {
		suffix = "&pagesize=" + strconv.Itoa(lr.size)
	}
	pi = pageInfoWire{
		CurPage:      strconv.Itoa(lr.cur),
		FirstPage:    1,
		FirstPageURL: base + "1" + suffix,
		LastEntry:    strconv.Itoa(end),
		LastPage:     lastPage,
		LastPageURL:  base + strconv.Itoa(lastPage) + suffix,
		Pagesize:     strconv.Itoa(lr.size),
		TotalEntries: strconv.Itoa(total),
	}
	pi.FirstEntry = start + 1
	if lr.cur < lastPage {
		n := lr.cur + 1
		pi.NextPage = &n
	}
	if lr.cur > 1 {
		n := lr.cur - 1
		pi.PreviousPage = &n
	}
	return start, end, pi, nil
}

// cmpStrPtr orders null before any value, like SQL's NULLS FIRST in ASC.
func cmpStrPtr(a, b *string, cmp func(x, y string) int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp(*a, *b)
}

// cmpDecimal compares decimal strings numerically (both already validated).
func cmpDecimal(a, b string) int {
	x, _ := parseDecimal(a, 4)
	y, _ := parseDecimal(b, 4)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpID compares numeric ids of possibly different lengths.
func cmpID(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
