package ins

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/store"
)

// LedgerStore is what the Ledger reads.
type LedgerStore interface {
	INSSale(ctx context.Context, saleID string) (*store.INSSale, error)
	INSTimeline(ctx context.Context, saleID string, limit int) ([]store.INSEvent, error)
	INSDayCounts(ctx context.Context, from, to time.Time) (store.INSDayCounts, error)
	OpenPicksByFraud(ctx context.Context) (map[string]int, error)
	INSStats(ctx context.Context) (store.INSStats, error)
}

// Ledger answers what the stored messages say: a sale's state and
// timeline, the day's counts, and the receiver's own counters.
type Ledger struct {
	st LedgerStore
}

// NewLedger returns a Ledger reading st.
func NewLedger(st LedgerStore) *Ledger { return &Ledger{st: st} }

// SaleState is a sale as INS describes it.
type SaleState struct {
	SaleID string
	// Known: at least one message arrived for the sale. When false,
	// everything else is empty and the fraud status is unknown.
	Known     bool
	Fraud     Fraud
	FraudAt   time.Time // the timestamp of the message that set it
	Recurring string    // live, failed, stopped, complete; "" when not said
	Invoices  []store.INSInvoice
	LastAt    time.Time // the newest message
}

// Hold reports whether the sale must not be shipped (fraud wait or fail).
func (s SaleState) Hold() bool { return s.Fraud.Hold() }

// Sale returns what INS has said about a sale. A sale no message mentions
// is not an error: its fraud status is unknown.
func (l *Ledger) Sale(ctx context.Context, saleID string) (SaleState, error) {
	st, err := l.st.INSSale(ctx, saleID)
	if errors.Is(err, store.ErrNotFound) {
		return SaleState{SaleID: saleID}, nil
	}
	if err != nil {
		return SaleState{}, fmt.Errorf("ins: state of sale %s: %w", saleID, err)
	}
	return SaleState{SaleID: saleID, Known: true, Fraud: ParseFraud(st.FraudStatus), FraudAt: st.FraudAt,
		Recurring: st.RecurringStatus, Invoices: st.Invoices, LastAt: st.LastAt}, nil
}

// Timeline lists a sale's messages, newest first (by timestamp, then
// message_id); limit <= 0 means 100.
func (l *Ledger) Timeline(ctx context.Context, saleID string, limit int) ([]store.INSEvent, error) {
	evs, err := l.st.INSTimeline(ctx, saleID, limit)
	if err != nil {
		return nil, fmt.Errorf("ins: timeline of sale %s: %w", saleID, err)
	}
	return evs, nil
}

// DayCounts is the dashboard's day at a glance.
type DayCounts struct {
	From, To time.Time // the day counted, [From, To) in the caller's zone
	Orders   int       // new orders today
	Shipped  int       // invoices shipped today
	Refunds  int       // refunds issued today
	Waiting  int       // parcels on the pick list now, ready to pack
	OnHold   int       // parcels on the pick list now whose sale is held in fraud review
}

// Today counts the events of the calendar day containing now in loc (the
// team's time zone; a day may have 23 or 25 hours), and the pick list as it
// stands.
func (l *Ledger) Today(ctx context.Context, now time.Time, loc *time.Location) (DayCounts, error) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	c := DayCounts{From: time.Date(y, m, d, 0, 0, 0, 0, loc), To: time.Date(y, m, d+1, 0, 0, 0, 0, loc)}
	ev, err := l.st.INSDayCounts(ctx, c.From, c.To)
	if err != nil {
		return c, fmt.Errorf("ins: day counts: %w", err)
	}
	c.Orders, c.Shipped, c.Refunds = ev.Orders, ev.Shipped, ev.Refunds
	byFraud, err := l.st.OpenPicksByFraud(ctx)
	if err != nil {
		return c, fmt.Errorf("ins: day counts: %w", err)
	}
	for status, n := range byFraud {
		if ParseFraud(status).Hold() {
			c.OnHold += n
		} else {
			c.Waiting += n
		}
	}
	return c, nil
}

// Stats returns the receiver's counters for the settings page: when the
// last message arrived, how many were refused and why.
func (l *Ledger) Stats(ctx context.Context) (store.INSStats, error) {
	st, err := l.st.INSStats(ctx)
	if err != nil {
		return st, fmt.Errorf("ins: receiver counters: %w", err)
	}
	return st, nil
}
