package sandbox

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	s := newTestSandbox(t)
	const wantBody = `{"errors":[{"code":"UNAUTHORIZED","message":"Authentication failed"}]}`

	r := httptest.NewRequest(http.MethodGet, "/api/acct/detail_company_info", nil)
	r.Header.Set("Accept", "application/json")
	res := do(t, s, r)
	if res.status != http.StatusUnauthorized || res.header.Get("WWW-Authenticate") != `Basic realm="2CO API"` {
		t.Fatalf("no credentials: %d %q", res.status, res.header.Get("WWW-Authenticate"))
	}
	if string(res.raw) != wantBody {
		t.Fatalf("body %s", res.raw)
	}

	for _, creds := range [][2]string{{testUser, "wrong"}, {"wrong", testPass}, {"", ""}, {testUser, testPass + "x"}} {
		r = httptest.NewRequest(http.MethodGet, "/api/acct/detail_company_info", nil)
		r.Header.Set("Accept", "application/json")
		r.SetBasicAuth(creds[0], creds[1])
		res = do(t, s, r)
		if res.status != http.StatusUnauthorized || string(res.raw) != wantBody || res.header.Get("WWW-Authenticate") == "" {
			t.Fatalf("creds %v: %d %s", creds, res.status, res.raw)
		}
	}

	// XML flavour of the same error.
	r = httptest.NewRequest(http.MethodGet, "/api/acct/detail_company_info", nil)
	res = do(t, s, r)
	if res.status != http.StatusUnauthorized || !strings.Contains(string(res.raw), "<errors><code>UNAUTHORIZED</code><message>Authentication failed</message></errors>") {
		t.Fatalf("xml 401: %s", res.raw)
	}
	if s.Calls("detail_company_info") != 0 {
		t.Fatal("unauthenticated requests must not count as calls")
	}

	get(t, s, "acct/detail_company_info", nil).wantOK(t, "company info retrieved")
	if s.Calls("detail_company_info") != 1 || s.Calls("acct/detail_company_info") != 1 {
		t.Fatal("call not counted")
	}

	if _, err := New(Config{Username: "", Password: "x"}); err == nil {
		t.Fatal("empty username accepted")
	}
}

// xmlNode is a generic XML tree for checking the XML form.
type xmlNode struct {
	XMLName  xml.Name
	Content  string    `xml:",chardata"`
	Children []xmlNode `xml:",any"`
}

func (n xmlNode) all(name string) []xmlNode {
	var out []xmlNode
	for _, c := range n.Children {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

func (n xmlNode) one(t *testing.T, name string) xmlNode {
	t.Helper()
	c := n.all(name)
	if len(c) != 1 {
		t.Fatalf("want one <%s> in <%s>, got %d", name, n.XMLName.Local, len(c))
	}
	return c[0]
}

func getXML(t *testing.T, s http.Handler, path string) (int, xmlNode, []byte) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Accept", "application/xml")
	r.SetBasicAuth(testUser, testPass)
	res := do(t, s, r)
	if ct := res.header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	var n xmlNode
	if err := xml.Unmarshal(res.raw, &n); err != nil {
		t.Fatalf("bad XML: %v\n%s", err, res.raw)
	}
	if n.XMLName.Local != "response" {
		t.Fatalf("root %q", n.XMLName.Local)
	}
	return res.status, n, res.raw
}

func TestJSONAndXML(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()

	res := get(t, s, "products/list_options", nil)
	if ct := res.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}

	// Arrays become repeated elements named after the key; nulls are empty
	// elements; the document parses back to the same values.
	status, n, _ := getXML(t, s, "/api/sales/list_sales?pagesize=3")
	if status != http.StatusOK || n.one(t, "response_code").Content != "OK" {
		t.Fatalf("status %d", status)
	}
	if got := len(n.all("sale_summary")); got != 3 {
		t.Fatalf("%d sale_summary elements", got)
	}
	pi := n.one(t, "page_info")
	if pi.one(t, "total_entries").Content == "" || pi.one(t, "previous_page").Content != "" {
		t.Fatalf("page_info %+v", pi)
	}

	// Markup in data is escaped and survives the round trip.
	_, n, raw := getXML(t, s, "/api/products/detail_product?product_id="+fx.HostileProduct)
	p := n.one(t, "product")
	if got := p.one(t, "name").Content; got != `<script>alert(1)</script> "Quoted" & <b>bold</b>` {
		t.Fatalf("name %q", got)
	}
	if strings.Contains(string(raw), "<script>") {
		t.Fatal("unescaped markup in XML")
	}
	if p.one(t, "approved_url").Content != "javascript:alert(1)" {
		t.Fatal("approved_url")
	}
	if len(p.all("images")) != 0 || len(p.all("categories")) != 0 {
		t.Fatal("empty arrays must leave no element")
	}

	// The comment with an RTL override and markup survives too.
	_, n, _ = getXML(t, s, "/api/sales/detail_sale?sale_id="+fx.WithComments)
	found := false
	for _, c := range n.one(t, "sale").all("comments") {
		if c.one(t, "comment").Content == fx.HostileComment {
			found = true
		}
	}
	if !found {
		t.Fatal("hostile comment not found in XML")
	}

	// A key that is not an XML name.
	_, n, _ = getXML(t, s, "/api/acct/detail_contact_info")
	if n.one(t, "vendor_contact_info").one(t, "_2co_account_level_id").Content != "3" {
		t.Fatal("2co_account_level_id")
	}

	// JSON escapes markup too (as \u003c).
	res = get(t, s, "products/detail_product", form("product_id", fx.HostileProduct))
	if bytes.Contains(res.raw, []byte("<script>")) || obj(res.body["product"])["name"] != `<script>alert(1)</script> "Quoted" & <b>bold</b>` {
		t.Fatalf("JSON %s", res.raw)
	}
}

func TestTransports(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()

	// GET with a query string.
	r := httptest.NewRequest(http.MethodGet, "/api/sales/detail_sale?sale_id="+fx.Shipped, nil)
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	do(t, s, r).wantOK(t, "Sale detail retrieved")

	// Reads as POST with an urlencoded body (the Python client).
	post(t, s, "sales/detail_sale", form("sale_id", fx.Shipped)).wantOK(t, "Sale detail retrieved")

	// Multipart (the PHP client), with several values for one key.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("option_name", "Size")
	for _, v := range []string{"S", "M", "L"} {
		_ = mw.WriteField("option_value_name", v)
	}
	for _, v := range []string{"0.00", "1.00", "2.50"} {
		_ = mw.WriteField("option_value_surcharge", v)
	}
	_ = mw.Close()
	r = httptest.NewRequest(http.MethodPost, "/api/products/create_option", &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	res := do(t, s, r)
	res.wantOK(t, "Option created successfully")
	opt := obj(arr(get(t, s, "products/detail_option", form("option_id", res.body["option_id"].(string))).body["option"])[0])
	if vals := arr(opt["option_values"]); len(vals) != 3 || obj(vals[2])["option_value_surcharge"] != "2.50" {
		t.Fatalf("values %v", vals)
	}

	// Query string and body merge; a key in both counts as repeated.
	r = httptest.NewRequest(http.MethodPost, "/api/sales/create_comment?sale_id="+fx.Shipped,
		strings.NewReader(url.Values{"sale_comment": {"merged"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	do(t, s, r).wantOK(t, "Created comment successfully.")
	r = httptest.NewRequest(http.MethodPost, "/api/sales/detail_sale?sale_id="+fx.Shipped,
		strings.NewReader(url.Values{"sale_id": {fx.Shipped}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	do(t, s, r).wantErr(t, 400, "PARAMETER_INVALID", "sale_id")

	// Repeated single-valued key.
	get(t, s, "products/detail_product", url.Values{"product_id": {"4635212971", "4635212971"}}).
		wantErr(t, 400, "PARAMETER_INVALID", "product_id")
	// Unknown parameters are ignored, even repeated.
	get(t, s, "products/detail_product", url.Values{"product_id": {"4635212971"}, "vendor_id": {"1", "2"}}).wantOK(t, "")
	// Invalid UTF-8.
	post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "bad \xff")).
		wantErr(t, 400, "PARAMETER_INVALID", "sale_comment")

	// Unknown method, wrong HTTP method, body too large, malformed query.
	get(t, s, "sales/no_such_method", nil).wantErr(t, 404, "NOT_FOUND", "")
	r = httptest.NewRequest(http.MethodDelete, "/api/sales/detail_sale", nil)
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	res = do(t, s, r)
	res.wantErr(t, 405, "METHOD_NOT_ALLOWED", "")
	if res.header.Get("Allow") != "GET, POST" {
		t.Fatal("Allow header")
	}
	big := strings.NewReader("sale_comment=" + strings.Repeat("a", maxBody))
	r = httptest.NewRequest(http.MethodPost, "/api/sales/create_comment", big)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	do(t, s, r).wantErr(t, 413, "INVALID_REQUEST", "")
	r = httptest.NewRequest(http.MethodGet, "/api/sales/detail_sale?sale_id=%zz", nil)
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	do(t, s, r).wantErr(t, 400, "INVALID_REQUEST", "")

	// Outside /api and /_sandbox.
	r = httptest.NewRequest(http.MethodGet, "/elsewhere", nil)
	if res := do(t, s, r); res.status != 404 {
		t.Fatalf("status %d", res.status)
	}
}

// The body is read to the end even when the answer is an error, so a
// keep-alive connection can carry the next request.
func TestBodyReadOnError(t *testing.T) {
	s := newTestSandbox(t)
	body := &trackingReader{r: strings.NewReader(strings.Repeat("x=1&", 5000))}
	r := httptest.NewRequest(http.MethodPost, "/api/sales/detail_sale", body)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth("wrong", "wrong")
	do(t, s, r)
	if !body.eof {
		t.Fatal("body not read to the end")
	}
}

type trackingReader struct {
	r   io.Reader
	eof bool
}

func (tr *trackingReader) Read(p []byte) (int, error) {
	n, err := tr.r.Read(p)
	if err == io.EOF {
		tr.eof = true
	}
	return n, err
}

func TestJSONToXMLShapes(t *testing.T) {
	out, err := jsonToXML([]byte(`{"a":[{"b":1},{"b":null}],"e":[],"s":"x<&>\"","n":null,"t":true,"2x":"y"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := xml.Header + `<response><a><b>1</b></a><a><b/></a><s>x&lt;&amp;&gt;&#34;</s><n/><t>true</t><_2x>y</_2x></response>` + "\n"
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}

func TestPublicURL(t *testing.T) {
	s := newTestSandbox(t, func(c *Config) { c.PublicURL = "http://localhost:8080/sandbox/api/" })
	res := get(t, s, "sales/list_sales", form("pagesize", "5", "cur_page", "2"))
	pi := obj(res.body["page_info"])
	if pi["first_page_url"] != "http://localhost:8080/sandbox/api/sales/list_sales?cur_page=1&pagesize=5" {
		t.Fatal(pi["first_page_url"])
	}
	row := obj(arr(res.body["sale_summary"])[0])
	if row["sale_url"] != "http://localhost:8080/sandbox/api/sales/detail_sale?sale_id="+row["sale_id"].(string) {
		t.Fatal(row["sale_url"])
	}
	c := obj(get(t, s, "products/detail_coupon", form("coupon_code", "APITEST002")).body["coupon"])
	if obj(arr(c["product"])[0])["product_url"] != "http://localhost:8080/sandbox/api/products/detail_product?product_id=0" {
		t.Fatal(c["product"])
	}
	// Mounted under a prefix the way the panel does it.
	h := http.StripPrefix("/sandbox", s)
	r := httptest.NewRequest(http.MethodGet, "/sandbox/api/products/list_products", nil)
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	do(t, h, r).wantOK(t, "Product list successfully retrieved.")
}

// Every method of the table answers the documented envelope: without
// credentials 401, without parameters either success or one documented
// error, and a forced error with its status.
func TestEveryMethod(t *testing.T) {
	s := newTestSandbox(t)
	specs := methodTable()
	if len(specs) != 28 {
		t.Fatalf("%d methods", len(specs))
	}
	for path, spec := range specs {
		r := httptest.NewRequest(http.MethodPost, "/api/"+path, nil)
		r.Header.Set("Accept", "application/json")
		do(t, s, r).wantErr(t, 401, "UNAUTHORIZED", "")

		res := get(t, s, path, nil)
		switch {
		case res.status == 200:
			if res.body["response_code"] != "OK" || res.body["response_message"] != successMessage(spec.name) || successMessage(spec.name) == "" {
				t.Fatalf("%s: %s", path, res.raw)
			}
		case res.status == 400:
			errs := arr(res.body["errors"])
			if e := obj(errs[0]); e["code"] != "PARAMETER_MISSING" || e["parameter"] == nil {
				t.Fatalf("%s: %s", path, res.raw)
			}
		default:
			t.Fatalf("%s: %d %s", path, res.status, res.raw)
		}
		_, xmlDoc, _ := getXML(t, s, "/api/"+path)
		if len(xmlDoc.Children) == 0 {
			t.Fatalf("%s: empty XML", path)
		}
	}
	s.SetFaults(Faults{ForceError: map[string]string{"list_payments": "FORBIDDEN", "delete_option": "FORBIDDEN"}})
	get(t, s, "acct/list_payments", nil).wantErrMsg(t, 403, "FORBIDDEN", "Access denied to account.")
	post(t, s, "products/delete_option", nil).wantErrMsg(t, 403, "FORBIDDEN", "Access denied to option.")
}

func TestJSONToXOXOShapes(t *testing.T) {
	out, err := jsonToXOXO([]byte(`{"a":[{"b":1},{"b":null}],"e":[],"s":"x<&>\"'","n":null,"t":true}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>2Checkout Admin API response</title></head>\n<body>\n" +
		`<ul class="xoxo">` + "\n<li>" +
		`<dl><dt>a</dt><dd><ul><li><dl><dt>b</dt><dd>1</dd></dl></li><li><dl><dt>b</dt><dd></dd></dl></li></ul></dd>` +
		`<dt>e</dt><dd><ul></ul></dd><dt>s</dt><dd>x&lt;&amp;&gt;&#34;&#39;</dd><dt>n</dt><dd></dd><dt>t</dt><dd>true</dd></dl>` +
		"</li>\n</ul>\n</body></html>\n"
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}

// htmlNode is a generic tree of the XOXO page, read with encoding/xml (the
// page is well-formed XML on purpose).
type htmlNode struct {
	XMLName  xml.Name
	Class    string     `xml:"class,attr"`
	Content  string     `xml:",chardata"`
	Children []htmlNode `xml:",any"`
}

// readXOXO turns a <dl>, <ul> or text back into the JSON value it came
// from, with every scalar as its text (the format has no types).
func readXOXO(t *testing.T, n htmlNode) any {
	t.Helper()
	if len(n.Children) == 0 {
		return n.Content
	}
	c := n.Children[0]
	switch c.XMLName.Local {
	case "dl":
		m := map[string]any{}
		for i := 0; i+1 < len(c.Children); i += 2 {
			dt, dd := c.Children[i], c.Children[i+1]
			if dt.XMLName.Local != "dt" || dd.XMLName.Local != "dd" {
				t.Fatalf("dl holds <%s><%s>", dt.XMLName.Local, dd.XMLName.Local)
			}
			m[dt.Content] = readXOXO(t, dd)
		}
		return m
	case "ul":
		out := []any{}
		for _, li := range c.Children {
			if li.XMLName.Local != "li" {
				t.Fatalf("ul holds <%s>", li.XMLName.Local)
			}
			out = append(out, readXOXO(t, li))
		}
		return out
	}
	t.Fatalf("unexpected <%s>", c.XMLName.Local)
	return nil
}

// asText is a decoded JSON value with every scalar as text, null as "".
func asText(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = asText(e)
		}
		return out
	case []any:
		out := []any{}
		for _, e := range x {
			out = append(out, asText(e))
		}
		return out
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	}
	return v
}

// Accept: text/html gets the XOXO microformat, carrying exactly what the
// JSON answer carries, escaped, under a CSP that lets nothing run.
func TestXOXO(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	html := func(path, accept string) resp {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Accept", accept)
		r.SetBasicAuth(testUser, testPass)
		return do(t, s, r)
	}
	for _, path := range []string{
		"/api/sales/detail_sale?sale_id=" + fx.WithComments,
		"/api/sales/detail_sale?sale_id=" + fx.HostileCustomer,
		"/api/products/detail_product?product_id=" + fx.HostileProduct,
		"/api/products/list_options?pagesize=2",
		"/api/acct/detail_contact_info",
		"/api/products/list_coupons",
	} {
		res := html(path, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		if res.status != 200 || res.header.Get("Content-Type") != "text/html; charset=utf-8" ||
			!strings.Contains(res.header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("%s: %d %q", path, res.status, res.header)
		}
		if bytes.Contains(res.raw, []byte("<script")) || bytes.Contains(res.raw, []byte("<img")) || bytes.Contains(res.raw, []byte("<b>")) {
			t.Fatalf("%s: unescaped markup", path)
		}
		var page htmlNode
		if err := xml.Unmarshal(res.raw, &page); err != nil {
			t.Fatalf("%s: not well-formed: %v", path, err)
		}
		body := page.Children[1]
		outline := body.Children[0]
		if body.XMLName.Local != "body" || outline.XMLName.Local != "ul" || outline.Class != "xoxo" || len(outline.Children) != 1 {
			t.Fatalf("%s: outline %+v", path, outline.XMLName)
		}
		jr := get(t, s, strings.TrimPrefix(path[:strings.IndexByte(path+"?", '?')], "/api/"), queryOf(path))
		want, _ := json.Marshal(asText(map[string]any(jr.body)))
		got, _ := json.Marshal(readXOXO(t, outline.Children[0]))
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: HTML and JSON differ\n html %.300s\n json %.300s", path, got, want)
		}
	}
	// Errors too, and the JSON wins when both are asked for.
	r := httptest.NewRequest(http.MethodGet, "/api/sales/detail_sale", nil)
	r.Header.Set("Accept", "text/html")
	res := do(t, s, r)
	if res.status != 401 || !strings.Contains(string(res.raw), "<dt>code</dt><dd>UNAUTHORIZED</dd>") {
		t.Fatalf("html 401: %d %s", res.status, res.raw)
	}
	if res := html("/api/sales/detail_sale?sale_id=1", "text/html"); res.status != 400 || !strings.Contains(string(res.raw), "RECORD_NOT_FOUND") {
		t.Fatalf("html error: %d", res.status)
	}
	if res := html("/api/acct/detail_company_info", "text/html, application/json"); res.header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("both asked: %q", res.header.Get("Content-Type"))
	}
	if res := html("/api/acct/detail_company_info", "*/*"); res.header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Fatalf("*/*: %q", res.header.Get("Content-Type"))
	}
}

func queryOf(path string) url.Values {
	_, q, _ := strings.Cut(path, "?")
	v, _ := url.ParseQuery(q)
	return v
}
