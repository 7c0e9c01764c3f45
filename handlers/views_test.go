package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/config"
	"backoffice/store"
)

// testPaths are the link helpers over the real route table, without a
// server behind it.
func testPaths(t *testing.T) paths {
	t.Helper()
	e := echo.New()
	for _, r := range buildRoutes(Deps{Config: &config.Config{}, Now: time.Now}, &web{}, &guard{}, nil, NewMetrics()) {
		e.Add(r.method, r.path, r.handler).Name = r.name
	}
	p := paths{e}
	if err := checkPaths(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// asRole is the request value of a signed-in person with role, built as
// loadVisit builds it, without echo.
func asRole(role auth.Role) *request {
	u := &store.User{ID: 7, Email: "ana@example.com", Role: string(role)}
	return &request{ID: "req-1", IP: "192.0.2.1", viewer: &viewer{User: u, Role: role, Grants: role.Grants(), Full: true},
		visit: &auth.Visit{CSRF: "csrf-token"}, clock: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }}
}

func TestRequestCanAsksTheViewer(t *testing.T) {
	anon := &request{clock: time.Now}
	if anon.Can(auth.ProductsView) || anon.User() != nil || anon.CSRF() != "" {
		t.Error("nobody signed in may do nothing")
	}
	if rq := asRole(auth.RoleViewer); !rq.Can(auth.ProductsView) || rq.Can(auth.ProductsEdit) {
		t.Error("a viewer reads products and does not edit them")
	}
	if rq := asRole(auth.RoleCatalogue); !rq.Can(auth.ProductsEdit) || rq.CSRF() != "csrf-token" {
		t.Error("catalogue staff edit products; the request carries the visit's token")
	}
}

func TestListStateOneVocabulary(t *testing.T) {
	spec := listSpec{path: "/products", sorts: []string{"name", "price"}, natural: "assigned_product_id"}
	for _, tc := range []struct {
		query, url string
		sortCol    string
		sortDir    string
	}{
		{"", "/products", "", ""},
		// Links shared with the old keys still work, and come back canonical.
		{"pagesize=50&sort=price&sort_dir=desc", "/products?dir=desc&size=50&sort=price", "price", "DESC"},
		{"size=10&sort=name", "/products?dir=asc&size=10&sort=name", "name", "ASC"},
		// The canonical key wins over its alias.
		{"size=10&pagesize=50", "/products?size=10", "", ""},
		// The API's own order reversed: asked by its column.
		{"dir=desc", "/products?dir=desc", "assigned_product_id", "DESC"},
		// Values not offered fall back to the defaults.
		{"size=7&sort=evil&dir=sideways&page=-1", "/products", "", ""},
		{"page=3", "/products?page=3", "", ""},
	} {
		q, _ := url.ParseQuery(tc.query)
		s, _ := readList(q, spec)
		if got := s.URL(); got != tc.url {
			t.Errorf("%q: URL %q, want %q", tc.query, got, tc.url)
		}
		if s.SortCol() != tc.sortCol || s.SortDir() != tc.sortDir {
			t.Errorf("%q: asks the API for %q %q, want %q %q", tc.query, s.SortCol(), s.SortDir(), tc.sortCol, tc.sortDir)
		}
	}
	// The refused values are named, for a page that checks its whole form.
	_, errs := readList(url.Values{"size": {"1000"}, "sort": {"password"}}, spec)
	if errs.Get("size") != "Choose one of the offered values for results per page." || errs.Get("sort") == "" {
		t.Errorf("errors %v", errs)
	}
}

func TestListStateHeadingsAndPager(t *testing.T) {
	s, _ := readList(url.Values{"sort": {"price"}, "page": {"2"}, "name": {"x"}}, listSpec{path: "/products", sorts: []string{"name", "price"}})
	s = s.withFilters([2]string{"name", "mug"})
	h := s.Head("Price", "price", true, "#r")
	if !h.Active || h.Desc || h.URL != "/products?dir=desc&name=mug&sort=price" {
		t.Errorf("the active heading reverses the order on page 1: %+v", h)
	}
	if h := s.Head("Name", "name", false, "#r"); h.Active || h.URL != "/products?dir=asc&name=mug&sort=name" {
		t.Errorf("another heading sorts ascending: %+v", h)
	}
	p := s.Pager(45, 3, "#r")
	if p.PrevURL != "/products?dir=asc&name=mug&sort=price" || p.NextURL != "/products?dir=asc&name=mug&page=3&sort=price" {
		t.Errorf("pager %+v", p)
	}
	// The sales search marks the API's own order (newest first) on its column.
	sales, _ := readList(url.Values{}, listSpec{path: "/sales", sorts: []string{"date_placed"}, defDesc: true, natural: "date_placed", markNatural: true})
	if h := sales.Head("Date", "date_placed", false, ""); !h.Active || !h.Desc || h.URL != "/sales?dir=asc&sort=date_placed" {
		t.Errorf("sales date heading %+v", h)
	}
}

func TestProductListViewFollowsThePermission(t *testing.T) {
	p := testPaths(t)
	s, _ := readList(url.Values{}, listSpec{path: p.Products()})
	if v := productListView(asRole(auth.RoleViewer), p, s, productFilters{}, nil); v.CanCreate || v.Path != "/products" || v.NewURL != "/products/new" {
		t.Errorf("viewer's list: %+v", v)
	}
	if v := productListView(asRole(auth.RoleCatalogue), p, s, productFilters{name: "mug"}, nil); !v.CanCreate || v.Name != "mug" {
		t.Errorf("catalogue's list: %+v", v)
	}
}

func TestProductConfirmAndDetail(t *testing.T) {
	p := testPaths(t)
	prod := &apiclient.Product{Name: apiclient.NewText("Mug"), AssignedProductID: apiclient.NewText("27"), Price: apiclient.NewText("9.50"),
		Options: []apiclient.Option{{OptionID: apiclient.NewText("42"), OptionName: apiclient.NewText("Size")}}}
	c := productConfirm(asRole(auth.RoleCatalogue), p, "123", prod)
	if c.Question != "Delete Mug?" || c.Action != "/products/123/delete" || c.Cancel != "/products/123" || c.CSRF != "csrf-token" || !validFormKey(c.Key) {
		t.Errorf("confirm %+v", c)
	}
	if c := productConfirm(asRole(auth.RoleCatalogue), p, "123", nil); c.Question != "Delete product 123?" {
		t.Errorf("confirm of an unreadable product: %q", c.Question)
	}
	d := productDetail(asRole(auth.RoleViewer), p, "123", prod, "USD")
	if d.CanEdit || d.CanDelete || d.Options[0].URL != "/options/42" || d.EditURL != "/products/123/edit" || d.DeleteURL != "/products/123/delete" {
		t.Errorf("viewer's detail %+v", d)
	}
	if d := productDetail(asRole(auth.RoleFulfilment), p, "123", prod, "USD"); d.Options[0].URL != "" {
		t.Error("a role that may not open options gets no link to one")
	}
}

func TestSaleDetailOffersOnlyPermittedForms(t *testing.T) {
	p := testPaths(t)
	sale := &apiclient.Sale{SaleID: apiclient.NewText("9"), Invoices: []apiclient.Invoice{{InvoiceID: apiclient.NewText("10"),
		Lineitems: []apiclient.Lineitem{{Type: apiclient.NewText("product"), ProductTangible: apiclient.NewText("Y")}}}}}
	v := saleDetail(asRole(auth.RoleViewer), p, "9", sale)
	if v.Ship != nil || v.Comment != nil || v.SearchURL != "/sales" {
		t.Errorf("a viewer gets no forms: %+v", v)
	}
	v = saleDetail(asRole(auth.RoleFulfilment), p, "9", sale)
	if v.Ship == nil || v.ShipURL != "/sales/9/ship" || !validFormKey(v.Ship.Key) {
		t.Errorf("fulfilment staff ship: %+v", v.Ship)
	}
}

func TestOutcomePolicy(t *testing.T) {
	for _, tc := range []struct {
		out    Outcome
		status int
	}{
		{Outcome{State: store.IdemUnknown}, http.StatusGatewayTimeout},
		{Outcome{State: store.IdemFailed, Err: &apiclient.Error{Status: 400, Code: apiclient.CodeParameterInvalid}}, http.StatusUnprocessableEntity},
		{Outcome{State: store.IdemFailed, Err: &apiclient.Error{Status: 500, Code: codeInternalError}}, http.StatusBadGateway},
		{Outcome{State: store.IdemFailed, Err: &apiclient.Error{Status: 400, Code: codeInternalError}}, http.StatusBadGateway},
		{Outcome{State: store.IdemFailed, Err: errors.New("the first attempt could not reach 2Checkout")}, http.StatusBadGateway},
	} {
		if got := tc.out.Status(); got != tc.status {
			t.Errorf("%+v: status %d, want %d", tc.out, got, tc.status)
		}
	}
	errs := map[string]string{}
	Outcome{State: store.IdemFailed, Err: &apiclient.Error{Status: 400, Code: apiclient.CodeParameterInvalid, Parameter: "price"}}.
		ApplyTo(errs, map[string]string{"price": "price"})
	if errs["price"] == "" || errs[""] != "" {
		t.Errorf("a refused value goes next to its field: %v", errs)
	}
	errs = map[string]string{}
	Outcome{State: store.IdemUnknown}.ApplyTo(errs, map[string]string{"price": "price"})
	if errs[""] == "" {
		t.Errorf("an unknown outcome goes to the top: %v", errs)
	}
}

func TestWriteParamsAreWhatIsSent(t *testing.T) {
	f := productInput{Name: "Mug", Price: "9.50", Tangible: true, Weight: "0.40", Handling: "0.00"}
	s := send(func(_ context.Context, p apiclient.UpdateProductParams) (*apiclient.ProductResult, error) {
		return nil, nil
	}, f.updateParams("5"))
	sent, err := apiclient.EncodeParams(s.params)
	if err != nil {
		t.Fatal(err)
	}
	// Update sends every field, so a cleared one is cleared; the emptied
	// option and category sets go as one empty value.
	for k, want := range map[string]string{"product_id": "5", "name": "Mug", "tangible": "1", "weight": "0.40", "description": "", "option_id": ""} {
		if v, ok := sent[k]; !ok || v[0] != want {
			t.Errorf("%s sent as %q, want %q", k, v, want)
		}
	}
}

func TestCouponListViewFiltersSortsAndPages(t *testing.T) {
	p := testPaths(t)
	var all []apiclient.CouponSummary
	for _, c := range []struct{ code, typ, expire string }{{"B-SALE", "sale", "2026-01-01"}, {"A-SHIP", "shipping", "2027-01-01"},
		{"C-SALE", "sale", "2027-06-01"}, {"bad code", "sale", "2027-06-01"}} {
		all = append(all, apiclient.CouponSummary{CouponCode: apiclient.NewText(c.code), Type: apiclient.NewText(c.typ),
			DateExpire: apiclient.NewText(c.expire)})
	}
	q, _ := readList(url.Values{"sort": {"code"}, "size": {"10"}}, listSpec{path: p.Coupons(), sorts: []string{"code", "type", "expiry", "discount"}})
	v := couponListView(asRole(auth.RoleViewer), p, q.withFilters([2]string{"type", "sale"}), "", "sale", all, "2026-03-01", "USD", nil)
	var codes []string
	for _, r := range v.Rows {
		codes = append(codes, r.Code)
	}
	if got := strings.Join(codes, ","); got != "B-SALE,bad code,C-SALE" {
		t.Errorf("sale coupons by code: %s", got)
	}
	if !v.Rows[0].Expired || v.Rows[2].Expired || v.Rows[0].Href != "/coupons/B-SALE" || v.Rows[1].Href != "" {
		t.Errorf("rows %+v", v.Rows)
	}
	if v.CanEdit || v.Pager.Total != 3 || v.Heads[0].URL != "/coupons?dir=desc&size=10&sort=code&type=sale" {
		t.Errorf("viewer's list: can edit %v, pager %+v, code heading %q", v.CanEdit, v.Pager, v.Heads[0].URL)
	}
}
