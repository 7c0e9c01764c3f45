package sandbox

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Key sets of the recorded detail_sale (admin-api.md 3.1 and 4.1).
var (
	saleKeys = []string{"comments", "customer", "date_placed", "detail_ip", "invoices", "ip_address", "ip_country",
		"recurring_decline", "sale_id"}
	customerKeys = []string{"address_1", "address_2", "address_id", "cardholder_name", "city", "country_code",
		"country_code_2", "country_name", "customer_id", "email_address", "first_name", "lang", "last_name",
		"middle_initial", "pay_method", "phone", "phone_ext", "postal_code", "prefix", "state", "state_2"}
	payMethodKeys = []string{"avs", "cvv", "first_six_digits", "last_two_digits", "method"}
	detailIPKeys  = []string{"address", "area_code", "city", "country", "country_code", "region", "zip"}
	invoiceKeys   = []string{"change_id", "customer_name", "customer_snapshot_id", "customer_total", "date_placed",
		"date_shipped", "date_vendor_paid", "fees_2co", "invoice_id", "lineitems", "new_customer_quote_id",
		"new_vendor_quote_id", "payout_status", "recurring", "referrer", "sale_id", "shipping", "status",
		"timestamp", "usd_total", "vendor_id", "vendor_order_id", "vendor_total"}
	lineitemKeys = []string{"affiliate_vendor_id", "billing", "commission", "commission_affiliate_vendor_id",
		"commission_flat_rate", "commission_percentage", "commission_type", "commission_usd_amount",
		"customer_amount", "flat_rate", "installment", "invoice_id", "lc_affiliate_vendor_id", "lc_usd_amount",
		"lineitem_id", "linked_id", "options", "percentage", "product_description", "product_duration",
		"product_handling", "product_id", "product_is_cart", "product_name", "product_price",
		"product_recurrence", "product_startup_fee", "product_tangible", "sale_id", "status", "type",
		"usd_amount", "usd_commission", "vendor_amount", "vendor_product_id"}
	billingKeys = []string{"amount", "bill_method", "billing_id", "customer_amount", "customer_id",
		"date_deposited", "date_end", "date_fail", "date_next", "date_pending", "date_start", "lineitem_id",
		"recurring_status", "status", "usd_amount", "vendor_amount"}
	shippingKeys = []string{"address_1", "address_2", "city", "country_code", "country_name", "date_shipped",
		"invoice_id", "postal_code", "shipping_address_id", "shipping_id", "shipping_method_id",
		"shipping_method_name", "shipping_name", "state", "tracking_number", "tracking_url"}
	lineOptionKeys = []string{"customer_surcharge", "lineitem_id", "lineitem_option_id", "option_name",
		"option_value", "usd_surcharge", "vendor_surcharge"}
	commentKeys  = []string{"changed_by_ip", "comment", "timestamp", "username"}
	pageInfoKeys = []string{"cur_page", "first_entry", "first_page", "first_page_url", "last_entry", "last_page",
		"last_page_url", "next_page", "pagesize", "previous_page", "total_entries"}
	summaryKeys = []string{"customer_name", "date_placed", "decline_code", "recurring", "recurring_declined",
		"sale_id", "sale_url", "usd_total"}
)

// Every seeded sale has exactly the recorded keys at every level, with
// strings for ids and money and a number only for detail_ip.area_code.
func TestDetailSaleShapeAllSales(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	sawShipping, sawOption, sawComment, sawDecline := false, false, false, false
	for _, rec := range s.st.Sales {
		sl := sale(t, s, rec.Sale.SaleID)
		wantKeys(t, "sale", sl, saleKeys...)
		wantKeys(t, "customer", obj(sl["customer"]), customerKeys...)
		wantKeys(t, "pay_method", obj(obj(sl["customer"])["pay_method"]), payMethodKeys...)
		ip := obj(sl["detail_ip"])
		wantKeys(t, "detail_ip", ip, detailIPKeys...)
		if _, isNum := ip["area_code"].(json.Number); !isNum {
			t.Fatalf("area_code is %T", ip["area_code"])
		}
		if d, ok := sl["recurring_decline"].(map[string]any); ok {
			sawDecline = true
			wantKeys(t, "recurring_decline", d, "date_declined", "date_updated", "decline_code", "pay_method", "pplus_code", "retries", "sale_id")
		}
		for _, c := range arr(sl["comments"]) {
			sawComment = true
			wantKeys(t, "comment", obj(c), commentKeys...)
		}
		invs := arr(sl["invoices"])
		if len(invs) == 0 {
			t.Fatal("sale without invoices")
		}
		for _, iv := range invs {
			inv := obj(iv)
			wantKeys(t, "invoice", inv, invoiceKeys...)
			if _, isStr := inv["usd_total"].(string); !isStr {
				t.Fatal("usd_total must be a string")
			}
			if sh, ok := inv["shipping"].(map[string]any); ok {
				sawShipping = true
				wantKeys(t, "shipping", sh, shippingKeys...)
			}
			for _, l := range arr(inv["lineitems"]) {
				li := obj(l)
				wantKeys(t, "lineitem", li, lineitemKeys...)
				wantKeys(t, "billing", obj(li["billing"]), billingKeys...)
				for _, o := range arr(li["options"]) {
					sawOption = true
					wantKeys(t, "lineitem option", obj(o), lineOptionKeys...)
				}
			}
		}
	}
	if !sawShipping || !sawOption || !sawComment || !sawDecline {
		t.Fatalf("seed lacks variety: shipping %v option %v comment %v decline %v", sawShipping, sawOption, sawComment, sawDecline)
	}
	if len(s.st.Sales) < 200 {
		t.Fatalf("%d sales", len(s.st.Sales))
	}
	if len(fx.ScanToShip) < 6 {
		t.Fatal("need at least 6 scan-to-ship sales")
	}
}

func TestDetailSale(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()

	// The recorded error, byte for byte.
	res := get(t, s, "sales/detail_sale", nil)
	if string(res.raw) != `{"errors":[{"code":"PARAMETER_MISSING","message":"Required parameter missing: sale_or_invoice_id","parameter":"sale_or_invoice_id"}]}` {
		t.Fatalf("%d %s", res.status, res.raw)
	}
	res.wantErr(t, 400, "PARAMETER_MISSING", "sale_or_invoice_id")
	res = get(t, s, "sales/detail_sale", form("sale_id", "1"))
	if string(res.raw) != `{"errors":[{"code":"RECORD_NOT_FOUND","message":"Unable to find record."}]}` || res.status != 400 {
		t.Fatalf("%d %s", res.status, res.raw)
	}
	get(t, s, "sales/detail_sale", form("sale_id", "12ab")).wantErr(t, 400, "PARAMETER_INVALID", "sale_id")
	get(t, s, "sales/detail_sale", form("sale_id", fx.ForbiddenSale)).wantErrMsg(t, 403, "FORBIDDEN", "Access denied to sale.")

	// By invoice: only that invoice.
	invs := fx.Invoices[fx.TangibleTwoInvoices]
	res = get(t, s, "sales/detail_sale", form("invoice_id", invs[1]))
	res.wantOK(t, "Sale detail retrieved")
	got := arr(obj(res.body["sale"])["invoices"])
	if len(got) != 1 || obj(got[0])["invoice_id"] != invs[1] {
		t.Fatalf("invoices %v", got)
	}
	if n := len(arr(sale(t, s, fx.TangibleTwoInvoices)["invoices"])); n != 2 {
		t.Fatalf("%d invoices", n)
	}
	get(t, s, "sales/detail_sale", form("sale_id", fx.Shipped, "invoice_id", invs[0])).wantErr(t, 400, "PARAMETER_INVALID", "invoice_id")
}

func TestListSales(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	total := len(s.st.Sales)

	res := get(t, s, "sales/list_sales", nil)
	res.wantOK(t, "Sale summary retrieved")
	pi := obj(res.body["page_info"])
	wantKeys(t, "page_info", pi, pageInfoKeys...)
	// The recorded mix of types.
	for k, wantString := range map[string]bool{"cur_page": true, "first_entry": false, "first_page": false,
		"last_entry": true, "last_page": false, "pagesize": true, "total_entries": true, "next_page": false} {
		_, isStr := pi[k].(string)
		if isStr != wantString {
			t.Fatalf("page_info.%s is %T", k, pi[k])
		}
	}
	if pi["previous_page"] != nil || pi["pagesize"] != "20" || pi["cur_page"] != "1" || pi["first_entry"] != json.Number("1") ||
		pi["first_page_url"] != "https://www.2checkout.com/api/sales/list_sales?cur_page=1" {
		t.Fatalf("page_info %v", pi)
	}
	rows := arr(res.body["sale_summary"])
	if len(rows) != 20 {
		t.Fatalf("%d rows", len(rows))
	}
	first := obj(rows[0])
	wantKeys(t, "sale_summary", first, summaryKeys...)
	if first["sale_url"] != "https://www.2checkout.com/api/sales/detail_sale?sale_id="+first["sale_id"].(string) {
		t.Fatal(first["sale_url"])
	}
	// Newest first by default.
	if obj(rows[0])["date_placed"].(string) < obj(rows[19])["date_placed"].(string) {
		t.Fatal("default order is not newest first")
	}

	// Last page, and one past it.
	lastPage := (total + 19) / 20
	res = get(t, s, "sales/list_sales", form("cur_page", itoa(lastPage)))
	pi = obj(res.body["page_info"])
	if pi["next_page"] != nil || pi["last_entry"] != itoa(total) || pi["previous_page"] != json.Number(itoa(lastPage-1)) {
		t.Fatalf("last page_info %v", pi)
	}
	get(t, s, "sales/list_sales", form("cur_page", itoa(lastPage+1))).wantErr(t, 400, "RECORD_NOT_FOUND", "")

	// Paging and sorting validation.
	for _, bad := range []url.Values{
		form("pagesize", "0"), form("pagesize", "101"), form("pagesize", "x"), form("cur_page", "0"),
		form("cur_page", "-1"), form("sort_col", "email"), form("sort_dir", "UP"), form("customer_name", "ab"),
		form("sale_date_begin", "2026-02-30"), form("ccard_last2", "1"), form("refunded", "yes"),
	} {
		var param string
		for k := range bad {
			param = k
		}
		get(t, s, "sales/list_sales", bad).wantErr(t, 400, "PARAMETER_INVALID", param)
	}

	// Filters.
	res = get(t, s, "sales/list_sales", form("customer_name", "okonKWO", "sort_col", "DATE_PLACED", "sort_dir", "asc"))
	rows = arr(res.body["sale_summary"])
	if len(rows) != len(fx.RepeatCustomerSales) {
		t.Fatalf("%d rows for the repeat customer", len(rows))
	}
	for i, r := range rows {
		if obj(r)["sale_id"] != fx.RepeatCustomerSales[i] {
			t.Fatalf("row %d = %v", i, obj(r)["sale_id"])
		}
	}
	res = get(t, s, "sales/list_sales", form("customer_email", "ADAEZE.okonkwo@"))
	if n := len(arr(res.body["sale_summary"])); n != 5 {
		t.Fatalf("email filter: %d", n)
	}
	res = get(t, s, "sales/list_sales", form("sale_date_begin", "2026-11-14", "sale_date_end", "2026-11-14", "pagesize", "100"))
	for _, r := range arr(res.body["sale_summary"]) {
		if obj(r)["date_placed"] != "2026-11-14" {
			t.Fatal("date filter")
		}
	}
	res = get(t, s, "sales/list_sales", form("sale_id", fx.Shipped))
	if rows = arr(res.body["sale_summary"]); len(rows) != 1 {
		t.Fatal("sale_id filter")
	}
	inv := fx.Invoices[fx.Recurring][1]
	res = get(t, s, "sales/list_sales", form("invoice_id", inv))
	if rows = arr(res.body["sale_summary"]); len(rows) != 1 || obj(rows[0])["sale_id"] != fx.Recurring || obj(rows[0])["recurring"] != "1" {
		t.Fatal("invoice_id filter")
	}
	phone := s.idx.sales[fx.Shipped].Sale.Customer.Phone
	res = get(t, s, "sales/list_sales", form("customer_phone", phone[:7], "pagesize", "100"))
	if n := len(arr(res.body["sale_summary"])); n == 0 {
		t.Fatal("phone prefix filter")
	}
	res = get(t, s, "sales/list_sales", form("declined_recurrings", "1", "pagesize", "100"))
	for _, r := range arr(res.body["sale_summary"]) {
		if obj(r)["recurring_declined"] == nil || obj(r)["decline_code"] == nil {
			t.Fatal("declined filter")
		}
	}
	res = get(t, s, "sales/list_sales", form("refunded", "1", "pagesize", "100"))
	found := false
	for _, r := range arr(res.body["sale_summary"]) {
		found = found || obj(r)["sale_id"] == fx.Refunded
	}
	if !found {
		t.Fatal("refunded filter")
	}

	// No matches: RECORD_NOT_FOUND with 400, as the live API answers an
	// empty list (issue 9), not an empty page.
	res = get(t, s, "sales/list_sales", form("customer_name", "Nobody Atall"))
	if string(res.raw) != `{"errors":[{"code":"RECORD_NOT_FOUND","message":"Unable to find record."}]}` || res.status != 400 {
		t.Fatalf("empty result %d %s", res.status, res.raw)
	}

	// Sorting by amount, both ways, ties by id.
	asc := arr(get(t, s, "sales/list_sales", form("sort_col", "usd_total", "pagesize", "100")).body["sale_summary"])
	desc := arr(get(t, s, "sales/list_sales", form("sort_col", "usd_total", "sort_dir", "DESC", "pagesize", "100")).body["sale_summary"])
	for i := 1; i < len(asc); i++ {
		if moneyOf(obj(asc[i-1])["usd_total"].(string)) > moneyOf(obj(asc[i])["usd_total"].(string)) {
			t.Fatal("usd_total ASC")
		}
	}
	if moneyOf(obj(desc[0])["usd_total"].(string)) < moneyOf(obj(desc[99])["usd_total"].(string)) {
		t.Fatal("usd_total DESC")
	}
	names := arr(get(t, s, "sales/list_sales", form("sort_col", "customer_name", "pagesize", "100")).body["sale_summary"])
	for i := 1; i < len(names); i++ {
		if strings.ToLower(obj(names[i-1])["customer_name"].(string)) > strings.ToLower(obj(names[i])["customer_name"].(string)) {
			t.Fatal("customer_name ASC")
		}
	}
}

func TestMarkShipped(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	ship := func(kv ...string) resp { return post(t, s, "sales/mark_shipped", form(kv...)) }

	ship("sale_id", fx.TangibleOneInvoice).wantErr(t, 400, "PARAMETER_MISSING", "tracking_number")
	ship("tracking_number", "1Z1").wantErr(t, 400, "PARAMETER_MISSING", "sale_id")
	ship("sale_id", "5", "tracking_number", "1Z1").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	ship("invoice_id", "5", "tracking_number", "1Z1").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	ship("sale_id", fx.ForbiddenSale, "tracking_number", "1Z1").wantErrMsg(t, 403, "FORBIDDEN", "Access denied to sale.")
	ship("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z1", "comment", "a <b> c").wantErr(t, 400, "PARAMETER_INVALID", "comment")
	ship("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z1", "comment", strings.Repeat("é", 256)).wantErr(t, 400, "PARAMETER_INVALID", "comment")
	ship("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z1", "cc_customer", "yes").wantErr(t, 400, "PARAMETER_INVALID", "cc_customer")
	ship("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z1", "reauthorize", "2").wantErr(t, 400, "PARAMETER_INVALID", "reauthorize")
	ship("sale_id", fx.Intangible, "tracking_number", "1Z1").wantErrMsg(t, 400, "NOTHING_TO_DO", "Item not shippable.")
	ship("sale_id", fx.Refunded, "tracking_number", "1Z1").wantErrMsg(t, 400, "NOTHING_TO_DO", "Item not shippable.")
	ship("sale_id", fx.Shipped, "tracking_number", "1Z1").wantErrMsg(t, 400, "NOTHING_TO_DO", "Sale already marked shipped.")
	ship("sale_id", fx.TangibleTwoInvoices, "tracking_number", "1Z1").wantErr(t, 400, "PARAMETER_MISSING", "invoice_id")
	ship("sale_id", fx.TangibleOneInvoice, "invoice_id", fx.Invoices[fx.TangibleTwoInvoices][0], "tracking_number", "1Z1").
		wantErr(t, 400, "PARAMETER_INVALID", "invoice_id")
	if s.Calls("mark_shipped") != 14 {
		t.Fatalf("calls %d", s.Calls("mark_shipped"))
	}
	if c := comments(t, s, fx.TangibleOneInvoice); len(c) != 0 {
		t.Fatal("failed calls changed the sale")
	}

	// Success: the invoice, its shipping and the comments change.
	ship("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z999AA10123456784", "comment", "Left at the door & signed", "cc_customer", "1").
		wantOK(t, "Sale marked shipped.")
	sl := sale(t, s, fx.TangibleOneInvoice)
	inv := obj(arr(sl["invoices"])[0])
	sh := obj(inv["shipping"])
	if inv["date_shipped"] != "2026-11-20" || sh["date_shipped"] != "2026-11-20" || sh["tracking_number"] != "1Z999AA10123456784" {
		t.Fatalf("invoice %v shipping %v", inv["date_shipped"], sh)
	}
	// Newest first.
	last := obj(arr(sl["comments"])[0])
	if last["comment"] != "Sale marked shipped. Tracking number: 1Z999AA10123456784\nLeft at the door & signed" ||
		last["username"] != testUser || last["timestamp"] != "2026-11-20 12:00:00" || last["changed_by_ip"] != "192.0.2.1" {
		t.Fatalf("comment %v", last)
	}
	ship("sale_id", fx.TangibleOneInvoice, "tracking_number", "again").wantErrMsg(t, 400, "NOTHING_TO_DO", "Sale already marked shipped.")

	// Several invoices: by invoice_id, alone or with its sale.
	invs := fx.Invoices[fx.TangibleTwoInvoices]
	ship("invoice_id", invs[1], "tracking_number", "T2").wantOK(t, "")
	ship("sale_id", fx.TangibleTwoInvoices, "invoice_id", invs[0], "tracking_number", "T1").wantOK(t, "")
	one := fx.Invoices[fx.TangibleTwoInvoicesOneShipped]
	ship("invoice_id", one[0], "tracking_number", "T").wantErrMsg(t, 400, "NOTHING_TO_DO", "Sale already marked shipped.")
	ship("invoice_id", one[1], "tracking_number", "T").wantOK(t, "")

	// Reauthorization.
	ship("sale_id", fx.ReauthTooLate, "tracking_number", "T", "reauthorize", "1").
		wantErrMsg(t, 400, "TOO_LATE", "Payment is already pending or deposited and cannot be reauthorized.")
	ship("sale_id", fx.ReauthFailed, "tracking_number", "T", "reauthorize", "1").wantErrMsg(t, 400, "FAILED", "Failed to reauthorize payment.")
	ship("sale_id", fx.ReauthFailed, "tracking_number", "T", "reauthorize", "1").
		wantErrMsg(t, 400, "TOO_SOON", "Please wait until the next day before trying to reauthorize again.")
	if sale(t, s, fx.ReauthFailed)["invoices"].([]any)[0].(map[string]any)["date_shipped"] != nil {
		t.Fatal("failed reauthorization shipped")
	}
	ship("sale_id", fx.AuthExpired, "tracking_number", "T", "reauthorize", "1").wantOK(t, "Sale marked shipped.")
	cs := comments(t, s, fx.AuthExpired)
	if len(cs) != 2 || cs[1] != "Payment reauthorized." || !strings.HasPrefix(cs[0], "Sale marked shipped.") {
		t.Fatalf("comments %q", cs)
	}
	// Without reauthorize, a sale whose authorization is too old to renew
	// still ships.
	ship("sale_id", fx.ReauthTooLate, "tracking_number", "T").wantOK(t, "")

	// The scan-to-ship sales all ship with sale_id alone.
	for _, id := range fx.ScanToShip {
		ship("sale_id", id, "tracking_number", "SCAN-"+id).wantOK(t, "")
	}
}

func TestCreateComment(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	cc := func(kv ...string) resp { return post(t, s, "sales/create_comment", form(kv...)) }

	cc("sale_comment", "x").wantErr(t, 400, "PARAMETER_MISSING", "sale_id")
	cc("sale_id", fx.Shipped).wantErr(t, 400, "PARAMETER_MISSING", "sale_comment")
	cc("sale_id", fx.Shipped, "sale_comment", "   ").wantErr(t, 400, "PARAMETER_INVALID", "sale_comment")
	cc("sale_id", fx.Shipped, "sale_comment", strings.Repeat("ж", 5001)).wantErr(t, 400, "PARAMETER_INVALID", "sale_comment")
	cc("sale_id", fx.Shipped, "sale_comment", "x", "cc_vendor", "true").wantErr(t, 400, "PARAMETER_INVALID", "cc_vendor")
	cc("sale_id", "77", "sale_comment", "x").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	cc("sale_id", fx.ForbiddenSale, "sale_comment", "x").wantErr(t, 403, "FORBIDDEN", "")

	long := strings.Repeat("ж", 5000) // 10000 bytes, 5000 characters
	cc("sale_id", fx.Shipped, "sale_comment", long, "cc_customer", "1", "cc_vendor", "0").wantOK(t, "Created comment successfully.")
	hostile := `<img src=x onerror=alert(1)> & "quotes" ` + "\u202E"
	cc("sale_id", fx.Shipped, "sale_comment", hostile).wantOK(t, "Created comment successfully.")
	// Stored verbatim, newest first.
	c := comments(t, s, fx.Shipped)
	if c[1] != long || c[0] != hostile {
		t.Fatal("comments not stored verbatim")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
