package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// routeMatcher tells whether a local address names a route of the table:
// ":param" matches one path segment, "*" the rest.
type routeMatcher []*regexp.Regexp

func newRouteMatcher(h *harness) routeMatcher {
	var m routeMatcher
	seen := map[string]bool{}
	for _, r := range h.srv.Routes() {
		if seen[r.Path] {
			continue
		}
		seen[r.Path] = true
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			switch {
			case strings.HasPrefix(p, ":"):
				parts[i] = `[^/]+`
			case p == "*":
				parts[i] = `.*`
			default:
				parts[i] = regexp.QuoteMeta(p)
			}
		}
		m = append(m, regexp.MustCompile(`^`+strings.Join(parts, "/")+`$`))
	}
	return m
}

func (m routeMatcher) matches(path string) bool {
	for _, re := range m {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}

// pageLinks are the local addresses a page links to or posts to, from every
// attribute that makes the browser (or htmx) request one.
func pageLinks(t *testing.T, body string) []string {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, attr := range []string{"href", "action", "src", "hx-get", "hx-post"} {
		doc.Find("[" + attr + "]").Each(func(_ int, s *goquery.Selection) {
			v, _ := s.Attr(attr)
			if strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") {
				out = append(out, v)
			}
		})
	}
	return out
}

// TestEveryLinkNamesARoute walks every page a person with every permission
// can open (and the pages those link to), and fails on a link, form action
// or htmx address that matches no route of the table: links are built from
// route names, and this is the check that none was spelled out wrong.
func TestEveryLinkNamesARoute(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	routes := newRouteMatcher(h)
	b, u := h.signedInAs("admin")
	seeds := []string{
		"/", "/me", "/me/password", "/me/2fa", "/me/sessions",
		"/products", "/products?size=10&page=2", "/products/new",
		"/options", "/options/new",
		"/coupons", "/coupons/new",
		"/sales", "/sales?customer_name=Okonkwo", "/sales/" + fx.TangibleTwoInvoices, "/sales/" + fx.WithComments,
		"/ship", "/ship?sale=" + fx.TangibleTwoInvoices,
		"/account", "/users", "/users/new", "/users/" + itoa(u.ID), "/audit",
	}
	visited := map[string]bool{}
	queue := append([]string(nil), seeds...)
	pages, links := 0, 0
	for len(queue) > 0 && pages < 200 {
		page := queue[0]
		queue = queue[1:]
		if visited[page] {
			continue
		}
		visited[page] = true
		resp := b.get(page)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		pages++
		for _, l := range pageLinks(t, b.body) {
			links++
			u, err := url.Parse(l)
			if err != nil {
				t.Errorf("%s: link %q does not parse: %v", page, l, err)
				continue
			}
			if !routes.matches(u.Path) {
				t.Errorf("%s: link %q names no route", page, l)
				continue
			}
			// Follow the pages one step from a seed (not sign-out, which
			// is a form anyway, nor downloads).
			if strings.HasPrefix(page, "/") && !visited[l] && u.Query().Get("format") == "" && !strings.HasPrefix(u.Path, "/static/") {
				for _, s := range seeds {
					if s == page {
						queue = append(queue, l)
						break
					}
				}
			}
		}
	}
	if pages < len(seeds) || links < 200 {
		t.Errorf("walked %d pages with %d links: the walk did not reach the panel", pages, links)
	}
}

func TestRouteMatcherRefusesUnknownPaths(t *testing.T) {
	h := newHarness(t)
	m := newRouteMatcher(h)
	for _, p := range []string{"/products/1/delete", "/static/app.css", "/", "/sales/12/comments"} {
		if !m.matches(p) {
			t.Errorf("%s should match a route", p)
		}
	}
	for _, p := range []string{"/product/1", "/products/1/remove", "/sale", "/users/1/frobnicate"} {
		if m.matches(p) {
			t.Errorf("%s should match no route", p)
		}
	}
}
