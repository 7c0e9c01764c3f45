package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Pick is one entry of the pick list: a tangible invoice to pack.
type Pick struct {
	InvoiceID   string
	SaleID      string
	Customer    string
	Destination string // e.g. "Columbus, OH, USA"
	Items       []string
	PlacedAt    time.Time
	// Read back only: which source last wrote the entry, when, and the
	// sale's fraud status from INS ("" when no message has given one).
	Source      string
	UpdatedAt   time.Time
	FraudStatus string
}

// Why an entry left the pick list.
const (
	PickShipped  = "shipped"
	PickDeclined = "declined"
	PickRefunded = "refunded"
)

// Who wrote a pick list entry.
const (
	PickSourceINS        = "ins"
	PickSourceReconciler = "reconciler"
	PickSourcePanel      = "panel"
)

// openPick puts p on the list or refreshes it. A closed entry stays closed
// unless reopen is set, and one closed as shipped stays closed even then:
// shipping cannot be undone, so a source that read the sale before it
// shipped cannot put the parcel back. It reports whether the list changed.
func (s *Store) openPick(ctx context.Context, q querier, p Pick, source string, at time.Time, reopen bool) (bool, error) {
	n, err := s.exec(ctx, q, `INSERT INTO pick_queue (invoice_id, sale_id, customer, destination, items, placed_at,
			source, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (invoice_id) DO UPDATE SET
			customer = CASE WHEN excluded.customer <> '' THEN excluded.customer ELSE pick_queue.customer END,
			destination = CASE WHEN excluded.destination <> '' THEN excluded.destination ELSE pick_queue.destination END,
			items = CASE WHEN excluded.items <> '' THEN excluded.items ELSE pick_queue.items END,
			placed_at = CASE WHEN excluded.placed_at < pick_queue.placed_at THEN excluded.placed_at ELSE pick_queue.placed_at END,
			source = excluded.source, updated_at = excluded.updated_at,
			closed_at = NULL, closed_reason = '', closed_by = ''
		WHERE (pick_queue.closed_at IS NULL OR (? AND pick_queue.closed_reason <> 'shipped'))
			AND (pick_queue.closed_at IS NOT NULL
				OR (excluded.customer <> '' AND excluded.customer <> pick_queue.customer)
				OR (excluded.destination <> '' AND excluded.destination <> pick_queue.destination)
				OR (excluded.items <> '' AND excluded.items <> pick_queue.items)
				OR excluded.placed_at < pick_queue.placed_at)`,
		p.InvoiceID, p.SaleID, p.Customer, p.Destination, encodeItems(p.Items), micros(p.PlacedAt), source, micros(at), reopen)
	if err != nil {
		return false, fmt.Errorf("store: pick list add invoice %s: %w", p.InvoiceID, err)
	}
	return n > 0, nil
}

// closePick takes p off the list for reason. When the invoice was never on
// it, a closed entry is recorded anyway, so that a slower source cannot add
// it afterwards. It reports whether the open list changed.
func (s *Store) closePick(ctx context.Context, q querier, p Pick, reason, by string, at time.Time) (bool, error) {
	n, err := s.exec(ctx, q, `UPDATE pick_queue SET closed_at = ?, closed_reason = ?, closed_by = ?, updated_at = ?
		WHERE invoice_id = ? AND closed_at IS NULL`, micros(at), reason, by, micros(at), p.InvoiceID)
	if err != nil {
		return false, fmt.Errorf("store: pick list close invoice %s: %w", p.InvoiceID, err)
	}
	if n > 0 {
		return true, nil
	}
	placed := p.PlacedAt
	if placed.IsZero() {
		placed = at
	}
	if _, err := s.exec(ctx, q, `INSERT INTO pick_queue (invoice_id, sale_id, customer, destination, items, placed_at,
			source, updated_at, closed_at, closed_reason, closed_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (invoice_id) DO NOTHING`,
		p.InvoiceID, p.SaleID, p.Customer, p.Destination, encodeItems(p.Items), micros(placed), by, micros(at),
		micros(at), reason, by); err != nil {
		return false, fmt.Errorf("store: pick list close invoice %s: %w", p.InvoiceID, err)
	}
	return false, nil
}

// PickClosure says an invoice needs no packing any more.
type PickClosure struct {
	InvoiceID string
	SaleID    string
	Reason    string // PickShipped, PickDeclined or PickRefunded
}

// PickUpdate is what a source other than INS learnt about some invoices.
type PickUpdate struct {
	Source string // e.g. PickSourceReconciler
	At     time.Time
	// Reopen: the source read the current state from the API, so it may
	// put back an entry closed for any reason but shipping.
	Reopen bool
	Open   []Pick
	Closed []PickClosure
}

// UpdatePicks applies u in one transaction and reports how many entries of
// the open list it changed; subscribers of TopicPickQueue are notified when
// that is more than none.
func (s *Store) UpdatePicks(ctx context.Context, u PickUpdate) (int, error) {
	if u.Source == "" {
		return 0, errors.New("store: update pick list: source required")
	}
	changed := 0
	err := s.inTxAnnounce(ctx, func(tx *sql.Tx, announce func(string)) error {
		changed = 0
		for _, p := range u.Open {
			ok, err := s.openPick(ctx, tx, p, u.Source, u.At, u.Reopen)
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
		}
		for _, c := range u.Closed {
			ok, err := s.closePick(ctx, tx, Pick{InvoiceID: c.InvoiceID, SaleID: c.SaleID}, c.Reason, u.Source, u.At)
			if err != nil {
				return err
			}
			if ok {
				changed++
			}
		}
		if changed > 0 {
			announce(TopicPickQueue)
		}
		return nil
	})
	return changed, err
}

// MarkPicksShipped takes a sale's invoice off the pick list after the panel
// marked it shipped; with invoiceID "" every open entry of the sale goes
// (mark_shipped needs an invoice id on sales with several invoices, so
// that is one). It reports how many entries left the list.
func (s *Store) MarkPicksShipped(ctx context.Context, saleID, invoiceID string, at time.Time) (int, error) {
	if saleID == "" && invoiceID == "" {
		return 0, errors.New("store: mark picks shipped: sale or invoice id required")
	}
	n := 0
	err := s.inTxAnnounce(ctx, func(tx *sql.Tx, announce func(string)) error {
		if invoiceID != "" {
			ok, err := s.closePick(ctx, tx, Pick{InvoiceID: invoiceID, SaleID: saleID}, PickShipped, PickSourcePanel, at)
			if err != nil {
				return err
			}
			if ok {
				n = 1
			}
		} else {
			m, err := s.exec(ctx, tx, `UPDATE pick_queue SET closed_at = ?, closed_reason = ?, closed_by = ?, updated_at = ?
				WHERE sale_id = ? AND closed_at IS NULL`, micros(at), PickShipped, PickSourcePanel, micros(at), saleID)
			if err != nil {
				return fmt.Errorf("store: mark sale %s shipped on the pick list: %w", saleID, err)
			}
			n = int(m)
		}
		if n > 0 {
			announce(TopicPickQueue)
		}
		return nil
	})
	return n, err
}

// MaxPicks bounds OpenPicks.
const MaxPicks = 2000

// OpenPicks lists the entries waiting to be packed, oldest first, each with
// its sale's fraud status. limit <= 0 means 500.
func (s *Store) OpenPicks(ctx context.Context, limit int) ([]Pick, error) {
	if limit <= 0 {
		limit = 500
	}
	limit = min(limit, MaxPicks)
	rows, err := s.query(ctx, s.db, `SELECT p.invoice_id, p.sale_id, p.customer, p.destination, p.items, p.placed_at,
			p.source, p.updated_at, COALESCE(s.fraud_status, '')
		FROM pick_queue p LEFT JOIN ins_sales s ON s.sale_id = p.sale_id
		WHERE p.closed_at IS NULL ORDER BY p.placed_at, p.invoice_id`+limitClause(limit))
	if err != nil {
		return nil, fmt.Errorf("store: pick list: %w", err)
	}
	defer rows.Close()
	var out []Pick
	for rows.Next() {
		var p Pick
		var items string
		var placed, updated int64
		if err := rows.Scan(&p.InvoiceID, &p.SaleID, &p.Customer, &p.Destination, &items, &placed, &p.Source, &updated,
			&p.FraudStatus); err != nil {
			return nil, fmt.Errorf("store: pick list: %w", mapErr(err))
		}
		p.Items, p.PlacedAt, p.UpdatedAt = decodeItems(items), fromMicros(placed), fromMicros(updated)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pick list: %w", mapErr(err))
	}
	return out, nil
}

// OpenPicksByFraud counts the open entries by their sale's fraud status
// ("" for none known), for the dashboard.
func (s *Store) OpenPicksByFraud(ctx context.Context) (map[string]int, error) {
	rows, err := s.query(ctx, s.db, `SELECT COALESCE(s.fraud_status, ''), COUNT(*)
		FROM pick_queue p LEFT JOIN ins_sales s ON s.sale_id = p.sale_id
		WHERE p.closed_at IS NULL GROUP BY COALESCE(s.fraud_status, '')`)
	if err != nil {
		return nil, fmt.Errorf("store: pick list counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("store: pick list counts: %w", mapErr(err))
		}
		out[status] = n
	}
	return out, rows.Err()
}

// PrunePicks forgets entries closed before the given time, once no source
// would look at their sales again, and reports how many.
func (s *Store) PrunePicks(ctx context.Context, closedBefore time.Time) (int, error) {
	n, err := s.exec(ctx, s.db, "DELETE FROM pick_queue WHERE closed_at IS NOT NULL AND closed_at < ?", micros(closedBefore))
	if err != nil {
		return 0, fmt.Errorf("store: prune pick list: %w", err)
	}
	return int(n), nil
}

// PickSync is how a source other than INS last filled the pick list.
type PickSync struct {
	Source    string
	LastRunAt time.Time // zero: never ran
	LastOKAt  time.Time // the last run that succeeded
	LastError string    // of the last run; "" when it succeeded
}

// RecordPickSync notes a run of source at the given time; runErr is "" for
// a successful run. The text is shown to admins: no secrets in it.
func (s *Store) RecordPickSync(ctx context.Context, source string, at time.Time, runErr string) error {
	ok := int64(0)
	if runErr == "" {
		ok = micros(at)
	}
	if _, err := s.exec(ctx, s.db, `INSERT INTO pick_sync (source, last_run_at, last_ok_at, last_error) VALUES (?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET last_run_at = excluded.last_run_at, last_error = excluded.last_error,
			last_ok_at = CASE WHEN excluded.last_ok_at > pick_sync.last_ok_at THEN excluded.last_ok_at ELSE pick_sync.last_ok_at END`,
		source, micros(at), ok, runErr); err != nil {
		return fmt.Errorf("store: record pick list sync: %w", err)
	}
	return nil
}

// PickSyncStatus returns the last run of source; the zero PickSync (with
// Source set) when it never ran.
func (s *Store) PickSyncStatus(ctx context.Context, source string) (PickSync, error) {
	ps := PickSync{Source: source}
	var run, ok int64
	err := s.queryRow(ctx, s.db, "SELECT last_run_at, last_ok_at, last_error FROM pick_sync WHERE source = ?", source).
		Scan(&run, &ok, &ps.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return ps, nil
	}
	if err != nil {
		return ps, fmt.Errorf("store: pick list sync: %w", mapErr(err))
	}
	ps.LastRunAt, ps.LastOKAt = zeroMicros(run), zeroMicros(ok)
	return ps, nil
}
