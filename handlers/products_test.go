package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backoffice/apiclient"
	"backoffice/sandbox"
	"backoffice/store"
)

// Seeded products the tests rely on (sandbox/seed.go).
const (
	prodHeadphones = "4701000007" // tangible, options decibels + Volume, category 31, two images
	prodCourse     = "4701000013" // commission: 20 % percentage
	prodCoffee     = "4701000004" // tangible monthly subscription
	prodLiveTest   = "3970322775" // plain digital product
	prodSeedTotal  = 21
	optVolume      = "4688550010"
	optDecibels    = "4688355343"
	optColor       = "4701000100"
	optGiftWrap    = "4701000112"
)

// prodRows lists the product names of a list page or fragment, in order,
// as the page shows them (escaped again, so they compare with prodEscape).
func prodRows(body string) []string {
	var out []string
	for _, name := range texts(body, `td[data-label="Name"] a[href^="/products/"]`) {
		out = append(out, prodEscape(name))
	}
	return out
}

func prodKey(t *testing.T, body string) string {
	t.Helper()
	return mustFormKey(t, body)
}

// prodFieldError returns the message shown next to a field, "" if none
// (escaped again, as the tests compare it with prodEscape).
func prodFieldError(body, field string) string {
	return prodEscape(fieldError(body, field))
}

// prodValid is a complete, valid new-product form (with a fresh key from
// the new-product page the browser opens).
func prodValid(t *testing.T, b *browser, name string) url.Values {
	t.Helper()
	if resp := b.get("/products/new"); resp.StatusCode != http.StatusOK {
		t.Fatalf("new product page: %d", resp.StatusCode)
	}
	return url.Values{"_idem": {prodKey(t, b.body)}, "name": {name}, "price": {"12.50"}, "vendor_product_id": {"T-1"},
		"description": {"Short"}, "long_description": {"Long\r\ntext"}, "duration_unit": {"Forever"}, "recurrence_unit": {"Month"}}
}

// prodFind returns the sandbox's products whose name contains name.
func (h *harness) prodFind(name string) []apiclient.Product {
	h.t.Helper()
	list, err := h.api.ListProducts(context.Background(), apiclient.ListProductsParams{Name: name, PageSize: 100})
	if err != nil {
		if apiclient.IsNotFound(err) {
			return nil
		}
		h.t.Fatal(err)
	}
	return list.Products
}

func (h *harness) prodDetail(id string) *apiclient.Product {
	h.t.Helper()
	p, err := h.api.DetailProduct(context.Background(), apiclient.DetailProductParams{ProductID: id})
	if err != nil {
		h.t.Fatalf("detail_product %s: %v", id, err)
	}
	return p
}

func TestProductPagesForEachRole(t *testing.T) {
	h := newHarness(t)
	for _, role := range roles {
		b, _ := h.signedInAs(role)
		mayEdit := role == "admin" || role == "catalogue"
		if resp := b.get("/products"); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: list %d", role, resp.StatusCode)
		}
		if got := len(prodRows(b.body)); got != 20 {
			t.Errorf("%s: %d rows on the first page, want 20", role, got)
		}
		if has := strings.Contains(b.body, `href="/products/new"`); has != mayEdit {
			t.Errorf("%s: New product button shown = %v", role, has)
		}
		if resp := b.get("/products/" + prodHeadphones); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: detail %d", role, resp.StatusCode)
		}
		if has := strings.Contains(b.body, `/products/`+prodHeadphones+`/edit"`); has != mayEdit {
			t.Errorf("%s: Edit button shown = %v", role, has)
		}
		if has := strings.Contains(b.body, `/products/`+prodHeadphones+`/delete"`); has != mayEdit {
			t.Errorf("%s: Delete button shown = %v", role, has)
		}
		want := http.StatusForbidden
		if mayEdit {
			want = http.StatusOK
		}
		for _, p := range []string{"/products/new", "/products/" + prodHeadphones + "/edit", "/products/" + prodHeadphones + "/delete"} {
			if resp := b.get(p); resp.StatusCode != want {
				t.Errorf("%s: GET %s = %d, want %d", role, p, resp.StatusCode, want)
			}
		}
	}
	// A role without products.edit posting directly changes nothing upstream.
	b, _ := h.signedInAs("support")
	before := h.sb.Calls("create_product") + h.sb.Calls("update_product") + h.sb.Calls("delete_product")
	b.post("/products", url.Values{"name": {"x"}, "price": {"1.00"}, "_idem": {strings.Repeat("a", 40)}})
	b.post("/products/"+prodLiveTest, url.Values{"name": {"x"}, "price": {"1.00"}, "_idem": {strings.Repeat("b", 40)}})
	resp := b.post("/products/"+prodLiveTest+"/delete", url.Values{"_idem": {strings.Repeat("c", 40)}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("support deleting a product: %d", resp.StatusCode)
	}
	if after := h.sb.Calls("create_product") + h.sb.Calls("update_product") + h.sb.Calls("delete_product"); after != before {
		t.Errorf("a forbidden post reached 2Checkout (%d writes)", after-before)
	}
}

func TestProductListFiltersSortAndPages(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("viewer")

	cases := []struct {
		query string
		first string // first row's name
		rows  int
	}{
		{"name=mug", "Zürich Café Mug — 350 ml", 1},
		{"name=HEXAGONAL", "Hexagonal aluminum extrusion", 2},
		{"vendor_product_id=hp-studio", "Studio Headphones", 1},
		{"assigned_product_id=27", "Zürich Café Mug — 350 ml", 1},
		{"sort=price&sort_dir=desc", "Hexagonal aluminum extrusion", 20},
		{"sort=price&sort_dir=asc", "Hexagonal forged iron", 20},
		{"sort=name&sort_dir=desc", "Zürich Café Mug — 350 ml", 20},
		{"sort=assigned_product_id&sort_dir=desc", "API product", 20},
		{"sort=vendor_product_id&sort_dir=asc", "API product", 20}, // its vendor_product_id is empty
		{"sort=tangible&sort_dir=desc", "Zürich Café Mug — 350 ml", 20},
		{"pagesize=10&page=3", "API product", 1},
		{"name=no+such+product", "", 0},
	}
	for _, c := range cases {
		b.get("/products?" + c.query)
		rows := prodRows(b.body)
		if c.first != "" && (len(rows) == 0 || rows[0] != prodEscape(c.first)) {
			t.Errorf("%s: first row %q, want %q", c.query, prodFirst(rows), c.first)
		}
		if c.rows > 0 && len(rows) != c.rows {
			t.Errorf("%s: %d rows, want %d", c.query, len(rows), c.rows)
		}
		if c.first == "" && len(rows) != 0 {
			t.Errorf("%s: %d rows, want none", c.query, len(rows))
		}
	}

	// Paging: the pager and its links carry the whole state, in the
	// canonical keys (size, dir) even when the link used the old ones.
	b.get("/products?pagesize=10&sort=price&page=2")
	if !strings.Contains(b.body, "Page 2 of 3 · 21 results") {
		t.Errorf("pager summary missing: %s", prodBetween(b.body, `class="pager"`, "</nav>"))
	}
	for _, want := range []string{
		`href="/products?dir=asc&amp;page=3&amp;size=10&amp;sort=price"`,
		`href="/products?dir=asc&amp;size=10&amp;sort=price"`, // previous = page 1
		// The active column's header reverses the order and goes back to page 1.
		`href="/products?dir=desc&amp;size=10&amp;sort=price" hx-get="/products?dir=desc&amp;size=10&amp;sort=price" hx-target="#product-results" hx-push-url="true"`,
		`aria-sort="ascending"`,
		`<option value="10" selected>`,
		`<option value="price" selected>Price</option>`,   // the filter form keeps the order
		`<option value="" selected>Lowest first</option>`, // a column's usual direction is sent as none
	} {
		if !strings.Contains(b.body, want) {
			t.Errorf("page 2 lacks %s", want)
		}
	}

	// htmx asks for the results only; the sort fields of the filter form
	// are updated out of band.
	resp := b.get("/products?name=hexagonal&sort=price&sort_dir=desc", "HX-Request", "true", "HX-Target", "product-results")
	if resp.StatusCode != http.StatusOK || strings.Contains(b.body, "<html") || strings.Contains(b.body, "<form") {
		t.Fatalf("htmx fragment: %d %.200s", resp.StatusCode, b.body)
	}
	if rows := prodRows(b.body); len(rows) != 2 || rows[0] != "Hexagonal aluminum extrusion" {
		t.Errorf("fragment rows %q", rows)
	}
	if !strings.Contains(b.body, `<div id="product-sort" class="contents" hx-swap-oob="true">`) ||
		!strings.Contains(b.body, `<option value="price" selected>`) || !strings.Contains(b.body, `<option value="desc" selected>`) {
		t.Errorf("fragment lacks the out-of-band sort fields: %s", b.body)
	}
	// The filter form's own requests do not replace the menus being used.
	b.get("/products?name=hexagonal&sort=price&sort_dir=desc", "HX-Request", "true", "HX-Trigger", "product-filters")
	if strings.Contains(b.body, "hx-swap-oob") || len(prodRows(b.body)) != 2 {
		t.Errorf("filter form's fragment: %s", b.body)
	}
	if got := resp.Header.Get("HX-Push-Url"); got != "/products?dir=desc&name=hexagonal&sort=price" {
		t.Errorf("HX-Push-Url %q", got)
	}
	if vary := strings.Join(resp.Header.Values("Vary"), ","); !strings.Contains(vary, "HX-Request") {
		t.Errorf("Vary: %q", vary)
	}
	if len(b.body) > 5000 {
		t.Errorf("fragment is %d bytes", len(b.body))
	}

	// Values the API would refuse are corrected, never sent as they are.
	calls := h.sb.Calls("list_products")
	resp = b.get("/products?page=-1&pagesize=1000&sort=evil&sort_dir=sideways")
	if resp.StatusCode != http.StatusOK || len(prodRows(b.body)) != 20 || !strings.Contains(b.body, "Page 1 of 2") {
		t.Errorf("bad query values: %d, %d rows", resp.StatusCode, len(prodRows(b.body)))
	}
	if h.sb.Calls("list_products") != calls+1 {
		t.Errorf("list_products called %d times for one page", h.sb.Calls("list_products")-calls)
	}
	b.get("/products?page=abc&pagesize=7&sort=name;drop")
	if len(prodRows(b.body)) != 20 {
		t.Errorf("odd query values: %d rows", len(prodRows(b.body)))
	}
	// A page past the end says so and offers the first page.
	resp = b.get("/products?page=99")
	if resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "past the end") || !strings.Contains(b.body, `href="/products">Go to the first page`) {
		t.Errorf("page past the end: %d %s", resp.StatusCode, prodBetween(b.body, `id="product-results"`, "</nav>"))
	}
	// A filter value the API would refuse is refused here, next to its field.
	calls = h.sb.Calls("list_products")
	for q, field := range map[string]string{
		"assigned_product_id=abc":          "assigned_product_id",
		"assigned_product_id=1234567890":   "assigned_product_id",
		"assigned_product_id=0":            "assigned_product_id",
		"name=a&name=b":                    "name",
		"name=" + strings.Repeat("x", 256): "name",
	} {
		resp := b.get("/products?" + q)
		if resp.StatusCode != http.StatusUnprocessableEntity || prodFieldError(b.body, field) == "" {
			t.Errorf("%.40s: %d, error %q", q, resp.StatusCode, prodFieldError(b.body, field))
		}
	}
	if h.sb.Calls("list_products") != calls {
		t.Errorf("invalid filters reached 2Checkout")
	}
}

func prodFirst(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func prodBetween(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j+len(to)]
}

// templEscape is how templ writes text.
func prodEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

// TestProductListShowsTheIDTheURLUses: each row's System ID is the id its
// link opens, and its price names the account's currency.
func TestProductListShowsTheIDTheURLUses(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("viewer")
	b.get("/products?size=50")
	rows := dom(b.body).Find("#product-results tbody tr")
	if rows.Length() == 0 {
		t.Fatal("no product rows")
	}
	rows.Each(func(_ int, r *goquery.Selection) {
		href, _ := r.Find(`td[data-label="Name"] a`).Attr("href")
		id := strings.TrimSpace(r.Find(`td[data-label="System ID"]`).Text())
		if id == "" || href != "/products/"+id {
			t.Errorf("row shows id %q but links to %q", id, href)
		}
		if price := r.Find(`td[data-label="Price"]`).Text(); !strings.HasSuffix(price, " USD") {
			t.Errorf("price %q names no currency", price)
		}
	})
}

func TestProductDetailShowsEveryField(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("support")
	b.get("/products/" + prodHeadphones)
	for _, want := range []string{
		"<h1>Studio Headphones</h1>", "<title>Studio Headphones · Backoffice</title>",
		"HP-STUDIO", "89.00 USD", "Physical goods, shipped", "0.80", "4.00 USD",
		"decibels", "150dB", "+11.00 USD", "250dB", "+33.00 USD", "Volume", "Medium", "+2.00 USD",
		"Audio &amp; Headphones (in Computers &amp; Electronics)",
		"Image 1 (id 4701000201)", "Image 2 (id 4701000204)",
		`href="/options/` + optVolume + `"`, // support may open options
	} {
		if !strings.Contains(b.body, want) {
			t.Errorf("headphones page lacks %q", want)
		}
	}
	b.get("/products/" + prodCourse)
	if !strings.Contains(b.body, "20.00 %") {
		t.Errorf("course commission not shown")
	}
	b.get("/products/" + prodCoffee)
	for _, want := range []string{"Billed every 1 Month", "Forever", "Food &amp; Gourmet", "Gift wrap"} {
		if !strings.Contains(b.body, want) {
			t.Errorf("coffee box page lacks %q", want)
		}
	}
	// Fulfilment may see products but not options: no links to them.
	f, _ := h.signedInAs("fulfilment")
	f.get("/products/" + prodHeadphones)
	if strings.Contains(f.body, `href="/options/`) || !strings.Contains(f.body, "decibels") {
		t.Error("fulfilment gets option links (or no options)")
	}
}

func TestProductBadIDsNeverReachUpstream(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	reads := func() int {
		return h.sb.Calls("detail_product") + h.sb.Calls("list_products") + h.sb.Calls("list_options") +
			h.sb.Calls("update_product") + h.sb.Calls("delete_product")
	}
	before := reads()
	for _, id := range []string{"abc", "-1", "0", "000", "99999999999999999999", "..%2F..%2Fusers", "1.5", "12a", "%20123"} {
		for _, p := range []string{"/products/" + id, "/products/" + id + "/edit", "/products/" + id + "/delete"} {
			if resp := b.get(p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
		}
		for _, p := range []string{"/products/" + id, "/products/" + id + "/delete"} {
			if resp := b.post(p, url.Values{"name": {"x"}, "price": {"1"}, "_idem": {strings.Repeat("k", 40)}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d", p, resp.StatusCode)
			}
		}
	}
	if after := reads(); after != before {
		t.Errorf("bad ids caused %d upstream calls", after-before)
	}
	// Well-formed ids the API does not know, or may not show.
	if resp := b.get("/products/1234567"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown product: %d", resp.StatusCode)
	}
	if resp := b.get("/products/" + h.sb.SaleFixtures().ForbiddenProduct); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another merchant's product: %d", resp.StatusCode)
	}
}

// prodHostileMarkers must never appear as markup: they are the hostile
// product's fields as they would look unescaped.
var prodHostileMarkers = []string{
	"<script>alert(1)</script>", "<b>bold</b>", "<i>XSS-1</i>", `<img src=x`, `hx-get="/users"`,
	"<svg onload", "<script>alert(2)</script>", `hx-trigger="load"`,
}

var prodHrefJS = regexp.MustCompile(`(?i)(href|src|action|hx-get|hx-post)="\s*javascript:`)

func prodAssertInert(t *testing.T, page, body string) {
	t.Helper()
	for _, m := range prodHostileMarkers {
		if strings.Contains(body, m) {
			t.Errorf("%s: hostile markup %q appears unescaped", page, m)
		}
	}
	if prodHrefJS.MatchString(body) {
		t.Errorf("%s: a javascript: URL is linked", page)
	}
}

func TestHostileProductIsInertEverywhere(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	id := h.sb.SaleFixtures().HostileProduct
	escapedName := prodEscape(`<script>alert(1)</script> "Quoted" & <b>bold</b>`)

	b.get("/products")
	prodAssertInert(t, "list", b.body)
	if !strings.Contains(b.body, ">"+escapedName+"</a>") {
		t.Errorf("list does not show the hostile name as text")
	}
	b.get("/products?assigned_product_id=24", "HX-Request", "true")
	prodAssertInert(t, "list fragment", b.body)

	b.get("/products/" + id)
	prodAssertInert(t, "detail", b.body)
	for _, want := range []string{
		"<title>" + escapedName + " · Backoffice</title>",
		"<h1>" + escapedName + "</h1>",
		"<dd>javascript:alert(1) <span class=\"muted\">(not a web address, so not linked)</span></dd>",
		prodEscape(`"><img src=x onerror=alert(1)> <div hx-get="/users" hx-trigger="load">x</div>`),
		// The pending URL is http(s), so it is linked, escaped inside the attribute.
		`<a href="https://example.com/&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" rel="noopener noreferrer">`,
	} {
		if !strings.Contains(b.body, want) {
			t.Errorf("detail lacks %q", want)
		}
	}

	b.get("/products/" + id + "/edit")
	prodAssertInert(t, "edit", b.body)
	if !strings.Contains(b.body, `value="`+escapedName+`"`) {
		t.Errorf("edit form does not keep the name as an escaped value")
	}
	b.get("/products/" + id + "/delete")
	prodAssertInert(t, "delete confirmation", b.body)

	// Deleting it: the flash message names it as text.
	key := prodKey(t, b.body)
	resp := b.post("/products/"+id+"/delete", url.Values{"_idem": {key}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete hostile: %d %.300s", resp.StatusCode, b.body)
	}
	b.get("/products")
	prodAssertInert(t, "list after delete", b.body)
	if !strings.Contains(b.body, "Deleted the product “"+escapedName+"”.") {
		t.Errorf("flash lacks the escaped name: %s", prodBetween(b.body, `id="flash"`, "</div>"))
	}
}

func TestProductListUpstreamFailures(t *testing.T) {
	for name, f := range map[string]sandbox.Faults{
		"every call fails":    {FailRate: 1},
		"internal error":      {ForceError: map[string]string{"list_products": "INTERNAL_ERROR"}},
		"credentials refused": {ForceError: map[string]string{"list_products": "UNAUTHORIZED"}},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			b, _ := h.signedInAs("viewer")
			h.sb.SetFaults(f)
			resp := b.get("/products?name=mug&pagesize=10")
			if resp.StatusCode < 500 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if !strings.Contains(b.body, "2Checkout") {
				t.Errorf("message does not name the cause: %s", prodBetween(b.body, "<main", "</main>"))
			}
			if !strings.Contains(b.body, `href="/products?name=mug&amp;pagesize=10">Try again</a>`) {
				t.Errorf("no retry link: %s", prodBetween(b.body, "<main", "</main>"))
			}
			if strings.Contains(b.body, apiPass) {
				t.Error("API password in the page")
			}
			// htmx gets the message in the page's message region.
			resp = b.get("/products?name=mug", "HX-Request", "true")
			if resp.Header.Get("HX-Retarget") != "#flash" || !strings.Contains(b.body, "flash-error") {
				t.Errorf("htmx error: %d %q %.200s", resp.StatusCode, resp.Header.Get("HX-Retarget"), b.body)
			}
			// Recovery needs no restart.
			h.sb.SetFaults(sandbox.Faults{})
			if resp := b.get("/products?name=mug"); resp.StatusCode != http.StatusOK || len(prodRows(b.body)) != 1 {
				t.Errorf("after recovery: %d", resp.StatusCode)
			}
		})
	}
}

func TestCreateProductValidation(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	long := func(n int, s string) string { return strings.Repeat(s, n) }
	cases := []struct {
		name  string
		set   url.Values
		field string
	}{
		{"no name", url.Values{"name": {""}}, "name"},
		{"blank name", url.Values{"name": {"   "}}, "name"},
		{"name 256", url.Values{"name": {long(256, "a")}}, "name"},
		{"name 10000", url.Values{"name": {long(10000, "a")}}, "name"},
		{"name 256 multi-byte", url.Values{"name": {long(256, "é")}}, "name"},
		{"name twice", url.Values{"name": {"a", "b"}}, "name"},
		{"name bad utf-8", url.Values{"name": {"bad \xff\xfe"}}, "name"},
		{"name with tab", url.Values{"name": {"a\tb"}}, "name"},
		{"price empty", url.Values{"price": {""}}, "price"},
		{"price comma", url.Values{"price": {"12,34"}}, "price"},
		{"price exponent", url.Values{"price": {"1e3"}}, "price"},
		{"price NaN", url.Values{"price": {"NaN"}}, "price"},
		{"price Inf", url.Values{"price": {"Inf"}}, "price"},
		{"price hex", url.Values{"price": {"0x1p3"}}, "price"},
		{"price negative", url.Values{"price": {"-1"}}, "price"},
		{"price plus", url.Values{"price": {"+5"}}, "price"},
		{"price three decimals", url.Values{"price": {"12.345"}}, "price"},
		{"price huge", url.Values{"price": {"999999999999"}}, "price"},
		{"price twice", url.Values{"price": {"1.00", "2.00"}}, "price"},
		{"description 256", url.Values{"description": {long(256, "d")}}, "description"},
		{"long description 5001", url.Values{"long_description": {long(5001, "l")}}, "long_description"},
		{"vendor id 256", url.Values{"vendor_product_id": {long(256, "v")}}, "vendor_product_id"},
		{"approved javascript", url.Values{"approved_url": {"javascript:alert(1)"}}, "approved_url"},
		{"approved ftp", url.Values{"approved_url": {"ftp://example.com/x"}}, "approved_url"},
		{"pending no scheme", url.Values{"pending_url": {"example.com/thanks"}}, "pending_url"},
		{"pending data", url.Values{"pending_url": {"data:text/html,hi"}}, "pending_url"},
		{"tangible without weight", url.Values{"tangible": {"1"}, "handling": {"0.00"}}, "weight"},
		{"tangible without handling", url.Values{"tangible": {"1"}, "weight": {"1.00"}}, "handling"},
		{"weight not a number", url.Values{"tangible": {"1"}, "weight": {"heavy"}, "handling": {"0"}}, "weight"},
		{"weight three decimals", url.Values{"tangible": {"1"}, "weight": {"0.125"}, "handling": {"0"}}, "weight"},
		{"recurring without interval", url.Values{"recurring": {"1"}}, "recurrence_n"},
		{"recurring interval 0", url.Values{"recurring": {"1"}, "recurrence_n": {"0"}}, "recurrence_n"},
		{"recurring interval 1000", url.Values{"recurring": {"1"}, "recurrence_n": {"1000"}}, "recurrence_n"},
		{"recurring bad unit", url.Values{"recurring": {"1"}, "recurrence_n": {"1"}, "recurrence_unit": {"Day"}}, "recurrence_unit"},
		{"duration unit without number", url.Values{"recurring": {"1"}, "recurrence_n": {"1"}, "duration_unit": {"Year"}}, "duration_n"},
		{"forever with number", url.Values{"recurring": {"1"}, "recurrence_n": {"1"}, "duration_n": {"3"}}, "duration_n"},
		{"startup fee bad", url.Values{"recurring": {"1"}, "recurrence_n": {"1"}, "startup_fee": {"1,50"}}, "startup_fee"},
		{"commission without type", url.Values{"commission": {"1"}, "commission_amount": {"5"}}, "commission_type"},
		{"commission without amount", url.Values{"commission": {"1"}, "commission_type": {"amount"}}, "commission_amount"},
		{"commission zero", url.Values{"commission": {"1"}, "commission_type": {"amount"}, "commission_amount": {"0"}}, "commission_amount"},
		{"commission over 100 %", url.Values{"commission": {"1"}, "commission_type": {"percentage"}, "commission_amount": {"100.01"}}, "commission_amount"},
		{"commission odd type", url.Values{"commission": {"1"}, "commission_type": {"bribe"}, "commission_amount": {"5"}}, "commission_type"},
		{"option not an id", url.Values{"option_id": {"abc"}}, "option_id"},
		{"option not on offer", url.Values{"option_id": {"123456"}}, "option_id"},
		{"category not in use", url.Values{"category_id": {"6"}}, "category_id"},
		{"category path", url.Values{"category_id": {"../1"}}, "category_id"},
	}
	for _, c := range cases {
		form := prodValid(t, b, "Validation probe")
		for k, v := range c.set {
			form[k] = v
		}
		resp := b.post("/products", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", c.name, resp.StatusCode)
			continue
		}
		if msg := prodFieldError(b.body, c.field); msg == "" {
			t.Errorf("%s: no message next to %s; top: %q", c.name, c.field, prodBetween(b.body, `class="alert alert-error"`, "</div>"))
		}
		// The input is kept: the other fields', and the bad value itself so
		// it can be corrected rather than retyped.
		if c.field != "name" && !strings.Contains(b.body, `value="Validation probe"`) {
			t.Errorf("%s: the name typed was lost", c.name)
		}
		switch c.field {
		case "price", "weight", "handling", "startup_fee", "commission_amount", "recurrence_n", "approved_url", "pending_url":
			if v := c.set[c.field]; len(v) == 1 && v[0] != "" && !strings.Contains(b.body, `value="`+html.EscapeString(v[0])+`"`) {
				t.Errorf("%s: the value typed (%q) was not shown again", c.name, v[0])
			}
			if !regexp.MustCompile(`id="f-` + c.field + `"[^>]*aria-invalid="true"`).MatchString(b.body) {
				t.Errorf("%s: the field is not marked invalid", c.name)
			}
		}
	}
	if n := h.sb.Calls("create_product"); n != 0 {
		t.Errorf("invalid forms sent %d create_product calls", n)
	}
	// Conditional fields are neither checked nor sent when their box is off.
	form := prodValid(t, b, "Unticked sections")
	for k, v := range map[string]string{"weight": "heavy", "recurrence_n": "0", "commission_amount": "x", "commission_type": "bribe"} {
		form.Set(k, v)
	}
	if resp := b.post("/products", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unticked sections: %d %s", resp.StatusCode, prodBetween(b.body, `class="alert`, "</div>"))
	}
	got := h.prodFind("Unticked sections")
	if len(got) != 1 || got[0].Weight.Valid || got[0].Recurrence.Valid || got[0].CommissionType.Valid {
		t.Errorf("unticked sections sent: %+v", got)
	}
	// At the limits: 255 multi-byte characters and 5000 in the long text.
	form = prodValid(t, b, strings.Repeat("é", 255))
	form.Set("long_description", strings.Repeat("ü", 5000))
	if resp := b.post("/products", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("255 characters refused: %d %s", resp.StatusCode, prodBetween(b.body, `class="err"`, "</p>"))
	}
	if got := h.prodFind(strings.Repeat("é", 255)); len(got) != 1 {
		t.Errorf("255 é not created")
	}
}

func TestCreateProductWithEverySection(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/products/new")
	for _, want := range []string{"<legend>Physical goods</legend>", "<legend>Subscription</legend>", "<legend>Affiliate commission</legend>",
		`value="` + optColor + `"`, `value="` + optGiftWrap + `"`, "Matte Black +1.50", "Kitchen &amp; Dining (in Home &amp; Garden)"} {
		if !strings.Contains(b.body, want) {
			t.Errorf("new product form lacks %q", want)
		}
	}
	form := prodValid(t, b, "Espresso Cup Set")
	for k, v := range map[string]string{"price": "30", "tangible": "1", "weight": "0.6", "handling": "2", "recurring": "1",
		"recurrence_n": "2", "recurrence_unit": "Week", "duration_n": "6", "duration_unit": "Month", "startup_fee": "5",
		"commission": "1", "commission_type": "percentage", "commission_amount": "12.5", "approved_url": "https://shop.example/thanks",
		// mass assignment: none of these may be used
		"product_id": prodLiveTest, "vendor_id": "1", "role": "admin", "assigned_product_id": "1"} {
		form.Set(k, v)
	}
	form["option_id"] = []string{optColor, optGiftWrap}
	form["category_id"] = []string{"41"}
	resp := b.post("/products", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", resp.StatusCode, prodBetween(b.body, `class="alert`, "</div>"))
	}
	loc := resp.Header.Get("Location")
	id := strings.TrimPrefix(loc, "/products/")
	if id == loc || id == prodLiveTest {
		t.Fatalf("redirected to %q", loc)
	}
	p := h.prodDetail(id)
	want := map[string]apiclient.Text{"name": p.Name, "price": p.Price, "weight": p.Weight, "handling": p.Handling,
		"recurrence": p.Recurrence, "duration": p.Duration, "startup_fee": p.StartupFee, "commission_type": p.CommissionType,
		"commission_amount": p.CommissionAmount, "approved_url": p.ApprovedURL, "tangible": p.Tangible, "long": p.LongDescription}
	for k, v := range map[string]string{"name": "Espresso Cup Set", "price": "30.00", "weight": "0.60", "handling": "2.00",
		"recurrence": "2 Week", "duration": "6 Month", "startup_fee": "5.00", "commission_type": "percentage",
		"commission_amount": "12.50", "approved_url": "https://shop.example/thanks", "tangible": "1", "long": "Long\ntext"} {
		if want[k].Value != v {
			t.Errorf("%s = %q, want %q", k, want[k].Value, v)
		}
	}
	if len(p.Options) != 2 || len(p.Categories) != 1 || p.Categories[0].CategoryID.Value != "41" {
		t.Errorf("options %d, categories %+v", len(p.Options), p.Categories)
	}
	if lt := h.prodDetail(prodLiveTest); lt.Name.Value != "Live Test Product" {
		t.Errorf("mass assignment changed another product: %q", lt.Name.Value)
	}
	// The detail page it lands on shows the flash once.
	b.get(loc)
	if !strings.Contains(b.body, "Created the product “Espresso Cup Set”.") {
		t.Error("no flash after create")
	}
	b.get(loc)
	if strings.Contains(b.body, "Created the product") {
		t.Error("flash shown twice")
	}
	// The edit form shows the stored values back.
	b.get(loc + "/edit")
	for _, want := range []string{`name="recurrence_n" type="text" value="2"`, `<option value="Week" selected>`,
		`name="duration_n" type="text" value="6"`, `<option value="Month" selected>`, `<option value="percentage" selected>`,
		`value="` + optColor + `" checked`, `value="41" checked`} {
		if !strings.Contains(b.body, want) {
			t.Errorf("edit form lacks %s", want)
		}
	}
}

func TestProductWriteFailuresKeepTheForm(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")

	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"create_product": "INTERNAL_ERROR"}})
	form := prodValid(t, b, "Failing Teapot")
	form["option_id"] = []string{optVolume}
	key := form.Get("_idem")
	resp := b.post("/products", form)
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("create with upstream error: %d", resp.StatusCode)
	}
	if !strings.Contains(b.body, "internal error") || !strings.Contains(b.body, `value="Failing Teapot"`) ||
		!strings.Contains(b.body, `value="`+optVolume+`" checked`) {
		t.Errorf("form not kept with a message: %s", prodBetween(b.body, "<main", "</form>"))
	}
	if h.sb.Calls("create_product") != 1 {
		t.Errorf("create_product called %d times, want exactly 1 (no automatic retry)", h.sb.Calls("create_product"))
	}
	if newKey := prodKey(t, b.body); newKey == key {
		t.Error("the re-rendered form reuses the failed attempt's key")
	}
	// Sending the same form again answers from the first outcome.
	b.post("/products", form)
	if h.sb.Calls("create_product") != 1 {
		t.Errorf("a repeat of the failed form was sent again")
	}

	// An API error naming a parameter lands next to that field.
	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"create_product": "PARAMETER_INVALID"}})
	form = prodValid(t, b, "Refused Teapot")
	if resp := b.post("/products", form); resp.StatusCode != http.StatusUnprocessableEntity || prodFieldError(b.body, "name") == "" {
		t.Errorf("parameter error: %d, next to name: %q", resp.StatusCode, prodFieldError(b.body, "name"))
	}

	// Update failing: same, the form is kept.
	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"update_product": "INTERNAL_ERROR"}})
	b.get("/products/" + prodLiveTest + "/edit")
	upd := url.Values{"_idem": {prodKey(t, b.body)}, "name": {"Live Test Product"}, "price": {"11.00"}, "duration_unit": {"Forever"}, "category_id": {"2"}}
	if resp := b.post("/products/"+prodLiveTest, upd); resp.StatusCode != http.StatusBadGateway || !strings.Contains(b.body, `value="11.00"`) {
		t.Errorf("update with upstream error: %d", resp.StatusCode)
	}
	if h.sb.Calls("update_product") != 1 {
		t.Errorf("update_product called %d times", h.sb.Calls("update_product"))
	}

	// The reads behind the form failing: the input is kept, nothing sent.
	h.sb.SetFaults(sandbox.Faults{})
	form = prodValid(t, b, "Unsent Teapot")
	form["option_id"] = []string{optColor}
	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"list_options": "INTERNAL_ERROR"}})
	calls := h.sb.Calls("create_product")
	if resp := b.post("/products", form); resp.StatusCode != http.StatusBadGateway || !strings.Contains(b.body, "nothing was sent") ||
		!strings.Contains(b.body, `value="Unsent Teapot"`) || !strings.Contains(b.body, `value="`+optColor+`" checked`) {
		t.Errorf("reads failing: %d %s", resp.StatusCode, prodBetween(b.body, "<main", "</form>"))
	}
	if h.sb.Calls("create_product") != calls {
		t.Error("sent although the form could not be checked")
	}
}

func TestProductUpdateAndFormKeys(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/products/" + prodHeadphones + "/edit")
	key := prodKey(t, b.body)
	form := url.Values{"_idem": {key}, "name": {"Studio Headphones"}, "price": {"79.00"}, "vendor_product_id": {"HP-STUDIO"},
		"description": {"Closed-back studio headphones"}, "tangible": {"1"}, "weight": {"0.80"}, "handling": {"4.00"},
		"recurrence_unit": {"Month"}, "duration_unit": {"Forever"}, "option_id": {optDecibels}, "category_id": {"31"},
		"product_id": {prodLiveTest}}
	resp := b.post("/products/"+prodHeadphones, form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/products/"+prodHeadphones {
		t.Fatalf("update: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), prodBetween(b.body, `class="alert`, "</div>"))
	}
	p := h.prodDetail(prodHeadphones)
	if p.Price.Value != "79.00" || len(p.Options) != 1 || p.Options[0].OptionID.Value != optDecibels {
		t.Errorf("after update: price %s, %d options", p.Price.Value, len(p.Options))
	}
	if len(p.Images) != 2 {
		t.Error("images lost by the update")
	}
	if lt := h.prodDetail(prodLiveTest); lt.Price.Value != "10.00" {
		t.Error("the product_id in the body was used")
	}
	// The audit entry holds what was sent and the product as it was.
	entries, err := h.st.ListAudit(context.Background(), store.AuditFilter{Action: "products.update", Limit: 10})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %v, %d entries", err, len(entries))
	}
	if e := entries[0]; e.Outcome != "ok" || e.Target != "product:"+prodHeadphones || !strings.Contains(e.Params, `"price":"79.00"`) ||
		!strings.Contains(e.Detail, `"price":"89.00"`) {
		t.Errorf("audit entry: %+v", e)
	}
	calls := h.sb.Calls("update_product")

	// The same form again (back button, double tap): answered, not re-sent.
	if resp := b.post("/products/"+prodHeadphones, form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("repeat: %d", resp.StatusCode)
	}
	// The same key with a different change is refused.
	form.Set("price", "1.00")
	if resp := b.post("/products/"+prodHeadphones, form); resp.StatusCode != http.StatusConflict {
		t.Errorf("reused key, other price: %d", resp.StatusCode)
	}
	// A missing or malformed key is refused.
	for _, k := range []string{"", "short", strings.Repeat("x", 31) + "<"} {
		form.Set("_idem", k)
		if resp := b.post("/products/"+prodHeadphones, form); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b.body, "out of date") {
			t.Errorf("key %q: %d", k, resp.StatusCode)
		}
	}
	if h.sb.Calls("update_product") != calls {
		t.Errorf("refused forms reached 2Checkout")
	}
	if p := h.prodDetail(prodHeadphones); p.Price.Value != "79.00" {
		t.Errorf("price is %s", p.Price.Value)
	}

	// Removing every option and category clears them.
	b.get("/products/" + prodHeadphones + "/edit")
	form = url.Values{"_idem": {prodKey(t, b.body)}, "name": {"Studio Headphones"}, "price": {"79.00"}, "tangible": {"1"},
		"weight": {"0.80"}, "handling": {"4.00"}, "duration_unit": {"Forever"}}
	if resp := b.post("/products/"+prodHeadphones, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear options: %d", resp.StatusCode)
	}
	if p := h.prodDetail(prodHeadphones); len(p.Options) != 0 || len(p.Categories) != 0 || p.VendorProductID.Value != "" {
		t.Errorf("after clearing: %d options, %d categories, vendor id %q", len(p.Options), len(p.Categories), p.VendorProductID.Value)
	}
}

func TestParallelIdenticalCreatesMakeOneProduct(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	h.sb.SetFaults(sandbox.Faults{Latency: 150 * time.Millisecond}) // both requests overlap
	form := prodValid(t, b, "Twice Tapped Kettle")
	form.Set("_csrf", b.csrf)
	var wg sync.WaitGroup
	status := make([]int, 2)
	locs := make([]string, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/products", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", h.ts.URL)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			status[i], locs[i] = resp.StatusCode, resp.Header.Get("Location")
		}()
	}
	wg.Wait()
	h.sb.SetFaults(sandbox.Faults{})
	if status[0] != http.StatusSeeOther || status[1] != http.StatusSeeOther || locs[0] != locs[1] {
		t.Errorf("answers %v %v", status, locs)
	}
	if n := h.sb.Calls("create_product"); n != 1 {
		t.Errorf("create_product called %d times", n)
	}
	if got := h.prodFind("Twice Tapped Kettle"); len(got) != 1 {
		t.Errorf("%d products created", len(got))
	}
}

func TestDeleteProductIsTwoSteps(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/products/" + prodLiveTest + "/delete")
	if !strings.Contains(b.body, "<h1>Delete Live Test Product?</h1>") || !strings.Contains(b.body, `action="/products/`+prodLiveTest+`/delete"`) {
		t.Fatalf("confirmation page: %s", prodBetween(b.body, "<main", "</main>"))
	}
	if h.sb.Calls("delete_product") != 0 {
		t.Fatal("a GET deleted something")
	}
	key := prodKey(t, b.body)
	if resp := b.post("/products/"+prodLiveTest+"/delete", url.Values{"_idem": {key}, "product_id": {prodCoffee}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/products" {
		t.Fatalf("delete: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, err := h.api.DetailProduct(context.Background(), apiclient.DetailProductParams{ProductID: prodLiveTest}); !apiclient.IsNotFound(err) {
		t.Errorf("still there: %v", err)
	}
	h.prodDetail(prodCoffee) // the body's product_id was ignored
	b.get("/products")
	if !strings.Contains(b.body, "Deleted the product “Live Test Product”.") {
		t.Error("no flash after delete")
	}
	// The same confirmation again: answered from the first outcome.
	if resp := b.post("/products/"+prodLiveTest+"/delete", url.Values{"_idem": {key}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("repeat delete: %d", resp.StatusCode)
	}
	if h.sb.Calls("delete_product") != 1 {
		t.Errorf("delete_product called %d times", h.sb.Calls("delete_product"))
	}
	// Failing upstream: the confirmation comes back with the message.
	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"delete_product": "INTERNAL_ERROR"}})
	b.get("/products/" + prodCoffee + "/delete")
	if resp := b.post("/products/"+prodCoffee+"/delete", url.Values{"_idem": {prodKey(t, b.body)}}); resp.StatusCode != http.StatusBadGateway ||
		!strings.Contains(b.body, "internal error") || !strings.Contains(b.body, "Delete Coffee Club Monthly Box?") {
		t.Errorf("failed delete: %d", resp.StatusCode)
	}
}

// TestProductListPageIsLight holds the 20-row list page to its budget
// (SPEC §6: at most 3 KB gzipped) and the htmx fragment to about 5 KB.
func TestProductListPageIsLight(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	resp := b.get("/products", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("not compressed: %q", resp.Header.Get("Content-Encoding"))
	}
	gz := len(b.body)
	b.get("/products")
	if rows := len(prodRows(b.body)); rows != 20 {
		t.Fatalf("%d rows", rows)
	}
	t.Logf("20-row list page: %d bytes, %d gzipped", len(b.body), gz)
	if gz > 3*1024 {
		t.Errorf("20-row list page is %d bytes gzipped, budget 3072", gz)
	}
	// A column heading's fragment: 20 rows and the sort fields.
	b.get("/products?sort=price", "HX-Request", "true", "Accept-Encoding", "gzip")
	t.Logf("20-row fragment: %d bytes gzipped", len(b.body))
	if len(b.body) > 5*1024 {
		t.Errorf("20-row fragment is %d bytes gzipped", len(b.body))
	}
}
