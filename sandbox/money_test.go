package sandbox

import (
	"strings"
	"testing"
	"time"
)

// invoiceOf returns invoice i of a sale, as JSON.
func invoiceOf(t *testing.T, s *Sandbox, saleID string, i int) map[string]any {
	t.Helper()
	return obj(arr(sale(t, s, saleID)["invoices"])[i])
}

// lines returns an invoice's line items.
func lines(inv map[string]any) []map[string]any {
	var out []map[string]any
	for _, l := range arr(inv["lineitems"]) {
		out = append(out, obj(l))
	}
	return out
}

// refundLines returns an invoice's line items of type refund.
func refundLines(inv map[string]any) []map[string]any {
	var out []map[string]any
	for _, li := range lines(inv) {
		if li["type"] == "refund" {
			out = append(out, li)
		}
	}
	return out
}

// leftOf is what is left to refund on an invoice, computed from the JSON
// alone, the way a client would.
func leftOf(inv map[string]any) int64 {
	n := moneyOf(inv["usd_total"].(string))
	for _, li := range refundLines(inv) {
		n -= moneyOf(li["usd_amount"].(string))
	}
	return n
}

func TestRefundInvoice(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	ref := func(kv ...string) resp { return post(t, s, "sales/refund_invoice", form(kv...)) }
	base := []string{"comment", "Customer asked", "category", "5"}
	with := func(kv ...string) []string { return append(append([]string{}, base...), kv...) }

	ref("sale_id", fx.Intangible, "category", "5").wantErr(t, 400, "PARAMETER_MISSING", "comment")
	ref("sale_id", fx.Intangible, "comment", "x").wantErr(t, 400, "PARAMETER_MISSING", "category")
	ref(with()...).wantErr(t, 400, "PARAMETER_MISSING", "sale_id")
	ref("sale_id", fx.Intangible, "comment", "a > b", "category", "5").wantErr(t, 400, "PARAMETER_INVALID", "comment")
	ref("sale_id", fx.Intangible, "comment", strings.Repeat("a", 5001), "category", "5").wantErr(t, 400, "PARAMETER_INVALID", "comment")
	for _, bad := range []string{"0", "18", "x", "1.5"} {
		ref("sale_id", fx.Intangible, "comment", "c", "category", bad).wantErr(t, 400, "PARAMETER_INVALID", "category")
	}
	ref("sale_id", fx.Intangible, "comment", "c", "category", "7").wantErrMsg(t, 403, "FORBIDDEN", "Permission denied to set refund category to 7.")
	ref(with("sale_id", fx.Intangible, "amount", "1.00")...).wantErr(t, 400, "PARAMETER_MISSING", "currency")
	ref(with("sale_id", fx.Intangible, "amount", "1.00", "currency", "eur")...).wantErr(t, 400, "PARAMETER_INVALID", "currency")
	ref(with("sale_id", fx.Intangible, "amount", "1.001", "currency", "usd")...).wantErr(t, 400, "PARAMETER_INVALID", "amount")
	ref(with("sale_id", fx.Intangible, "amount", "0.00", "currency", "usd")...).wantErrMsg(t, 400, "TOO_LOW", "Amount must be at least 0.01.")
	ref(with("sale_id", fx.Intangible, "amount", "50.01", "currency", "usd")...).wantErrMsg(t, 400, "TOO_HIGH", "Amount greater than remaining balance on invoice.")
	ref(with("sale_id", fx.SeveralInvoices)...).wantErrMsg(t, 400, "AMBIGUOUS", "Ambiguous request. Multiple invoices on sale. invoice_id parameter required.")
	ref(with("sale_id", fx.OldSale)...).wantErrMsg(t, 400, "TOO_LATE", "Invoice too old to refund.")
	ref(with("sale_id", fx.Refunded)...).wantErrMsg(t, 400, "NOTHING_TO_DO", "Invoice was already refunded.")
	ref(with("sale_id", fx.FraudFailed)...).wantErrMsg(t, 400, "NOTHING_TO_DO", "Invoice was already refunded.")
	if n := len(refundLines(invoiceOf(t, s, fx.Intangible, 0))); n != 0 {
		t.Fatalf("failed calls added %d refunds", n)
	}

	// Partial refunds reduce what is left; each shows as a refund line item.
	inv := invoiceOf(t, s, fx.Intangible, 0)
	total := moneyOf(inv["usd_total"].(string))
	ref(with("sale_id", fx.Intangible, "amount", "20.00", "currency", "customer")...).wantOK(t, "refund added to invoice")
	inv = invoiceOf(t, s, fx.Intangible, 0)
	if leftOf(inv) != total-2000 {
		t.Fatalf("left %d of %d", leftOf(inv), total)
	}
	rl := refundLines(inv)
	if len(rl) != 1 {
		t.Fatalf("%d refund lines", len(rl))
	}
	r := rl[0]
	wantKeys(t, "refund line item", r, lineitemKeys...)
	b := obj(r["billing"])
	if r["status"] != "refund" || r["usd_amount"] != "20.00" || r["customer_amount"] != "20.00" || r["vendor_amount"] != "20.00" ||
		r["linked_id"] != nil || r["product_name"] != "Refund" || r["installment"] != nil || b["status"] != "refund" ||
		b["date_start"] != "2026-11-20" || b["amount"] != "20.00" {
		t.Fatalf("refund line %v", r)
	}
	if lines(inv)[0]["status"] != "bill" {
		t.Fatal("a partial refund flagged the product line item")
	}
	// The refund line item can be looked up like any other.
	post(t, s, "sales/refund_lineitem", form("lineitem_id", r["lineitem_id"].(string), "category", "5", "comment", "c")).
		wantErrMsg(t, 400, "INVALID_PARAMETER", "This lineitem cannot be refunded.")
	left := formatCents(total - 2000)
	ref(with("sale_id", fx.Intangible, "amount", formatCents(total-2000+1), "currency", "usd")...).wantErr(t, 400, "TOO_HIGH", "")
	// Without an amount, all that is left; then nothing is left.
	ref(with("invoice_id", fx.Invoices[fx.Intangible][0])...).wantOK(t, "refund added to invoice")
	inv = invoiceOf(t, s, fx.Intangible, 0)
	rl = refundLines(inv)
	if leftOf(inv) != 0 || len(rl) != 2 || rl[1]["usd_amount"] != left {
		t.Fatalf("after the rest: left %d, refunds %v", leftOf(inv), rl)
	}
	ref(with("sale_id", fx.Intangible)...).wantErrMsg(t, 400, "NOTHING_TO_DO", "Invoice was already refunded.")
	ref(with("sale_id", fx.Intangible, "amount", "0.01", "currency", "vendor")...).wantErr(t, 400, "NOTHING_TO_DO", "")
	// The invoice keeps its totals and status; the product line stays
	// "bill" (a refund_invoice flags no line item).
	if inv["usd_total"].(string) != formatCents(total) || inv["status"] != "deposited" || lines(inv)[0]["status"] != "bill" {
		t.Fatalf("invoice after full refund: %v %v", inv["usd_total"], inv["status"])
	}
	c := comments(t, s, fx.Intangible)
	if len(c) != 2 || c[0] != "Refund Issued On Invoice: Customer asked" || c[1] != c[0] {
		t.Fatalf("comments %q", c)
	}
	// The seeded partial refund: the rest can still be refunded, not more.
	pinv := invoiceOf(t, s, fx.PartiallyRefunded, 0)
	if len(refundLines(pinv)) != 1 || refundLines(pinv)[0]["usd_amount"] != "20.00" {
		t.Fatalf("seeded partial refund %v", refundLines(pinv))
	}
	rest := leftOf(pinv)
	ref(with("sale_id", fx.PartiallyRefunded, "amount", formatCents(rest+1), "currency", "usd")...).wantErr(t, 400, "TOO_HIGH", "")
	ref(with("sale_id", fx.PartiallyRefunded, "amount", formatCents(rest), "currency", "usd")...).wantOK(t, "")
	// With invoice_id on a sale of several invoices.
	ref(with("sale_id", fx.SeveralInvoices, "invoice_id", fx.Invoices[fx.SeveralInvoices][2])...).wantOK(t, "")
	ref(with("sale_id", fx.SeveralInvoices, "invoice_id", fx.Invoices[fx.Intangible][0])...).wantErr(t, 400, "PARAMETER_INVALID", "invoice_id")
}

// The 180-day limit runs from each invoice's date, and an old invoice is
// TOO_LATE even when it was refunded already (the RUBY test's order).
func TestRefundWindow(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	placed, _ := time.Parse(tsLayout, s.idx.sales[fx.Refunded].Sale.DatePlaced)
	s.now = func() time.Time { return placed.Add(refundWindow + time.Minute) }
	post(t, s, "sales/refund_invoice", form("sale_id", fx.Refunded, "comment", "c", "category", "1")).
		wantErrMsg(t, 400, "TOO_LATE", "Invoice too old to refund.")
	s.now = func() time.Time { return placed.Add(refundWindow - time.Minute) }
	post(t, s, "sales/refund_invoice", form("sale_id", fx.Refunded, "comment", "c", "category", "1")).
		wantErrMsg(t, 400, "NOTHING_TO_DO", "Invoice was already refunded.")

	// A sandbox created months later has the same fresh fixtures: its dates
	// moved with its creation, so refunds are not TOO_LATE.
	later := newTestSandbox(t, func(c *Config) { c.Now = func() time.Time { return time.Date(2027, 8, 3, 15, 0, 0, 0, time.UTC) } })
	lfx := later.SaleFixtures()
	post(t, later, "sales/refund_invoice", form("sale_id", lfx.Intangible, "comment", "c", "category", "1")).wantOK(t, "refund added to invoice")
	post(t, later, "sales/refund_lineitem", form("lineitem_id", lfx.RefundableLineitem, "comment", "c", "category", "1")).wantOK(t, "lineitem refunded")
	post(t, later, "sales/refund_invoice", form("sale_id", lfx.OldSale, "comment", "c", "category", "1")).wantErr(t, 400, "TOO_LATE", "")
}

func TestRefundLineitem(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	ref := func(id string) resp {
		return post(t, s, "sales/refund_lineitem", form("lineitem_id", id, "category", "2", "comment", "Did not like it"))
	}
	post(t, s, "sales/refund_lineitem", form("category", "2", "comment", "c")).wantErr(t, 400, "PARAMETER_MISSING", "lineitem_id")
	post(t, s, "sales/refund_lineitem", form("lineitem_id", fx.RefundableLineitem, "comment", "c")).wantErr(t, 400, "PARAMETER_MISSING", "category")
	post(t, s, "sales/refund_lineitem", form("lineitem_id", fx.RefundableLineitem, "category", "2")).wantErr(t, 400, "PARAMETER_MISSING", "comment")
	post(t, s, "sales/refund_lineitem", form("lineitem_id", fx.RefundableLineitem, "category", "7", "comment", "c")).wantErr(t, 403, "FORBIDDEN", "")
	ref("123").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	ref("12x").wantErr(t, 400, "PARAMETER_INVALID", "lineitem_id")
	ref(fx.ShippingLineitem).wantErrMsg(t, 400, "INVALID_PARAMETER", "This lineitem cannot be refunded.")
	ref(fx.TaxLineitem).wantErrMsg(t, 400, "INVALID_PARAMETER", "This lineitem cannot be refunded.")
	ref(fx.FreeLineitem).wantErrMsg(t, 400, "TOO_LOW", "Lineitem amount must be at least 0.01.")
	ref(fx.RefundedLineitem).wantErrMsg(t, 400, "NOTHING_TO_DO", "Lineitem was already refunded.")

	ref(fx.RefundableLineitem).wantOK(t, "lineitem refunded")
	ref(fx.RefundableLineitem).wantErrMsg(t, 400, "NOTHING_TO_DO", "Lineitem was already refunded.")
	inv := invoiceOf(t, s, fx.IntangibleTwoItems, 0)
	var refunded, other map[string]any
	for _, li := range lines(inv) {
		switch {
		case li["lineitem_id"] == fx.RefundableLineitem:
			refunded = li
		case li["type"] == "product":
			other = li
		}
	}
	rl := refundLines(inv)
	if refunded["status"] != "refund" || obj(refunded["billing"])["status"] != "refund" || len(rl) != 1 ||
		rl[0]["linked_id"] != fx.RefundableLineitem || rl[0]["usd_amount"] != refunded["customer_amount"] ||
		rl[0]["product_name"] != refunded["product_name"] || rl[0]["vendor_product_id"] != refunded["vendor_product_id"] {
		t.Fatalf("refunded %v, refund lines %v", refunded, rl)
	}
	if c := comments(t, s, fx.IntangibleTwoItems); c[0] != "Refund Issued On Lineitem: Did not like it" {
		t.Fatalf("comments %q", c)
	}
	// After the rest of the invoice is refunded, its other line item is
	// TOO_HIGH, not "already refunded" (PY test_5_refund_lineitem).
	post(t, s, "sales/refund_invoice", form("sale_id", fx.IntangibleTwoItems, "comment", "rest", "category", "5")).wantOK(t, "")
	ref(other["lineitem_id"].(string)).wantErrMsg(t, 400, "TOO_HIGH", "Lineitem amount greater than remaining balance on invoice.")

	// Long after the sale: fee items are still INVALID_PARAMETER (checked
	// first, as the RUBY test shows), product items TOO_LATE.
	placed, _ := time.Parse(tsLayout, s.idx.sales[fx.Shipped].Sale.DatePlaced)
	s.now = func() time.Time { return placed.Add(refundWindow + time.Hour) }
	ref(fx.ShippingLineitem).wantErr(t, 400, "INVALID_PARAMETER", "")
	product := s.idx.sales[fx.Shipped].Sale.Invoices[0].Lineitems[0].LineitemID
	ref(product).wantErrMsg(t, 400, "TOO_LATE", "Invoice too old to refund lineitem.")
}

func TestRecurringMethods(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()

	// The active subscription: recurring status, next bill date and the
	// installments billed, as the panel shows them.
	last := len(fx.Invoices[fx.Recurring]) - 1
	li := lines(invoiceOf(t, s, fx.Recurring, last))[0]
	b := obj(li["billing"])
	if li["lineitem_id"] != fx.RecurringLineitem || b["recurring_status"] != "active" || b["date_next"] != "2026-12-12" ||
		li["installment"] != "3" || li["product_recurrence"] != "1 Month" || li["product_duration"] != "Forever" {
		t.Fatalf("recurring line item %v", li)
	}
	stoppedLi := s.idx.lineitems[fx.RecurringStoppedLineitem].li
	if derefOr(stoppedLi.Billing.RecurringStatus, "") != "stopped" || stoppedLi.Billing.DateNext != nil || stoppedLi.Billing.DateEnd == nil {
		t.Fatalf("stopped line item %+v", stoppedLi.Billing)
	}

	// update_lineitem_recurring first, while the line item still recurs.
	upd := func(kv ...string) resp { return post(t, s, "sales/update_lineitem_recurring", form(kv...)) }
	upd("shift", "3").wantErr(t, 400, "PARAMETER_MISSING", "lineitem_id")
	upd("lineitem_id", fx.RecurringLineitem).wantErr(t, 400, "PARAMETER_MISSING", "shift_or_price")
	upd("lineitem_id", fx.RecurringLineitem, "shift", "0").wantErr(t, 400, "PARAMETER_INVALID", "shift")
	upd("lineitem_id", fx.RecurringLineitem, "price", "10.00").wantErr(t, 400, "PARAMETER_INVALID", "price")
	upd("lineitem_id", fx.RecurringLineitem, "price", "5.00", "comment", "<x>").wantErr(t, 400, "PARAMETER_INVALID", "comment")
	upd("lineitem_id", fx.PayPalRecurringLineitem, "shift", "3").wantErr(t, 403, "FORBIDDEN", "")
	upd("lineitem_id", fx.RecurringStoppedLineitem, "shift", "3").wantErrMsg(t, 400, "NOTHING_TO_DO", "Lineitem is not scheduled to recur.")
	upd("lineitem_id", fx.RecurringLineitem, "shift", "3", "price", "7.50").wantOK(t, "Lineitem recurring billing updated.")
	bw := s.idx.lineitems[fx.RecurringLineitem].li.Billing
	if *bw.DateNext != "2026-12-15" || bw.Amount != "7.50" || bw.UsdAmount != "7.50" {
		t.Fatalf("billing %+v", bw)
	}

	stop := func(id string) resp { return post(t, s, "sales/stop_lineitem_recurring", form("lineitem_id", id)) }
	post(t, s, "sales/stop_lineitem_recurring", nil).wantErr(t, 400, "PARAMETER_MISSING", "lineitem_id")
	stop("42").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	stop(fx.RecurringStoppedLineitem).wantErrMsg(t, 400, "NOTHING_TO_DO", "Lineitem is not scheduled to recur.")
	stop(fx.RefundableLineitem).wantErrMsg(t, 400, "NOTHING_TO_DO", "Lineitem is not scheduled to recur.")
	stop(fx.ShippingLineitem).wantErr(t, 400, "NOTHING_TO_DO", "")
	stop(fx.RecurringLineitem).wantOK(t, "Recurring billing stopped for lineitem")
	stop(fx.RecurringLineitem).wantErrMsg(t, 400, "NOTHING_TO_DO", "Lineitem is not scheduled to recur.")
	b = obj(lines(invoiceOf(t, s, fx.Recurring, last))[0]["billing"])
	if b["recurring_status"] != "stopped" || b["date_next"] != nil || b["date_end"] != "2026-11-20" {
		t.Fatalf("billing after stop %v", b)
	}
	c := comments(t, s, fx.Recurring)
	if c[0] != "Recurring billing stopped for Example Product" {
		t.Fatalf("comments %q", c)
	}
	get(t, s, "sales/list_sales", form("active_recurrings", "1", "sale_id", fx.Recurring)).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	res := get(t, s, "sales/list_sales", form("active_recurrings", "1", "sale_id", fx.PayPalRecurring))
	if len(arr(res.body["sale_summary"])) != 1 {
		t.Fatal("active_recurrings filter")
	}
}

func TestReauth(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	ra := func(id string) resp { return post(t, s, "sales/reauth", form("sale_id", id)) }
	post(t, s, "sales/reauth", nil).wantErr(t, 400, "PARAMETER_MISSING", "sale_id")
	ra("99").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	ra(fx.ForbiddenSale).wantErr(t, 403, "FORBIDDEN", "")
	ra(fx.Shipped).wantErrMsg(t, 400, "TOO_LATE", "Payment is already pending or deposited and cannot be reauthorized.")
	ra(fx.Intangible).wantErr(t, 400, "TOO_LATE", "")
	ra(fx.ReauthTooLate).wantErr(t, 400, "TOO_LATE", "")

	// The seeded authorizations: one about to expire, one expired.
	c := &call{s: s, now: testNow}
	if rec := s.idx.sales[fx.AuthExpiring]; c.authExpired(rec) || rec.AuthExp != "2026-11-21" {
		t.Fatalf("AuthExpiring holds through %s", rec.AuthExp)
	}
	for _, id := range []string{fx.AuthExpired, fx.ReauthFailed, fx.ReauthTooLate} {
		if !c.authExpired(s.idx.sales[id]) {
			t.Fatalf("%s not expired (%s)", id, s.idx.sales[id].AuthExp)
		}
	}
	for _, id := range append([]string{fx.TangibleOneInvoice}, fx.ScanToShip...) {
		if c.authExpired(s.idx.sales[id]) {
			t.Fatalf("%s expired", id)
		}
	}

	ra(fx.AuthExpired).wantOK(t, "Payment reauthorized.")
	if rec := s.idx.sales[fx.AuthExpired]; rec.AuthExp != "2026-11-27" {
		t.Fatalf("renewed through %s", rec.AuthExp)
	}
	ra(fx.AuthExpired).wantErrMsg(t, 400, "TOO_SOON", "Please wait until the next day to reauthorize again.")
	ra(fx.ReauthFailed).wantErrMsg(t, 400, "FAILED", "Failed to reauthorize payment.")
	ra(fx.ReauthFailed).wantErr(t, 400, "TOO_SOON", "")
	// Within a day of the previous attempt, then a day after it.
	s.now = func() time.Time { return testNow.Add(reauthWait - time.Minute) }
	ra(fx.AuthExpired).wantErr(t, 400, "TOO_SOON", "")
	s.now = func() time.Time { return testNow.Add(reauthWait) }
	ra(fx.AuthExpired).wantOK(t, "")
	ra(fx.ReauthFailed).wantErr(t, 400, "FAILED", "")

	// mark_shipped with reauthorize=1 renews only an expired authorization.
	post(t, s, "sales/mark_shipped", form("sale_id", fx.AuthExpiring, "tracking_number", "T", "reauthorize", "1")).wantOK(t, "")
	if cs := comments(t, s, fx.AuthExpiring); len(cs) != 1 {
		t.Fatalf("a valid authorization was renewed: %q", cs)
	}
}

// Fee line items look as recorded, and some seeded sales carry them.
func TestFeeLineitems(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	inv := invoiceOf(t, s, fx.Fees, 0)
	ls := lines(inv)
	tax, ship := ls[len(ls)-2], ls[len(ls)-1]
	if tax["lineitem_id"] != fx.TaxLineitem || tax["product_name"] != "Tax Fee" || ship["product_name"] != "Shipping Fee" {
		t.Fatalf("fee items %v %v", tax["product_name"], ship["product_name"])
	}
	for _, fee := range []map[string]any{tax, ship} {
		b := obj(fee["billing"])
		if fee["type"] != "product" || fee["vendor_product_id"] != nil || fee["installment"] != nil || fee["product_id"] != nil ||
			fee["product_duration"] != nil || fee["product_recurrence"] != nil || fee["product_startup_fee"] != nil ||
			fee["product_tangible"] != "N" || b["recurring_status"] != nil || b["date_next"] != nil || b["date_end"] != b["date_fail"] {
			t.Fatalf("fee item %v", fee)
		}
	}
	var sum int64
	for _, li := range ls {
		sum += moneyOf(li["customer_amount"].(string))
	}
	if formatCents(sum) != inv["usd_total"] {
		t.Fatalf("items add up to %s, invoice %s", formatCents(sum), inv["usd_total"])
	}
	// Across the seed: every non-refund line item is goods (with a product
	// id and an installment) or a fee (with neither).
	fees := 0
	for _, rec := range s.st.Sales {
		for _, in := range rec.Sale.Invoices {
			for _, li := range in.Lineitems {
				switch {
				case isRefundLine(li):
				case isFeeLine(li):
					fees++
					if li.ProductName != taxFeeName && li.ProductName != shippingFeeName {
						t.Fatalf("fee %q", li.ProductName)
					}
				case li.VendorProductID == nil || li.Installment == nil || li.Type != "product":
					t.Fatalf("line item %s: %+v", li.LineitemID, li)
				}
			}
		}
	}
	if fees < 50 {
		t.Fatalf("%d fee items", fees)
	}
}
