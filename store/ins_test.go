package store_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// The INS, pick list and lease suite runs on both backends, like the main
// suite in store_test.go.

func TestINSSQLite(t *testing.T) {
	runINSSuite(t, storetest.SQLiteConfig)
}

func TestINSPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	runINSSuite(t, storetest.PostgresConfig)
}

func runINSSuite(t *testing.T, cfg newConfig) {
	open := func(t *testing.T) *store.Store {
		t.Helper()
		s := storetest.Open(t, cfg(t))
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		return s
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) *store.Store)
	}{
		{"StoredOnce", testINSStoredOnce},
		{"StoredOnceConcurrently", testINSStoredOnceConcurrently},
		{"OrderNeverMovesBack", testINSOrderNeverMovesBack},
		{"PickListFromINS", testPickListFromINS},
		{"PickListUpdates", testPickListUpdates},
		{"Timeline", testINSTimeline},
		{"DayCounts", testINSDayCounts},
		{"Refusals", testINSRefusals},
		{"Leases", testLeases},
		{"NotifyInProcess", testNotifyInProcess},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// order is a tangible ORDER_CREATED as the receiver would store it.
func order(id int64, sale, invoice string, at time.Time) *store.INSEvent {
	return &store.INSEvent{MessageID: id, Type: "ORDER_CREATED", Description: "New order created", At: at,
		ReceivedAt: at.Add(time.Second), SaleID: sale, InvoiceID: invoice, Params: fmt.Sprintf("message_id=%d&sale_id=%s", id, sale),
		FraudStatus: "wait", ShipStatus: "not_shipped", InvoiceStatus: "approved", Amount: "12.50", Currency: "USD",
		Order: true, Tangible: true, Customer: "Ann Packer", Destination: "Columbus, OH, USA", Items: []string{"Mug", "Frame"}}
}

// follow is a later message about the same invoice carrying the snapshot
// fields the service sends with every message.
func follow(id int64, typ, sale, invoice string, at time.Time, fraud, ship, status string) *store.INSEvent {
	return &store.INSEvent{MessageID: id, Type: typ, At: at, ReceivedAt: at.Add(time.Second), SaleID: sale,
		InvoiceID: invoice, Params: fmt.Sprintf("message_id=%d", id), FraudStatus: fraud, ShipStatus: ship,
		InvoiceStatus: status, Tangible: ship != "", Shipped: typ == "SHIP_STATUS_CHANGED" && ship == "shipped",
		Customer: "Ann Packer", Items: []string{"Mug", "Frame"}}
}

func save(t *testing.T, s *store.Store, e *store.INSEvent) bool {
	t.Helper()
	stored, err := s.SaveINSEvent(t.Context(), e)
	if err != nil {
		t.Fatalf("SaveINSEvent(%d): %v", e.MessageID, err)
	}
	return stored
}

func testINSStoredOnce(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	e := order(41, "900001", "900002", base)
	if !save(t, s, e) {
		t.Fatal("first delivery not stored")
	}
	again := *e
	again.ReceivedAt = base.Add(time.Minute)
	again.Params = "something else entirely"
	if save(t, s, &again) {
		t.Fatal("a repeated message_id was stored again")
	}
	got, err := s.INSMessage(t.Context(), 41)
	if err != nil {
		t.Fatal(err)
	}
	if got.Params != e.Params || !got.ReceivedAt.Equal(e.ReceivedAt.Truncate(time.Microsecond)) {
		t.Errorf("stored message = %q received %v; want the first delivery %q at %v", got.Params, got.ReceivedAt, e.Params, e.ReceivedAt)
	}
	tl, err := s.INSTimeline(t.Context(), "900001", 0)
	if err != nil || len(tl) != 1 {
		t.Fatalf("timeline after a repeat: %d events, %v; want 1", len(tl), err)
	}
	inv, err := s.INSSale(t.Context(), "900001")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Invoices[0].Refunds != 0 || len(inv.Invoices) != 1 {
		t.Errorf("invoices after a repeat = %+v", inv.Invoices)
	}
	st, err := s.INSStats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Accepted != 1 || st.Duplicates != 1 || !st.LastReceived.Equal(base.Add(time.Minute).Truncate(time.Microsecond)) {
		t.Errorf("stats = %+v; want 1 accepted, 1 duplicate, last at the repeat", st)
	}
	if _, err := s.INSMessage(t.Context(), 42); !errorsIsNotFound(err) {
		t.Errorf("INSMessage(unknown) = %v; want ErrNotFound", err)
	}
}

// A refund counted once although two instances receive the same message at
// the same moment.
func testINSStoredOnceConcurrently(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	save(t, s, order(1, "910001", "910002", base))
	refund := follow(2, "REFUND_ISSUED", "910001", "910002", at(time.Hour), "", "not_shipped", "")
	refund.Refund = true
	res, errs := parallel(8, func(int) (bool, error) { return s.SaveINSEvent(t.Context(), refund) })
	if n := countTrue(t, res, errs); n != 1 {
		t.Fatalf("%d of 8 concurrent deliveries stored; want 1", n)
	}
	st, err := s.INSSale(t.Context(), "910001")
	if err != nil {
		t.Fatal(err)
	}
	if st.Invoices[0].Refunds != 1 {
		t.Errorf("refunds = %d; want 1", st.Invoices[0].Refunds)
	}
}

type insState struct {
	Fraud, Ship, Status, Tracking string
	Open                          bool
	OpenFraud                     string
}

func readState(t *testing.T, s *store.Store, sale, invoice string) insState {
	t.Helper()
	st, err := s.INSSale(t.Context(), sale)
	if err != nil {
		t.Fatal(err)
	}
	var out insState
	out.Fraud = st.FraudStatus
	for _, inv := range st.Invoices {
		if inv.InvoiceID == invoice {
			out.Ship, out.Status, out.Tracking = inv.ShipStatus, inv.InvoiceStatus, inv.TrackingNumber
		}
	}
	picks, err := s.OpenPicks(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range picks {
		if p.InvoiceID == invoice {
			out.Open, out.OpenFraud = true, p.FraudStatus
		}
	}
	return out
}

func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// Every order of delivery leaves the state the newest messages describe.
func testINSOrderNeverMovesBack(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	// The fraud review said wait, then pass; the parcel then shipped; then
	// the payment was deposited. Two messages share a timestamp, so the
	// message_id decides between them.
	t0 := base
	events := func(sale, invoice string, id int64) []*store.INSEvent {
		shipped := follow(id+3, "SHIP_STATUS_CHANGED", sale, invoice, t0.Add(2*time.Hour), "pass", "shipped", "pending")
		shipped.TrackingNumber = "1Z999"
		return []*store.INSEvent{
			order(id, sale, invoice, t0),
			follow(id+1, "FRAUD_STATUS_CHANGED", sale, invoice, t0.Add(time.Hour), "wait", "not_shipped", "approved"),
			follow(id+2, "FRAUD_STATUS_CHANGED", sale, invoice, t0.Add(time.Hour), "pass", "not_shipped", "approved"),
			shipped,
			follow(id+4, "INVOICE_STATUS_CHANGED", sale, invoice, t0.Add(3*time.Hour), "", "", "deposited"),
		}
	}
	want := insState{Fraud: "pass", Ship: "shipped", Status: "deposited", Tracking: "1Z999"}
	for n, perm := range permutations(5) {
		sale, invoice := fmt.Sprintf("92%04d", n), fmt.Sprintf("93%04d", n)
		evs := events(sale, invoice, int64(1000+10*n))
		for _, i := range perm {
			save(t, s, evs[i])
		}
		if got := readState(t, s, sale, invoice); got != want {
			t.Fatalf("delivery order %v: state %+v; want %+v", perm, got, want)
		}
	}

	// Before shipping: the fraud status changes twice and the newest wins
	// whatever the arrival order; the entry is open and carries it.
	for n, perm := range permutations(3) {
		sale, invoice := fmt.Sprintf("94%04d", n), fmt.Sprintf("95%04d", n)
		id := int64(5000 + 10*n)
		evs := []*store.INSEvent{
			order(id, sale, invoice, t0),
			follow(id+1, "FRAUD_STATUS_CHANGED", sale, invoice, t0.Add(time.Hour), "pass", "not_shipped", "approved"),
			follow(id+2, "FRAUD_STATUS_CHANGED", sale, invoice, t0.Add(2*time.Hour), "fail", "not_shipped", "approved"),
		}
		for _, i := range perm {
			save(t, s, evs[i])
		}
		want := insState{Fraud: "fail", Ship: "not_shipped", Status: "approved", Open: true, OpenFraud: "fail"}
		if got := readState(t, s, sale, invoice); got != want {
			t.Fatalf("fraud order %v: state %+v; want %+v", perm, got, want)
		}
	}
}

func openInvoices(t *testing.T, s *store.Store) []string {
	t.Helper()
	picks, err := s.OpenPicks(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range picks {
		ids = append(ids, p.InvoiceID)
	}
	return ids
}

func testPickListFromINS(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	ctx := t.Context()
	// Three orders placed out of order; the list is oldest first.
	save(t, s, order(10, "960001", "960011", at(2*time.Hour)))
	save(t, s, order(11, "960002", "960012", at(0)))
	save(t, s, order(12, "960003", "960013", at(time.Hour)))
	// An intangible order never enters the list.
	digital := order(13, "960004", "960014", at(0))
	digital.Tangible, digital.ShipStatus = false, ""
	save(t, s, digital)
	if got, want := openInvoices(t, s), []string{"960012", "960013", "960011"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("open list = %v; want %v (oldest first, tangible only)", got, want)
	}
	picks, _ := s.OpenPicks(ctx, 0)
	p := picks[0]
	if p.SaleID != "960002" || p.Customer != "Ann Packer" || p.Destination != "Columbus, OH, USA" ||
		!reflect.DeepEqual(p.Items, []string{"Mug", "Frame"}) || !p.PlacedAt.Equal(at(0).Truncate(time.Microsecond)) ||
		p.Source != store.PickSourceINS || p.FraudStatus != "wait" {
		t.Errorf("entry = %+v", p)
	}

	// Shipped: it leaves. The order message delivered again afterwards (a
	// resend with a new id would carry not_shipped at the older time) does
	// not bring it back.
	save(t, s, follow(20, "SHIP_STATUS_CHANGED", "960002", "960012", at(3*time.Hour), "pass", "shipped", "pending"))
	late := order(21, "960002", "960012", at(0))
	save(t, s, late)
	// Declined and fully refunded invoices leave too.
	save(t, s, follow(22, "INVOICE_STATUS_CHANGED", "960003", "960013", at(3*time.Hour), "", "not_shipped", "declined"))
	refund := follow(23, "REFUND_ISSUED", "960001", "960011", at(3*time.Hour), "", "not_shipped", "")
	refund.Refund, refund.FullRefund = true, true
	save(t, s, refund)
	if got := openInvoices(t, s); len(got) != 0 {
		t.Fatalf("open list = %v; want none after shipped, declined and refunded", got)
	}
	// A shipping message that arrives before its order (reordered): the
	// invoice is recorded closed, and the order that follows keeps it so.
	save(t, s, follow(31, "SHIP_STATUS_CHANGED", "960005", "960015", at(5*time.Hour), "pass", "shipped", "pending"))
	save(t, s, order(30, "960005", "960015", at(4*time.Hour)))
	if got := openInvoices(t, s); len(got) != 0 {
		t.Fatalf("open list = %v; a parcel shipped before its order message arrived came back", got)
	}
	// Nor can the reconciler, which read the sale before it shipped.
	n, err := s.UpdatePicks(ctx, store.PickUpdate{Source: store.PickSourceReconciler, At: at(6 * time.Hour), Reopen: true,
		Open: []store.Pick{{InvoiceID: "960012", SaleID: "960002", PlacedAt: at(0)}}})
	if err != nil || n != 0 {
		t.Fatalf("reconciler reopening a shipped invoice: changed %d, %v; want 0", n, err)
	}
	// It may put back one closed as refunded, having read it from the API.
	n, err = s.UpdatePicks(ctx, store.PickUpdate{Source: store.PickSourceReconciler, At: at(6 * time.Hour), Reopen: true,
		Open: []store.Pick{{InvoiceID: "960011", SaleID: "960001", PlacedAt: at(2 * time.Hour)}}})
	if err != nil || n != 1 {
		t.Fatalf("reconciler reopening a refunded invoice: changed %d, %v; want 1", n, err)
	}
	if got := openInvoices(t, s); !reflect.DeepEqual(got, []string{"960011"}) {
		t.Fatalf("open list = %v; want [960011]", got)
	}
}

func testPickListUpdates(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	ctx := t.Context()
	a := store.Pick{InvoiceID: "970011", SaleID: "970001", Customer: "Bo", Items: []string{"Lamp"}, PlacedAt: at(0)}
	b := store.Pick{InvoiceID: "970012", SaleID: "970002", Customer: "Cy", Items: []string{"Rug"}, PlacedAt: at(time.Hour)}
	up := store.PickUpdate{Source: store.PickSourceReconciler, At: at(2 * time.Hour), Reopen: true, Open: []store.Pick{a, b}}
	if n, err := s.UpdatePicks(ctx, up); err != nil || n != 2 {
		t.Fatalf("UpdatePicks = %d, %v; want 2", n, err)
	}
	// Nothing new: nothing changes, so no one is woken for nothing.
	if n, err := s.UpdatePicks(ctx, up); err != nil || n != 0 {
		t.Fatalf("UpdatePicks again = %d, %v; want 0", n, err)
	}
	// The panel ships b by sale id alone.
	if n, err := s.MarkPicksShipped(ctx, "970002", "", at(3*time.Hour)); err != nil || n != 1 {
		t.Fatalf("MarkPicksShipped = %d, %v; want 1", n, err)
	}
	if n, err := s.MarkPicksShipped(ctx, "970002", "", at(3*time.Hour)); err != nil || n != 0 {
		t.Fatalf("MarkPicksShipped again = %d, %v; want 0", n, err)
	}
	// Shipping an invoice the list never had records it, so a reconciler
	// that read it earlier cannot add it afterwards.
	if n, err := s.MarkPicksShipped(ctx, "970003", "970013", at(3*time.Hour)); err != nil || n != 0 {
		t.Fatalf("MarkPicksShipped(unknown invoice) = %d, %v; want 0", n, err)
	}
	late := store.PickUpdate{Source: store.PickSourceReconciler, At: at(4 * time.Hour), Reopen: true,
		Open: []store.Pick{{InvoiceID: "970013", SaleID: "970003", PlacedAt: at(0)}}}
	if n, err := s.UpdatePicks(ctx, late); err != nil || n != 0 {
		t.Fatalf("late reconciler add = %d, %v; want 0", n, err)
	}
	if got := openInvoices(t, s); !reflect.DeepEqual(got, []string{"970011"}) {
		t.Fatalf("open list = %v; want [970011]", got)
	}
	// Fresh details update an open entry.
	a.Customer, a.Destination = "Bo Renamed", "Lyon, FRA"
	if n, err := s.UpdatePicks(ctx, store.PickUpdate{Source: store.PickSourceReconciler, At: at(5 * time.Hour), Open: []store.Pick{a}}); err != nil || n != 1 {
		t.Fatalf("UpdatePicks(changed details) = %d, %v; want 1", n, err)
	}
	picks, _ := s.OpenPicks(ctx, 0)
	if picks[0].Customer != "Bo Renamed" || picks[0].Destination != "Lyon, FRA" || picks[0].FraudStatus != "" {
		t.Errorf("entry = %+v", picks[0])
	}
	byFraud, err := s.OpenPicksByFraud(ctx)
	if err != nil || !reflect.DeepEqual(byFraud, map[string]int{"": 1}) {
		t.Errorf("OpenPicksByFraud = %v, %v", byFraud, err)
	}
	// Closing by the reconciler, then pruning what closed long ago.
	if n, err := s.UpdatePicks(ctx, store.PickUpdate{Source: store.PickSourceReconciler, At: at(6 * time.Hour),
		Closed: []store.PickClosure{{InvoiceID: "970011", SaleID: "970001", Reason: store.PickShipped}}}); err != nil || n != 1 {
		t.Fatalf("close = %d, %v; want 1", n, err)
	}
	if n, err := s.PrunePicks(ctx, at(3*time.Hour+time.Minute)); err != nil || n != 2 {
		t.Fatalf("PrunePicks = %d, %v; want the 2 entries closed at +3h", n, err)
	}

	// The reconciler's last run.
	if ps, err := s.PickSyncStatus(ctx, store.PickSourceReconciler); err != nil || !ps.LastRunAt.IsZero() {
		t.Fatalf("PickSyncStatus before any run = %+v, %v", ps, err)
	}
	if err := s.RecordPickSync(ctx, store.PickSourceReconciler, at(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordPickSync(ctx, store.PickSourceReconciler, at(2*time.Hour), "list_sales: upstream unavailable"); err != nil {
		t.Fatal(err)
	}
	ps, err := s.PickSyncStatus(ctx, store.PickSourceReconciler)
	want := store.PickSync{Source: store.PickSourceReconciler, LastRunAt: at(2 * time.Hour).Truncate(time.Microsecond),
		LastOKAt: at(time.Hour).Truncate(time.Microsecond), LastError: "list_sales: upstream unavailable"}
	if err != nil || ps != want {
		t.Errorf("PickSyncStatus = %+v, %v; want %+v", ps, err, want)
	}
}

func testINSTimeline(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	save(t, s, follow(7, "FRAUD_STATUS_CHANGED", "980001", "980011", at(time.Hour), "pass", "", ""))
	save(t, s, order(5, "980001", "980011", at(0)))
	save(t, s, follow(6, "FRAUD_STATUS_CHANGED", "980001", "980011", at(time.Hour), "wait", "", ""))
	save(t, s, order(8, "980002", "980012", at(0))) // another sale
	tl, err := s.INSTimeline(t.Context(), "980001", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, e := range tl {
		got = append(got, e.MessageID)
		if e.Params != "" {
			t.Errorf("timeline event %d carries its raw parameters", e.MessageID)
		}
	}
	if want := []int64{7, 6, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("timeline = %v; want %v (newest first, message_id breaking the tie)", got, want)
	}
	if tl[2].Type != "ORDER_CREATED" || tl[2].Amount != "12.50" || tl[2].Currency != "USD" || !tl[2].Order ||
		!tl[2].At.Equal(at(0).Truncate(time.Microsecond)) {
		t.Errorf("order event = %+v", tl[2])
	}
	if tl, _ := s.INSTimeline(t.Context(), "980001", 2); len(tl) != 2 {
		t.Errorf("timeline with limit 2 has %d events", len(tl))
	}
	if _, err := s.INSSale(t.Context(), "999999"); !errorsIsNotFound(err) {
		t.Errorf("INSSale(unknown) = %v; want ErrNotFound", err)
	}
}

func testINSDayCounts(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	ctx := t.Context()
	day := time.Date(2026, 11, 20, 5, 0, 0, 0, time.UTC) // midnight in New York
	next := day.Add(24 * time.Hour)
	save(t, s, order(1, "990001", "990011", day.Add(-time.Second))) // the day before
	save(t, s, order(2, "990002", "990012", day))
	save(t, s, order(3, "990003", "990013", next.Add(-time.Microsecond)))
	save(t, s, order(4, "990004", "990014", next)) // the next day
	save(t, s, follow(5, "SHIP_STATUS_CHANGED", "990002", "990012", day.Add(time.Hour), "pass", "shipped", ""))
	// The panel ships the same invoice again and another one: each counts once.
	if _, err := s.MarkPicksShipped(ctx, "990002", "990012", day.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkPicksShipped(ctx, "990003", "990013", day.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	refund := follow(6, "REFUND_ISSUED", "990001", "990011", day.Add(4*time.Hour), "", "not_shipped", "")
	refund.Refund = true
	save(t, s, refund)
	got, err := s.INSDayCounts(ctx, day, next)
	if want := (store.INSDayCounts{Orders: 2, Shipped: 2, Refunds: 1}); err != nil || got != want {
		t.Errorf("INSDayCounts = %+v, %v; want %+v", got, err, want)
	}
}

func testINSRefusals(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	for i, reason := range []string{"hash_wrong", "malformed", "hash_wrong", "oversize"} {
		if err := s.CountINSRefusal(t.Context(), reason, at(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.INSStats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []store.INSRefusal{
		{Reason: "hash_wrong", Count: 2, Last: at(2 * time.Minute).Truncate(time.Microsecond)},
		{Reason: "malformed", Count: 1, Last: at(time.Minute).Truncate(time.Microsecond)},
		{Reason: "oversize", Count: 1, Last: at(3 * time.Minute).Truncate(time.Microsecond)},
	}
	if !reflect.DeepEqual(st.Refused, want) || st.Accepted != 0 || !st.LastReceived.IsZero() {
		t.Errorf("stats = %+v; want refusals %+v and nothing accepted", st, want)
	}
}

func testLeases(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	ctx := t.Context()
	take := func(holder string, now time.Time) bool {
		t.Helper()
		ok, err := s.AcquireLease(ctx, "job", holder, now, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !take("a", at(0)) {
		t.Fatal("a free lease was refused")
	}
	if take("b", at(30*time.Second)) {
		t.Fatal("b took a's lease before it expired")
	}
	if !take("a", at(50*time.Second)) {
		t.Fatal("a could not renew its own lease")
	}
	if take("b", at(100*time.Second)) {
		t.Fatal("b took the renewed lease before it expired")
	}
	if !take("b", at(111*time.Second)) {
		t.Fatal("b could not take an expired lease")
	}
	if err := s.ReleaseLease(ctx, "job", "a"); err != nil { // not a's any more: no effect
		t.Fatal(err)
	}
	if take("a", at(112*time.Second)) {
		t.Fatal("a released b's lease")
	}
	if err := s.ReleaseLease(ctx, "job", "b"); err != nil {
		t.Fatal(err)
	}
	if !take("a", at(113*time.Second)) {
		t.Fatal("a released lease was not free")
	}
	res, errs := parallel(8, func(i int) (bool, error) {
		return s.AcquireLease(ctx, "race", fmt.Sprint("h", i), at(0), time.Minute)
	})
	if n := countTrue(t, res, errs); n != 1 {
		t.Errorf("%d of 8 racing instances got the lease; want 1", n)
	}
}
