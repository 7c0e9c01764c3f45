package pickqueue_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/ins"
	"backoffice/pickqueue"
	"backoffice/sandbox"
	"backoffice/store"
	"backoffice/store/storetest"
)

const apiUser, apiPass = "pick-test", "pick-test-password-1"

// clock is the test's settable time; the sandbox's seed ends mid-November
// 2026.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// inflight counts the detail_sale requests the sandbox is serving at once.
type inflight struct {
	now, peak atomic.Int64
}

func (f *inflight) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/detail_sale") {
			n := f.now.Add(1)
			for {
				p := f.peak.Load()
				if n <= p || f.peak.CompareAndSwap(p, n) {
					break
				}
			}
			defer f.now.Add(-1)
		}
		h.ServeHTTP(w, r)
	})
}

// env is the real sandbox over HTTP, a client of it, and a clock.
type env struct {
	sb    *sandbox.Sandbox
	api   *apiclient.Client
	fx    sandbox.Fixtures
	clock *clock
	calls *inflight
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := newClock()
	sb, err := sandbox.New(sandbox.Config{Username: apiUser, Password: apiPass, Now: c.Now,
		// A little latency, so that concurrent calls overlap as on a real
		// network and the bound on them is put to the test.
		Faults: sandbox.Faults{Latency: 3 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{sb: sb, fx: sb.SaleFixtures(), clock: c, calls: &inflight{}}
	ts := httptest.NewServer(e.calls.wrap(sb))
	t.Cleanup(ts.Close)
	if e.api, err = apiclient.New(ts.URL+"/api", apiUser, apiPass, apiclient.WithRetry(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	return e
}

// reconciler reads the last 60 days (67 sales of the seed) in pages of 10,
// so passes cross pages.
func (e *env) reconciler(st pickqueue.ReconcilerStore, holder string) *pickqueue.Reconciler {
	return pickqueue.NewReconciler(st, e.api, pickqueue.Config{Lookback: 60 * 24 * time.Hour, Concurrency: 3,
		Recheck: time.Hour, PageSize: 10, Holder: holder, Now: e.clock.Now})
}

func (e *env) queue(st pickqueue.Store) *pickqueue.Queue {
	return pickqueue.New(st, pickqueue.Options{Now: e.clock.Now})
}

func invoicesOf(entries []pickqueue.Entry) []string {
	var out []string
	for _, en := range entries {
		out = append(out, en.InvoiceID)
	}
	return out
}

func pass(t *testing.T, r *pickqueue.Reconciler) pickqueue.Report {
	t.Helper()
	rep, err := r.Pass(t.Context())
	if err != nil {
		t.Fatalf("Pass: %v", err)
	}
	return rep
}

func view(t *testing.T, q *pickqueue.Queue) pickqueue.View {
	t.Helper()
	v, err := q.View(t.Context())
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	return v
}

func TestReconcilerAgainstSandbox(t *testing.T) {
	e := newEnv(t)
	st := storetest.SQLite(t)
	r := e.reconciler(st, "a")
	q := e.queue(st)
	ctx := t.Context()

	rep := pass(t, r)
	if rep.Skipped || rep.INSActive || rep.Failed != 0 || rep.Read == 0 || rep.Read != rep.Listed || rep.Changed == 0 {
		t.Fatalf("first pass = %+v", rep)
	}
	if rep.Pages != (rep.Listed+9)/10 || rep.Pages < 2 {
		t.Errorf("first pass read %d pages for %d sales; want every page of 10", rep.Pages, rep.Listed)
	}
	t.Logf("first pass: %+v; %d detail_sale calls in flight at most", rep, e.calls.peak.Load())
	if p := e.calls.peak.Load(); p > 3 || p < 2 {
		t.Errorf("%d detail_sale calls were in flight at once; want 2 or 3 (Concurrency 3)", p)
	}
	if n := e.sb.Calls("detail_sale"); n != rep.Read {
		t.Errorf("detail_sale calls = %d; report says %d", n, rep.Read)
	}

	v := view(t, q)
	if v.Source.Mode != pickqueue.ModeReconciler || !v.Source.LastOK.Equal(e.clock.Now()) || v.Source.LastError != "" {
		t.Errorf("source = %+v; want the reconciler, run just now", v.Source)
	}
	if len(v.OnHold) != 0 {
		t.Errorf("on hold without any INS: %v", invoicesOf(v.OnHold))
	}
	got := invoicesOf(v.Ready)
	inv := func(sale string, i int) string { return e.fx.Invoices[sale][i] }
	want := []string{inv(e.fx.TangibleOneInvoice, 0), inv(e.fx.TangibleTwoInvoices, 0), inv(e.fx.TangibleTwoInvoices, 1),
		inv(e.fx.TangibleTwoInvoicesOneShipped, 1), inv(e.fx.AuthExpired, 0), inv(e.fx.ReauthFailed, 0),
		inv(e.fx.WithComments, 0)}
	for _, s := range e.fx.ScanToShip {
		want = append(want, inv(s, 0))
	}
	for _, id := range want {
		if !slices.Contains(got, id) {
			t.Errorf("unshipped tangible invoice %s is not on the list", id)
		}
	}
	for _, sale := range []string{e.fx.Shipped, e.fx.Intangible, e.fx.IntangibleTwoItems, e.fx.Refunded, e.fx.Recurring} {
		for _, id := range e.fx.Invoices[sale] {
			if slices.Contains(got, id) {
				t.Errorf("invoice %s of sale %s (shipped, digital or refunded) is on the list", id, sale)
			}
		}
	}
	if slices.Contains(got, inv(e.fx.TangibleTwoInvoicesOneShipped, 0)) {
		t.Error("the shipped invoice of a two-invoice sale is on the list")
	}
	// Every entry, checked against the API: goods, not shipped, not
	// refunded; oldest first; customer and items as the sale says.
	for i, en := range v.Ready {
		if i > 0 && en.Placed.Before(v.Ready[i-1].Placed) {
			t.Errorf("entry %d (%v) is older than the one before it (%v)", i, en.Placed, v.Ready[i-1].Placed)
		}
		sale, err := e.api.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: en.SaleID})
		if err != nil {
			t.Fatal(err)
		}
		var invoice *apiclient.Invoice
		for k := range sale.Invoices {
			if sale.Invoices[k].InvoiceID.Value == en.InvoiceID {
				invoice = &sale.Invoices[k]
			}
		}
		if invoice == nil {
			t.Fatalf("entry %s: no such invoice in sale %s", en.InvoiceID, en.SaleID)
		}
		if !invoice.DateShipped.Blank() || invoice.Shipping == nil {
			t.Errorf("entry %s: shipped %q, shipping %v", en.InvoiceID, invoice.DateShipped.Value, invoice.Shipping)
		}
		if en.Customer != invoice.CustomerName.Value || en.Fraud != ins.FraudUnknown {
			t.Errorf("entry %s: customer %q fraud %q; want %q, unknown", en.InvoiceID, en.Customer, en.Fraud, invoice.CustomerName.Value)
		}
		var names []string
		for _, li := range invoice.Lineitems {
			// The goods to pack; the sandbox's fee lines, typed "product"
			// as the API does, are not packed.
			if fee := li.ProductName.Value == "Shipping Fee" || li.ProductName.Value == "Tax Fee"; li.Type.Value == "product" && !fee {
				names = append(names, li.ProductName.Value)
			}
		}
		if len(en.Items) != len(names) {
			t.Errorf("entry %s: items %q; want the products %q", en.InvoiceID, en.Items, names)
		}
		for k := range min(len(names), len(en.Items)) {
			if !strings.HasPrefix(en.Items[k], names[k]) {
				t.Errorf("entry %s: item %q; want %q with its options", en.InvoiceID, en.Items[k], names[k])
			}
		}
		if en.Destination == "" || en.Age != e.clock.Now().Sub(en.Placed) {
			t.Errorf("entry %s: destination %q, age %v", en.InvoiceID, en.Destination, en.Age)
		}
	}

	// At rest: one list_sales call, no detail_sale.
	lists, details := e.sb.Calls("list_sales"), e.sb.Calls("detail_sale")
	rep = pass(t, r)
	t.Logf("pass at rest: %+v", rep)
	if dl, dd := e.sb.Calls("list_sales")-lists, e.sb.Calls("detail_sale")-details; dl != 1 || dd != 0 || rep.Changed != 0 {
		t.Errorf("a pass at rest made %d list_sales and %d detail_sale calls, changed %d; want 1, 0, 0", dl, dd, rep.Changed)
	}
	if vv := view(t, q); vv.Version != v.Version {
		t.Error("the version changed although the list did not")
	}

	// Shipped elsewhere (through the API): gone after the next re-read.
	if _, err := e.api.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: e.fx.TangibleOneInvoice, TrackingNumber: "1Z999AA10123456784"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	rep = pass(t, r)
	if rep.Changed != 1 {
		t.Errorf("pass after a sale shipped elsewhere changed %d entries; want 1", rep.Changed)
	}
	after := view(t, q)
	if slices.Contains(invoicesOf(after.Ready), inv(e.fx.TangibleOneInvoice, 0)) || len(after.Ready) != len(v.Ready)-1 {
		t.Errorf("after shipping: %d entries; want %d without %s", len(after.Ready), len(v.Ready)-1, inv(e.fx.TangibleOneInvoice, 0))
	}
	if after.Version == v.Version {
		t.Error("the version did not change with the list")
	}

	// The panel ships one itself, through the list's mark_shipped: it
	// leaves at once, and the reconciler (which last read it unshipped)
	// does not bring it back.
	target := e.fx.ScanToShip[0]
	ship := q.Shipping(e.api)
	if _, err := ship.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: target, TrackingNumber: "1Z999AA10123456785"}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(invoicesOf(view(t, q).Ready), inv(target, 0)) {
		t.Fatal("an entry the panel shipped is still on the list")
	}
	// A parcel shipped elsewhere and then scanned here: the API says it
	// already is, and it leaves the list too.
	elsewhere := e.fx.ScanToShip[2]
	if _, err := e.api.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: elsewhere, TrackingNumber: "1Z999AA10123456786"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ship.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: elsewhere, TrackingNumber: "1Z999AA10123456786"}); !apiclient.IsAlreadyShipped(err) {
		t.Fatalf("shipping it again = %v; want the API's already-shipped error passed on", err)
	}
	if slices.Contains(invoicesOf(view(t, q).Ready), inv(elsewhere, 0)) {
		t.Fatal("an entry the API says is already shipped is still on the list")
	}
	// A failed mark_shipped leaves the entry where it is.
	e.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"mark_shipped": "INTERNAL_ERROR"}})
	if _, err := ship.MarkShipped(ctx, apiclient.MarkShippedParams{SaleID: e.fx.ScanToShip[3], TrackingNumber: "1Z9"}); err == nil {
		t.Fatal("a forced error was not passed on")
	}
	e.sb.SetFaults(sandbox.Faults{})
	if !slices.Contains(invoicesOf(view(t, q).Ready), inv(e.fx.ScanToShip[3], 0)) {
		t.Fatal("an entry left the list although mark_shipped failed")
	}
	e.clock.Add(time.Hour)
	pass(t, r)
	if slices.Contains(invoicesOf(view(t, q).Ready), inv(target, 0)) {
		t.Fatal("the reconciler put back a parcel the panel shipped")
	}

	// Another instance's reconciler waits its turn.
	other := e.reconciler(st, "b")
	if rep := pass(t, other); !rep.Skipped {
		t.Errorf("a second instance ran a pass while the first holds the lease: %+v", rep)
	}
}

func TestReconcilerWithINS(t *testing.T) {
	e := newEnv(t)
	st := storetest.SQLite(t)
	r := e.reconciler(st, "a")
	q := e.queue(st)
	pass(t, r)
	sale := e.fx.ScanToShip[1]
	invoice := e.fx.Invoices[sale][0]
	// A FRAUD_STATUS_CHANGED wait arrives for a sale on the list: it moves
	// to "on hold", and the list says INS is its source.
	if _, err := st.SaveINSEvent(t.Context(), &store.INSEvent{MessageID: 1, Type: ins.FraudStatusChanged,
		At: e.clock.Now().Add(-time.Minute), ReceivedAt: e.clock.Now(), SaleID: sale, InvoiceID: invoice,
		Params: "message_id=1", FraudStatus: "wait", ShipStatus: "not_shipped", Tangible: true}); err != nil {
		t.Fatal(err)
	}
	v := view(t, q)
	if v.Source.Mode != pickqueue.ModeINS || !v.Source.LastINS.Equal(e.clock.Now()) {
		t.Errorf("source = %+v; want INS", v.Source)
	}
	if held := invoicesOf(v.OnHold); len(held) != 1 || held[0] != invoice || v.OnHold[0].Fraud != ins.FraudWait {
		t.Errorf("on hold = %v; want [%s] in fraud review", held, invoice)
	}
	if slices.Contains(invoicesOf(v.Ready), invoice) {
		t.Error("a sale in fraud review is also among the parcels to pack")
	}
	if rep := pass(t, r); !rep.INSActive {
		t.Errorf("pass with INS arriving = %+v; want INSActive", rep)
	}
	// A day without messages: the reconciler is the source again.
	e.clock.Add(25 * time.Hour)
	pass(t, r)
	if v := view(t, q); v.Source.Mode != pickqueue.ModeReconciler {
		t.Errorf("source after a day without INS = %+v", v.Source)
	}
}

func TestReconcilerFailures(t *testing.T) {
	e := newEnv(t)
	st := storetest.SQLite(t)
	r := e.reconciler(st, "a")
	q := e.queue(st)
	e.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"list_sales": "INTERNAL_ERROR"}})
	if _, err := r.Pass(t.Context()); err == nil {
		t.Fatal("a pass whose list_sales failed reported success")
	}
	v := view(t, q)
	if v.Source.Mode != pickqueue.ModeNone || v.Source.LastError == "" || !v.Source.LastOK.IsZero() {
		t.Errorf("source after a failed pass = %+v; want none, with the error", v.Source)
	}
	if strings.Contains(v.Source.LastError, apiPass) {
		t.Errorf("the recorded error shows the API password: %q", v.Source.LastError)
	}
	// detail_sale failing: the pass goes on, says how many, and the sales
	// are read again next time.
	e.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"detail_sale": "INTERNAL_ERROR"}})
	rep := pass(t, r)
	if rep.Failed == 0 || rep.Read != 0 {
		t.Fatalf("pass with detail_sale failing = %+v", rep)
	}
	if v := view(t, q); !strings.Contains(v.Source.LastError, "could not be read") || len(v.Ready) != 0 {
		t.Errorf("source = %+v with %d entries", v.Source, len(v.Ready))
	}
	e.sb.SetFaults(sandbox.Faults{})
	if rep := pass(t, r); rep.Read != rep.Listed || rep.Failed != 0 {
		t.Errorf("pass after recovery = %+v; want every listed sale read", rep)
	}
	if v := view(t, q); v.Source.LastError != "" || len(v.Ready) == 0 {
		t.Errorf("after recovery: source %+v, %d entries", v.Source, len(v.Ready))
	}
}

// Run stops when its context ends, and gives its lease to the next one.
func TestReconcilerRunStops(t *testing.T) {
	e := newEnv(t)
	st := storetest.SQLite(t)
	r := e.reconciler(st, "a")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ps, err := st.PickSyncStatus(t.Context(), store.PickSourceReconciler)
		if err != nil {
			t.Fatal(err)
		}
		if !ps.LastRunAt.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run made no pass")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if rep := pass(t, e.reconciler(st, "b")); rep.Skipped {
		t.Error("the lease was not released when Run stopped")
	}
}

// Two Store values on one schema are two instances: the list, the holds
// and the changes are shared.
func TestQueueAcrossInstancesPostgres(t *testing.T) {
	cfg := storetest.PostgresConfig(t)
	a := storetest.Open(t, cfg)
	if err := a.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	b := storetest.Open(t, cfg)
	e := newEnv(t)
	ctx := t.Context()
	qa, qb := e.queue(a), e.queue(b)

	changesOnB := qb.Changes(ctx)
	notice(t, changesOnB, "B starts listening")

	// A's reconciler fills the list; B shows the same one and hears of it.
	pass(t, e.reconciler(a, "instance-a"))
	notice(t, changesOnB, "A filled the list")
	settle(t, a, b, changesOnB) // the pass wrote in two batches
	va, vb := view(t, qa), view(t, qb)
	if len(vb.Ready) == 0 || vb.Version != va.Version || vb.Source.Mode != pickqueue.ModeReconciler {
		t.Fatalf("B's list: %d entries, version %s (A %s), source %s", len(vb.Ready), vb.Version, va.Version, vb.Source.Mode)
	}
	// B's reconciler waits while A holds the lease.
	if rep := pass(t, e.reconciler(b, "instance-b")); !rep.Skipped {
		t.Errorf("B ran a pass while A holds the lease: %+v", rep)
	}

	// An INS message received by A: B sees the hold and hears of it.
	sale := vb.Ready[0].SaleID
	invoice := vb.Ready[0].InvoiceID
	co, err := e.api.CompanyInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rcv := ins.NewReceiver(a, ins.NewVerifier(e.api, ins.VerifierOptions{}), ins.ReceiverOptions{Now: e.clock.Now})
	body := "message_type=FRAUD_STATUS_CHANGED&message_id=7&timestamp=2026-11-20+06%3A59%3A00+EST&vendor_id=" +
		co.VendorID.Value + "&sale_id=" + sale + "&invoice_id=" + invoice + "&fraud_status=wait&ship_status=not_shipped" +
		"&md5_hash=" + ins.Signature(sale, co.VendorID.Value, invoice, co.SecretWord.Reveal())
	if _, err := rcv.Receive(ctx, "application/x-www-form-urlencoded", strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	notice(t, changesOnB, "A received a fraud hold")
	// Fraud review holds the whole sale: all its parcels wait.
	var ofSale []string
	for _, en := range vb.Ready {
		if en.SaleID == sale {
			ofSale = append(ofSale, en.InvoiceID)
		}
	}
	vb = view(t, qb)
	if held := invoicesOf(vb.OnHold); !slices.Equal(held, ofSale) || !slices.Contains(held, invoice) || vb.Source.Mode != pickqueue.ModeINS {
		t.Fatalf("B's holds = %v, source %s; want the sale's %v, INS", held, vb.Source.Mode, ofSale)
	}

	// B's packer ships another: A's list loses it, A hears of it.
	changesOnA := qa.Changes(ctx)
	notice(t, changesOnA, "A starts listening")
	shipped := vb.Ready[0]
	if err := qb.Shipped(ctx, shipped.SaleID, shipped.InvoiceID); err != nil {
		t.Fatal(err)
	}
	notice(t, changesOnA, "B shipped a parcel")
	if slices.Contains(invoicesOf(view(t, qa).Ready), shipped.InvoiceID) {
		t.Error("A still lists the parcel B shipped")
	}
}

// settle waits until every notice sent so far by from has reached to, and
// drains ch: a marker sent after them arrives after them.
func settle(t *testing.T, from, to *store.Store, ch <-chan struct{}) {
	t.Helper()
	marker := to.Subscribe(t.Context(), "test-marker")
	if err := from.Publish(t.Context(), "test-marker"); err != nil {
		t.Fatal(err)
	}
	notice(t, marker, "marker")
	select {
	case <-ch:
	default:
	}
}

func notice(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("%s: change channel closed", what)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no change notice", what)
	}
}
