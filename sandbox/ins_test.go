package sandbox

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is an INS endpoint that records what it is sent and answers
// with the status fail returns (200 when fail is nil).
type receiver struct {
	mu    sync.Mutex
	posts []received
	fail  func(n int) int
	srv   *httptest.Server
}

type received struct {
	contentType string
	body        string
	form        url.Values
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := len(rc.posts)
		status := 200
		if rc.fail != nil {
			status = rc.fail(n)
		}
		if status == 200 {
			f, _ := url.ParseQuery(string(b))
			rc.posts = append(rc.posts, received{r.Header.Get("Content-Type"), string(b), f})
		} else {
			rc.posts = append(rc.posts, received{}) // counted, not kept
		}
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// got returns the messages received with a 200, in arrival order.
func (rc *receiver) got() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []received
	for _, p := range rc.posts {
		if p.body != "" {
			out = append(out, p)
		}
	}
	return out
}

// clock is a settable clock for the sandbox.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// waitUntil polls cond for up to 5 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// insCommon is ins.md's list of the parameters every message carries, in
// order, then item_count.
var insCommon = strings.Fields(`message_type message_description timestamp md5_hash message_id key_count vendor_id
	sale_id sale_date_placed vendor_order_id invoice_id recurring payment_type list_currency cust_currency auth_exp
	invoice_status fraud_status invoice_list_amount invoice_usd_amount invoice_cust_amount customer_first_name
	customer_last_name customer_name customer_email customer_phone customer_ip customer_ip_country bill_street_address
	bill_street_address2 bill_city bill_state bill_postal_code bill_country ship_status ship_tracking_number ship_name
	ship_street_address ship_street_address2 ship_city ship_state ship_postal_code ship_country item_count`)

var insItem = strings.Fields(`item_name item_id item_list_amount item_usd_amount item_cust_amount item_type item_duration
	item_recurrence item_rec_list_amount item_rec_status item_rec_date_next item_rec_install_billed`)

var insTimestampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T$`)

// checkMessage checks a received body has exactly the documented keys, in
// order, a right key_count and md5_hash, and the Eastern timestamp.
func checkMessage(t *testing.T, m received) url.Values {
	t.Helper()
	if m.contentType != "application/x-www-form-urlencoded" {
		t.Fatalf("content type %q", m.contentType)
	}
	var keys []string
	for _, kv := range strings.Split(m.body, "&") {
		k, _, _ := strings.Cut(kv, "=")
		keys = append(keys, k)
	}
	f := m.form
	n, _ := strconv.Atoi(f.Get("item_count"))
	want := append([]string{}, insCommon...)
	for i := 1; i <= n; i++ {
		for _, k := range insItem {
			want = append(want, k+"_"+strconv.Itoa(i))
		}
	}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Fatalf("keys\n got %v\nwant %v", keys, want)
	}
	if f.Get("key_count") != strconv.Itoa(len(keys)) {
		t.Fatalf("key_count %s for %d keys", f.Get("key_count"), len(keys))
	}
	sum := md5.Sum([]byte(f.Get("sale_id") + f.Get("vendor_id") + f.Get("invoice_id") + "wh1sky"))
	if f.Get("md5_hash") != strings.ToUpper(hex.EncodeToString(sum[:])) || f.Get("vendor_id") != "1234567" {
		t.Fatalf("md5_hash %s", f.Get("md5_hash"))
	}
	if !insTimestampRE.MatchString(f.Get("timestamp")) {
		t.Fatalf("timestamp %q", f.Get("timestamp"))
	}
	return f
}

// The hash as the vendor's own tests compute it, on their data.
func TestINSHash(t *testing.T) {
	for _, c := range []struct{ sale, vendor, invoice, secret, want string }{
		{"4774380224", "1817037", "4774380233", "tango", "566C45D68B75357AD43F9010CFFE8CF5"}, // PHP test/NotificationTest.php
		{"4789848870", "1817037", "4789848879", "tango", "827220324C722873694758F38D8D3624"}, // RUBY test
	} {
		if got := insHash(c.sale, c.vendor, c.invoice, c.secret); got != c.want {
			t.Errorf("insHash(%s) = %s, want %s", c.sale, got, c.want)
		}
	}
	winter := time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)
	summer := time.Date(2027, 7, 1, 16, 30, 5, 0, time.UTC)
	if got := insTimestamp(winter); got != "2026-12-02 12:00:00 EST" {
		t.Error(got)
	}
	if got := insTimestamp(summer); got != "2027-07-01 12:30:05 EDT" {
		t.Error(got)
	}
	if got := insDate("2026-12-03 03:00:00"); got != "2026-12-02" {
		t.Errorf("Eastern day of 03:00 UTC: %s", got)
	}
}

// The sandbox's own events reach the receiver exactly as the service sends
// them.
func TestINSForAPIEvents(t *testing.T) {
	rc := newReceiver(t)
	s := newTestSandbox(t, func(c *Config) { c.INSURL = rc.srv.URL + "/ins" })
	fx := s.SaleFixtures()

	// Failed calls send nothing.
	post(t, s, "sales/mark_shipped", form("sale_id", fx.Intangible, "tracking_number", "1Z")).wantErr(t, 400, "NOTHING_TO_DO", "")
	post(t, s, "sales/refund_invoice", form("sale_id", fx.Refunded, "comment", "c", "category", "1")).wantErr(t, 400, "NOTHING_TO_DO", "")

	post(t, s, "sales/mark_shipped", form("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z999AA10123456784")).wantOK(t, "")
	waitUntil(t, "two messages", func() bool { return len(rc.got()) == 2 })
	ship, status := checkMessage(t, rc.got()[0]), checkMessage(t, rc.got()[1])
	inv := fx.Invoices[fx.TangibleOneInvoice][0]
	if ship.Get("message_type") != "SHIP_STATUS_CHANGED" || ship.Get("message_description") != "Order ship status changed" ||
		ship.Get("ship_status") != "shipped" || ship.Get("ship_tracking_number") != "1Z999AA10123456784" ||
		ship.Get("sale_id") != fx.TangibleOneInvoice || ship.Get("invoice_id") != inv || ship.Get("fraud_status") != "pass" ||
		ship.Get("invoice_status") != "pending" || ship.Get("payment_type") != "credit card" || ship.Get("list_currency") != "USD" ||
		ship.Get("auth_exp") != "2026-11-23" || ship.Get("sale_date_placed") != "2026-11-16" || ship.Get("bill_country") != "USA" {
		t.Fatalf("ship message %v", ship)
	}
	if status.Get("message_type") != "INVOICE_STATUS_CHANGED" || status.Get("invoice_status") != "pending" {
		t.Fatalf("status message %v", status)
	}
	first, _ := strconv.ParseInt(ship.Get("message_id"), 10, 64)
	if second, _ := strconv.ParseInt(status.Get("message_id"), 10, 64); second != first+1 {
		t.Fatalf("message ids %d %d", first, second)
	}
	n, _ := strconv.Atoi(ship.Get("item_count"))
	sl := s.idx.sales[fx.TangibleOneInvoice].Sale.Invoices[0]
	if n != len(sl.Lineitems) || ship.Get("item_type_1") != "bill" || ship.Get("item_name_1") != sl.Lineitems[0].ProductName ||
		ship.Get("item_id_1") != *sl.Lineitems[0].VendorProductID || ship.Get("item_name_"+strconv.Itoa(n)) != "Shipping Fee" ||
		ship.Get("item_id_"+strconv.Itoa(n)) != "" {
		t.Fatalf("items of the ship message %v", ship)
	}

	// A refund: item-level, the refund item alone.
	post(t, s, "sales/refund_invoice", form("sale_id", fx.Intangible, "amount", "20.00", "currency", "usd", "comment", "c", "category", "1")).wantOK(t, "")
	waitUntil(t, "the refund message", func() bool { return len(rc.got()) == 3 })
	r := checkMessage(t, rc.got()[2])
	if r.Get("message_type") != "REFUND_ISSUED" || r.Get("message_description") != "Refund issued" || r.Get("item_count") != "1" ||
		r.Get("item_type_1") != "refund" || r.Get("item_usd_amount_1") != "20.00" || r.Get("ship_status") != "" {
		t.Fatalf("refund message %v", r)
	}
	// Stopping recurring billing: the stopped item alone.
	post(t, s, "sales/stop_lineitem_recurring", form("lineitem_id", fx.RecurringLineitem)).wantOK(t, "")
	waitUntil(t, "the stop message", func() bool { return len(rc.got()) == 4 })
	st := checkMessage(t, rc.got()[3])
	if st.Get("message_type") != "RECURRING_STOPPED" || st.Get("message_description") != "Recurring order stopped" ||
		st.Get("item_count") != "1" || st.Get("item_name_1") != "Example Product" || st.Get("item_rec_status_1") != "canceled" ||
		st.Get("item_recurrence_1") != "1 Month" || st.Get("item_rec_install_billed_1") != "3" || st.Get("recurring") != "1" ||
		st.Get("invoice_id") != fx.Invoices[fx.Recurring][2] {
		t.Fatalf("stop message %v", st)
	}
	// The receiver sees a message before the sandbox records its answer.
	waitUntil(t, "every delivery recorded as sent", func() bool {
		for _, d := range s.INSDeliveries() {
			if d.Status != "sent" {
				return false
			}
		}
		return true
	})
	for _, d := range s.INSDeliveries() {
		if d.Attempts != 1 || d.Posts != 1 {
			t.Fatalf("delivery %+v", d)
		}
	}
}

// Without a URL nothing is sent, but the messages are recorded.
func TestINSWithoutURL(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()
	post(t, s, "sales/mark_shipped", form("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z")).wantOK(t, "")
	ds := s.INSDeliveries()
	if len(ds) != 2 || ds[0].Status != "unsent" || ds[0].Attempts != 0 || ds[0].Param("message_type") != "SHIP_STATUS_CHANGED" {
		t.Fatalf("%+v", ds)
	}
	if n := s.DeliverINS(context.Background()); n != 0 {
		t.Fatalf("delivered %d without a URL", n)
	}
	if _, err := New(Config{Username: "u", Password: "p", INSURL: "ftp://example.com/ins"}); err == nil {
		t.Fatal("a non-HTTP INS URL was accepted")
	}
}

// Failed deliveries are retried with backoff and given up after
// maxINSAttempts; the clock decides when a retry is due.
func TestINSRetries(t *testing.T) {
	rc := newReceiver(t)
	rc.fail = func(n int) int {
		if n < 2 {
			return 500
		}
		return 200
	}
	clk := &clock{t: testNow}
	s := newTestSandbox(t, func(c *Config) { c.INSURL = rc.srv.URL; c.Now = clk.now })
	_ = s.Close() // drive deliveries by hand
	fx := s.SaleFixtures()
	ctx := context.Background()
	if _, err := s.SendINS(ctx, INSEvent{Type: INSShipStatusChanged, SaleID: fx.TangibleOneInvoice}); err != nil {
		t.Fatal(err)
	}
	d := s.INSDeliveries()[0]
	if d.Status != "pending" || d.Attempts != 1 || d.LastError != "HTTP 500" || !d.NextAttempt.Equal(testNow.Add(15*time.Second)) {
		t.Fatalf("after the first attempt %+v", d)
	}
	clk.add(14 * time.Second)
	if n := s.deliverDue(ctx); n != 0 {
		t.Fatal("retried before its time")
	}
	clk.add(time.Second)
	if n := s.deliverDue(ctx); n != 1 {
		t.Fatal("not retried when due")
	}
	clk.add(time.Minute)
	s.deliverDue(ctx)
	d = s.INSDeliveries()[0]
	if d.Status != "sent" || d.Attempts != 3 || d.LastError != "" || len(rc.got()) != 1 {
		t.Fatalf("after the third attempt %+v", d)
	}
	checkMessage(t, rc.got()[0])

	// A receiver that never answers 2xx: given up after maxINSAttempts.
	rc.mu.Lock()
	rc.fail = func(int) int { return 503 }
	rc.mu.Unlock()
	if _, err := s.SendINS(ctx, INSEvent{Type: INSInvoiceStatusChanged, SaleID: fx.Shipped}); err != nil {
		t.Fatal(err)
	}
	for i := range insBackoff {
		clk.add(insBackoff[i])
		if n := s.deliverDue(ctx); n != 1 {
			t.Fatalf("attempt %d not made", i+2)
		}
	}
	d = s.INSDeliveries()[1]
	if d.Status != "failed" || d.Attempts != maxINSAttempts || d.LastError != "HTTP 503" {
		t.Fatalf("after giving up %+v", d)
	}
	clk.add(24 * time.Hour)
	if s.deliverDue(ctx) != 0 || s.DeliverINS(ctx) != 0 {
		t.Fatal("a given-up message was tried again")
	}
	// A receiver that is down: the error says so without the URL.
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/secret-token"
	down.Close()
	s2 := newTestSandbox(t, func(c *Config) { c.INSURL = downURL; c.Now = clk.now })
	_ = s2.Close()
	d2, _ := s2.SendINS(ctx, INSEvent{Type: INSOrderCreated, SaleID: fx.Shipped})
	if d2.Status != "pending" || !strings.HasPrefix(d2.LastError, "no answer") || strings.Contains(d2.LastError, "secret-token") {
		t.Fatalf("receiver down: %+v", d2)
	}
}

// Pending deliveries live in the state: a restart sends them.
func TestINSQueueSurvivesRestart(t *testing.T) {
	path := t.TempDir() + "/state.json"
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	s := newTestSandbox(t, func(c *Config) { c.StatePath = path; c.INSURL = down.URL })
	fx := s.SaleFixtures()
	post(t, s, "sales/mark_shipped", form("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z")).wantOK(t, "")
	waitUntil(t, "the first attempts", func() bool {
		ds := s.INSDeliveries()
		return len(ds) == 2 && ds[0].Attempts == 1 && ds[1].Attempts == 1
	})
	before := s.INSDeliveries()
	_ = s.Close()

	rc := newReceiver(t)
	s2 := newTestSandbox(t, func(c *Config) { c.StatePath = path; c.INSURL = rc.srv.URL })
	_ = s2.Close()
	if n := s2.DeliverINS(context.Background()); n != 2 {
		t.Fatalf("%d pending after the restart", n)
	}
	got := rc.got()
	if len(got) != 2 || got[0].body != before[0].Body || got[1].body != before[1].Body {
		t.Fatal("the restarted sandbox sent something else")
	}
	if ds := s2.INSDeliveries(); ds[0].Status != "sent" || ds[0].Attempts != 2 {
		t.Fatalf("%+v", ds[0])
	}
}

func TestINSFaults(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{{"drop", "drop", true}, {"duplicate=0.5, reorder", "duplicate=0.5,reorder", true}, {"", "", true},
		{"lose", "", false}, {"drop=2", "", false}, {"drop=x", "", false}} {
		f, err := ParseINSFaults(c.in)
		if (err == nil) != c.ok || (c.ok && f.String() != c.want) {
			t.Errorf("ParseINSFaults(%q) = %v, %v", c.in, f, err)
		}
	}
	ctx := context.Background()
	setup := func(t *testing.T, f INSFaults) (*Sandbox, *receiver, Fixtures) {
		rc := newReceiver(t)
		s := newTestSandbox(t, func(c *Config) { c.INSURL = rc.srv.URL })
		_ = s.Close()
		s.SetFaults(Faults{INS: f})
		return s, rc, s.SaleFixtures()
	}
	t.Run("drop", func(t *testing.T) {
		s, rc, fx := setup(t, INSFaults{Drop: 1})
		d, _ := s.SendINS(ctx, INSEvent{Type: INSOrderCreated, SaleID: fx.Shipped})
		if d.Status != "dropped" || len(rc.got()) != 0 || s.DeliverINS(ctx) != 0 {
			t.Fatalf("%+v, %d received", d, len(rc.got()))
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		s, rc, fx := setup(t, INSFaults{Duplicate: 1})
		d, _ := s.SendINS(ctx, INSEvent{Type: INSOrderCreated, SaleID: fx.Shipped})
		got := rc.got()
		if d.Status != "sent" || d.Posts != 2 || len(got) != 2 || got[0].body != got[1].body {
			t.Fatalf("%+v, %d received", d, len(got))
		}
	})
	t.Run("reorder", func(t *testing.T) {
		clk := &clock{t: testNow}
		rc := newReceiver(t)
		s := newTestSandbox(t, func(c *Config) { c.INSURL = rc.srv.URL; c.Now = clk.now })
		_ = s.Close()
		s.SetFaults(Faults{INS: INSFaults{Reorder: 1}})
		fx := s.SaleFixtures()
		post(t, s, "sales/mark_shipped", form("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z")).wantOK(t, "")
		post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "no message")).wantOK(t, "")
		if n := s.deliverDue(ctx); n != 2 {
			t.Fatalf("%d attempted", n)
		}
		got := rc.got()
		a, _ := strconv.Atoi(got[0].form.Get("message_id"))
		b, _ := strconv.Atoi(got[1].form.Get("message_id"))
		if len(got) != 2 || a != b+1 {
			t.Fatalf("not reordered: %d then %d", a, b)
		}
		// A lone message is held back until a later one can overtake it.
		post(t, s, "sales/stop_lineitem_recurring", form("lineitem_id", fx.RecurringLineitem)).wantOK(t, "")
		if n := s.deliverDue(ctx); n != 0 {
			t.Fatal("a lone message was not held")
		}
		clk.add(reorderHold)
		if n := s.deliverDue(ctx); n != 1 {
			t.Fatal("held for ever")
		}
	})
	t.Run("control endpoint", func(t *testing.T) {
		s, _, _ := setup(t, INSFaults{})
		code, f := control(t, s, "POST", "/_sandbox/faults", url.Values{"ins_fault": {"drop=0.25,duplicate"}}, true)
		if code != 200 || f["ins_fault"] != "drop=0.25,duplicate" || s.Faults().INS.Drop != 0.25 {
			t.Fatalf("%d %v", code, f)
		}
		if code, _ = control(t, s, "POST", "/_sandbox/faults", url.Values{"ins_fault": {"scramble"}}, true); code != 400 {
			t.Fatalf("bad fault: %d", code)
		}
		if _, f = control(t, s, "POST", "/_sandbox/faults", url.Values{"latency": {"1ms"}}, true); f["ins_fault"] != "drop=0.25,duplicate" {
			t.Fatal("an absent ins_fault was cleared")
		}
	})
}

// The test hook: send a given event now, through Go and the control
// endpoint; fraud statuses are kept per sale.
func TestSendINS(t *testing.T) {
	rc := newReceiver(t)
	s := newTestSandbox(t, func(c *Config) { c.INSURL = rc.srv.URL })
	_ = s.Close()
	fx := s.SaleFixtures()
	ctx := context.Background()
	if s.FraudStatus(fx.FraudReview) != "wait" || s.FraudStatus(fx.Shipped) != "pass" || s.FraudStatus(fx.FraudFailed) != "fail" || s.FraudStatus("1") != "" {
		t.Fatal("seeded fraud statuses")
	}
	d, err := s.SendINS(ctx, INSEvent{Type: INSFraudStatusChanged, SaleID: fx.FraudReview})
	if err != nil || d.Status != "sent" || d.Param("fraud_status") != "wait" || d.Param("ship_status") != "not_shipped" {
		t.Fatalf("%+v %v", d, err)
	}
	checkMessage(t, rc.got()[0])
	d, _ = s.SendINS(ctx, INSEvent{Type: INSFraudStatusChanged, SaleID: fx.FraudReview, FraudStatus: "pass"})
	if d.Param("fraud_status") != "pass" || s.FraudStatus(fx.FraudReview) != "pass" {
		t.Fatal("pass not kept")
	}
	// A fail cancels the order: declined, refunded, three messages.
	n := len(rc.got())
	if _, err := s.SendINS(ctx, INSEvent{Type: INSFraudStatusChanged, SaleID: fx.TangibleOneInvoice, FraudStatus: "fail"}); err != nil {
		t.Fatal(err)
	}
	s.DeliverINS(ctx)
	var types []string
	for _, m := range rc.got()[n:] {
		types = append(types, checkMessage(t, m).Get("message_type"))
	}
	if strings.Join(types, ",") != "FRAUD_STATUS_CHANGED,INVOICE_STATUS_CHANGED,REFUND_ISSUED" {
		t.Fatalf("messages %v", types)
	}
	inv := invoiceOf(t, s, fx.TangibleOneInvoice, 0)
	if inv["status"] != "declined" || leftOf(inv) != 0 {
		t.Fatalf("after fail: %v", inv["status"])
	}
	post(t, s, "sales/mark_shipped", form("sale_id", fx.TangibleOneInvoice, "tracking_number", "1Z")).wantErrMsg(t, 400, "NOTHING_TO_DO", "Item not shippable.")
	for _, bad := range []INSEvent{{Type: "RECURRING_COMPLETE", SaleID: fx.Shipped}, {Type: INSOrderCreated, SaleID: "1"},
		{Type: INSRefundIssued, SaleID: fx.Shipped}, {Type: INSRecurringStopped, SaleID: fx.Shipped},
		{Type: INSFraudStatusChanged, SaleID: fx.Shipped, FraudStatus: "maybe"},
		{Type: INSOrderCreated, SaleID: fx.Shipped, InvoiceID: fx.Invoices[fx.Recurring][0]}} {
		if _, err := s.SendINS(ctx, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}

	// The control endpoints.
	code, body := control(t, s, "POST", "/_sandbox/ins", url.Values{"message_type": {"REFUND_ISSUED"}, "sale_id": {fx.Refunded}}, true)
	if code != 200 || body["status"] != "sent" || body["message_type"] != "REFUND_ISSUED" {
		t.Fatalf("%d %v", code, body)
	}
	if code, body = control(t, s, "POST", "/_sandbox/ins", url.Values{"message_type": {"NOPE"}, "sale_id": {fx.Refunded}}, true); code != 400 || body["error"] == nil {
		t.Fatalf("%d %v", code, body)
	}
	code, body = control(t, s, "GET", "/_sandbox/ins", nil, true)
	msgs, _ := body["messages"].([]any)
	if code != 200 || body["receiver_configured"] != true || len(msgs) != len(s.INSDeliveries()) {
		t.Fatalf("%d %v", code, body)
	}
	all := s.INSDeliveries()
	code, body = control(t, s, "GET", "/_sandbox/ins?since="+strconv.FormatInt(all[len(all)-2].MessageID, 10), nil, true)
	if msgs, _ = body["messages"].([]any); code != 200 || len(msgs) != 1 || obj(msgs[0])["message_id"] != float64(all[len(all)-1].MessageID) {
		t.Fatalf("since: %d %v", code, body)
	}
	if code, body = control(t, s, "POST", "/_sandbox/ins/deliver", nil, true); code != 200 || body["attempted"] != float64(0) {
		t.Fatalf("%d %v", code, body)
	}
	if code, _ = control(t, s, "GET", "/_sandbox/ins", nil, false); code != 401 {
		t.Fatalf("unauthenticated: %d", code)
	}
	// Reset keeps the message counter going up.
	last := s.INSDeliveries()
	lastID := last[len(last)-1].MessageID
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	d, _ = s.SendINS(ctx, INSEvent{Type: INSOrderCreated, SaleID: fx.Shipped})
	if d.MessageID <= lastID || len(s.INSDeliveries()) != 1 {
		t.Fatalf("after reset message %d, before %d", d.MessageID, lastID)
	}
}

// The order generator: new orders with their messages, fraud holds that
// resolve, invoices that move on.
func TestOrderGenerator(t *testing.T) {
	rc := newReceiver(t)
	clk := &clock{t: testNow}
	s := newTestSandbox(t, func(c *Config) { c.INSURL = rc.srv.URL; c.Now = clk.now })
	_ = s.Close()
	ctx := context.Background()
	var orders []string
	for i := 0; i < 40; i++ {
		id, err := s.OrderStep()
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, id)
		s.DeliverINS(ctx)
		clk.add(30 * time.Second)
	}
	bySale := map[string][]url.Values{}
	lastID := 0
	for _, m := range rc.got() {
		f := checkMessage(t, m)
		id, _ := strconv.Atoi(f.Get("message_id"))
		if id <= lastID {
			t.Fatal("message ids do not increase")
		}
		lastID = id
		bySale[f.Get("sale_id")] = append(bySale[f.Get("sale_id")], f)
	}
	tangible, intangible, held, failed, deposited := 0, 0, 0, 0, 0
	for i, id := range orders {
		ms := bySale[id]
		if len(ms) < 2 || ms[0].Get("message_type") != "ORDER_CREATED" || ms[0].Get("fraud_status") != "wait" ||
			ms[1].Get("message_type") != "FRAUD_STATUS_CHANGED" {
			t.Fatalf("order %s: %v", id, ms)
		}
		if ms[0].Get("ship_status") == "not_shipped" {
			tangible++
		} else {
			intangible++
		}
		var last string
		for _, m := range ms {
			if m.Get("message_type") == "FRAUD_STATUS_CHANGED" {
				last = m.Get("fraud_status")
			}
		}
		if s.FraudStatus(id) != last {
			t.Fatalf("order %s: kept %s, last sent %s", id, s.FraudStatus(id), last)
		}
		if ms[1].Get("fraud_status") == "wait" {
			held++
			if i < len(orders)-3 && last == "wait" {
				t.Fatalf("order %s held for ever", id)
			}
		}
		if last == "fail" {
			failed++
			sl := sale(t, s, id)
			if obj(arr(sl["invoices"])[0])["status"] != "declined" {
				t.Fatalf("failed order %s not declined", id)
			}
		}
		for _, m := range ms {
			if m.Get("message_type") == "INVOICE_STATUS_CHANGED" && m.Get("invoice_status") == "deposited" {
				deposited++
			}
		}
	}
	if tangible == 0 || intangible == 0 || held == 0 || failed == 0 || deposited == 0 {
		t.Fatalf("tangible %d intangible %d held %d failed %d deposited %d", tangible, intangible, held, failed, deposited)
	}
	// The newest order is the newest sale, with its fields as any other.
	res := get(t, s, "sales/list_sales", form("pagesize", "1"))
	if obj(arr(res.body["sale_summary"])[0])["sale_id"] != orders[len(orders)-1] {
		t.Fatal("the newest order is not listed first")
	}
	wantKeys(t, "generated sale", sale(t, s, orders[0]), saleKeys...)
	// A shipped tangible order is deposited a step later.
	var toShip string
	for _, id := range orders {
		if rec := s.idx.sales[id]; rec.FraudStatus == "pass" && rec.Sale.Invoices[0].Status == "approved" && invoiceTangible(rec.Sale.Invoices[0]) {
			toShip = id
		}
	}
	post(t, s, "sales/mark_shipped", form("sale_id", toShip, "tracking_number", "1Z")).wantOK(t, "")
	clk.add(30 * time.Second)
	if _, err := s.OrderStep(); err != nil {
		t.Fatal(err)
	}
	if st := s.idx.sales[toShip].Sale.Invoices[0].Status; st != "deposited" {
		t.Fatalf("shipped order %s", st)
	}

	// Deterministic given the clock.
	s2 := newTestSandbox(t, func(c *Config) { c.Now = func() time.Time { return testNow } })
	s3 := newTestSandbox(t, func(c *Config) { c.Now = func() time.Time { return testNow } })
	for i := 0; i < 5; i++ {
		a, _ := s2.OrderStep()
		b, _ := s3.OrderStep()
		if a != b || s2.FraudStatus(a) != s3.FraudStatus(b) {
			t.Fatal("the generator is not deterministic")
		}
	}
}

// With OrdersEvery set, orders arrive by themselves, and Close stops them.
func TestOrdersEvery(t *testing.T) {
	rc := newReceiver(t)
	s := newTestSandbox(t, func(c *Config) { c.INSURL = rc.srv.URL; c.OrdersEvery = 20 * time.Millisecond; c.Now = time.Now })
	waitUntil(t, "an order and its messages", func() bool { return len(rc.got()) >= 2 })
	m := checkMessage(t, rc.got()[0])
	if m.Get("message_type") != "ORDER_CREATED" {
		t.Fatalf("first message %s", m.Get("message_type"))
	}
	_ = s.Close()
	n := len(s.INSDeliveries())
	time.Sleep(100 * time.Millisecond)
	if len(s.INSDeliveries()) != n {
		t.Fatal("orders kept coming after Close")
	}
	if _, err := New(Config{Username: "u", Password: "p", OrdersEvery: -time.Second}); err == nil {
		t.Fatal("a negative OrdersEvery was accepted")
	}
}
