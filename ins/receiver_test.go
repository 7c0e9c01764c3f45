package ins_test

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/ins"
	"backoffice/sandbox"
	"backoffice/store"
	"backoffice/store/storetest"
)

const apiUser, apiPass = "ins-test", "ins-test-password-1"

// env is a receiver as the panel wires it: the real sandbox behind HTTP as
// the Admin API (its secret word signs the messages), a real store.
type env struct {
	sb       *sandbox.Sandbox
	api      *apiclient.Client
	st       *store.Store
	rcv      *ins.Receiver
	ledger   *ins.Ledger
	vendorID string
	secret   string
	fx       sandbox.Fixtures
}

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Username: apiUser, Password: apiPass, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	api, err := apiclient.New(ts.URL+"/api", apiUser, apiPass, apiclient.WithRetry(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	co, err := api.CompanyInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	v := ins.NewVerifier(api, ins.VerifierOptions{Now: func() time.Time { return now }})
	return &env{sb: sb, api: api, st: st, vendorID: co.VendorID.Value, secret: co.SecretWord.Reveal(), fx: sb.SaleFixtures(),
		rcv: ins.NewReceiver(st, v, ins.ReceiverOptions{Now: func() time.Time { return now }}), ledger: ins.NewLedger(st)}
}

// msg builds a tangible invoice-level message for a sale of the sandbox, as
// the service would send it, signed with the sandbox's secret word.
func (e *env) msg(id int, typ, sale, invoice, timestamp string, extra ...string) url.Values {
	v := url.Values{
		"message_type": {typ}, "message_description": {"test"}, "timestamp": {timestamp},
		"message_id": {strconv.Itoa(id)}, "vendor_id": {e.vendorID}, "sale_id": {sale}, "invoice_id": {invoice},
		"sale_date_placed": {"2026-11-10"}, "invoice_status": {"approved"}, "fraud_status": {"pass"},
		"invoice_list_amount": {"49.00"}, "list_currency": {"USD"}, "customer_name": {"Ann Packer"},
		"ship_status": {"not_shipped"}, "ship_city": {"Columbus"}, "ship_state": {"OH"}, "ship_country": {"USA"},
		"item_count": {"1"}, "item_name_1": {"Brass Buddha"}, "item_type_1": {"bill"}, "item_list_amount_1": {"49.00"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	v.Set("md5_hash", ins.Signature(sale, e.vendorID, invoice, e.secret))
	return v
}

func (e *env) receive(t *testing.T, body string) (ins.Receipt, error) {
	t.Helper()
	return e.rcv.Receive(t.Context(), "application/x-www-form-urlencoded", strings.NewReader(body))
}

func refused(t *testing.T, err error, reason ins.Reason, status int) {
	t.Helper()
	var re *ins.RefusedError
	if !errors.As(err, &re) || re.Reason != reason || re.Status() != status {
		t.Fatalf("Receive = %v; want refused for %s with %d", err, reason, status)
	}
}

func eachStore(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.Postgres(t)) })
}

func TestReceiver(t *testing.T) {
	eachStore(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ctx := t.Context()
		sale := e.fx.TangibleOneInvoice
		invoice := e.fx.Invoices[sale][0]

		// A message signed with the sandbox's secret word is accepted and
		// stored before Receive returns.
		order := e.msg(1, ins.OrderCreated, sale, invoice, "2026-11-10 09:14:00 EST").Encode()
		r, err := e.receive(t, order)
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		if r.Duplicate || r.MessageID != 1 || r.SaleID != sale || r.InvoiceID != invoice || r.Type != ins.OrderCreated {
			t.Errorf("receipt = %+v", r)
		}
		stored, err := st.INSMessage(ctx, 1)
		if err != nil || stored.Params != order {
			t.Fatalf("stored message = %+v, %v; want the body as received", stored, err)
		}
		// A replay is answered as accepted and stored once.
		r, err = e.receive(t, order)
		if err != nil || !r.Duplicate {
			t.Fatalf("replay: %+v, %v; want accepted as a duplicate", r, err)
		}
		tl, err := e.ledger.Timeline(ctx, sale, 0)
		if err != nil || len(tl) != 1 {
			t.Fatalf("timeline after a replay: %d events, %v; want 1", len(tl), err)
		}

		// The same message with one character of the hash changed, under a
		// new message id: refused with 403, stored nowhere.
		forged := e.msg(2, ins.ShipStatusChanged, sale, invoice, "2026-11-10 10:00:00 EST", "ship_status", "shipped")
		h := forged.Get("md5_hash")
		c := "0"
		if h[5] == '0' {
			c = "1"
		}
		forged.Set("md5_hash", h[:5]+c+h[6:])
		_, err = e.receive(t, forged.Encode())
		refused(t, err, ins.ReasonHashWrong, 403)
		if _, err := st.INSMessage(ctx, 2); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a refused message was stored: %v", err)
		}
		if tl, _ := e.ledger.Timeline(ctx, sale, 0); len(tl) != 1 {
			t.Errorf("timeline after a forged message: %d events; want 1", len(tl))
		}
		picks, _ := st.OpenPicks(ctx, 0)
		if len(picks) != 1 || picks[0].InvoiceID != invoice {
			t.Errorf("pick list after a forged SHIP_STATUS_CHANGED: %+v; want the order still there", picks)
		}
		// detail_company_info: once for the first message, once again for
		// the mismatch (the word might have changed), not for the replay.
		if n := e.sb.Calls("detail_company_info"); n != 2 {
			t.Errorf("detail_company_info called %d times; want 2", n)
		}

		missing := e.msg(3, ins.OrderCreated, sale, invoice, "2026-11-10 09:14:00 EST")
		missing.Del("md5_hash")
		_, err = e.receive(t, missing.Encode())
		refused(t, err, ins.ReasonHashMissing, 403)
		_, err = e.receive(t, order+"&pad="+strings.Repeat("x", ins.MaxBodySize))
		refused(t, err, ins.ReasonOversize, 400)
		_, err = e.receive(t, order+"&note=%zz")
		refused(t, err, ins.ReasonMalformed, 400)
		_, err = e.rcv.Receive(ctx, "application/json", strings.NewReader(order))
		refused(t, err, ins.ReasonMalformed, 400)
		// An empty Content-Type is taken as a form, a charset is fine.
		if _, err := e.rcv.Receive(ctx, "", strings.NewReader(order)); err != nil {
			t.Errorf("empty content type: %v", err)
		}
		if _, err := e.rcv.Receive(ctx, "application/x-www-form-urlencoded; charset=UTF-8", strings.NewReader(order)); err != nil {
			t.Errorf("content type with a charset: %v", err)
		}

		stats, err := e.ledger.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"hash_wrong": 1, "hash_missing": 1, "oversize": 1, "malformed": 2}
		got := map[string]int64{}
		for _, r := range stats.Refused {
			got[r.Reason] = r.Count
			if !r.Last.Equal(now) {
				t.Errorf("refusal %s last at %v; want %v", r.Reason, r.Last, now)
			}
		}
		if len(got) != len(want) {
			t.Errorf("refusals = %v; want %v", got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("refusals = %v; want %v", got, want)
				break
			}
		}
		if stats.Accepted != 1 || stats.Duplicates != 3 || !stats.LastReceived.Equal(now) {
			t.Errorf("stats = %+v; want 1 accepted, 3 duplicates, last now", stats)
		}

		// Out of order: the later fraud decision arrives first. The sale
		// ends up passed, not back in review.
		if _, err := e.receive(t, e.msg(5, ins.FraudStatusChanged, sale, invoice, "2026-11-10 11:00:00 EST",
			"fraud_status", "pass").Encode()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.receive(t, e.msg(4, ins.FraudStatusChanged, sale, invoice, "2026-11-10 10:30:00 EST",
			"fraud_status", "wait").Encode()); err != nil {
			t.Fatal(err)
		}
		ss, err := e.ledger.Sale(ctx, sale)
		if err != nil {
			t.Fatal(err)
		}
		if !ss.Known || ss.Fraud != ins.FraudPass || ss.Hold() || !ss.FraudAt.Equal(time.Date(2026, 11, 10, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("sale state = %+v; want pass from the 11:00 EST message", ss)
		}
		tl, _ = e.ledger.Timeline(ctx, sale, 0)
		var ids []int64
		for _, ev := range tl {
			ids = append(ids, ev.MessageID)
		}
		if len(ids) != 3 || ids[0] != 5 || ids[1] != 4 || ids[2] != 1 {
			t.Errorf("timeline = %v; want [5 4 1], newest first", ids)
		}
		// A sale no message mentions has an unknown fraud status, no hold.
		if ss, err := e.ledger.Sale(ctx, e.fx.Shipped); err != nil || ss.Known || ss.Fraud != ins.FraudUnknown || ss.Hold() {
			t.Errorf("sale without messages = %+v, %v; want unknown", ss, err)
		}
	})
}

// When the secret word cannot be read, nothing is stored and nothing is
// counted as refused: the service is told to come back (503).
func TestReceiverSecretUnavailable(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st)
	e.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"detail_company_info": "INTERNAL_ERROR"}})
	sale := e.fx.TangibleOneInvoice
	_, err := e.receive(t, e.msg(1, ins.OrderCreated, sale, e.fx.Invoices[sale][0], "2026-11-10 09:14:00 EST").Encode())
	if !errors.Is(err, ins.ErrUnavailable) {
		t.Fatalf("Receive = %v; want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), e.secret) || strings.Contains(err.Error(), apiPass) {
		t.Fatalf("error text leaks a secret: %v", err)
	}
	if _, err := st.INSMessage(t.Context(), 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("message stored although unchecked: %v", err)
	}
	stats, _ := st.INSStats(t.Context())
	if len(stats.Refused) != 0 || stats.Accepted != 0 {
		t.Errorf("stats = %+v; want nothing counted", stats)
	}
}

func TestLedgerToday(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st)
	ctx := t.Context()
	ny := ins.Eastern()
	sales := e.fx.ScanToShip
	inv := func(i int) string { return e.fx.Invoices[sales[i]][0] }
	// 1 November 2026 in New York has 25 hours (summer time ends).
	deliveries := []url.Values{
		e.msg(1, ins.OrderCreated, sales[0], inv(0), "2026-10-31 23:59:59 EDT"), // the day before
		e.msg(2, ins.OrderCreated, sales[1], inv(1), "2026-11-01 00:00:00 EDT"),
		e.msg(3, ins.OrderCreated, sales[2], inv(2), "2026-11-01 01:30:00 EST", "fraud_status", "pass"), // the second 1:30
		e.msg(4, ins.OrderCreated, sales[3], inv(3), "2026-11-01 23:59:59 EST", "fraud_status", "fail"),
		e.msg(5, ins.OrderCreated, sales[4], inv(4), "2026-11-02 00:00:00 EST"), // the day after
		e.msg(6, ins.ShipStatusChanged, sales[2], inv(2), "2026-11-01 12:00:00 EST", "ship_status", "shipped", "fraud_status", "pass"),
		e.msg(7, ins.RefundIssued, sales[1], inv(1), "2026-11-01 13:00:00 EST", "item_type_1", "refund", "item_list_amount_1", "5.00"),
	}
	for _, d := range deliveries {
		if _, err := e.receive(t, d.Encode()); err != nil {
			t.Fatal(err)
		}
	}
	c, err := e.ledger.Today(ctx, time.Date(2026, 11, 1, 20, 0, 0, 0, ny), ny)
	if err != nil {
		t.Fatal(err)
	}
	if c.To.Sub(c.From) != 25*time.Hour || !c.From.Equal(time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("day = [%v, %v); want the 25-hour 1 November in New York", c.From.UTC(), c.To.UTC())
	}
	// On the list now: sales 0, 1 (partly refunded), 3 (fail: on hold), 4.
	if c.Orders != 3 || c.Shipped != 1 || c.Refunds != 1 || c.OnHold != 1 || c.Waiting != 3 {
		t.Errorf("counts = %+v; want 3 orders, 1 shipped, 1 refund, 1 on hold, 3 waiting", c)
	}
	// The same instant seen from Tokyo is 2 November there.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	c, err = e.ledger.Today(ctx, time.Date(2026, 11, 1, 20, 0, 0, 0, ny), tokyo)
	if err != nil {
		t.Fatal(err)
	}
	// Tokyo's 2 November is [1 Nov 15:00, 2 Nov 15:00) UTC: the orders of
	// 23:59:59 and 00:00 EST, the shipping of 12:00 EST and the refund.
	if c.Orders != 2 || c.Shipped != 1 || c.Refunds != 1 {
		t.Errorf("Tokyo counts = %+v; want 2 orders, 1 shipped, 1 refund", c)
	}
}
