package sandbox

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestAccount(t *testing.T) {
	s := newTestSandbox(t)

	res := get(t, s, "acct/detail_company_info", nil)
	res.wantOK(t, "company info retrieved")
	c := obj(res.body["vendor_company_info"])
	wantKeys(t, "vendor_company_info", c, "affiliate_url", "currency_code", "currency_name", "currency_symbol", "demo",
		"pending_return_url", "return_method", "return_url", "secret_word", "site_category", "site_description",
		"site_title", "soft_descriptor", "url", "vendor_id", "vendor_name")
	if c["secret_word"] != "wh1sky" || c["return_url"] != "http://www.fake-company.com" || c["vendor_id"] != "1234567" {
		t.Fatalf("%v", c)
	}

	res = get(t, s, "acct/detail_contact_info", nil)
	res.wantOK(t, "contact info retrieved")
	ct := obj(res.body["vendor_contact_info"])
	wantKeys(t, "vendor_contact_info", ct, "2co_account_level_id", "customer_service_email", "customer_service_phone",
		"customer_service_phone_ext", "mailing_address_1", "mailing_address_2", "mailing_address_id", "mailing_city",
		"mailing_country_code", "mailing_postal_code", "mailing_state", "office_email", "office_phone",
		"office_phone_ext", "physical_address_1", "physical_address_2", "physical_address_id", "physical_city",
		"physical_country_code", "physical_postal_code", "physical_state", "vendor_id")
	if ct["customer_service_email"] != "support@fake-company.com" || ct["customer_service_phone_ext"] != "null" || ct["office_phone_ext"] != nil {
		t.Fatalf("%v", ct)
	}

	res = get(t, s, "acct/detail_pending_payment", nil)
	res.wantOK(t, "payment info retrieved")
	p := obj(res.body["payment"])
	wantKeys(t, "payment", p, "amount", "payment_fee", "payment_id", "payment_method", "release_level", "reserve_held",
		"total_adjustments", "total_balance_forward", "total_chargeback_fees", "total_commissions", "total_fees",
		"total_outgoing_commissions", "total_refunds", "total_reserve_released", "total_sales")
	if p["payment_id"] != "2436561667" || p["payment_method"] != "ach" {
		t.Fatalf("%v", p)
	}

	res = post(t, s, "acct/list_payments", url.Values{"vendor_id": {"1"}})
	res.wantOK(t, "payments retrieved")
	for _, e := range arr(res.body["payments"]) {
		wantKeys(t, "payments entry", obj(e), "amount", "date_paid", "date_reserve_released", "date_voided", "payment_id",
			"payment_identifier", "payment_type", "reserve_held", "total_adjustments", "total_balance_forward",
			"total_chargeback_fees", "total_commissions", "total_fees", "total_outgoing_commissions", "total_refunds",
			"total_reserve_released", "total_sales", "void")
	}
}

// addsUp checks the payout identity on a payment's JSON.
func addsUp(t *testing.T, m map[string]any) {
	t.Helper()
	c := func(k string) int64 { return moneyOf(m[k].(string)) }
	sum := c("total_sales") - c("total_refunds") - c("total_fees") - c("total_chargeback_fees") - c("total_outgoing_commissions") +
		c("total_commissions") - c("reserve_held") + c("total_reserve_released") + c("total_adjustments") + c("total_balance_forward")
	if sum != c("amount") {
		t.Fatalf("payment %v does not add up: %s", m["payment_id"], formatCents(sum))
	}
}

// Payments agree with the sales to the cent: each past payment holds the
// invoices it paid, the pending one the deposited invoices not paid yet and
// the refunds since, a refund issued now included.
func TestPayments(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	ps := arr(get(t, s, "acct/list_payments", nil).body["payments"])
	if len(ps) < 20 || obj(ps[0])["payment_id"] != "4681565342" {
		t.Fatalf("%d payments", len(ps))
	}
	paid := map[string]int64{} // day -> usd sales paid that day
	for _, rec := range s.st.Sales {
		for _, inv := range rec.Sale.Invoices {
			switch {
			case inv.DateVendorPaid != nil:
				if inv.Status != "deposited" || inv.PayoutStatus != "Paid" {
					t.Fatalf("invoice %s paid while %s", inv.InvoiceID, inv.Status)
				}
				paid[*inv.DateVendorPaid] += moneyOf(inv.UsdTotal)
			case inv.Status == "deposited":
				if inv.PayoutStatus != "Pending Payout" {
					t.Fatalf("invoice %s: %s", inv.InvoiceID, inv.PayoutStatus)
				}
			case inv.PayoutStatus != "Pending Capture":
				t.Fatalf("invoice %s: %s", inv.InvoiceID, inv.PayoutStatus)
			}
		}
	}
	voids, prev := 0, "9999"
	for i, e := range ps {
		m := obj(e)
		addsUp(t, m)
		day := m["date_paid"].(string)[:10]
		if day >= prev {
			t.Fatal("payments not newest first")
		}
		prev = day
		if formatCents(paid[day]) != m["total_sales"] {
			t.Fatalf("payment of %s: total_sales %v, invoices paid that day %s", day, m["total_sales"], formatCents(paid[day]))
		}
		if m["void"] == "1" {
			voids++
			if m["date_voided"] == nil || obj(ps[i-1])["total_balance_forward"] != m["amount"] {
				t.Fatalf("voided payment %v not carried forward", m)
			}
		}
	}
	if voids != 1 {
		t.Fatalf("%d voided payments", voids)
	}

	pending := func() map[string]any { return obj(get(t, s, "acct/detail_pending_payment", nil).body["payment"]) }
	before := pending()
	addsUp(t, before)
	var sales int64
	for _, rec := range s.st.Sales {
		for _, inv := range rec.Sale.Invoices {
			if inv.Status == "deposited" && inv.DateVendorPaid == nil {
				sales += moneyOf(inv.UsdTotal)
			}
		}
	}
	if before["total_sales"] != formatCents(sales) || sales == 0 {
		t.Fatalf("pending total_sales %v, unpaid deposited invoices %s", before["total_sales"], formatCents(sales))
	}
	post(t, s, "sales/refund_invoice", form("sale_id", fx.Intangible, "amount", "12.34", "currency", "usd", "comment", "c", "category", "1")).wantOK(t, "")
	after := pending()
	addsUp(t, after)
	if moneyOf(after["total_refunds"].(string))-moneyOf(before["total_refunds"].(string)) != 1234 ||
		moneyOf(before["amount"].(string))-moneyOf(after["amount"].(string)) != 1234 {
		t.Fatalf("refund not in the pending payment: %v then %v", before, after)
	}
}

func TestDeterministicSeed(t *testing.T) {
	a, _ := encodeState(seedState(0, testNow))
	b, _ := encodeState(seedState(0, testNow))
	if !bytes.Equal(a, b) {
		t.Fatal("two seeds differ")
	}
	s1, s2 := newTestSandbox(t), newTestSandbox(t)
	r1 := get(t, s1, "sales/list_sales", url.Values{"pagesize": {"100"}, "cur_page": {"2"}})
	r2 := get(t, s2, "sales/list_sales", url.Values{"pagesize": {"100"}, "cur_page": {"2"}})
	if !bytes.Equal(r1.raw, r2.raw) {
		t.Fatal("two sandboxes answer differently")
	}
	// A large catalogue leaves the sales as they are.
	big := seedState(500, testNow)
	if len(big.Products) != len(seedState(0, testNow).Products)+500 {
		t.Fatalf("%d products", len(big.Products))
	}
	x, _ := json.Marshal(big.Sales)
	y, _ := json.Marshal(seedState(0, testNow).Sales)
	if !bytes.Equal(x, y) {
		t.Fatal("LargeCatalog changed the sales")
	}
	c, _ := encodeState(seedState(500, testNow))
	d, _ := encodeState(big)
	if !bytes.Equal(c, d) {
		t.Fatal("large catalogue not deterministic")
	}
}

func TestLargeCatalog(t *testing.T) {
	s := newTestSandbox(t, func(c *Config) { c.LargeCatalog = 5000 })
	res := get(t, s, "products/list_products", url.Values{"cur_page": {"251"}, "pagesize": {"20"}})
	res.wantOK(t, "")
	if obj(res.body["page_info"])["total_entries"] != strconv.Itoa(5000+21) {
		t.Fatal(obj(res.body["page_info"]))
	}
	res = get(t, s, "products/list_products", url.Values{"name": {"lamp"}, "sort_col": {"price"}, "sort_dir": {"desc"}})
	res.wantOK(t, "")
	if len(arr(res.body["products"])) == 0 {
		t.Fatal("filter found nothing")
	}
}

func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	s := newTestSandbox(t, func(c *Config) { c.StatePath = path })
	fx := s.SaleFixtures()
	seeded, err := os.ReadFile(path)
	if err != nil {
		t.Fatal("state not written at New:", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}

	post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "persist me")).wantOK(t, "")
	res := post(t, s, "products/create_product", form("name", "Persisted", "price", "2"))
	res.wantOK(t, "")
	pid := res.body["product_id"].(string)
	// A failed write changes nothing on disk.
	after, _ := os.ReadFile(path)
	post(t, s, "products/create_product", form("name", "x")).wantErr(t, 400, "PARAMETER_MISSING", "price")
	if again, _ := os.ReadFile(path); !bytes.Equal(after, again) {
		t.Fatal("failed call rewrote the state")
	}

	// A new sandbox on the same file sees both changes, and keeps counting ids.
	s2 := newTestSandbox(t, func(c *Config) { c.StatePath = path })
	if c := comments(t, s2, fx.Shipped); c[len(c)-1] != "persist me" {
		t.Fatalf("comments %q", c)
	}
	product(t, s2, pid)
	res = post(t, s2, "products/create_product", form("name", "Next", "price", "2"))
	if res.body["product_id"] == pid || res.body["assigned_product_id"] != "2561" {
		t.Fatalf("%v", res.body)
	}
	// Failed reauthorization attempts are persisted too (once-a-day rule).
	post(t, s2, "sales/reauth", form("sale_id", fx.ReauthFailed)).wantErr(t, 400, "FAILED", "")
	s3 := newTestSandbox(t, func(c *Config) { c.StatePath = path })
	post(t, s3, "sales/reauth", form("sale_id", fx.ReauthFailed)).wantErr(t, 400, "TOO_SOON", "")

	// Reset goes back to the seed, on disk as well, and zeroes the counters.
	if err := s3.Reset(); err != nil {
		t.Fatal(err)
	}
	if s3.Calls("reauth") != 0 {
		t.Fatal("calls not reset")
	}
	reset, _ := os.ReadFile(path)
	if !bytes.Equal(reset, seeded) {
		t.Fatal("reset state differs from the seed")
	}
	get(t, s3, "products/detail_product", form("product_id", pid)).wantErr(t, 400, "RECORD_NOT_FOUND", "")

	// A broken file is an error, not a silent reseed.
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Username: "u", Password: "p", StatePath: path}); err == nil {
		t.Fatal("broken state accepted")
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("files: %v", entries)
	}
}

// When the file cannot be written, the change is rolled back and the call
// fails.
func TestPersistFailureRollsBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	path := filepath.Join(dir, "state.json")
	s := newTestSandbox(t, func(c *Config) { c.StatePath = path })
	fx := s.SaleFixtures()
	// Turn the directory into a file: no write can succeed, even as root.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "lost")).
		wantErrMsg(t, 500, "INTERNAL_ERROR", "Failed to save the change.")
	for _, c := range comments(t, s, fx.Shipped) {
		if c == "lost" {
			t.Fatal("change kept in memory")
		}
	}
	// Reads still work, from the restored state.
	get(t, s, "products/list_products", nil).wantOK(t, "")
}

// Reads and writes from many goroutines; run with -race. (In memory: the
// state file is written under the same lock, and encoding it is slow under
// the race detector.)
func TestConcurrentUse(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				get(t, s, "products/list_products", nil).wantOK(t, "")
				get(t, s, "sales/detail_sale", form("sale_id", fx.Shipped)).wantOK(t, "")
				post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "c")).wantOK(t, "")
				post(t, s, "products/create_product", form("name", "p", "price", "1")).wantOK(t, "")
				if i == 0 && j == 5 {
					s.SetFaults(Faults{Latency: 1})
					_ = s.Faults()
					_ = s.SaleFixtures()
				}
			}
		}(i)
	}
	wg.Wait()
	if got := s.Calls("create_comment"); got != 80 {
		t.Fatalf("calls %d", got)
	}
	if n := len(comments(t, s, fx.Shipped)); n < 80 {
		t.Fatalf("%d comments", n)
	}
}

// The seed is dated from the moment the state is created: the same records
// with the same ids, every date moved by whole days, so fresh fixtures stay
// fresh whenever someone runs it.
func TestSeedFollowsTheClock(t *testing.T) {
	later := time.Date(2027, 8, 3, 15, 4, 5, 0, time.UTC)
	a := newTestSandbox(t)
	b := newTestSandbox(t, func(c *Config) { c.Now = func() time.Time { return later } })
	fa, fb := a.SaleFixtures(), b.SaleFixtures()
	if fb.CreatedAt != "2027-08-03T15:04:05Z" {
		t.Fatalf("created at %s", fb.CreatedAt)
	}
	fa.CreatedAt, fb.CreatedAt = "", ""
	ja, _ := json.Marshal(fa)
	jb, _ := json.Marshal(fb)
	if !bytes.Equal(ja, jb) {
		t.Fatal("fixtures differ with the clock")
	}
	days := daysFromRef(later)
	for i, ra := range a.st.Sales {
		rb := b.st.Sales[i]
		if ra.Sale.SaleID != rb.Sale.SaleID || shiftText(ra.Sale.DatePlaced, days) != rb.Sale.DatePlaced ||
			shiftText(ra.AuthExp, days) != rb.AuthExp || ra.Sale.Invoices[0].UsdTotal != rb.Sale.Invoices[0].UsdTotal {
			t.Fatalf("sale %d: %s %s / %s %s", i, ra.Sale.SaleID, ra.Sale.DatePlaced, rb.Sale.SaleID, rb.Sale.DatePlaced)
		}
	}
	if shiftText(*a.st.Payments[0].DatePaid, days) != *b.st.Payments[0].DatePaid {
		t.Fatal("payments not moved")
	}

	for _, s := range []*Sandbox{a, b} {
		now := s.now()
		today := now.UTC().Format(dateLayout)
		age := func(id string) int {
			placed, _ := time.Parse(tsLayout, s.idx.sales[id].Sale.DatePlaced)
			return int(now.UTC().Truncate(24*time.Hour).Sub(placed.Truncate(24*time.Hour)).Hours()) / 24
		}
		fx := s.SaleFixtures()
		if n := age(fx.TangibleOneInvoice); n != 4 {
			t.Fatalf("TangibleOneInvoice %d days old", n)
		}
		if n := age(fx.OldSale); n <= 180 {
			t.Fatalf("OldSale %d days old", n)
		}
		if exp := s.idx.sales[fx.AuthExpiring].AuthExp; exp != now.UTC().AddDate(0, 0, 1).Format(dateLayout) {
			t.Fatalf("AuthExpiring expires %s, created %s", exp, today)
		}
		for _, id := range []string{fx.TangibleTwoInvoices, fx.Intangible, fx.IntangibleTwoItems, fx.Recurring, fx.RecurringStopped,
			fx.PayPalRecurring, fx.DeclinedRecurring, fx.Shipped, fx.Fees, fx.Refunded, fx.PartiallyRefunded, fx.LineitemRefunded,
			fx.WithComments, fx.HostileCustomer, fx.FraudReview, fx.FraudFailed, fx.AuthExpired, fx.ReauthTooLate, fx.ReauthFailed} {
			if n := age(id); n < 0 || n > 100 {
				t.Fatalf("fixture %s is %d days old", id, n)
			}
		}
		// Nothing seeded happens after the creation moment.
		stamp := now.UTC().Format(tsLayout)
		for _, rec := range s.st.Sales {
			for _, c := range rec.Sale.Comments {
				if c.Timestamp > stamp {
					t.Fatalf("comment at %s", c.Timestamp)
				}
			}
			for _, inv := range rec.Sale.Invoices {
				if inv.DatePlaced > stamp || derefOr(inv.DateShipped, "") > today || derefOr(inv.DateVendorPaid, "") > today {
					t.Fatalf("invoice %s in the future", inv.InvoiceID)
				}
			}
		}
	}
}

// detail_sale lists comments newest first, seeded ones too.
func TestCommentsNewestFirst(t *testing.T) {
	s := newTestSandbox(t)
	for _, rec := range s.st.Sales {
		cs := rec.Sale.Comments
		for i := 1; i < len(cs); i++ {
			if cs[i-1].Timestamp < cs[i].Timestamp {
				t.Fatalf("sale %s: comments out of order", rec.Sale.SaleID)
			}
		}
	}
	fx := s.SaleFixtures()
	if c := comments(t, s, fx.WithComments); len(c) != 3 || c[2] != supportComments[2] {
		t.Fatalf("with_comments %q", c)
	}
}
