package apiclient

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// unionBody satisfies every method's required payload key at once.
const unionBody = `{"response_code":"OK","response_message":"ok","sale":{},"product":{},"coupon":{},
"option":[{}],"payment":{},"vendor_company_info":{},"vendor_contact_info":{}}`

// allCalls invokes each of the 28 methods once with representative params.
func allCalls() map[string]func(context.Context, *Client) error {
	return map[string]func(context.Context, *Client) error{
		"CompanyInfo":    func(ctx context.Context, c *Client) error { _, err := c.CompanyInfo(ctx); return err },
		"ContactInfo":    func(ctx context.Context, c *Client) error { _, err := c.ContactInfo(ctx); return err },
		"PendingPayment": func(ctx context.Context, c *Client) error { _, err := c.PendingPayment(ctx); return err },
		"ListPayments":   func(ctx context.Context, c *Client) error { _, err := c.ListPayments(ctx); return err },
		"DetailSale": func(ctx context.Context, c *Client) error {
			_, err := c.DetailSale(ctx, DetailSaleParams{SaleID: "1"})
			return err
		},
		"ListSales": func(ctx context.Context, c *Client) error {
			_, err := c.ListSales(ctx, ListSalesParams{CustomerName: "Joe", Page: 2})
			return err
		},
		"RefundInvoice": func(ctx context.Context, c *Client) error {
			_, err := c.RefundInvoice(ctx, RefundInvoiceParams{SaleID: "1", Comment: "c", Category: 5})
			return err
		},
		"RefundLineitem": func(ctx context.Context, c *Client) error {
			_, err := c.RefundLineitem(ctx, RefundLineitemParams{LineitemID: "1", Comment: "c", Category: 5})
			return err
		},
		"StopLineitemRecurring": func(ctx context.Context, c *Client) error {
			_, err := c.StopLineitemRecurring(ctx, StopLineitemRecurringParams{LineitemID: "1"})
			return err
		},
		"Reauth": func(ctx context.Context, c *Client) error {
			_, err := c.Reauth(ctx, ReauthParams{SaleID: "1"})
			return err
		},
		"MarkShipped": func(ctx context.Context, c *Client) error {
			_, err := c.MarkShipped(ctx, MarkShippedParams{SaleID: "1", TrackingNumber: "T"})
			return err
		},
		"CreateComment": func(ctx context.Context, c *Client) error {
			_, err := c.CreateComment(ctx, CreateCommentParams{SaleID: "1", SaleComment: "hi"})
			return err
		},
		"UpdateLineitemRecurring": func(ctx context.Context, c *Client) error {
			_, err := c.UpdateLineitemRecurring(ctx, UpdateLineitemRecurringParams{LineitemID: "1", Shift: 7})
			return err
		},
		"CreateProduct": func(ctx context.Context, c *Client) error {
			_, err := c.CreateProduct(ctx, CreateProductParams{Name: "n", Price: "1.00"})
			return err
		},
		"DetailProduct": func(ctx context.Context, c *Client) error {
			_, err := c.DetailProduct(ctx, DetailProductParams{ProductID: "1"})
			return err
		},
		"ListProducts": func(ctx context.Context, c *Client) error {
			_, err := c.ListProducts(ctx, ListProductsParams{Name: "n"})
			return err
		},
		"UpdateProduct": func(ctx context.Context, c *Client) error {
			_, err := c.UpdateProduct(ctx, UpdateProductParams{ProductID: "1", Name: "n", Price: "1.00"})
			return err
		},
		"DeleteProduct": func(ctx context.Context, c *Client) error {
			_, err := c.DeleteProduct(ctx, DeleteProductParams{ProductID: "1"})
			return err
		},
		"CreateOption": func(ctx context.Context, c *Client) error {
			_, err := c.CreateOption(ctx, CreateOptionParams{OptionName: "o", OptionValueNames: []string{"a"}, OptionValueSurcharges: []string{"1"}})
			return err
		},
		"DetailOption": func(ctx context.Context, c *Client) error {
			_, err := c.DetailOption(ctx, DetailOptionParams{OptionID: "1"})
			return err
		},
		"ListOptions": func(ctx context.Context, c *Client) error {
			_, err := c.ListOptions(ctx, ListOptionsParams{OptionName: "o"})
			return err
		},
		"UpdateOption": func(ctx context.Context, c *Client) error {
			_, err := c.UpdateOption(ctx, UpdateOptionParams{OptionID: "1", OptionName: "o"})
			return err
		},
		"DeleteOption": func(ctx context.Context, c *Client) error {
			_, err := c.DeleteOption(ctx, DeleteOptionParams{OptionID: "1"})
			return err
		},
		"CreateCoupon": func(ctx context.Context, c *Client) error {
			_, err := c.CreateCoupon(ctx, CreateCouponParams{DateExpire: "2099-12-31", Type: "sale", ValueOff: "1.00"})
			return err
		},
		"DetailCoupon": func(ctx context.Context, c *Client) error {
			_, err := c.DetailCoupon(ctx, DetailCouponParams{CouponCode: "C"})
			return err
		},
		"ListCoupons": func(ctx context.Context, c *Client) error { _, err := c.ListCoupons(ctx); return err },
		"UpdateCoupon": func(ctx context.Context, c *Client) error {
			_, err := c.UpdateCoupon(ctx, UpdateCouponParams{CouponCode: "C", Type: "sale"})
			return err
		},
		"DeleteCoupon": func(ctx context.Context, c *Client) error {
			_, err := c.DeleteCoupon(ctx, DeleteCouponParams{CouponCode: "C"})
			return err
		},
	}
}

// Every method hits <base>/<group>/<method> with the right verb, encoding,
// headers and credentials.
func TestMethodsWire(t *testing.T) {
	eq(t, "len(Methods)", len(Methods), 28)
	calls := allCalls()
	eq(t, "calls", len(calls), 28)
	clientType := reflect.TypeFor[*Client]()
	paths := map[string]bool{}
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/list_coupons") {
			// The one key whose shape differs between two methods.
			respond(w, 200, "application/json", []byte(`{"coupon":[]}`))
			return
		}
		respond(w, 200, "application/json", []byte(unionBody))
	})
	c := newTestClient(t, f.URL+"/api/")
	for _, m := range Methods {
		t.Run(m.GoName, func(t *testing.T) {
			if paths[m.Path()] {
				t.Errorf("duplicate %s", m.Path())
			}
			paths[m.Path()] = true
			if _, ok := clientType.MethodByName(m.GoName); !ok {
				t.Fatalf("*Client has no method %s", m.GoName)
			}
			call, ok := calls[m.GoName]
			if !ok {
				t.Fatalf("no test call for %s", m.GoName)
			}
			if err := call(context.Background(), c); err != nil {
				t.Fatalf("%s: %v", m.GoName, err)
			}
			r := f.last()
			eq(t, "path", r.Path, "/api/"+m.Group+"/"+m.Name)
			eq(t, "Accept", r.Accept, "application/json")
			eq(t, "basic auth", r.AuthOK, true)
			eq(t, "user", r.User, testUser)
			eq(t, "password", r.Pass, testPassword)
			if m.Write {
				eq(t, "verb", r.Method, http.MethodPost)
				eq(t, "content type", r.ContentType, "application/x-www-form-urlencoded")
				eq(t, "query empty", len(r.Query), 0)
				if len(r.Form) == 0 {
					t.Errorf("empty form body")
				}
			} else {
				eq(t, "verb", r.Method, http.MethodGet)
				eq(t, "body empty", r.RawBody, "")
			}
		})
	}
	_ = calls["ListSales"](context.Background(), c)
	q := f.last().Query
	eq(t, "customer_name", q.Get("customer_name"), "Joe")
	eq(t, "cur_page", q.Get("cur_page"), "2")
	eq(t, "unset filters not sent", q.Has("sale_id"), false)
	eq(t, "false flags not sent", q.Has("refunded"), false)
}

func TestRepeatedKeys(t *testing.T) {
	f := newFakeAPI(t, jsonHandler(200, testdata(t, "create_option.json")))
	c := newTestClient(t, f.URL)
	ctx := context.Background()
	_, err := c.CreateOption(ctx, CreateOptionParams{
		OptionName:            "Size",
		OptionValueNames:      []string{"S", "M", "L"},
		OptionValueSurcharges: []string{"0.00", "1.50", "3.00"},
	})
	if err != nil {
		t.Fatal(err)
	}
	form := f.last().Form
	if got := form["option_value_name"]; !slices.Equal(got, []string{"S", "M", "L"}) {
		t.Errorf("option_value_name = %v", got)
	}
	if got := form["option_value_surcharge"]; !slices.Equal(got, []string{"0.00", "1.50", "3.00"}) {
		t.Errorf("option_value_surcharge = %v", got)
	}
	if body := f.last().RawBody; !strings.Contains(body, "option_value_name=S&option_value_name=M&option_value_name=L") {
		t.Errorf("body = %s", body)
	}

	_, err = c.CreateProduct(ctx, CreateProductParams{Name: "P", Price: "9.99", OptionIDs: []string{"11", "22"}, CategoryIDs: []string{"3", "4", "5"}, Tangible: Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	form = f.last().Form
	if !slices.Equal(form["option_id"], []string{"11", "22"}) || !slices.Equal(form["category_id"], []string{"3", "4", "5"}) {
		t.Errorf("form = %v", form)
	}
	eq(t, "tangible=0 sent", form.Get("tangible"), "0")

	_, err = c.UpdateCoupon(ctx, UpdateCouponParams{CouponCode: "C", Type: "product", ProductIDs: []string{"1", "2"}, SelectAll: Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	form = f.last().Form
	eq(t, "product_id", strings.Join(form["product_id"], ","), "1,2")
	eq(t, "select_all", form.Get("select_all"), "0")

	// Unequal pairs are refused before anything is sent.
	hits := f.hits.Load()
	_, err = c.CreateOption(ctx, CreateOptionParams{OptionName: "x", OptionValueNames: []string{"a", "b"}, OptionValueSurcharges: []string{"1"}})
	if err == nil || !strings.Contains(err.Error(), "2 option value names but 1 surcharges") {
		t.Errorf("err = %v", err)
	}
	eq(t, "nothing sent", f.hits.Load(), hits)
}

// Update params tell "not sent" from "empty" from "0".
func TestUpdateTriState(t *testing.T) {
	form, err := EncodeParams(UpdateProductParams{
		ProductID:   "1",
		Name:        "N",
		Price:       "2.00",
		Description: String(""),
		Tangible:    Bool(false),
		Recurring:   Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "description sent empty", form.Has("description"), true)
	eq(t, "description", form.Get("description"), "")
	eq(t, "tangible", form.Get("tangible"), "0")
	eq(t, "recurring", form.Get("recurring"), "1")
	for _, k := range []string{"long_description", "weight", "commission", "option_id", "vendor_product_id"} {
		if form.Has(k) {
			t.Errorf("%s sent though nil", k)
		}
	}
}

// Every params type encodes (no unsupported field types).
func TestAllParamsEncode(t *testing.T) {
	for _, p := range []any{
		DetailSaleParams{}, ListSalesParams{}, RefundInvoiceParams{}, RefundLineitemParams{},
		StopLineitemRecurringParams{}, ReauthParams{}, MarkShippedParams{}, CreateCommentParams{},
		UpdateLineitemRecurringParams{}, CreateProductParams{}, UpdateProductParams{}, DetailProductParams{},
		ListProductsParams{}, DeleteProductParams{}, CreateOptionParams{}, UpdateOptionParams{},
		DetailOptionParams{}, ListOptionsParams{}, DeleteOptionParams{}, CreateCouponParams{},
		UpdateCouponParams{}, DetailCouponParams{}, DeleteCouponParams{},
	} {
		if _, err := EncodeParams(p); err != nil {
			t.Errorf("%T: %v", p, err)
		}
	}
}

// Twenty sequential calls reuse one keep-alive connection: the client reads
// every body to the end.
func TestKeepAliveReuse(t *testing.T) {
	var newConns atomic.Int32
	srv := httptest.NewUnstartedServer(jsonHandler(200, testdata(t, "list_products.json")))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := New(srv.URL, testUser, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	for i := 0; i < 20; i++ {
		if _, err := c.ListProducts(context.Background(), ListProductsParams{}); err != nil {
			t.Fatal(err)
		}
	}
	eq(t, "new connections", newConns.Load(), int32(1))

	// Error answers are drained too.
	newConns.Store(0)
	errSrv := httptest.NewUnstartedServer(jsonHandler(404, testdata(t, "error_record_not_found.json")))
	errSrv.Config.ConnState = srv.Config.ConnState
	errSrv.Start()
	defer errSrv.Close()
	c2, _ := New(errSrv.URL, testUser, testPassword)
	defer c2.CloseIdleConnections()
	for i := 0; i < 20; i++ {
		_, _ = c2.DetailSale(context.Background(), DetailSaleParams{SaleID: "1"})
	}
	eq(t, "new connections after errors", newConns.Load(), int32(1))
}

func TestInsecureTransportRefused(t *testing.T) {
	srv := httptest.NewUnstartedServer(jsonHandler(200, testdata(t, "detail_company_info.json")))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	if _, err := New(srv.URL, testUser, testPassword, WithHTTPClient(insecure)); err == nil {
		t.Error("InsecureSkipVerify accepted")
	}

	// The default transport verifies certificates: the test server's
	// self-signed one is refused, and reported as not sent.
	c := newTestClient(t, srv.URL)
	_, err := c.CompanyInfo(context.Background())
	if err == nil || !IsNotSent(err) {
		t.Errorf("err = %v, want a not-sent certificate error", err)
	}

	// With the server's CA trusted it works.
	trusted := newTestClient(t, srv.URL, WithHTTPClient(srv.Client()))
	if _, err := trusted.CompanyInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
}
