// Package conformance holds the tests that judge the two independent halves
// of the wire protocol against each other: every Admin API method is called
// through the client (apiclient) against the offline sandbox over real HTTP,
// for success and for a documented error, and the sandbox's JSON and XML
// answers are compared key by key.
package conformance

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/sandbox"
)

const user, pass = "conformance", "conformance-password-1"

// env is one fresh sandbox on a real HTTP server with a client of it.
type env struct {
	c  *apiclient.Client
	sb *sandbox.Sandbox
	fx sandbox.Fixtures
	ts *httptest.Server
}

func newEnv(t testing.TB) *env {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Username: user, Password: pass,
		Now: func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	c, err := apiclient.New(ts.URL+"/api", user, pass)
	if err != nil {
		t.Fatal(err)
	}
	return &env{c: c, sb: sb, fx: sb.SaleFixtures(), ts: ts}
}

var ctx = context.Background()

// methodCase is one method: a success call and a documented error, both
// through the client, and the raw parameters of a successful call for the
// JSON/XML comparison.
type methodCase struct {
	name string // group/method
	raw  func(e *env) url.Values
	ok   func(t *testing.T, e *env)
	fail func(t *testing.T, e *env) (error, string) // the error and the documented code expected
}

// result pairs a call's value and error, so must can take both with t.
type result[T any] struct {
	v   T
	err error
}

func pair[T any](v T, err error) result[T] { return result[T]{v, err} }

func must[T any](t *testing.T, res result[T]) T {
	t.Helper()
	if res.err != nil {
		t.Fatalf("unexpected error: %v", res.err)
	}
	return res.v
}

func eq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// firstOption returns a seeded option and one of its values.
func firstOption(t *testing.T, e *env) apiclient.Option {
	t.Helper()
	o := must(t, pair(e.c.DetailOption(ctx, apiclient.DetailOptionParams{OptionID: "4688355343"})))
	return *o
}

var cases = []methodCase{
	{
		name: "acct/detail_company_info",
		raw:  func(e *env) url.Values { return nil },
		ok: func(t *testing.T, e *env) {
			co := must(t, pair(e.c.CompanyInfo(ctx)))
			eq(t, "vendor_name", co.VendorName.Value, "Fake Company")
			eq(t, "secret_word", co.SecretWord.Reveal(), "wh1sky")
			eq(t, "currency_code", co.CurrencyCode.Value, "USD")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			bad := must(t, pair(apiclient.New(e.ts.URL+"/api", user, "wrong-password")))
			_, err := bad.CompanyInfo(ctx)
			return err, "UNAUTHORIZED"
		},
	},
	{
		name: "acct/detail_contact_info",
		raw:  func(e *env) url.Values { return nil },
		ok: func(t *testing.T, e *env) {
			ct := must(t, pair(e.c.ContactInfo(ctx)))
			eq(t, "mailing_city", ct.MailingCity.Value, "Columbus")
			eq(t, "vendor_id", ct.VendorID.Value, "123456")
			if ct.OfficePhoneExt.Valid {
				t.Error("office_phone_ext should be null")
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			e.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"detail_contact_info": "FORBIDDEN"}})
			_, err := e.c.ContactInfo(ctx)
			return err, "FORBIDDEN"
		},
	},
	{
		name: "acct/detail_pending_payment",
		raw:  func(e *env) url.Values { return nil },
		ok: func(t *testing.T, e *env) {
			p := must(t, pair(e.c.PendingPayment(ctx)))
			eq(t, "payment_id", p.PaymentID.Value, "2436561667")
			addsUp(t, p)
		},
		fail: func(t *testing.T, e *env) (error, string) {
			bad := must(t, pair(apiclient.New(e.ts.URL+"/api", "nobody", pass)))
			_, err := bad.PendingPayment(ctx)
			return err, "UNAUTHORIZED"
		},
	},
	{
		name: "acct/list_payments",
		raw:  func(e *env) url.Values { return nil },
		ok: func(t *testing.T, e *env) {
			ps := must(t, pair(e.c.ListPayments(ctx)))
			if len(ps) < 2 {
				t.Fatal("no payments")
			}
			eq(t, "payments[0].payment_id", ps[0].PaymentID.Value, "4681565342")
			for i := range ps {
				addsUp(t, &ps[i])
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			e.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"list_payments": "FORBIDDEN"}})
			_, err := e.c.ListPayments(ctx)
			return err, "FORBIDDEN"
		},
	},
	{
		name: "sales/detail_sale",
		raw:  func(e *env) url.Values { return url.Values{"sale_id": {e.fx.TangibleTwoInvoices}} },
		ok: func(t *testing.T, e *env) {
			s := must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: e.fx.TangibleTwoInvoices})))
			eq(t, "sale_id", s.SaleID.Value, e.fx.TangibleTwoInvoices)
			if len(s.Invoices) != 2 || len(s.Invoices[0].Lineitems) == 0 {
				t.Fatalf("invoices %d", len(s.Invoices))
			}
			// By invoice: only that invoice.
			inv := e.fx.Invoices[e.fx.TangibleTwoInvoices][1]
			one := must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{InvoiceID: inv})))
			if len(one.Invoices) != 1 || one.Invoices[0].InvoiceID.Value != inv {
				t.Errorf("detail by invoice gave %d invoices", len(one.Invoices))
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.DetailSale(ctx, apiclient.DetailSaleParams{})
			var ae *apiclient.Error
			if errors.As(err, &ae) && ae.Parameter != "sale_or_invoice_id" {
				t.Errorf("parameter %q, want sale_or_invoice_id", ae.Parameter)
			}
			return err, "PARAMETER_MISSING"
		},
	},
	{
		name: "sales/list_sales",
		raw:  func(e *env) url.Values { return url.Values{"customer_name": {"Okonkwo"}, "pagesize": {"2"}} },
		ok: func(t *testing.T, e *env) {
			l := must(t, pair(e.c.ListSales(ctx, apiclient.ListSalesParams{CustomerName: "okonkwo", PageSize: 2, SortCol: "usd_total", SortDir: "desc"})))
			if len(l.Sales) != 2 || l.PageInfo.TotalEntries.Int() < len(e.fx.RepeatCustomerSales) {
				t.Fatalf("%d rows, total %d", len(l.Sales), l.PageInfo.TotalEntries.Int())
			}
			if l.PageInfo.PageSize.Int() != 2 || l.PageInfo.CurPage.Int() != 1 || l.PageInfo.NextPage.Int() != 2 {
				t.Errorf("page_info %+v", l.PageInfo)
			}
			all := must(t, pair(e.c.AllSales(ctx, apiclient.ListSalesParams{CustomerName: "Okonkwo", PageSize: 2}, 3)))
			if len(all) != l.PageInfo.TotalEntries.Int() {
				t.Errorf("walking the pages gave %d of %d", len(all), l.PageInfo.TotalEntries.Int())
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.ListSales(ctx, apiclient.ListSalesParams{CustomerName: "ok"})
			return err, "PARAMETER_INVALID"
		},
	},
	{
		name: "sales/refund_invoice",
		raw: func(e *env) url.Values {
			return url.Values{"sale_id": {e.fx.Intangible}, "comment": {"Refund"}, "category": {"5"}}
		},
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{SaleID: e.fx.Intangible, Comment: "Customer asked", Category: 5})))
			eq(t, "response_message", r.ResponseMessage, "refund added to invoice")
			_, err := e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{SaleID: e.fx.Intangible, Comment: "again", Category: 5})
			if apiclient.Code(err) != "NOTHING_TO_DO" {
				t.Errorf("second refund: %v", err)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{SaleID: e.fx.Intangible, Comment: "x", Category: 7})
			return err, "FORBIDDEN"
		},
	},
	{
		name: "sales/refund_lineitem",
		raw: func(e *env) url.Values {
			return url.Values{"lineitem_id": {e.fx.RefundableLineitem}, "comment": {"Refund"}, "category": {"5"}}
		},
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.RefundLineitem(ctx, apiclient.RefundLineitemParams{LineitemID: e.fx.RefundableLineitem, Category: 2, Comment: "Did not like it"})))
			eq(t, "response_message", r.ResponseMessage, "lineitem refunded")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.RefundLineitem(ctx, apiclient.RefundLineitemParams{LineitemID: e.fx.FreeLineitem, Category: 2, Comment: "x"})
			return err, "TOO_LOW"
		},
	},
	{
		name: "sales/stop_lineitem_recurring",
		raw:  func(e *env) url.Values { return url.Values{"lineitem_id": {e.fx.RecurringLineitem}} },
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.StopLineitemRecurring(ctx, apiclient.StopLineitemRecurringParams{LineitemID: e.fx.RecurringLineitem})))
			eq(t, "response_message", r.ResponseMessage, "Recurring billing stopped for lineitem")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.StopLineitemRecurring(ctx, apiclient.StopLineitemRecurringParams{LineitemID: e.fx.RecurringStoppedLineitem})
			return err, "NOTHING_TO_DO"
		},
	},
	{
		name: "sales/reauth",
		raw:  func(e *env) url.Values { return url.Values{"sale_id": {e.fx.AuthExpired}} },
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.Reauth(ctx, apiclient.ReauthParams{SaleID: e.fx.AuthExpired})))
			eq(t, "response_message", r.ResponseMessage, "Payment reauthorized.")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.Reauth(ctx, apiclient.ReauthParams{SaleID: e.fx.ReauthTooLate})
			return err, "TOO_LATE"
		},
	},
	{
		name: "sales/mark_shipped",
		raw: func(e *env) url.Values {
			return url.Values{"sale_id": {e.fx.TangibleOneInvoice}, "tracking_number": {"1Z999"}}
		},
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: e.fx.TangibleOneInvoice, TrackingNumber: "1Z999AA10123456784", CCCustomer: true})))
			eq(t, "response_message", r.ResponseMessage, "Sale marked shipped.")
			s := must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: e.fx.TangibleOneInvoice})))
			if s.Invoices[0].DateShipped.Blank() {
				t.Error("invoice not shipped after mark_shipped")
			}
			_, err := e.c.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: e.fx.TangibleOneInvoice, TrackingNumber: "1Z999AA10123456784"})
			if !apiclient.IsAlreadyShipped(err) {
				t.Errorf("second mark_shipped: %v", err)
			}
			_, err = e.c.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: e.fx.TangibleTwoInvoices, TrackingNumber: "1Z1"})
			if apiclient.Code(err) != "PARAMETER_MISSING" {
				t.Errorf("two invoices without invoice_id: %v", err)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: e.fx.Intangible, TrackingNumber: "1Z1"})
			if !apiclient.IsNotShippable(err) {
				t.Errorf("intangible not reported as not shippable: %v", err)
			}
			return err, "NOTHING_TO_DO"
		},
	},
	{
		name: "sales/create_comment",
		raw: func(e *env) url.Values {
			return url.Values{"sale_id": {e.fx.TangibleOneInvoice}, "sale_comment": {"Hello"}}
		},
		ok: func(t *testing.T, e *env) {
			text := `Parcel <left> & "on its way" ‮ ✓`
			r := must(t, pair(e.c.CreateComment(ctx, apiclient.CreateCommentParams{SaleID: e.fx.TangibleOneInvoice, SaleComment: text, CCCustomer: true})))
			eq(t, "response_message", r.ResponseMessage, "Created comment successfully.")
			s := must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: e.fx.TangibleOneInvoice})))
			must(t, pair(e.c.CreateComment(ctx, apiclient.CreateCommentParams{SaleID: e.fx.TangibleOneInvoice, SaleComment: "second"})))
			s = must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: e.fx.TangibleOneInvoice})))
			// Newest first, as the live API lists them.
			if len(s.Comments) != 2 || s.Comments[0].Comment.Value != "second" || s.Comments[1].Comment.Value != text {
				t.Errorf("comments %+v", s.Comments)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.CreateComment(ctx, apiclient.CreateCommentParams{SaleID: "1234567890123", SaleComment: "x"})
			return err, "RECORD_NOT_FOUND"
		},
	},
	{
		name: "sales/update_lineitem_recurring",
		raw:  func(e *env) url.Values { return url.Values{"lineitem_id": {e.fx.RecurringLineitem}, "shift": {"7"}} },
		ok: func(t *testing.T, e *env) {
			must(t, pair(e.c.UpdateLineitemRecurring(ctx, apiclient.UpdateLineitemRecurringParams{LineitemID: e.fx.RecurringLineitem, Shift: 7})))
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.UpdateLineitemRecurring(ctx, apiclient.UpdateLineitemRecurringParams{LineitemID: e.fx.PayPalRecurringLineitem, Shift: 3})
			return err, "FORBIDDEN"
		},
	},
	{
		name: "products/create_product",
		raw:  func(e *env) url.Values { return url.Values{"name": {"Raw"}, "price": {"1.00"}} },
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.CreateProduct(ctx, apiclient.CreateProductParams{Name: "Conformance box", Price: "12.50",
				Tangible: ptr(true), Weight: "1.25", Handling: "2.00", OptionIDs: []string{"4688355343", "4688550010"}, CategoryIDs: []string{"17"}})))
			if r.ProductID.Blank() || r.AssignedProductID.Blank() {
				t.Fatalf("no ids: %+v", r)
			}
			p := must(t, pair(e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: r.ProductID.Value})))
			eq(t, "price", p.Price.Value, "12.50")
			if len(p.Options) != 2 || len(p.Categories) != 1 {
				t.Errorf("options %d categories %d", len(p.Options), len(p.Categories))
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.CreateProduct(ctx, apiclient.CreateProductParams{Name: "Box", Price: "5.00", Tangible: ptr(true)})
			return err, "PARAMETER_MISSING"
		},
	},
	{
		name: "products/detail_product",
		raw:  func(e *env) url.Values { return url.Values{"product_id": {"4635212971"}} },
		ok: func(t *testing.T, e *env) {
			p := must(t, pair(e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: "4635212971"})))
			eq(t, "name", p.Name.Value, "API product")
			eq(t, "price", p.Price.Value, "10.00")
			if len(p.Options) != 2 || len(p.Options[0].OptionValues) != 3 {
				t.Errorf("options %+v", p.Options)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: e.fx.ForbiddenProduct})
			return err, "FORBIDDEN"
		},
	},
	{
		name: "products/list_products",
		raw:  func(e *env) url.Values { return url.Values{"sort_col": {"name"}, "pagesize": {"5"}} },
		ok: func(t *testing.T, e *env) {
			l := must(t, pair(e.c.ListProducts(ctx, apiclient.ListProductsParams{SortCol: "price", SortDir: "DESC", PageSize: 5})))
			if len(l.Products) != 5 || l.PageInfo.TotalEntries.Int() < 16 {
				t.Fatalf("%d rows of %d", len(l.Products), l.PageInfo.TotalEntries.Int())
			}
			eq(t, "most expensive", l.Products[0].Name.Value, "Hexagonal aluminum extrusion")
			f := must(t, pair(e.c.ListProducts(ctx, apiclient.ListProductsParams{Name: "casino"})))
			if len(f.Products) != 1 {
				t.Errorf("name filter gave %d", len(f.Products))
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.ListProducts(ctx, apiclient.ListProductsParams{SortCol: "secret_column"})
			return err, "PARAMETER_INVALID"
		},
	},
	{
		name: "products/update_product",
		raw: func(e *env) url.Values {
			return url.Values{"product_id": {"4635212971"}, "name": {"Renamed"}, "price": {"2.00"}}
		},
		ok: func(t *testing.T, e *env) {
			must(t, pair(e.c.UpdateProduct(ctx, apiclient.UpdateProductParams{ProductID: "4635212971", Name: "API product", Price: "11.00"})))
			p := must(t, pair(e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: "4635212971"})))
			eq(t, "price after update", p.Price.Value, "11.00")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.UpdateProduct(ctx, apiclient.UpdateProductParams{ProductID: "4635212971", Name: "x", Price: "12.345"})
			return err, "PARAMETER_INVALID"
		},
	},
	{
		name: "products/delete_product",
		raw:  func(e *env) url.Values { return url.Values{"product_id": {"3970322775"}} },
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.DeleteProduct(ctx, apiclient.DeleteProductParams{ProductID: "4504052346"})))
			eq(t, "response_message", r.ResponseMessage, "Product successfully deleted.")
			if _, err := e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: "4504052346"}); !apiclient.IsNotFound(err) {
				t.Errorf("after delete: %v", err)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.DeleteProduct(ctx, apiclient.DeleteProductParams{ProductID: "1111111111"})
			return err, "RECORD_NOT_FOUND"
		},
	},
	{
		name: "products/create_option",
		raw: func(e *env) url.Values {
			return url.Values{"option_name": {"Raw"}, "option_value_name": {"A"}, "option_value_surcharge": {"1.00"}}
		},
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.CreateOption(ctx, apiclient.CreateOptionParams{OptionName: "Size",
				OptionValueNames: []string{"S", "M", "L"}, OptionValueSurcharges: []string{"0.00", "1.00", "2.50"}})))
			o := must(t, pair(e.c.DetailOption(ctx, apiclient.DetailOptionParams{OptionID: r.OptionID.Value})))
			if len(o.OptionValues) != 3 || o.OptionValues[2].OptionValueSurcharge.Value != "2.50" {
				t.Errorf("values %+v", o.OptionValues)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.CreateOption(ctx, apiclient.CreateOptionParams{OptionName: "Size"})
			return err, "PARAMETER_MISSING"
		},
	},
	{
		name: "products/detail_option",
		raw:  func(e *env) url.Values { return url.Values{"option_id": {"4688355343"}} },
		ok: func(t *testing.T, e *env) {
			o := firstOption(t, e)
			eq(t, "option_name", o.OptionName.Value, "decibels")
			eq(t, "values[1]", o.OptionValues[1].OptionValueName.Value, "200dB")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.DetailOption(ctx, apiclient.DetailOptionParams{OptionID: "999"})
			return err, "RECORD_NOT_FOUND"
		},
	},
	{
		name: "products/list_options",
		raw:  func(e *env) url.Values { return url.Values{"sort_col": {"option_name"}, "sort_dir": {"desc"}} },
		ok: func(t *testing.T, e *env) {
			l := must(t, pair(e.c.ListOptions(ctx, apiclient.ListOptionsParams{SortCol: "option_name", SortDir: "desc"})))
			if len(l.Options) < 3 {
				t.Fatalf("%d options", len(l.Options))
			}
			eq(t, "first by name desc, case-insensitive", l.Options[0].OptionName.Value, "Volume")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.ListOptions(ctx, apiclient.ListOptionsParams{PageSize: 1000})
			return err, "PARAMETER_INVALID"
		},
	},
	{
		name: "products/update_option",
		raw:  func(e *env) url.Values { return url.Values{"option_id": {"4688355343"}, "option_name": {"loudness"}} },
		ok: func(t *testing.T, e *env) {
			o := firstOption(t, e)
			must(t, pair(e.c.UpdateOption(ctx, apiclient.UpdateOptionParams{OptionID: "4688355343", OptionName: "loudness",
				OptionValueID: o.OptionValues[0].OptionValueID.Value, OptionValueSurcharge: ptr("12.00")})))
			after := firstOption(t, e)
			eq(t, "renamed", after.OptionName.Value, "loudness")
			eq(t, "surcharge", after.OptionValues[0].OptionValueSurcharge.Value, "12.00")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.UpdateOption(ctx, apiclient.UpdateOptionParams{OptionID: e.fx.ForbiddenOption, OptionName: "x"})
			return err, "FORBIDDEN"
		},
	},
	{
		name: "products/delete_option",
		raw:  func(e *env) url.Values { return url.Values{"option_id": {"4688550010"}} },
		ok: func(t *testing.T, e *env) {
			must(t, pair(e.c.DeleteOption(ctx, apiclient.DeleteOptionParams{OptionID: "4688550010"})))
			p := must(t, pair(e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: "4274737762"})))
			if len(p.Options) != 0 {
				t.Error("a deleted option is still on its product")
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.DeleteOption(ctx, apiclient.DeleteOptionParams{})
			return err, "PARAMETER_MISSING"
		},
	},
	{
		name: "products/create_coupon",
		raw: func(e *env) url.Values {
			return url.Values{"coupon_code": {"RAW1"}, "date_expire": {"2099-12-22"}, "type": {"sale"}, "value_off": {"5.00"}}
		},
		ok: func(t *testing.T, e *env) {
			r := must(t, pair(e.c.CreateCoupon(ctx, apiclient.CreateCouponParams{CouponCode: "TWOPRODUCTS", DateExpire: "2099-12-22", Type: "product",
				PercentageOff: "15", MinimumPurchase: "10.00", ProductIDs: []string{"4635212971", "4274737762"}})))
			eq(t, "coupon_code", r.CouponCode.Value, "TWOPRODUCTS")
			cp := must(t, pair(e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: "TWOPRODUCTS"})))
			pct, _ := cp.PercentOff()
			eq(t, "percentage_off", pct, "15")
			if len(cp.Products) != 2 {
				t.Errorf("%d products", len(cp.Products))
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.CreateCoupon(ctx, apiclient.CreateCouponParams{DateExpire: "2099-12-22", Type: "sale", PercentageOff: "5", ValueOff: "5.00"})
			return err, "PARAMETER_INVALID"
		},
	},
	{
		name: "products/detail_coupon",
		raw:  func(e *env) url.Values { return url.Values{"coupon_code": {"APITEST002"}} },
		ok: func(t *testing.T, e *env) {
			cp := must(t, pair(e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: "APITEST002"})))
			eq(t, "percentage_off (percent in detail)", cp.PercentageOff.Value, "5")
			eq(t, "type", cp.Type.Value, "sale")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: e.fx.ForbiddenCoupon})
			return err, "FORBIDDEN"
		},
	},
	{
		name: "products/list_coupons",
		raw:  func(e *env) url.Values { return nil },
		ok: func(t *testing.T, e *env) {
			l := must(t, pair(e.c.ListCoupons(ctx)))
			for _, cp := range l {
				if cp.CouponCode.Value == "APITEST002" {
					eq(t, "percentage_off (fraction in list)", cp.PercentageOffFraction.Value, "0.05")
					pct, _ := cp.PercentOff()
					eq(t, "PercentOff()", pct, "5")
					return
				}
			}
			t.Error("APITEST002 not listed")
		},
		fail: func(t *testing.T, e *env) (error, string) {
			e.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"list_coupons": "INTERNAL_ERROR"}})
			_, err := e.c.ListCoupons(ctx)
			return err, "INTERNAL_ERROR"
		},
	},
	{
		name: "products/update_coupon",
		raw: func(e *env) url.Values {
			return url.Values{"coupon_code": {"APITEST002"}, "type": {"sale"}, "date_expire": {"2099-12-22"}}
		},
		ok: func(t *testing.T, e *env) {
			must(t, pair(e.c.UpdateCoupon(ctx, apiclient.UpdateCouponParams{CouponCode: "APITEST002", Type: "sale", NewCode: ptr("RENAMED002")})))
			if _, err := e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: "RENAMED002"}); err != nil {
				t.Errorf("renamed coupon: %v", err)
			}
			// An unknown code is FORBIDDEN in detail_coupon (issue 9).
			if _, err := e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: "APITEST002"}); apiclient.Code(err) != "FORBIDDEN" {
				t.Errorf("old code after rename: %v", err)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.UpdateCoupon(ctx, apiclient.UpdateCouponParams{CouponCode: "NO-SUCH-COUPON", Type: "sale"})
			return err, "RECORD_NOT_FOUND"
		},
	},
	{
		name: "products/delete_coupon",
		raw:  func(e *env) url.Values { return url.Values{"coupon_code": {"TESTPERCENT"}} },
		ok: func(t *testing.T, e *env) {
			must(t, pair(e.c.DeleteCoupon(ctx, apiclient.DeleteCouponParams{CouponCode: "APITEST002"})))
			if _, err := e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: "APITEST002"}); apiclient.Code(err) != "FORBIDDEN" {
				t.Errorf("after delete: %v", err)
			}
			if _, err := e.c.DeleteCoupon(ctx, apiclient.DeleteCouponParams{CouponCode: "APITEST002"}); !apiclient.IsNotFound(err) {
				t.Errorf("deleting again: %v", err)
			}
		},
		fail: func(t *testing.T, e *env) (error, string) {
			_, err := e.c.DeleteCoupon(ctx, apiclient.DeleteCouponParams{})
			return err, "PARAMETER_MISSING"
		},
	},
}

// TestEveryMethodThroughTheClient is the conformance walk: each of the 28
// methods succeeds and fails as documented, through the client, over HTTP.
func TestEveryMethodThroughTheClient(t *testing.T) {
	if len(cases) != 28 || len(apiclient.Methods) != 28 {
		t.Fatalf("%d cases and %d client methods; the API has 28", len(cases), len(apiclient.Methods))
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			tc.ok(t, newEnv(t))
			e := newEnv(t)
			err, code := tc.fail(t, e)
			var ae *apiclient.Error
			if !errors.As(err, &ae) {
				t.Fatalf("documented error: got %v, want an API error %s", err, code)
			}
			if ae.Code != code {
				t.Errorf("documented error code %q, want %q (message %q)", ae.Code, code, ae.Message)
			}
			if ae.Status < 400 {
				t.Errorf("error status %d, want >= 400", ae.Status)
			}
		})
	}
	for _, m := range apiclient.Methods {
		if !covered[m.Group+"/"+m.Name] {
			t.Errorf("client method %s/%s has no conformance case", m.Group, m.Name)
		}
	}
}

// rawCall calls the sandbox without the client: GET for reads, POST for
// writes, with or without asking for JSON.
func rawCall(t *testing.T, e *env, name string, params url.Values, write, asJSON bool) (*http.Response, []byte) {
	t.Helper()
	accept := ""
	if asJSON {
		accept = "application/json"
	}
	return rawAccept(t, e, name, params, write, accept)
}

// rawAccept is rawCall with any Accept header.
func rawAccept(t *testing.T, e *env, name string, params url.Values, write bool, accept string) (*http.Response, []byte) {
	t.Helper()
	var req *http.Request
	if write {
		req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/api/"+name, strings.NewReader(params.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(http.MethodGet, e.ts.URL+"/api/"+name+"?"+params.Encode(), nil)
	}
	req.SetBasicAuth(user, pass)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// xmlNode is a generic element tree.
type xmlNode struct {
	XMLName  xml.Name
	Children []xmlNode `xml:",any"`
	Text     string    `xml:",chardata"`
}

func childNames(n xmlNode) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range n.Children {
		if !seen[c.XMLName.Local] {
			seen[c.XMLName.Local] = true
			out = append(out, c.XMLName.Local)
		}
	}
	sort.Strings(out)
	return out
}

// TestJSONAndXMLAgree asks every method for JSON and for XML and checks the
// XML answer mirrors the JSON one: the same top-level keys under <response>,
// the same response_code, and the right content types.
func TestJSONAndXMLAgree(t *testing.T) {
	writes := map[string]bool{}
	for _, m := range apiclient.Methods {
		writes[m.Group+"/"+m.Name] = m.Write
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e1, e2 := newEnv(t), newEnv(t)
			params := tc.raw(e1)
			jr, jb := rawCall(t, e1, tc.name, params, writes[tc.name], true)
			xr, xb := rawCall(t, e2, tc.name, params, writes[tc.name], false)
			if !strings.HasPrefix(jr.Header.Get("Content-Type"), "application/json") {
				t.Errorf("JSON content type %q", jr.Header.Get("Content-Type"))
			}
			if !strings.HasPrefix(xr.Header.Get("Content-Type"), "application/xml") {
				t.Errorf("XML content type %q", xr.Header.Get("Content-Type"))
			}
			if jr.StatusCode != http.StatusOK || xr.StatusCode != http.StatusOK {
				t.Fatalf("status JSON %d XML %d: %.200s", jr.StatusCode, xr.StatusCode, jb)
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(jb, &top); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			var jsonKeys []string
			for k, v := range top {
				// An empty array has no XML element at all.
				if string(v) == "[]" {
					continue
				}
				jsonKeys = append(jsonKeys, k)
			}
			sort.Strings(jsonKeys)
			var root xmlNode
			if err := xml.Unmarshal(xb, &root); err != nil {
				t.Fatalf("XML: %v", err)
			}
			if root.XMLName.Local != "response" {
				t.Errorf("XML root <%s>", root.XMLName.Local)
			}
			if got := childNames(root); strings.Join(got, ",") != strings.Join(jsonKeys, ",") {
				t.Errorf("XML keys %v, JSON keys %v", got, jsonKeys)
			}
			for _, c := range root.Children {
				if c.XMLName.Local == "response_code" && c.Text != "OK" {
					t.Errorf("XML response_code %q", c.Text)
				}
			}
			// The XOXO HTML: the same top-level keys (empty arrays
			// included), as the <dt>s of the outline's one <dl>.
			hr, hb := rawAccept(t, newEnv(t), tc.name, params, writes[tc.name], "text/html")
			if hr.StatusCode != http.StatusOK || !strings.HasPrefix(hr.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("HTML: %d %q", hr.StatusCode, hr.Header.Get("Content-Type"))
			}
			var page xmlNode
			if err := xml.Unmarshal(hb, &page); err != nil {
				t.Fatalf("HTML is not well-formed: %v", err)
			}
			outline := page.Children[1].Children[0] // <body><ul class="xoxo">
			var htmlKeys, allKeys []string
			for _, c := range outline.Children[0].Children[0].Children { // <li><dl>
				if c.XMLName.Local == "dt" {
					htmlKeys = append(htmlKeys, c.Text)
				}
			}
			for k := range top {
				allKeys = append(allKeys, k)
			}
			sort.Strings(htmlKeys)
			sort.Strings(allKeys)
			if strings.Join(htmlKeys, ",") != strings.Join(allKeys, ",") {
				t.Errorf("HTML keys %v, JSON keys %v", htmlKeys, allKeys)
			}
		})
	}
	// Errors too: 401 in both formats, with the Basic challenge.
	e := newEnv(t)
	for _, asJSON := range []bool{true, false} {
		req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/api/products/list_products", nil)
		if asJSON {
			req.Header.Set("Accept", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="2CO API"` || !strings.Contains(string(body), "UNAUTHORIZED") {
			t.Errorf("no credentials (json=%v): %d %q %s", asJSON, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
		}
	}
}

// addsUp checks a payment's figures through the client's types: the amount
// is what the totals leave.
func addsUp(t *testing.T, p *apiclient.Payment) {
	t.Helper()
	c := func(v apiclient.Text) int64 {
		whole, frac, _ := strings.Cut(v.Value, ".")
		n, err := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64)
		if err != nil {
			t.Fatalf("amount %q: %v", v.Value, err)
		}
		return n
	}
	sum := c(p.TotalSales) - c(p.TotalRefunds) - c(p.TotalFees) - c(p.TotalChargebackFees) - c(p.TotalOutgoingCommissions) +
		c(p.TotalCommissions) - c(p.ReserveHeld) + c(p.TotalReserveReleased) + c(p.TotalAdjustments) + c(p.TotalBalanceForward)
	if sum != c(p.Amount) {
		t.Errorf("payment %s: amount %s, totals give %d cents", p.PaymentID.Value, p.Amount.Value, sum)
	}
}

// TestLiveBehaviour: the live API's own answers (issue 9), through the
// client: empty lists are RECORD_NOT_FOUND with 400 (and the walkers make
// them empty results), updates are partial, comments come newest first.
func TestLiveBehaviour(t *testing.T) {
	e := newEnv(t)
	wantNotFound := func(what string, err error) {
		t.Helper()
		var ae *apiclient.Error
		if !errors.As(err, &ae) || ae.Code != "RECORD_NOT_FOUND" || ae.Status != 400 || !apiclient.IsNotFound(err) {
			t.Errorf("%s: %v", what, err)
		}
	}
	_, err := e.c.ListProducts(ctx, apiclient.ListProductsParams{Name: "no such product"})
	wantNotFound("empty list_products", err)
	_, err = e.c.ListOptions(ctx, apiclient.ListOptionsParams{OptionName: "no such option"})
	wantNotFound("empty list_options", err)
	_, err = e.c.ListSales(ctx, apiclient.ListSalesParams{CustomerName: "Nobody Atall"})
	wantNotFound("empty list_sales", err)
	_, err = e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: "1234567"})
	wantNotFound("unknown sale", err)
	if ps := must(t, pair(e.c.AllProducts(ctx, apiclient.ListProductsParams{Name: "no such product"}, 2))); len(ps) != 0 {
		t.Errorf("AllProducts %d", len(ps))
	}
	if os := must(t, pair(e.c.AllOptions(ctx, apiclient.ListOptionsParams{OptionName: "no such option"}, 2))); len(os) != 0 {
		t.Errorf("AllOptions %d", len(os))
	}
	if ss := must(t, pair(e.c.AllSales(ctx, apiclient.ListSalesParams{CustomerName: "Nobody Atall"}, 2))); len(ss) != 0 {
		t.Errorf("AllSales %d", len(ss))
	}
	for _, cp := range must(t, pair(e.c.ListCoupons(ctx))) {
		must(t, pair(e.c.DeleteCoupon(ctx, apiclient.DeleteCouponParams{CouponCode: cp.CouponCode.Value})))
	}
	_, err = e.c.ListCoupons(ctx)
	wantNotFound("no coupons left", err)
	if _, err := e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: "NEVER-ISSUED"}); apiclient.Code(err) != "FORBIDDEN" {
		t.Errorf("unknown coupon: %v", err)
	}

	// Partial updates: the client sends only the name, the rest stays.
	const id = "4297595302"
	before := must(t, pair(e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id})))
	must(t, pair(e.c.UpdateProduct(ctx, apiclient.UpdateProductParams{ProductID: id, Name: "Renamed only"})))
	after := must(t, pair(e.c.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id})))
	if after.Name.Value != "Renamed only" || after.Price != before.Price || after.Weight != before.Weight || after.Description != before.Description {
		t.Errorf("partial product update: %+v", after)
	}
	r := must(t, pair(e.c.CreateCoupon(ctx, apiclient.CreateCouponParams{CouponCode: "PARTIAL", DateExpire: "2099-01-01", Type: "sale",
		ValueOff: "5.00", MinimumPurchase: "20.00"})))
	must(t, pair(e.c.UpdateCoupon(ctx, apiclient.UpdateCouponParams{CouponCode: r.CouponCode.Value, DateExpire: ptr("2099-06-30")})))
	cp := must(t, pair(e.c.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: "PARTIAL"})))
	if cp.DateExpire.Value != "2099-06-30" || cp.Type.Value != "sale" || cp.ValueOff.Value != "5.00" || cp.MinimumPurchase.Value != "20.00" {
		t.Errorf("partial coupon update: %+v", cp)
	}

	// Fee line items as recorded, through the client's types.
	s := must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: e.fx.Fees})))
	fees := 0
	for _, li := range s.Invoices[0].Lineitems {
		if li.ProductName.Value == "Tax Fee" || li.ProductName.Value == "Shipping Fee" {
			fees++
			if li.Type.Value != "product" || li.VendorProductID.Valid || li.Installment.Valid {
				t.Errorf("fee item %+v", li)
			}
		}
	}
	if fees != 2 {
		t.Errorf("%d fee items", fees)
	}
}

// TestMoneyRules: refunds through the client reduce what is left and show
// in the sale; stopping recurring billing shows its comment.
func TestMoneyRules(t *testing.T) {
	e := newEnv(t)
	inv := e.fx.Invoices[e.fx.PartiallyRefunded][0]
	_, err := e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{InvoiceID: inv, Amount: "1000.00", Currency: "usd", Comment: "too much", Category: 5})
	if apiclient.Code(err) != "TOO_HIGH" {
		t.Errorf("more than is left: %v", err)
	}
	must(t, pair(e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{InvoiceID: inv, Amount: "5.00", Currency: "usd", Comment: "part", Category: 5})))
	must(t, pair(e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{InvoiceID: inv, Comment: "the rest", Category: 5})))
	_, err = e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{InvoiceID: inv, Comment: "again", Category: 5})
	if apiclient.Code(err) != "NOTHING_TO_DO" {
		t.Errorf("refunded invoice refunded again: %v", err)
	}
	s := must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: e.fx.PartiallyRefunded})))
	var refunds []string
	for _, li := range s.Invoices[0].Lineitems {
		if li.Type.Value == "refund" {
			refunds = append(refunds, li.USDAmount.Value)
		}
	}
	if len(refunds) != 3 || refunds[0] != "20.00" || refunds[1] != "5.00" {
		t.Errorf("refund items %v", refunds)
	}
	if s.Comments[0].Comment.Value != "Refund Issued On Invoice: the rest" {
		t.Errorf("newest comment %q", s.Comments[0].Comment.Value)
	}
	_, err = e.c.RefundInvoice(ctx, apiclient.RefundInvoiceParams{SaleID: e.fx.OldSale, Comment: "late", Category: 5})
	if apiclient.Code(err) != "TOO_LATE" {
		t.Errorf("old sale: %v", err)
	}
	must(t, pair(e.c.StopLineitemRecurring(ctx, apiclient.StopLineitemRecurringParams{LineitemID: e.fx.RecurringLineitem})))
	s = must(t, pair(e.c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: e.fx.Recurring})))
	if s.Comments[0].Comment.Value != "Recurring billing stopped for Example Product" {
		t.Errorf("comment %q", s.Comments[0].Comment.Value)
	}
	_, err = e.c.Reauth(ctx, apiclient.ReauthParams{SaleID: e.fx.ReauthFailed})
	if apiclient.Code(err) != "FAILED" {
		t.Errorf("reauth of the declining card: %v", err)
	}
	_, err = e.c.Reauth(ctx, apiclient.ReauthParams{SaleID: e.fx.ReauthFailed})
	if apiclient.Code(err) != "TOO_SOON" {
		t.Errorf("second reauth the same day: %v", err)
	}
}
