package handlers_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/handlers"
	"backoffice/sandbox"
)

// salesUpstream sits between the panel and the sandbox: it records every
// read's query, and may answer a call itself (a fake upstream) to produce
// answers the sandbox never gives.
type salesUpstream struct {
	mu    sync.Mutex
	reads []salesCall
	// fake, when it returns a response, answers instead of the sandbox.
	fake func(method string, form url.Values) *http.Response
	// edit, when set, rewrites the sandbox's answers.
	edit func(method string, body []byte) []byte
	next http.RoundTripper
}

type salesCall struct {
	method string
	query  url.Values
}

func (u *salesUpstream) RoundTrip(r *http.Request) (*http.Response, error) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	form := r.URL.Query()
	if r.Body != nil && r.Method == http.MethodPost {
		raw, _ := io.ReadAll(r.Body)
		r.Body.Close()
		form, _ = url.ParseQuery(string(raw))
		r.Body = io.NopCloser(strings.NewReader(string(raw)))
	}
	u.mu.Lock()
	if r.Method == http.MethodGet {
		u.reads = append(u.reads, salesCall{method, r.URL.Query()})
	}
	fake, edit := u.fake, u.edit
	u.mu.Unlock()
	if fake != nil {
		if resp := fake(method, form); resp != nil {
			resp.Request = r
			return resp, nil
		}
	}
	resp, err := u.next.RoundTrip(r)
	if err != nil || edit == nil {
		return resp, err
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	raw = edit(method, raw)
	resp.Body, resp.ContentLength = io.NopCloser(strings.NewReader(string(raw))), int64(len(raw))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// last returns the query of the last read of method.
func (u *salesUpstream) last(t *testing.T, method string) url.Values {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	for i := len(u.reads) - 1; i >= 0; i-- {
		if u.reads[i].method == method {
			return u.reads[i].query
		}
	}
	t.Fatalf("no %s call was made", method)
	return nil
}

func (u *salesUpstream) setFake(f func(method string, form url.Values) *http.Response) {
	u.mu.Lock()
	u.fake = f
	u.mu.Unlock()
}

func (u *salesUpstream) setEdit(f func(method string, body []byte) []byte) {
	u.mu.Lock()
	u.edit = f
	u.mu.Unlock()
}

// salesCopy copies a form with the CSRF token set, so goroutines sending
// it at once do not share one map.
func salesCopy(v url.Values, token string) url.Values {
	out := url.Values{"_csrf": {token}}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// apiAnswer is a JSON answer of the fake upstream.
func apiAnswer(status int, contentType, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {contentType}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
}

// newSalesHarness is newHarness with the panel's API client going through a
// salesUpstream and built with opts (short timeouts, say). h.api stays a
// plain client of the same sandbox, for checking results there.
func newSalesHarness(t *testing.T, opts ...apiclient.ClientOption) (*harness, *salesUpstream) {
	t.Helper()
	up := &salesUpstream{next: apiclient.NewTransport()}
	opts = append([]apiclient.ClientOption{apiclient.WithHTTPClient(&http.Client{Transport: up})}, opts...)
	return newHarnessWith(t, opts), up
}

var saleFormKeyRe = regexp.MustCompile(`(?s)<form[^>]*action="(/sales/\d+/(?:comments|ship))".*?name="_idem" value="([^"]+)"`)

// saleFormKey returns the form key of the sale page's form posting to action.
func saleFormKey(t *testing.T, body, action string) string {
	t.Helper()
	for _, m := range saleFormKeyRe.FindAllStringSubmatch(body, -1) {
		if m[1] == action {
			return m[2]
		}
	}
	t.Fatalf("no form posting to %s on the page: %.600s", action, body)
	return ""
}

// openSale loads the sale page and returns the key of its form posting to
// /sales/{id}/{form}.
func openSale(t *testing.T, b *browser, id, form string) string {
	t.Helper()
	if resp := b.get("/sales/" + id); resp.StatusCode != http.StatusOK {
		t.Fatalf("sale page %s: %d", id, resp.StatusCode)
	}
	return saleFormKey(t, b.body, "/sales/"+id+"/"+form)
}

func saleOf(t *testing.T, h *harness, id string) *apiclient.Sale {
	t.Helper()
	s, err := h.api.DetailSale(context.Background(), apiclient.DetailSaleParams{SaleID: id})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const salesHX = "HX-Request"

// saleShippedWith returns the tracking number of a shipped invoice of the
// sale in the sandbox ("" when none is shipped).
func saleShippedWith(t *testing.T, h *harness, sale, invoice string) string {
	t.Helper()
	for _, inv := range saleOf(t, h, sale).Invoices {
		if (invoice == "" || inv.InvoiceID.Value == invoice) && !inv.DateShipped.Blank() && inv.Shipping != nil {
			return inv.Shipping.TrackingNumber.Value
		}
	}
	return ""
}

// saleRows lists the sale numbers of the results, in order.
func saleRows(body string) []string {
	return texts(body, `td[data-label="Sale"] a[href^="/sales/"]`)
}

func TestSalesPagesForEveryRole(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	for _, role := range []string{"admin", "catalogue", "support", "fulfilment", "viewer"} {
		t.Run(role, func(t *testing.T) {
			b, _ := h.signedInAs(role)
			if resp := b.get("/sales"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "<h1>Sales</h1>") {
				t.Fatalf("search page: %d", resp.StatusCode)
			}
			if n := len(saleRows(b.body)); n != 20 {
				t.Errorf("the first page lists %d sales, want 20", n)
			}
			if resp := b.get("/sales/" + fx.TangibleTwoInvoices); resp.StatusCode != http.StatusOK {
				t.Fatalf("sale page: %d", resp.StatusCode)
			}
			canShip := role == "admin" || role == "fulfilment"
			canComment := canShip || role == "support"
			if got := strings.Contains(b.body, `action="/sales/`+fx.TangibleTwoInvoices+`/ship"`); got != canShip {
				t.Errorf("ship form shown: %v, want %v", got, canShip)
			}
			if got := strings.Contains(b.body, `action="/sales/`+fx.TangibleTwoInvoices+`/comments"`); got != canComment {
				t.Errorf("comment form shown: %v, want %v", got, canComment)
			}
			if !strings.Contains(b.body, `hx-history="false"`) {
				t.Error("the sale page, with the buyer's personal data, may be kept in htmx's history cache")
			}
		})
	}
	anon := h.browser()
	if resp := anon.get("/sales/" + fx.TangibleTwoInvoices); classify(resp) != toLogin {
		t.Errorf("anonymous sale page: %d", resp.StatusCode)
	}
}

func TestSalesSearchSendsTheRightQuery(t *testing.T) {
	h, up := newSalesHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")

	// By customer name, sorted by total, ten a page.
	resp := b.get("/sales?customer_name=" + fx.RepeatCustomer + "&sort=usd_total&dir=desc&size=10")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: %d %.300s", resp.StatusCode, b.body)
	}
	q := up.last(t, "list_sales")
	want := url.Values{"customer_name": {fx.RepeatCustomer}, "sort_col": {"usd_total"}, "sort_dir": {"DESC"}, "pagesize": {"10"}}
	for k, v := range want {
		if q.Get(k) != v[0] {
			t.Errorf("list_sales %s = %q, want %q (query %v)", k, q.Get(k), v[0], q)
		}
	}
	rows := saleRows(b.body)
	if len(rows) != len(fx.RepeatCustomerSales) {
		t.Fatalf("%d rows for %s, want %d", len(rows), fx.RepeatCustomer, len(fx.RepeatCustomerSales))
	}
	for _, id := range fx.RepeatCustomerSales {
		if !strings.Contains(b.body, `href="/sales/`+id+`"`) {
			t.Errorf("sale %s of the repeat customer is not listed", id)
		}
	}
	var prev float64 = 1e12
	for _, total := range texts(b.body, `td[data-label="Total"].num`) {
		amount, ok := strings.CutSuffix(total, " USD")
		if !ok {
			t.Errorf("total %q does not name its currency", total)
		}
		v, _ := strconv.ParseFloat(amount, 64)
		if v > prev {
			t.Errorf("totals not in descending order: %v after %v", v, prev)
		}
		prev = v
	}
	if !strings.Contains(b.body, `aria-sort="descending"`) {
		t.Error("the sorted column is not marked")
	}
	// The total's heading now sorts the other way, keeping the filter.
	if !strings.Contains(b.body, `href="/sales?customer_name=Okonkwo&amp;dir=asc&amp;size=10&amp;sort=usd_total"`) {
		t.Errorf("no heading link reversing the order: %.2000s", b.body)
	}

	// Paging: page 2 of two-a-page, as an htmx request: only the fragment.
	resp = b.get("/sales?customer_name="+fx.RepeatCustomer+"&size=10&page=2", salesHX, "true")
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusOK {
		t.Fatalf("page 2: %d", resp.StatusCode)
	}
	if q := up.last(t, "list_sales"); q.Get("cur_page") != "2" {
		t.Errorf("page 2 asked for cur_page %q", q.Get("cur_page"))
	}
	if !strings.Contains(b.body, "There is no page 2") || !strings.Contains(b.body, "Go to the first page") {
		t.Errorf("a page past the end is not explained: %.500s", b.body)
	}

	resp = b.get("/sales?size=10&page=3", salesHX, "true")
	if resp.StatusCode != http.StatusOK || strings.Contains(b.body, "<html") || !strings.Contains(b.body, "<table") {
		t.Fatalf("htmx page: %d, whole page %v", resp.StatusCode, strings.Contains(b.body, "<html"))
	}
	if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "HX-Request") {
		t.Error("no Vary: HX-Request on a page that answers htmx with a fragment")
	}
	if got := resp.Header.Get("HX-Push-Url"); got != "/sales?page=3&size=10" {
		t.Errorf("htmx results push %q to the address bar", got)
	}
	if q := up.last(t, "list_sales"); q.Get("cur_page") != "3" || q.Get("pagesize") != "10" {
		t.Errorf("page 3 query: %v", q)
	}
	if len(saleRows(b.body)) != 10 || !strings.Contains(b.body, `rel="prev" href="/sales?page=2&amp;size=10"`) ||
		!strings.Contains(b.body, `href="/sales?page=4&amp;size=10"`) {
		t.Errorf("pager of page 3: %.3000s", b.body)
	}
	for _, m := range regexp.MustCompile(`hx-get="([^"]*)"`).FindAllStringSubmatch(b.body, -1) {
		if !strings.HasPrefix(m[1], "/sales") {
			t.Errorf("unexpected htmx request target %q", m[1])
		}
	}

	// Dates, e-mail and phone go through with the API's names.
	b.get("/sales?sale_date_begin=2026-11-01&sale_date_end=2026-11-05&customer_email=Example.com&customer_phone=%2B1+614")
	q = up.last(t, "list_sales")
	if q.Get("sale_date_begin") != "2026-11-01" || q.Get("sale_date_end") != "2026-11-05" ||
		q.Get("customer_email") != "Example.com" || q.Get("customer_phone") != "+1 614" {
		t.Errorf("filters sent as %v", q)
	}
	for _, m := range regexp.MustCompile(`<td data-label="Date">([0-9-]+)</td>`).FindAllStringSubmatch(b.body, -1) {
		if m[1] < "2026-11-01" || m[1] > "2026-11-05" {
			t.Errorf("a sale of %s is outside the dates", m[1])
		}
	}

	// No filter: the newest first, as the API orders by default.
	b.get("/sales")
	if q := up.last(t, "list_sales"); q.Get("sort_col") != "" || q.Get("customer_name") != "" {
		t.Errorf("the default list sent %v", q)
	}
}

func TestSalesSearchRefusesBadInputBeforeCalling(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("support")
	long := strings.Repeat("n", 256)
	cases := []struct {
		query, want string
	}{
		{"customer_name=Ok", "Customer name needs at least 3 characters."},
		{"customer_name=+Ok+", "Customer name needs at least 3 characters."},
		{"customer_name=" + long, "at most 255 are allowed"},
		{"customer_name=Oko&customer_name=Okonkwo", "sent more than once"},
		{"sale_date_begin=2026-02-30", "Start date must be a real date"},
		{"sale_date_end=13%2F01%2F2026", "End date must be a real date"},
		{"sale_date_begin=2026-11-10&sale_date_end=2026-11-01", "The end date is before the start date."},
		{"number=abc", "must be a number"},
		{"number=-1", "must be a number"},
		{"number=0", "must be a number"},
		{"number=99999999999999999999", "must be a number"},
		{"number=..%2F..%2Fetc", "must be a number"},
		{"customer_phone=call+me", "Phone may contain only digits"},
		{"sort=password", "Choose one of the offered values for sort column."},
		{"size=1000", "Choose one of the offered values for results per page."},
		{"page=-2", "Page must be a number"},
	}
	for _, tc := range cases {
		list, detail := h.sb.Calls("list_sales"), h.sb.Calls("detail_sale")
		resp := b.get("/sales?" + tc.query)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.query, resp.StatusCode)
		}
		if !strings.Contains(b.body, tc.want) {
			t.Errorf("%s: no message %q", tc.query, tc.want)
		}
		if h.sb.Calls("list_sales") != list || h.sb.Calls("detail_sale") != detail {
			t.Errorf("%s: upstream was called", tc.query)
		}
	}
	// The message sits next to its field, with the input kept.
	b.get("/sales?customer_name=Ok")
	if !regexp.MustCompile(`id="f-customer_name" name="customer_name" type="text" value="Ok"[^>]*aria-invalid="true"`).MatchString(b.body) {
		t.Errorf("the short name is not kept and marked: %.1500s", b.body)
	}
	// htmx gets the search region with the message.
	b.get("/sales?customer_name=Ok", salesHX, "true")
	if strings.Contains(b.body, "<html") || !strings.Contains(b.body, "at least 3 characters") {
		t.Errorf("htmx refusal: %.300s", b.body)
	}
}

func TestSalesFindByNumber(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	resp := b.get("/sales?number=" + fx.Intangible)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sales/"+fx.Intangible {
		t.Fatalf("sale number: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = b.get("/sales?number="+fx.Intangible, salesHX, "true")
	if resp.Header.Get("HX-Redirect") != "/sales/"+fx.Intangible {
		t.Errorf("htmx sale number: HX-Redirect %q", resp.Header.Get("HX-Redirect"))
	}
	inv := fx.Invoices[fx.TangibleTwoInvoices][1]
	resp = b.get("/sales?number=" + inv)
	if loc := resp.Header.Get("Location"); loc != "/sales/"+fx.TangibleTwoInvoices+"#invoice-"+inv {
		t.Errorf("invoice number led to %q", loc)
	}
	if q := h.sb.Calls("list_sales"); q != 1 {
		t.Errorf("%d list_sales calls for one invoice lookup", q)
	}
	resp = b.get("/sales?number=1234567")
	if resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "No sale with this number: 1234567.") {
		t.Errorf("unknown number: %d %.500s", resp.StatusCode, b.body)
	}
}

func TestSalePageShowsTheSale(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	id := fx.TangibleTwoInvoicesOneShipped
	sale := saleOf(t, h, id)
	b.get("/sales/" + id)
	first, second := sale.Invoices[0], sale.Invoices[1]
	must := []string{
		"<h1>Sale " + id + "</h1>",
		html.EscapeString(sale.Customer.EmailAddress.Value), html.EscapeString(sale.Customer.LastName.Value),
		html.EscapeString(sale.Customer.City.Value),
		"Invoice " + first.InvoiceID.Value, "Invoice " + second.InvoiceID.Value,
		first.Shipping.TrackingNumber.Value, "Shipped</span> on " + first.DateShipped.Value, "Not shipped",
		html.EscapeString(first.Shipping.ShippingMethodName.Value), html.EscapeString(first.Lineitems[0].ProductName.Value),
		first.CustomerTotal.Value + " USD", // the account's currency (sandbox seed)
	}
	for _, s := range must {
		if s == "" || !strings.Contains(b.body, s) {
			t.Errorf("sale page lacks %q", s)
		}
	}
	b.get("/sales/" + fx.Intangible)
	if !strings.Contains(b.body, "No physical goods") || strings.Contains(b.body, "Not shipped") {
		t.Error("an intangible invoice does not say it has no physical goods")
	}
	// A line item's options: name, value and surcharge.
	list, err := h.api.AllSales(context.Background(), apiclient.ListSalesParams{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		full := saleOf(t, h, s.SaleID.Value)
		for _, inv := range full.Invoices {
			for _, li := range inv.Lineitems {
				for _, o := range li.Options {
					if o.CustomerSurcharge.Value == "" || o.CustomerSurcharge.Value == "0.00" || found {
						continue
					}
					found = true
					b.get("/sales/" + s.SaleID.Value)
					want := html.EscapeString(o.OptionName.Value + ": " + o.OptionValue.Value)
					if !strings.Contains(b.body, want) || !strings.Contains(b.body, "(+"+o.CustomerSurcharge.Value+")") {
						t.Errorf("option %q with surcharge %s not shown", want, o.CustomerSurcharge.Value)
					}
				}
			}
		}
		if found {
			break
		}
	}
	if !found {
		t.Error("no seeded sale has a line item option with a surcharge to check")
	}
	// Comments with author and time.
	b.get("/sales/" + fx.WithComments)
	c := saleOf(t, h, fx.WithComments).Comments[0]
	at, err := time.ParseInLocation("2006-01-02 15:04:05", c.Timestamp.Value, time.UTC)
	if err != nil {
		t.Fatalf("the sandbox's comment time %q: %v", c.Timestamp.Value, err)
	}
	// Shown like every other time on the page: in the team's zone, named.
	if !strings.Contains(b.body, c.Username.Value+"</bdi> · "+at.Format("2 Jan 2006 15:04 MST")) {
		t.Error("a comment's author and time are not shown")
	}
}

func TestSaleIDsAreCheckedBeforeCallingUpstream(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("admin")
	for _, id := range []string{"abc", "-1", "0", "99999999999999999999", "..%2F..%2Fetc", "12a", "%20123"} {
		before := h.sb.Calls("detail_sale")
		if resp := b.get("/sales/" + id); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /sales/%s: %d", id, resp.StatusCode)
		}
		if resp := b.post("/sales/"+id+"/comments", url.Values{"comment": {"hi"}, "_idem": {handlers.NewFormKey()}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST /sales/%s/comments: %d", id, resp.StatusCode)
		}
		if resp := b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z"}, "_idem": {handlers.NewFormKey()}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST /sales/%s/ship: %d", id, resp.StatusCode)
		}
		if h.sb.Calls("detail_sale") != before {
			t.Errorf("id %q reached upstream", id)
		}
	}
	if h.sb.Calls("create_comment")+h.sb.Calls("mark_shipped") != 0 {
		t.Error("a write was sent for a bad id")
	}
	if resp := b.get("/sales/1234567"); resp.StatusCode != http.StatusNotFound || !strings.Contains(b.body, "Page not found") {
		t.Errorf("unknown sale: %d", resp.StatusCode)
	}
	if resp := b.get("/sales/" + fx.ForbiddenSale); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another merchant's sale: %d", resp.StatusCode)
	}
}

func TestSalesHostileDataRendersInert(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	inert := func(where string) {
		t.Helper()
		for _, bad := range []string{"<img", "<script>alert", "<b>", "\u202e", `Tester "Bobby"`, "onerror=alert(2)>"} {
			if strings.Contains(b.body, bad) {
				t.Errorf("%s: %q appears unescaped", where, bad)
			}
		}
		if strings.Contains(b.body, "hx-get") && where != "list" {
			t.Errorf("%s: an htmx attribute on a page that has none of its own", where)
		}
	}
	b.get("/sales/" + fx.HostileCustomer)
	inert("customer")
	for _, want := range []string{"&lt;img src=x onerror=alert(2)&gt;", "Tester &#34;Bobby&#34; &amp; Co", "&lt;b&gt;Springfield&lt;/b&gt;"} {
		if !strings.Contains(b.body, want) {
			t.Errorf("hostile customer: %q not shown as text", want)
		}
	}
	b.get("/sales?customer_name=Bobby")
	inert("list")
	if !strings.Contains(b.body, "Tester &#34;Bobby&#34; &amp; Co") {
		t.Errorf("hostile customer not listed as text: %.3000s", b.body)
	}
	for _, m := range regexp.MustCompile(`hx-get="([^"]*)"`).FindAllStringSubmatch(b.body, -1) {
		if !strings.HasPrefix(m[1], "/sales") {
			t.Errorf("htmx attribute from data: %q", m[1])
		}
	}
	b.get("/sales/" + fx.WithComments)
	inert("comments")
	for _, want := range []string{"&lt;b&gt;please&lt;/b&gt; gift-wrap &amp; add a note &#34;Happy birthday!&#34;",
		"[U+202E]txt.exe[U+202C]", "&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt;"} {
		if !strings.Contains(b.body, want) {
			t.Errorf("hostile comment: %q not shown as text", want)
		}
	}
	if strings.Contains(b.body, "\u202c") {
		t.Error("a direction control character reaches the page")
	}
}

func TestSaleComment(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	id := fx.Intangible
	text := "Refund promised <by Friday> & \"soon\" — 日本\nsecond line"
	key := openSale(t, b, id, "comments")
	resp := b.post("/sales/"+id+"/comments", url.Values{"comment": {text}, "cc_customer": {"1"}, "_idem": {key},
		"sale_id": {fx.Shipped}, "username": {"admin"}, "role": {"admin"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sales/"+id+"#comments" {
		t.Fatalf("comment: %d %q %.400s", resp.StatusCode, resp.Header.Get("Location"), b.body)
	}
	cs := saleOf(t, h, id).Comments
	if len(cs) == 0 || cs[len(cs)-1].Comment.Value != text {
		t.Fatalf("the sandbox did not store the comment verbatim: %+v", cs)
	}
	for _, c := range saleOf(t, h, fx.Shipped).Comments {
		if c.Comment.Value == text {
			t.Error("the comment went to the sale named in the body")
		}
	}
	b.get("/sales/" + id)
	if !strings.Contains(b.body, "Comment added to sale "+id+". A copy was e-mailed to the customer.") {
		t.Error("no confirmation after adding a comment")
	}
	if !strings.Contains(b.body, "Refund promised &lt;by Friday&gt; &amp; &#34;soon&#34; — 日本\nsecond line") {
		t.Error("the new comment is not shown, escaped")
	}
	// The same form key again is answered, not sent again.
	before := h.sb.Calls("create_comment")
	resp = b.post("/sales/"+id+"/comments", url.Values{"comment": {text}, "cc_customer": {"1"}, "_idem": {key}})
	if resp.StatusCode != http.StatusSeeOther || h.sb.Calls("create_comment") != before {
		t.Errorf("repeat: %d, %d calls", resp.StatusCode, h.sb.Calls("create_comment")-before)
	}
	// The same key with another comment is refused.
	resp = b.post("/sales/"+id+"/comments", url.Values{"comment": {"something else"}, "_idem": {key}})
	if resp.StatusCode != http.StatusConflict || h.sb.Calls("create_comment") != before {
		t.Errorf("key reused for another comment: %d", resp.StatusCode)
	}
	// No key: an out-of-date form.
	if resp := b.post("/sales/"+id+"/comments", url.Values{"comment": {"x"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("no form key: %d", resp.StatusCode)
	}
}

func TestSaleCommentLengthAndBlank(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	id := fx.IntangibleTwoItems
	cases := []struct {
		name, comment string
		ok            bool
		msg           string
	}{
		{"empty", "", false, "Comment is required."},
		{"spaces", "  \n\t ", false, "Comment is required."},
		{"5001 runes", strings.Repeat("é", 5001), false, "Comment is 5001 characters long; at most 5000 are allowed."},
		{"10000 bytes", strings.Repeat("x", 10000), false, "at most 5000 are allowed"},
		{"NUL", "a\x00b", false, "control characters"},
		{"bad UTF-8", "a\xffb", false, "not valid text"},
		{"5000 runes", strings.Repeat("é", 5000), true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.sb.Calls("create_comment")
			key := openSale(t, b, id, "comments")
			resp := b.post("/sales/"+id+"/comments", url.Values{"comment": {tc.comment}, "_idem": {key}})
			if tc.ok {
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("status %d %.300s", resp.StatusCode, b.body)
				}
				cs := saleOf(t, h, id).Comments
				if cs[len(cs)-1].Comment.Value != tc.comment {
					t.Error("the sandbox does not hold the comment")
				}
				return
			}
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, tc.msg) {
				t.Errorf("status %d, message %q missing: %.300s", resp.StatusCode, tc.msg, b.body)
			}
			if h.sb.Calls("create_comment") != before {
				t.Error("create_comment was called")
			}
			if !strings.Contains(b.body, `aria-invalid="true"`) {
				t.Error("the field is not marked invalid")
			}
		})
	}
	// The long comment is kept in the form.
	key := openSale(t, b, id, "comments")
	b.post("/sales/"+id+"/comments", url.Values{"comment": {strings.Repeat("é", 5001)}, "cc_vendor": {"1"}, "_idem": {key}})
	if !strings.Contains(b.body, strings.Repeat("é", 5001)+"</textarea>") || !strings.Contains(b.body, `name="cc_vendor" value="1" checked`) {
		t.Error("the refused comment is not kept")
	}
}

func TestSaleCommentNeedsThePermission(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	for _, role := range []string{"viewer", "catalogue"} {
		b, _ := h.signedInAs(role)
		b.get("/sales/" + fx.Intangible)
		resp := b.post("/sales/"+fx.Intangible+"/comments", url.Values{"comment": {"hello"}, "_idem": {handlers.NewFormKey()}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s commented: %d", role, resp.StatusCode)
		}
		resp = b.post("/sales/"+fx.TangibleOneInvoice+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z1"}, "_idem": {handlers.NewFormKey()}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s shipped: %d", role, resp.StatusCode)
		}
	}
	b, _ := h.signedInAs("support")
	b.get("/sales/" + fx.TangibleOneInvoice)
	if resp := b.post("/sales/"+fx.TangibleOneInvoice+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z1"}, "_idem": {handlers.NewFormKey()}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("support shipped: %d", resp.StatusCode)
	}
	if h.sb.Calls("create_comment")+h.sb.Calls("mark_shipped") != 0 {
		t.Error("a refused write reached upstream")
	}
}

func TestSaleCommentTwoParallelSubmitsMakeOne(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	id := fx.WithComments
	before := len(saleOf(t, h, id).Comments)
	key := openSale(t, b, id, "comments")
	h.sb.SetFaults(sandbox.Faults{Latency: 150 * time.Millisecond})
	form := url.Values{"comment": {"Parcel delayed by the carrier."}, "_idem": {key}}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		wg.Go(func() {
			c := &browser{h: h, c: b.c, csrf: b.csrf}
			codes[i] = c.post("/sales/"+id+"/comments", salesCopy(form, b.csrf)).StatusCode
		})
	}
	wg.Wait()
	h.sb.SetFaults(sandbox.Faults{})
	if n := h.sb.Calls("create_comment"); n != 1 {
		t.Errorf("%d create_comment calls, want 1", n)
	}
	if after := len(saleOf(t, h, id).Comments); after != before+1 {
		t.Errorf("%d comments added, want 1", after-before)
	}
	for _, c := range codes {
		if c != http.StatusSeeOther {
			t.Errorf("statuses %v, want both 303", codes)
		}
	}
}

func TestSaleCommentUpstreamFailures(t *testing.T) {
	h, up := newSalesHarness(t, apiclient.WithTimeouts(5*time.Second, 300*time.Millisecond))
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	id := fx.Intangible

	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"create_comment": "INTERNAL_ERROR"}})
	key := openSale(t, b, id, "comments")
	resp := b.post("/sales/"+id+"/comments", url.Values{"comment": {"Keep this text"}, "_idem": {key}})
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(b.body, "2Checkout had an internal error and did not make the change.") {
		t.Errorf("internal error: %d %.300s", resp.StatusCode, b.body)
	}
	if n := h.sb.Calls("create_comment"); n != 1 {
		t.Errorf("%d create_comment calls, want exactly 1 (no automatic retry)", n)
	}
	if !strings.Contains(b.body, "Keep this text</textarea>") {
		t.Error("the comment was not kept")
	}
	if k := saleFormKey(t, b.body, "/sales/"+id+"/comments"); k == key {
		t.Error("the re-rendered form reuses the spent form key")
	}
	// A hanging upstream: the outcome is unknown; the sale is shown again,
	// read afresh, so its comments are the check.
	h.sb.SetFaults(sandbox.Faults{Latency: time.Second})
	key = saleFormKey(t, b.body, "/sales/"+id+"/comments")
	resp = b.post("/sales/"+id+"/comments", url.Values{"comment": {"Maybe sent"}, "_idem": {key}})
	if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(b.body, "Outcome unknown: 2Checkout did not answer in time, so it is not known whether the comment was added.") ||
		!strings.Contains(b.body, "Maybe sent</textarea>") || !strings.Contains(b.body, `id="h-comments"`) {
		t.Errorf("hanging upstream: %d %.600s", resp.StatusCode, b.body)
	}
	if n := h.sb.Calls("create_comment"); n != 2 {
		t.Errorf("%d create_comment calls, want 2", n)
	}
	h.sb.SetFaults(sandbox.Faults{})

	// An error naming sale_comment lands next to the comment field.
	up.setFake(func(method string, _ url.Values) *http.Response {
		if method == "create_comment" {
			return apiAnswer(400, "application/json", `{"errors":[{"code":"PARAMETER_INVALID","message":"Invalid value for parameter: sale_comment","parameter":"sale_comment"}]}`)
		}
		return nil
	})
	key = openSale(t, b, id, "comments")
	resp = b.post("/sales/"+id+"/comments", url.Values{"comment": {"odd"}, "_idem": {key}})
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`id="f-comment-err">2Checkout did not accept this value`).MatchString(b.body) {
		t.Errorf("parameter error not next to the field: %d %.2000s", resp.StatusCode, b.body)
	}
	up.setFake(nil)
}

func TestSaleShipTwoInvoices(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("fulfilment")
	id := fx.TangibleTwoInvoices
	inv := fx.Invoices[id]
	key := openSale(t, b, id, "ship")
	if !strings.Contains(b.body, `<option value="" selected>Choose an invoice</option>`) && !strings.Contains(b.body, `<option value="">Choose an invoice</option>`) {
		t.Errorf("no invoice choice: %.3000s", b.body)
	}
	if !strings.Contains(b.body, `name="notify" value="1" checked`) {
		t.Error("notifying the customer is not on by default")
	}
	// Without an invoice: refused in the panel.
	resp := b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z999AA10123456784"}, "notify": {"1"}, "_idem": {key}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, `id="f-invoice_id-err">Choose the invoice`) {
		t.Errorf("no invoice: %d %.500s", resp.StatusCode, b.body)
	}
	if !strings.Contains(b.body, `value="1Z999AA10123456784"`) {
		t.Error("the tracking number was not kept")
	}
	if h.sb.Calls("mark_shipped") != 0 {
		t.Error("mark_shipped was sent without an invoice")
	}
	// An invoice of another sale is refused too.
	other := fx.Invoices[fx.TangibleOneInvoice][0]
	b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z"}, "invoice_id": {other}, "_idem": {saleFormKey(t, b.body, "/sales/"+id+"/ship")}})
	if !strings.Contains(b.body, "Invoice "+other+" is not part of this sale.") || h.sb.Calls("mark_shipped") != 0 {
		t.Error("an invoice of another sale was accepted")
	}
	// The first invoice.
	key = openSale(t, b, id, "ship")
	resp = b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z999AA10123456784"}, "invoice_id": {inv[0]}, "notify": {"1"}, "_idem": {key}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sales/"+id {
		t.Fatalf("ship: %d %.500s", resp.StatusCode, b.body)
	}
	s := saleOf(t, h, id)
	if s.Invoices[0].DateShipped.Blank() || s.Invoices[0].Shipping.TrackingNumber.Value != "1Z999AA10123456784" {
		t.Error("the sandbox does not show the first invoice shipped with the tracking number")
	}
	if !s.Invoices[1].DateShipped.Blank() {
		t.Error("the second invoice was shipped too")
	}
	b.get("/sales/" + id)
	if !strings.Contains(b.body, "Invoice "+inv[0]+" of sale "+id+" marked shipped with tracking number 1Z999AA10123456784.") {
		t.Error("no confirmation naming the invoice and tracking number")
	}
	// Only the second invoice is left, and chosen already.
	if !strings.Contains(b.body, `<option value="`+inv[1]+`" selected>`) || strings.Contains(b.body, `<option value="`+inv[0]+`"`) {
		t.Errorf("the remaining invoice is not preselected: %.4000s", b.body)
	}
	if h.sb.Calls("mark_shipped") != 1 {
		t.Errorf("%d mark_shipped calls", h.sb.Calls("mark_shipped"))
	}
}

func TestSaleShipMessages(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("fulfilment")

	// Digital goods: not shippable, said at the top of the page.
	b.get("/sales/" + fx.Intangible)
	if strings.Contains(b.body, "/sales/"+fx.Intangible+"/ship\"") {
		t.Error("a ship form is offered for digital goods")
	}
	resp := b.post("/sales/"+fx.Intangible+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z1"}, "_idem": {handlers.NewFormKey()}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, "Nothing to ship: this sale has no physical goods.") {
		t.Errorf("intangible: %d %.400s", resp.StatusCode, b.body)
	}
	// Already shipped: not a failure.
	resp = b.post("/sales/"+fx.Shipped+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z2"}, "_idem": {handlers.NewFormKey()}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("already shipped: %d", resp.StatusCode)
	}
	b.get("/sales/" + fx.Shipped)
	if !strings.Contains(b.body, "Invoice "+fx.Invoices[fx.Shipped][0]+" of sale "+fx.Shipped+" was already marked shipped. Nothing was sent again.") {
		t.Error("already shipped is not explained")
	}
	// Reauthorization refused: each code in words, form kept.
	for sale, want := range map[string]string{
		fx.ReauthTooLate: "cannot be reauthorized",
		fx.ReauthFailed:  "could not reauthorize the payment",
	} {
		key := openSale(t, b, sale, "ship")
		resp := b.post("/sales/"+sale+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"TRK-1"}, "reauthorize": {"1"}, "_idem": {key}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, want) || !strings.Contains(b.body, `value="TRK-1"`) {
			t.Errorf("sale %s: %d, want %q: %.400s", sale, resp.StatusCode, want, b.body)
		}
	}
	key := openSale(t, b, fx.ReauthFailed, "ship")
	b.post("/sales/"+fx.ReauthFailed+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"TRK-1"}, "reauthorize": {"1"}, "_idem": {key}})
	if !strings.Contains(b.body, "already reauthorized today") {
		t.Errorf("TOO_SOON not explained: %.400s", b.body)
	}
	// Bad input: refused before sending.
	before := h.sb.Calls("mark_shipped")
	for _, tc := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"confirm_tracking": {"1"}, "tracking": {""}}, "Tracking number is required."},
		{url.Values{"confirm_tracking": {"1"}, "tracking": {"   "}}, "Tracking number is required."},
		{url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z<b>"}}, "may contain only letters"},
		{url.Values{"tracking": {strings.Repeat("9", 65)}}, "at most 64 are allowed"},
		{url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z\n2"}}, "control characters"},
		{url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z", "2Z"}}, "sent more than once"},
		{url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z"}, "comment": {strings.Repeat("c", 256)}}, "at most 255 are allowed"},
		{url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z"}, "comment": {"<hi>"}}, html.EscapeString(`may not contain "<" or ">"`)},
	} {
		tc.form.Set("_idem", openSale(t, b, fx.TangibleOneInvoice, "ship"))
		resp := b.post("/sales/"+fx.TangibleOneInvoice+"/ship", tc.form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, tc.msg) {
			t.Errorf("%v: %d, no %q", tc.form, resp.StatusCode, tc.msg)
		}
	}
	if h.sb.Calls("mark_shipped") != before {
		t.Error("bad input reached mark_shipped")
	}
}

func TestSaleShipUpstreamFailures(t *testing.T) {
	h, up := newSalesHarness(t, apiclient.WithTimeouts(5*time.Second, 300*time.Millisecond))
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("fulfilment")
	id := fx.TangibleOneInvoice

	// INTERNAL_ERROR: explained, form kept, sent once.
	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"mark_shipped": "INTERNAL_ERROR"}})
	key := openSale(t, b, id, "ship")
	resp := b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZKEEP"}, "notify": {"1"}, "_idem": {key}})
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(b.body, "internal error") || !strings.Contains(b.body, `value="1ZKEEP"`) {
		t.Errorf("internal error: %d %.600s", resp.StatusCode, b.body)
	}
	if n := h.sb.Calls("mark_shipped"); n != 1 {
		t.Errorf("%d mark_shipped calls, want exactly 1", n)
	}
	if saleFormKey(t, b.body, "/sales/"+id+"/ship") == key {
		t.Error("the re-rendered form reuses the spent key")
	}

	// A hanging upstream: the outcome is unknown, and the page says so.
	h.sb.SetFaults(sandbox.Faults{Latency: time.Second})
	key = saleFormKey(t, b.body, "/sales/"+id+"/ship")
	resp = b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZHANG"}, "notify": {"1"}, "_idem": {key}})
	inv := fx.Invoices[id][0]
	if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(b.body, "Outcome unknown: 2Checkout did not answer in time, so it is not known whether invoice "+inv+" of sale "+id+" was marked shipped") ||
		!strings.Contains(b.body, "Reload sale "+id+" to check") {
		t.Errorf("hanging upstream: %d %.800s", resp.StatusCode, b.body)
	}
	if !strings.Contains(b.body, "<h2>Invoices</h2>") || !strings.Contains(b.body, `value="1ZHANG"`) {
		t.Error("the sale is not shown again with the form kept")
	}
	if n := h.sb.Calls("mark_shipped"); n != 2 {
		t.Errorf("%d mark_shipped calls, want 2", n)
	}
	// Sending the same form again does not send again.
	h.sb.SetFaults(sandbox.Faults{})
	b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZHANG"}, "notify": {"1"}, "_idem": {key}})
	if n := h.sb.Calls("mark_shipped"); n != 2 || !strings.Contains(b.body, "not known whether") {
		t.Errorf("a repeat of the unknown write: %d calls", n)
	}

	// An error naming tracking_number lands next to the field; one naming
	// invoice_id asks to choose the invoice.
	up.setFake(func(method string, f url.Values) *http.Response {
		if method != "mark_shipped" {
			return nil
		}
		if f.Get("invoice_id") != "" {
			return apiAnswer(400, "application/json", `{"errors":[{"code":"PARAMETER_MISSING","message":"Required parameter missing: invoice_id","parameter":"invoice_id"}]}`)
		}
		return apiAnswer(400, "application/json", `{"errors":[{"code":"PARAMETER_INVALID","message":"Invalid value for parameter: tracking_number","parameter":"tracking_number"}]}`)
	})
	key = openSale(t, b, id, "ship")
	resp = b.post("/sales/"+id+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZODD"}, "_idem": {key}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, `id="f-tracking-err">2Checkout did not accept this value`) {
		t.Errorf("tracking error not next to the field: %d %.500s", resp.StatusCode, b.body)
	}
	two := fx.TangibleTwoInvoices
	key = openSale(t, b, two, "ship")
	b.post("/sales/"+two+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZODD"}, "invoice_id": {fx.Invoices[two][1]}, "_idem": {key}})
	if !strings.Contains(b.body, `id="f-invoice_id-err">Choose the invoice`) {
		t.Errorf("invoice_id error not next to the choice: %.500s", b.body)
	}
	up.setFake(nil)
	if got := saleShippedWith(t, h, id, ""); got != "" {
		t.Errorf("the sale got shipped with %q", got)
	}
}

func TestSaleShipPathIDWinsAndParallelSubmits(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("fulfilment")
	target, other := fx.ScanToShip[0], fx.ScanToShip[1]
	key := openSale(t, b, target, "ship")
	h.sb.SetFaults(sandbox.Faults{Latency: 150 * time.Millisecond})
	form := url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZPAR"}, "sale_id": {other}, "role": {"admin"}, "_idem": {key}}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			c := &browser{h: h, c: b.c, csrf: b.csrf}
			c.post("/sales/"+target+"/ship", salesCopy(form, b.csrf))
		})
	}
	wg.Wait()
	h.sb.SetFaults(sandbox.Faults{})
	if n := h.sb.Calls("mark_shipped"); n != 1 {
		t.Errorf("%d mark_shipped calls for one form, want 1", n)
	}
	if got := saleShippedWith(t, h, target, ""); got != "1ZPAR" {
		t.Errorf("the sale in the path shipped with %q", got)
	}
	if got := saleShippedWith(t, h, other, ""); got != "" {
		t.Error("the sale named in the body was shipped")
	}
}

func TestSalesReadFailures(t *testing.T) {
	h, up := newSalesHarness(t, apiclient.WithTimeouts(300*time.Millisecond, time.Second))
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	cases := []struct {
		name   string
		faults sandbox.Faults
		fake   func(string, url.Values) *http.Response
		status int
		msg    string
	}{
		{"failing", sandbox.Faults{FailRate: 1}, nil, http.StatusBadGateway, "2Checkout reported a problem"},
		{"timing out", sandbox.Faults{Latency: time.Second}, nil, http.StatusGatewayTimeout, "did not answer in time"},
		{"401", sandbox.Faults{ForceError: map[string]string{"list_sales": "UNAUTHORIZED", "detail_sale": "UNAUTHORIZED"}}, nil,
			http.StatusBadGateway, "An admin must check the API username and password."},
		{"not JSON", sandbox.Faults{}, func(string, url.Values) *http.Response {
			return apiAnswer(200, "text/html", "<html><body>Maintenance</body></html>")
		}, http.StatusBadGateway, "could not read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.sb.SetFaults(tc.faults)
			up.setFake(tc.fake)
			defer func() { h.sb.SetFaults(sandbox.Faults{}); up.setFake(nil) }()
			for _, page := range []string{"/sales?customer_name=Okonkwo", "/sales/" + fx.Intangible} {
				resp := b.get(page)
				if resp.StatusCode != tc.status || !strings.Contains(b.body, tc.msg) || !strings.Contains(b.body, ">Try again</a>") {
					t.Errorf("%s: %d %.500s", page, resp.StatusCode, b.body)
				}
				if strings.Contains(b.body, "Maintenance") || strings.Contains(b.body, apiPass) {
					t.Errorf("%s: upstream body or secret on the page", page)
				}
			}
		})
	}
	h.assertNoSecretsInLogs()
}

func TestSaleTrackingLinkOnlyForWebAddresses(t *testing.T) {
	h, up := newSalesHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	sh := saleOf(t, h, fx.Shipped).Invoices[0].Shipping
	if !strings.HasPrefix(sh.TrackingURL.Value, "http") {
		t.Fatalf("the fixture's tracking URL is %q", sh.TrackingURL.Value)
	}
	b.get("/sales/" + fx.Shipped)
	if !strings.Contains(b.body, `<a class="track" href="`+html.EscapeString(sh.TrackingURL.Value)+`" rel="noreferrer">`+sh.TrackingNumber.Value+`</a>`) {
		t.Errorf("the tracking number does not link to the carrier: %.3000s", b.body)
	}
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x"} {
		up.setEdit(func(method string, body []byte) []byte {
			if method != "detail_sale" {
				return body
			}
			return []byte(strings.ReplaceAll(string(body), sh.TrackingURL.Value, bad))
		})
		b.get("/sales/" + fx.Shipped)
		if strings.Contains(b.body, `class="track" href`) || strings.Contains(b.body, "evil.example") && strings.Contains(b.body, `href="//evil`) {
			t.Errorf("%q is linked", bad)
		}
		if !strings.Contains(b.body, `<span class="track">`+sh.TrackingNumber.Value+`</span>`) {
			t.Errorf("with tracking URL %q the number is not shown as text", bad)
		}
	}
	up.setEdit(nil)
}
