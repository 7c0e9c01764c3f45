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
	if p["amount"] != "999.99" || p["payment_id"] != "2436561667" {
		t.Fatalf("%v", p)
	}

	res = post(t, s, "acct/list_payments", url.Values{"vendor_id": {"1"}})
	res.wantOK(t, "payments retrieved")
	ps := arr(res.body["payments"])
	if len(ps) < 2 || obj(ps[0])["payment_id"] != "4681565342" || obj(ps[0])["date_paid"] != nil {
		t.Fatalf("%v", ps)
	}
	for _, e := range ps {
		wantKeys(t, "payments entry", obj(e), "amount", "date_paid", "date_reserve_released", "date_voided", "payment_id",
			"payment_identifier", "payment_type", "reserve_held", "total_adjustments", "total_balance_forward",
			"total_chargeback_fees", "total_commissions", "total_fees", "total_outgoing_commissions", "total_refunds",
			"total_reserve_released", "total_sales", "void")
		// The invented entries add up.
		m := obj(e)
		sum := moneyOf(m["total_sales"].(string)) - moneyOf(m["total_refunds"].(string)) - moneyOf(m["total_fees"].(string)) -
			moneyOf(m["reserve_held"].(string)) + moneyOf(m["total_reserve_released"].(string)) -
			moneyOf(m["total_chargeback_fees"].(string)) - moneyOf(m["total_outgoing_commissions"].(string))
		if sum != moneyOf(m["amount"].(string)) {
			t.Fatalf("payment %v does not add up: %d", m["payment_id"], sum)
		}
	}
}

func TestDeterministicSeed(t *testing.T) {
	a, _ := encodeState(seedState(0))
	b, _ := encodeState(seedState(0))
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
	big := seedState(500)
	if len(big.Products) != len(seedState(0).Products)+500 {
		t.Fatalf("%d products", len(big.Products))
	}
	x, _ := json.Marshal(big.Sales)
	y, _ := json.Marshal(seedState(0).Sales)
	if !bytes.Equal(x, y) {
		t.Fatal("LargeCatalog changed the sales")
	}
	c, _ := encodeState(seedState(500))
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
	get(t, s3, "products/detail_product", form("product_id", pid)).wantErr(t, 404, "RECORD_NOT_FOUND", "")

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
