package components

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

// render draws c and parses it, so a test asks the markup what a browser
// (or a screen reader) would find in it.
func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	return renderIn(t, "", c, "")
}

// renderIn draws c between before and after, for parts that only parse in
// their context (a table heading inside a table row).
func renderIn(t *testing.T, before string, c templ.Component, after string) *goquery.Document {
	t.Helper()
	var b strings.Builder
	b.WriteString(before)
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	b.WriteString(after)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(s *goquery.Selection, name string) string {
	v, _ := s.Attr(name)
	return v
}

func TestConfirmPageAsksAndPostsOnlyOnSubmit(t *testing.T) {
	doc := render(t, ConfirmPage(Confirm{Question: "Refund 12.50 USD to Ana Ruiz?",
		Facts:       []Fact{{Label: "Invoice", Value: "250"}, {Label: "Amount", Value: "12.50 USD <b>"}},
		Consequence: "The money goes back to the buyer's card. This cannot be undone.",
		Action:      "/sales/9/refund", Cancel: "/sales/9", Submit: "Refund", CSRF: "tok", Key: "key-1", Error: "2Checkout refused."}))
	if got := doc.Find("h1").Text(); got != "Refund 12.50 USD to Ana Ruiz?" {
		t.Errorf("heading %q", got)
	}
	if got := doc.Find("dl.facts dt").Length(); got != 2 {
		t.Errorf("%d facts, want 2", got)
	}
	if got := doc.Find("dl.facts dd").Eq(1).Text(); got != "12.50 USD <b>" {
		t.Errorf("a fact's value is text, escaped: %q", got)
	}
	if doc.Find("dd b").Length() != 0 {
		t.Error("markup in a value became an element")
	}
	if got := doc.Find(`[role="alert"]`).Text(); !strings.Contains(got, "2Checkout refused.") {
		t.Errorf("error %q", got)
	}
	form := doc.Find("form")
	if form.Length() != 1 || attr(form, "method") != "post" || attr(form, "action") != "/sales/9/refund" {
		t.Fatalf("one POST form to the action: %d %q %q", form.Length(), attr(form, "method"), attr(form, "action"))
	}
	if attr(form.Find(`input[name="_csrf"]`), "value") != "tok" || attr(form.Find(`input[name="`+FormKeyName+`"]`), "value") != "key-1" {
		t.Error("the form carries its CSRF token and its idempotency key")
	}
	if b := form.Find(`button[type="submit"]`); b.Text() != "Refund" || !b.HasClass("btn-danger") {
		t.Errorf("submit %q", b.Text())
	}
	if attr(form.Find("a"), "href") != "/sales/9" || form.Find("a").Text() != "Cancel" {
		t.Error("Cancel leads back to the record")
	}
}

func TestConfirmPageWithoutFactsOrError(t *testing.T) {
	doc := render(t, ConfirmPage(Confirm{Question: "Delete?", Consequence: "Gone.", Action: "/x", Cancel: "/", Submit: "Delete"}))
	if doc.Find("dl").Length() != 0 || doc.Find(`[role="alert"]`).Length() != 0 {
		t.Error("no facts list and no error box when there are none")
	}
}

func TestSortHeadingLinksAndMarksOrder(t *testing.T) {
	const row, end = "<table><thead><tr>", "</tr></thead></table>"
	doc := renderIn(t, row, Th(SortHeader{Label: "Price", URL: "/products?dir=desc&sort=price", Active: true, Num: true, Target: "#r"}), end)
	th := doc.Find("th")
	if attr(th, "aria-sort") != "ascending" || !th.HasClass("num") {
		t.Errorf("aria-sort %q class %q", attr(th, "aria-sort"), attr(th, "class"))
	}
	a := th.Find("a")
	if attr(a, "href") != "/products?dir=desc&sort=price" || attr(a, "hx-get") != attr(a, "href") || attr(a, "hx-target") != "#r" || attr(a, "hx-push-url") != "true" {
		t.Errorf("link %q %q %q", attr(a, "href"), attr(a, "hx-get"), attr(a, "hx-target"))
	}
	if !strings.HasSuffix(a.Text(), "↑") {
		t.Errorf("label %q shows no arrow", a.Text())
	}
	plain := renderIn(t, row, Th(SortHeader{Label: "Values"}), end).Find("th")
	if plain.Find("a").Length() != 0 || attr(plain, "aria-sort") != "" || plain.Text() != "Values" {
		t.Error("a heading without a URL is plain text")
	}
}

func TestPagerBar(t *testing.T) {
	doc := render(t, PagerBar(Pager{Page: 2, LastPage: 3, Total: 45, PrevURL: "/p?page=1", NextURL: "/p?page=3", Target: "#r"}))
	if got := doc.Find(`[aria-live="polite"]`).Text(); got != "Page 2 of 3 · 45 results" {
		t.Errorf("summary %q", got)
	}
	if attr(doc.Find(`a[rel="prev"]`), "href") != "/p?page=1" || attr(doc.Find(`a[rel="next"]`), "hx-get") != "/p?page=3" {
		t.Error("previous and next links")
	}
	doc = render(t, PagerBar(Pager{Page: 1, LastPage: 1, Total: 1}))
	if doc.Find("a").Length() != 0 || doc.Find(`[aria-live]`).Text() != "Page 1 of 1 · 1 result" {
		t.Error("one page: no links, singular")
	}
}

func TestInputShowsItsErrorToScreenReaders(t *testing.T) {
	doc := render(t, Input(Field{Name: "price", Label: "Price", Value: "12,50", Hint: "With a dot.", Error: "Use a dot.", Required: true}))
	in := doc.Find("input#f-price")
	if attr(in, "value") != "12,50" || attr(in, "aria-invalid") != "true" {
		t.Errorf("input keeps what was typed and is marked invalid: %q %q", attr(in, "value"), attr(in, "aria-invalid"))
	}
	if attr(in, "aria-describedby") != "f-price-hint f-price-err" {
		t.Errorf("described by %q", attr(in, "aria-describedby"))
	}
	if doc.Find("#f-price-err").Text() != "Use a dot." || doc.Find(`label[for="f-price"]`).Length() != 1 {
		t.Error("the error and the label are tied to the input")
	}
}

func TestOrderFieldsComeOutOfBandOnlyWhenAsked(t *testing.T) {
	sorts := []Option{{Value: "", Label: "Default"}, {Value: "price", Label: "Price", Selected: true}}
	dirs := []Option{{Value: "asc", Label: "Ascending"}, {Value: "desc", Label: "Descending", Selected: true}}
	doc := render(t, OrderFields("product-sort", sorts, dirs, true))
	div := doc.Find("div#product-sort")
	if attr(div, "hx-swap-oob") != "true" {
		t.Error("out of band when asked")
	}
	if v := attr(div.Find(`select[name="sort"] option[selected]`), "value"); v != "price" {
		t.Errorf("sort select shows %q", v)
	}
	if v := attr(div.Find(`select[name="dir"] option[selected]`), "value"); v != "desc" {
		t.Errorf("dir select shows %q", v)
	}
	if _, ok := render(t, OrderFields("product-sort", sorts, dirs, false)).Find("div#product-sort").Attr("hx-swap-oob"); ok {
		t.Error("in the form itself they are not out of band")
	}
}

// Every sortable list's filter form is the same form: its own fields first,
// then the order and the page size, the newest htmx request winning.
func TestListFilters(t *testing.T) {
	f := ListForm{ID: "cp-filters", Path: "/coupons", Target: "#cp-results", OrderID: "cp-sort", Submit: "Filter",
		Sorts: []Option{{Value: "", Label: "Date added"}}, Dirs: []Option{{Value: "", Label: "Newest first", Selected: true}},
		Sizes: []Option{{Value: "20", Label: "20", Selected: true}}}
	code := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return Input(Field{Name: "code", Label: "Code contains", Type: "search"}).Render(ctx, w)
	})
	doc := render(t, templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return ListFilters(f).Render(templ.WithChildren(ctx, code), w)
	}))
	form := doc.Find("details.fold form#cp-filters")
	if attr(form, "action") != "/coupons" || attr(form, "hx-get") != "/coupons" || attr(form, "hx-target") != "#cp-results" ||
		attr(form, "hx-sync") != "this:replace" || attr(form, "method") != "get" {
		t.Errorf("form attributes: %v", form.Nodes)
	}
	var names []string
	form.Find("input[name], select[name]").Each(func(_ int, s *goquery.Selection) { names = append(names, attr(s, "name")) })
	if got := strings.Join(names, " "); got != "code sort dir size" {
		t.Errorf("fields in order: %q", got)
	}
	if form.Find("#cp-sort[hx-swap-oob]").Length() != 0 || strings.TrimSpace(form.Find("button[type=submit]").Text()) != "Filter" {
		t.Error("order fields out of band inside the form, or the wrong button")
	}
}
