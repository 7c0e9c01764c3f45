package handlers_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// dom parses a page or fragment, so tests ask the markup what a browser
// finds in it rather than matching its spelling.
func dom(body string) *goquery.Document {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		// The HTML parser accepts any input; this cannot happen.
		panic(err)
	}
	return doc
}

// texts is the text of each element sel matches, in document order.
func texts(body, sel string) []string {
	var out []string
	dom(body).Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return out
}

// attrs is the attribute attr of each element sel matches, in order.
func attrs(body, sel, attr string) []string {
	var out []string
	dom(body).Find(sel).Each(func(_ int, s *goquery.Selection) {
		if v, ok := s.Attr(attr); ok {
			out = append(out, v)
		}
	})
	return out
}

// fieldValue is the value of the first input named name, "" with ok false
// when the page has none.
func fieldValue(body, name string) (string, bool) {
	s := dom(body).Find(`input[name="` + name + `"]`).First()
	v, ok := s.Attr("value")
	return v, ok && s.Length() > 0
}

// mustFormKey is the idempotency key of the (first) form on the page.
func mustFormKey(t *testing.T, body string) string {
	t.Helper()
	v, ok := fieldValue(body, "_idem")
	if !ok || v == "" {
		t.Fatalf("no form key on the page: %.400s", body)
	}
	return v
}

// fieldError is the message shown next to the input with id f-<id>, "" if none.
func fieldError(body, id string) string {
	return dom(body).Find("#f-" + id + "-err").Text()
}

// topError is the message in the error box at the top of a form or page.
func topError(body string) string {
	return dom(body).Find(`div.alert-error[role="alert"] p`).First().Text()
}
