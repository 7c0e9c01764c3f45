// Package pickqueue is the fulfilment floor's pick list: tangible invoices
// not yet shipped, oldest first, with those whose sale is held in fraud
// review kept apart ("on hold, do not ship"). The list lives in the store,
// so every instance shows the same one, and it is filled from two sources:
// INS messages (the ins package stores them) and, for a merchant without
// INS, a background Reconciler that reads recent sales from the Admin API.
package pickqueue

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"backoffice/ins"
	"backoffice/store"
)

// Defaults shared by the Queue and the Reconciler.
const (
	// DefaultINSFresh: a message stored within this long means the
	// merchant's INS is configured and is the list's source.
	DefaultINSFresh = 24 * time.Hour
	// DefaultInterval is the time between reconciler passes without INS.
	DefaultInterval = time.Minute
)

// Store is what the Queue needs of the store.
type Store interface {
	OpenPicks(ctx context.Context, limit int) ([]store.Pick, error)
	MarkPicksShipped(ctx context.Context, saleID, invoiceID string, at time.Time) (int, error)
	PickSyncStatus(ctx context.Context, source string) (store.PickSync, error)
	INSStats(ctx context.Context) (store.INSStats, error)
	Subscribe(ctx context.Context, topic string) <-chan struct{}
}

// Options tune a Queue; the zero value is ready to use.
type Options struct {
	// INSFresh: see DefaultINSFresh.
	INSFresh time.Duration
	// ReconcilerFresh: a reconciler run within this long means it is the
	// list's source; default three times DefaultInterval.
	ReconcilerFresh time.Duration
	// Limit bounds the entries read; default 500.
	Limit int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives what cannot be returned (see Shipping); default:
	// discard.
	Logger *slog.Logger
}

// Queue reads the pick list and takes parcels off it.
type Queue struct {
	st              Store
	insFresh        time.Duration
	reconcilerFresh time.Duration
	limit           int
	now             func() time.Time
	log             *slog.Logger
}

// New returns a Queue over st.
func New(st Store, opts Options) *Queue {
	q := &Queue{st: st, insFresh: opts.INSFresh, reconcilerFresh: opts.ReconcilerFresh, limit: opts.Limit, now: opts.Now,
		log: opts.Logger}
	if q.insFresh <= 0 {
		q.insFresh = DefaultINSFresh
	}
	if q.reconcilerFresh <= 0 {
		q.reconcilerFresh = 3 * DefaultInterval
	}
	if q.limit <= 0 {
		q.limit = 500
	}
	if q.now == nil {
		q.now = time.Now
	}
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	return q
}

// Entry is one parcel to pack.
type Entry struct {
	SaleID      string
	InvoiceID   string
	Customer    string
	Destination string
	Items       []string
	Placed      time.Time
	Age         time.Duration // at the time of the View
	// Fraud is the sale's fraud status from INS; FraudUnknown when no
	// message has given one (then the screens say so rather than guess).
	Fraud ins.Fraud
}

// Mode is where the list's content comes from.
type Mode string

// The sources of the list.
const (
	ModeINS        Mode = "ins"        // INS messages arrive
	ModeReconciler Mode = "reconciler" // no recent INS: the reconciler reads recent sales
	ModeNone       Mode = "none"       // neither has filled the list recently
)

// Source says which source fills the list and how it is doing, for the
// page to say so.
type Source struct {
	Mode    Mode
	LastINS time.Time // the last message received; zero: never
	// The reconciler's last run, last successful run, and the error of the
	// last run ("" when it succeeded).
	LastRun, LastOK time.Time
	LastError       string
}

// View is the pick list at one moment.
type View struct {
	Ready  []Entry // oldest first
	OnHold []Entry // fraud review wait or fail: do not ship; oldest first
	Source Source
	// Truncated: more entries wait than Options.Limit.
	Truncated bool
	// Version changes whenever what the page shows changes (ages aside),
	// for an ETag.
	Version string
	At      time.Time
}

// View reads the list.
func (q *Queue) View(ctx context.Context) (View, error) {
	now := q.now()
	v := View{At: now}
	picks, err := q.st.OpenPicks(ctx, q.limit+1)
	if err != nil {
		return v, fmt.Errorf("pickqueue: %w", err)
	}
	if len(picks) > q.limit {
		picks, v.Truncated = picks[:q.limit], true
	}
	if v.Source, err = q.source(ctx, now); err != nil {
		return v, err
	}
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(string(v.Source.Mode))
	for _, p := range picks {
		e := Entry{SaleID: p.SaleID, InvoiceID: p.InvoiceID, Customer: p.Customer, Destination: p.Destination,
			Items: p.Items, Placed: p.PlacedAt, Age: max(now.Sub(p.PlacedAt), 0), Fraud: ins.ParseFraud(p.FraudStatus)}
		if e.Fraud.Hold() {
			v.OnHold = append(v.OnHold, e)
		} else {
			v.Ready = append(v.Ready, e)
		}
		field(p.InvoiceID)
		field(p.SaleID)
		field(p.Customer)
		field(p.Destination)
		field(p.PlacedAt.Format(time.RFC3339Nano))
		field(string(e.Fraud))
		for _, it := range p.Items {
			field(it)
		}
		field("")
	}
	v.Version = hex.EncodeToString(h.Sum(nil)[:16])
	return v, nil
}

func (q *Queue) source(ctx context.Context, now time.Time) (Source, error) {
	stats, err := q.st.INSStats(ctx)
	if err != nil {
		return Source{}, fmt.Errorf("pickqueue: source: %w", err)
	}
	sync, err := q.st.PickSyncStatus(ctx, store.PickSourceReconciler)
	if err != nil {
		return Source{}, fmt.Errorf("pickqueue: source: %w", err)
	}
	s := Source{Mode: ModeNone, LastINS: stats.LastReceived, LastRun: sync.LastRunAt, LastOK: sync.LastOKAt, LastError: sync.LastError}
	switch {
	case insActive(stats, now, q.insFresh):
		s.Mode = ModeINS
	case !sync.LastOKAt.IsZero() && now.Sub(sync.LastOKAt) < q.reconcilerFresh:
		s.Mode = ModeReconciler
	}
	return s, nil
}

func insActive(stats store.INSStats, now time.Time, fresh time.Duration) bool {
	return !stats.LastReceived.IsZero() && now.Sub(stats.LastReceived) < fresh
}

// Shipped takes a sale's parcel off the list after the panel marked it
// shipped (mark_shipped succeeded, or answered that it already was); with
// invoiceID "" the sale's one open invoice goes. Every instance's open list
// hears of it (store.TopicPickQueue).
func (q *Queue) Shipped(ctx context.Context, saleID, invoiceID string) error {
	if _, err := q.st.MarkPicksShipped(ctx, saleID, invoiceID, q.now()); err != nil {
		return fmt.Errorf("pickqueue: %w", err)
	}
	return nil
}

// Changes returns a channel that receives a value whenever the list may
// have changed on any instance (and, on PostgreSQL, once when listening
// starts); re-read the View then. It closes when ctx ends. For a page's
// server-sent events or a long poll.
func (q *Queue) Changes(ctx context.Context) <-chan struct{} {
	return q.st.Subscribe(ctx, store.TopicPickQueue)
}
