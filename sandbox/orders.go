package sandbox

import (
	"context"
	"errors"
	"time"
)

// The order generator makes the sandbox's account live: every
// Config.OrdersEvery a buyer places a new order, tangible or intangible, and
// the orders already placed move on the way real ones do, each step with
// its INS messages:
//
//   - a new order: ORDER_CREATED (fraud_status "wait": the review starts
//     with the order), then FRAUD_STATUS_CHANGED "pass", or "wait" for one
//     order in four, held for review;
//   - a held order, two steps later: FRAUD_STATUS_CHANGED "pass", or "fail"
//     for one in three (the order is cancelled: INVOICE_STATUS_CHANGED
//     "declined" and REFUND_ISSUED);
//   - an intangible order that passed: captured (INVOICE_STATUS_CHANGED
//     "pending") a step later, deposited ("deposited") the step after;
//   - a tangible order that passed waits for mark_shipped (which sends
//     SHIP_STATUS_CHANGED and INVOICE_STATUS_CHANGED "pending"); a step
//     after it shipped it is deposited.
//
// A step is one OrdersEvery. The generator's progress is part of the state,
// so it carries on after a restart; its choices come from the state's own
// counter, so they are deterministic given the clock.

// orderGenerator is the generator's part of the state.
type orderGenerator struct {
	// Seq counts the orders made; it seeds each order's choices.
	Seq int `json:"seq"`
	// Open are the generated orders still moving.
	Open []openOrder `json:"open"`
}

// openOrder is a generated order still moving, and when its next step is.
type openOrder struct {
	SaleID string `json:"sale_id"`
	Due    string `json:"due"` // RFC 3339
}

// heldShare, failShare: one order in four is held for review, one held
// order in three fails it.
const (
	heldShare = 25
	failShare = 33
)

// runOrders makes a new order every OrdersEvery until ctx ends.
func (s *Sandbox) runOrders(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.OrderStep(); err != nil {
			s.log.Error("sandbox: order generator", "err", err)
		}
	}
}

// OrderStep runs the order generator once, as its ticker does: the open
// generated orders take their due step, then a buyer places a new order,
// whose sale id it returns. Tests and demos call it directly; it works
// whether or not Config.OrdersEvery is set.
func (s *Sandbox) OrderStep() (string, error) {
	s.mu.Lock()
	now := s.now().UTC()
	step := s.cfg.OrdersEvery
	if step <= 0 {
		step = 30 * time.Second
	}
	s.advanceOrders(now, step)
	rec, err := s.placeOrder(now, step)
	if e := s.persistLocked(); e != nil && err == nil {
		err = errors.New("sandbox: saving the state: " + e.Message)
	}
	queued := s.insQueued
	s.insQueued = false
	s.mu.Unlock()
	if queued {
		s.wakeINS()
	}
	if err != nil {
		return "", err
	}
	return rec.Sale.SaleID, nil
}

// placeOrder creates one order as of now and sends its messages.
func (s *Sandbox) placeOrder(now time.Time, step time.Duration) (*saleRec, error) {
	st := s.st
	st.Orders.Seq++
	r := &prng{s: 0x0de5 + uint64(st.Orders.Seq)}
	p := plan{at: now, who: pick(r, people), invoices: 1, shipped: 0, recur: "active", kind: kindIntangible}
	if r.chance(50) {
		p.kind = kindTangible
		p.products = []string{pick(r, tangibleGoods)}
	} else {
		p.products = []string{pick(r, intangibleGoods)}
	}
	held := r.chance(heldShare)
	g := &gen{st: st, r: r, products: map[string]*productRec{}, options: map[string]*optionWire{}}
	for _, pr := range st.Products {
		g.products[pr.ProductID] = pr
	}
	for _, o := range st.Options {
		g.options[o.OptionID] = o
	}
	for _, id := range p.products {
		if g.products[id] == nil {
			return nil, errors.New("sandbox: order generator: product " + id + " was deleted")
		}
	}
	rec := g.build(p)
	// Just placed: authorized, not captured, not deposited, nothing paid.
	for _, inv := range rec.Sale.Invoices {
		inv.Status, inv.PayoutStatus = "approved", "Pending Capture"
		setDeposited(inv, nil)
	}
	rec.FraudStatus = "wait"
	st.Sales = append(st.Sales, rec)
	s.idx.addSale(rec)
	inv := rec.Sale.Invoices[0]
	s.insEvent(INSOrderCreated, rec, inv, nil, now)
	if !held {
		rec.FraudStatus = "pass"
	}
	s.insEvent(INSFraudStatusChanged, rec, inv, nil, now)
	st.Orders.Open = append(st.Orders.Open, openOrder{SaleID: rec.Sale.SaleID, Due: now.Add(step).Format(time.RFC3339)})
	return rec, nil
}

// advanceOrders moves every open generated order whose step is due.
func (s *Sandbox) advanceOrders(now time.Time, step time.Duration) {
	st := s.st
	open := st.Orders.Open[:0]
	for _, o := range st.Orders.Open {
		due, err := time.Parse(time.RFC3339, o.Due)
		rec := s.idx.sales[o.SaleID]
		if rec == nil {
			continue // gone (Reset)
		}
		if err == nil && now.Before(due) {
			open = append(open, o)
			continue
		}
		if s.advanceOrder(rec, now) {
			o.Due = now.Add(step).Format(time.RFC3339)
			open = append(open, o)
		}
	}
	st.Orders.Open = open
}

// advanceOrder takes one order's next step and reports whether it still
// has steps to come.
func (s *Sandbox) advanceOrder(rec *saleRec, now time.Time) bool {
	inv := rec.Sale.Invoices[0]
	switch {
	case rec.FraudStatus == "wait":
		r := &prng{s: 0xfa11 + uint64(len(rec.Sale.SaleID)) + idNumber(rec.Sale.SaleID)}
		if r.chance(failShare) {
			s.failFraud(rec, now)
			return false
		}
		rec.FraudStatus = "pass"
		s.insEvent(INSFraudStatusChanged, rec, inv, nil, now)
		return true
	case inv.Status == "declined" || rec.FraudStatus == "fail":
		return false
	case inv.Status == "approved" && !invoiceTangible(inv):
		inv.Status = "pending"
		s.insEvent(INSInvoiceStatusChanged, rec, inv, nil, now)
		return true
	case inv.Status == "approved":
		return true // waits for mark_shipped
	case inv.Status == "pending":
		inv.Status, inv.PayoutStatus = "deposited", "Pending Payout"
		setDeposited(inv, sp(now.Format(dateLayout)))
		s.insEvent(INSInvoiceStatusChanged, rec, inv, nil, now)
		return false
	}
	return false
}

// idNumber folds a numeric id into a number, to seed a choice about it.
func idNumber(id string) uint64 {
	var n uint64
	for i := 0; i < len(id); i++ {
		n = n*10 + uint64(id[i]-'0')
	}
	return n
}

// addSale indexes a new sale.
func (ix *index) addSale(rec *saleRec) {
	ix.sales[rec.Sale.SaleID] = rec
	for _, inv := range rec.Sale.Invoices {
		ix.invoices[inv.InvoiceID] = invRef{rec, inv}
		for _, li := range inv.Lineitems {
			ix.lineitems[li.LineitemID] = lineRef{rec, inv, li}
		}
	}
}
