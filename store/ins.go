package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// INSEvent is one message of 2Checkout's Instant Notification Service as
// stored, with what it says about its sale. The ins package reads the
// message and decides those facts; the store keeps them and applies them so
// that a message arriving late never moves a state backwards.
type INSEvent struct {
	MessageID   int64 // the service's message_id: unique, so a repeat is stored once
	Type        string
	Description string
	At          time.Time // the message's own timestamp
	ReceivedAt  time.Time
	SaleID      string
	InvoiceID   string // "" for a message about the sale as a whole
	// Params is the body exactly as received (form-encoded). Timeline
	// queries leave it empty; INSMessage returns it.
	Params string

	// What the message says; "" means it says nothing about that.
	FraudStatus     string // pass, fail, wait
	ShipStatus      string // not_shipped, shipped, ...
	InvoiceStatus   string // approved, pending, deposited, declined
	RecurringStatus string // the sale's recurring billing: live, stopped, complete, failed
	TrackingNumber  string
	Amount          string // decimal text: the invoice amount, or for a refund the amount refunded
	Currency        string

	Order      bool // a new order: counted in "orders today"
	Shipped    bool // reports the invoice shipped: "shipped today"
	Refund     bool // a refund was issued: "refunds today"
	FullRefund bool // the refund covers the whole invoice
	Tangible   bool // the invoice has goods to ship

	// For the pick list, when the invoice is tangible.
	Customer    string
	Destination string
	Items       []string
}

// INSSale is the state of a sale as INS messages describe it.
type INSSale struct {
	SaleID          string
	FraudStatus     string // "" when no message has given one
	FraudAt         time.Time
	RecurringStatus string
	RecurringAt     time.Time
	Customer        string
	FirstAt, LastAt time.Time // the oldest and newest message about the sale
	Invoices        []INSInvoice
}

// INSInvoice is the state of one invoice as INS messages describe it.
type INSInvoice struct {
	InvoiceID      string
	SaleID         string
	Tangible       bool
	ShipStatus     string
	ShipAt         time.Time
	InvoiceStatus  string
	StatusAt       time.Time
	TrackingNumber string
	Refunds        int
	RefundedFull   bool
	PlacedAt       time.Time // the oldest message about the invoice
}

// Names of the INS counters.
const (
	insAccepted     = "accepted"
	insDuplicate    = "duplicate"
	insRefusedPrefx = "refused:"
)

// register builds the three SET clauses of a last-writer-wins column: the
// value moves only when the incoming message says something about it and is
// newer by (timestamp, message_id) than the one that wrote it last.
func register(table, col, at, msg string) string {
	newer := fmt.Sprintf("excluded.%[2]s <> '' AND (excluded.%[3]s > %[1]s.%[3]s OR (excluded.%[3]s = %[1]s.%[3]s AND excluded.%[4]s > %[1]s.%[4]s))",
		table, col, at, msg)
	return fmt.Sprintf("%[2]s = CASE WHEN %[5]s THEN excluded.%[2]s ELSE %[1]s.%[2]s END, "+
		"%[3]s = CASE WHEN %[5]s THEN excluded.%[3]s ELSE %[1]s.%[3]s END, "+
		"%[4]s = CASE WHEN %[5]s THEN excluded.%[4]s ELSE %[1]s.%[4]s END",
		table, col, at, msg, newer)
}

var (
	upsertINSSale = `INSERT INTO ins_sales (sale_id, fraud_status, fraud_at, fraud_msg, recurring_status, recurring_at,
			recurring_msg, customer, last_at, last_msg, first_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sale_id) DO UPDATE SET ` +
		register("ins_sales", "fraud_status", "fraud_at", "fraud_msg") + ", " +
		register("ins_sales", "recurring_status", "recurring_at", "recurring_msg") + `,
		customer = CASE WHEN excluded.customer <> '' AND (excluded.last_at > ins_sales.last_at OR
			(excluded.last_at = ins_sales.last_at AND excluded.last_msg > ins_sales.last_msg))
			THEN excluded.customer ELSE ins_sales.customer END,
		last_msg = CASE WHEN excluded.last_at > ins_sales.last_at OR
			(excluded.last_at = ins_sales.last_at AND excluded.last_msg > ins_sales.last_msg)
			THEN excluded.last_msg ELSE ins_sales.last_msg END,
		last_at = CASE WHEN excluded.last_at > ins_sales.last_at THEN excluded.last_at ELSE ins_sales.last_at END,
		first_at = CASE WHEN excluded.first_at < ins_sales.first_at THEN excluded.first_at ELSE ins_sales.first_at END
		RETURNING fraud_msg`

	upsertINSInvoice = `INSERT INTO ins_invoices (invoice_id, sale_id, tangible, ship_status, ship_at, ship_msg,
			invoice_status, status_at, status_msg, tracking_number, tracking_at, tracking_msg, refunds, refunded_full, placed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (invoice_id) DO UPDATE SET ` +
		register("ins_invoices", "ship_status", "ship_at", "ship_msg") + ", " +
		register("ins_invoices", "invoice_status", "status_at", "status_msg") + ", " +
		register("ins_invoices", "tracking_number", "tracking_at", "tracking_msg") + `,
		tangible = (ins_invoices.tangible OR excluded.tangible),
		refunds = ins_invoices.refunds + excluded.refunds,
		refunded_full = (ins_invoices.refunded_full OR excluded.refunded_full),
		placed_at = CASE WHEN excluded.placed_at < ins_invoices.placed_at THEN excluded.placed_at ELSE ins_invoices.placed_at END
		RETURNING tangible, ship_status, invoice_status, refunded_full, placed_at`
)

// version is what a register stores for a value: the message's version when
// it says something, else zero so that any later message wins.
func version(value string, e *INSEvent) (int64, int64) {
	if value == "" {
		return 0, 0
	}
	return micros(e.At), e.MessageID
}

// SaveINSEvent stores an accepted message and applies what it says to the
// sale, the invoice and the pick list, all in one transaction, so that once
// it returns the message is durable. A message_id stored before is left as
// it was and reported with stored == false; that is not an error, since the
// service resends messages. Subscribers of TopicINS, and of TopicPickQueue
// when the pick list may have changed, are notified after the commit.
func (s *Store) SaveINSEvent(ctx context.Context, e *INSEvent) (stored bool, err error) {
	if e.MessageID <= 0 || e.SaleID == "" || e.Type == "" {
		return false, errors.New("store: save INS message: message id, sale id and type are required")
	}
	err = s.inTxAnnounce(ctx, func(tx *sql.Tx, announce func(string)) error {
		n, err := s.exec(ctx, tx, `INSERT INTO ins_messages (message_id, message_type, description, sale_id, invoice_id,
				at, received_at, fraud_status, ship_status, invoice_status, recurring, tracking_number, amount, currency,
				is_order, is_shipped, is_refund, params)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (message_id) DO NOTHING`,
			e.MessageID, e.Type, e.Description, e.SaleID, e.InvoiceID, micros(e.At), micros(e.ReceivedAt),
			e.FraudStatus, e.ShipStatus, e.InvoiceStatus, e.RecurringStatus, e.TrackingNumber, e.Amount, e.Currency,
			e.Order, e.Shipped, e.Refund, e.Params)
		if err != nil {
			return fmt.Errorf("store: save INS message %d: %w", e.MessageID, err)
		}
		if n == 0 {
			return s.bumpINSStat(ctx, tx, insDuplicate, e.ReceivedAt)
		}
		stored = true
		announce(TopicINS)
		if err := s.applyINSSale(ctx, tx, e, announce); err != nil {
			return err
		}
		if e.InvoiceID != "" {
			if err := s.applyINSInvoice(ctx, tx, e, announce); err != nil {
				return err
			}
		}
		return s.bumpINSStat(ctx, tx, insAccepted, e.ReceivedAt)
	})
	return stored, err
}

func (s *Store) applyINSSale(ctx context.Context, tx *sql.Tx, e *INSEvent, announce func(string)) error {
	fAt, fMsg := version(e.FraudStatus, e)
	rAt, rMsg := version(e.RecurringStatus, e)
	at := micros(e.At)
	// RETURNING gives the row after the update: the register's version
	// says whether this message set the fraud status.
	var fraudMsg int64
	if err := s.queryRow(ctx, tx, upsertINSSale, e.SaleID, e.FraudStatus, fAt, fMsg, e.RecurringStatus, rAt, rMsg,
		e.Customer, at, e.MessageID, at).Scan(&fraudMsg); err != nil {
		return fmt.Errorf("store: apply INS message %d to sale: %w", e.MessageID, mapErr(err))
	}
	if e.FraudStatus != "" && fraudMsg == e.MessageID {
		// The fraud status decides whether an entry is on hold.
		announce(TopicPickQueue)
	}
	return nil
}

// applyINSInvoice updates the invoice's registers and then derives its pick
// list entry from the resulting state, not from the message alone, so that
// messages in any order leave the same list.
func (s *Store) applyINSInvoice(ctx context.Context, tx *sql.Tx, e *INSEvent, announce func(string)) error {
	sAt, sMsg := version(e.ShipStatus, e)
	iAt, iMsg := version(e.InvoiceStatus, e)
	tAt, tMsg := version(e.TrackingNumber, e)
	refunds := 0
	if e.Refund {
		refunds = 1
	}
	var (
		tangible, refunded   bool
		shipStatus, invState string
		placed               int64
	)
	if err := s.queryRow(ctx, tx, upsertINSInvoice, e.InvoiceID, e.SaleID, e.Tangible, e.ShipStatus, sAt, sMsg,
		e.InvoiceStatus, iAt, iMsg, e.TrackingNumber, tAt, tMsg, refunds, e.FullRefund, micros(e.At)).
		Scan(&tangible, &shipStatus, &invState, &refunded, &placed); err != nil {
		return fmt.Errorf("store: apply INS message %d to invoice: %w", e.MessageID, mapErr(err))
	}
	if !tangible {
		return nil
	}
	p := Pick{InvoiceID: e.InvoiceID, SaleID: e.SaleID, Customer: e.Customer, Destination: e.Destination,
		Items: e.Items, PlacedAt: fromMicros(placed)}
	var (
		changed bool
		err     error
	)
	switch {
	case shipStatus == "shipped":
		changed, err = s.closePick(ctx, tx, p, PickShipped, PickSourceINS, e.At)
	case invState == "declined":
		changed, err = s.closePick(ctx, tx, p, PickDeclined, PickSourceINS, e.At)
	case refunded:
		changed, err = s.closePick(ctx, tx, p, PickRefunded, PickSourceINS, e.At)
	default:
		// INS never reopens a closed entry: only a fresh read of the sale
		// from the API may (see UpdatePicks).
		changed, err = s.openPick(ctx, tx, p, PickSourceINS, e.ReceivedAt, false)
	}
	if err != nil {
		return err
	}
	if changed {
		announce(TopicPickQueue)
	}
	return nil
}

func (s *Store) bumpINSStat(ctx context.Context, q querier, name string, at time.Time) error {
	if _, err := s.exec(ctx, q, `INSERT INTO ins_stats (name, n, last_at) VALUES (?, 1, ?)
		ON CONFLICT (name) DO UPDATE SET n = ins_stats.n + 1,
			last_at = CASE WHEN excluded.last_at > ins_stats.last_at THEN excluded.last_at ELSE ins_stats.last_at END`,
		name, micros(at)); err != nil {
		return fmt.Errorf("store: count INS %s: %w", name, err)
	}
	return nil
}

// CountINSRefusal counts a message refused for reason (e.g. "hash_wrong"),
// which is not stored otherwise.
func (s *Store) CountINSRefusal(ctx context.Context, reason string, at time.Time) error {
	if reason == "" {
		return errors.New("store: count INS refusal: reason required")
	}
	return s.bumpINSStat(ctx, s.db, insRefusedPrefx+reason, at)
}

// INSStats is what the settings page shows about the receiver.
type INSStats struct {
	Accepted   int64
	Duplicates int64
	// LastReceived is when a message last arrived and was accepted,
	// repeats included: the last time the service reached the panel.
	LastReceived time.Time
	Refused      []INSRefusal // by reason, in reason order
}

// INSRefusal counts the messages refused for one reason.
type INSRefusal struct {
	Reason string
	Count  int64
	Last   time.Time
}

// INSStats reads the receiver's counters.
func (s *Store) INSStats(ctx context.Context) (INSStats, error) {
	var st INSStats
	rows, err := s.query(ctx, s.db, "SELECT name, n, last_at FROM ins_stats")
	if err != nil {
		return st, fmt.Errorf("store: INS stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n, last int64
		if err := rows.Scan(&name, &n, &last); err != nil {
			return st, fmt.Errorf("store: INS stats: %w", mapErr(err))
		}
		switch {
		case name == insAccepted:
			st.Accepted = n
		case name == insDuplicate:
			st.Duplicates = n
		case strings.HasPrefix(name, insRefusedPrefx):
			st.Refused = append(st.Refused, INSRefusal{Reason: strings.TrimPrefix(name, insRefusedPrefx), Count: n, Last: fromMicros(last)})
			continue
		}
		if t := fromMicros(last); t.After(st.LastReceived) {
			st.LastReceived = t
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("store: INS stats: %w", mapErr(err))
	}
	sort.Slice(st.Refused, func(i, j int) bool { return st.Refused[i].Reason < st.Refused[j].Reason })
	return st, nil
}

const insEventColumns = `message_id, message_type, description, sale_id, invoice_id, at, received_at, fraud_status,
	ship_status, invoice_status, recurring, tracking_number, amount, currency, is_order, is_shipped, is_refund`

func scanINSEvent(sc scanner, extra ...any) (*INSEvent, error) {
	var e INSEvent
	var at, received int64
	dest := append([]any{&e.MessageID, &e.Type, &e.Description, &e.SaleID, &e.InvoiceID, &at, &received,
		&e.FraudStatus, &e.ShipStatus, &e.InvoiceStatus, &e.RecurringStatus, &e.TrackingNumber, &e.Amount, &e.Currency,
		&e.Order, &e.Shipped, &e.Refund}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, mapErr(err)
	}
	e.At, e.ReceivedAt = fromMicros(at), fromMicros(received)
	return &e, nil
}

// MaxTimeline bounds INSTimeline.
const MaxTimeline = 500

// INSTimeline lists a sale's messages newest first, by (timestamp,
// message_id), without their raw parameters. limit <= 0 means 100.
func (s *Store) INSTimeline(ctx context.Context, saleID string, limit int) ([]INSEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, MaxTimeline)
	rows, err := s.query(ctx, s.db, `SELECT `+insEventColumns+` FROM ins_messages WHERE sale_id = ?
		ORDER BY at DESC, message_id DESC`+limitClause(limit), saleID)
	if err != nil {
		return nil, fmt.Errorf("store: INS timeline of sale %s: %w", saleID, err)
	}
	defer rows.Close()
	var out []INSEvent
	for rows.Next() {
		e, err := scanINSEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: INS timeline of sale %s: %w", saleID, err)
		}
		out = append(out, *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: INS timeline of sale %s: %w", saleID, mapErr(err))
	}
	return out, nil
}

// INSMessage returns one stored message with its raw parameters, or
// ErrNotFound. Items and the pick-list fields are not stored per message and
// stay empty: Params holds them.
func (s *Store) INSMessage(ctx context.Context, messageID int64) (*INSEvent, error) {
	var params string
	e, err := scanINSEvent(s.queryRow(ctx, s.db, `SELECT `+insEventColumns+`, params FROM ins_messages WHERE message_id = ?`,
		messageID), &params)
	if err != nil {
		return nil, fmt.Errorf("store: INS message %d: %w", messageID, err)
	}
	e.Params = params
	return e, nil
}

// INSSale returns what INS messages have said about a sale and its
// invoices, or ErrNotFound when none has arrived for it.
func (s *Store) INSSale(ctx context.Context, saleID string) (*INSSale, error) {
	var st INSSale
	var fAt, rAt, first, last int64
	err := s.queryRow(ctx, s.db, `SELECT sale_id, fraud_status, fraud_at, recurring_status, recurring_at, customer,
		first_at, last_at FROM ins_sales WHERE sale_id = ?`, saleID).Scan(&st.SaleID, &st.FraudStatus, &fAt,
		&st.RecurringStatus, &rAt, &st.Customer, &first, &last)
	if err != nil {
		return nil, fmt.Errorf("store: INS state of sale %s: %w", saleID, mapErr(err))
	}
	st.FraudAt, st.RecurringAt, st.FirstAt, st.LastAt = zeroMicros(fAt), zeroMicros(rAt), fromMicros(first), fromMicros(last)
	rows, err := s.query(ctx, s.db, `SELECT invoice_id, sale_id, tangible, ship_status, ship_at, invoice_status, status_at,
		tracking_number, refunds, refunded_full, placed_at FROM ins_invoices WHERE sale_id = ? ORDER BY placed_at, invoice_id`, saleID)
	if err != nil {
		return nil, fmt.Errorf("store: INS invoices of sale %s: %w", saleID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var inv INSInvoice
		var shipAt, statusAt, placed int64
		if err := rows.Scan(&inv.InvoiceID, &inv.SaleID, &inv.Tangible, &inv.ShipStatus, &shipAt, &inv.InvoiceStatus,
			&statusAt, &inv.TrackingNumber, &inv.Refunds, &inv.RefundedFull, &placed); err != nil {
			return nil, fmt.Errorf("store: INS invoices of sale %s: %w", saleID, mapErr(err))
		}
		inv.ShipAt, inv.StatusAt, inv.PlacedAt = zeroMicros(shipAt), zeroMicros(statusAt), fromMicros(placed)
		st.Invoices = append(st.Invoices, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: INS invoices of sale %s: %w", saleID, mapErr(err))
	}
	return &st, nil
}

// zeroMicros reads a register version, where 0 means "never written".
func zeroMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return fromMicros(us)
}

// INSDayCounts are the events of one period, for the dashboard.
type INSDayCounts struct {
	Orders  int // new orders
	Shipped int // invoices shipped (by INS, the panel or the reconciler), each once
	Refunds int // refunds issued
}

// INSDayCounts counts the events with a timestamp in [from, to).
func (s *Store) INSDayCounts(ctx context.Context, from, to time.Time) (INSDayCounts, error) {
	var c INSDayCounts
	f, t := micros(from), micros(to)
	if err := s.queryRow(ctx, s.db, `SELECT
			COALESCE(SUM(CASE WHEN is_order THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN is_refund THEN 1 ELSE 0 END), 0)
		FROM ins_messages WHERE at >= ? AND at < ?`, f, t).Scan(&c.Orders, &c.Refunds); err != nil {
		return c, fmt.Errorf("store: INS day counts: %w", mapErr(err))
	}
	if err := s.queryRow(ctx, s.db, `SELECT COUNT(*) FROM (
			SELECT invoice_id FROM ins_messages WHERE is_shipped AND at >= ? AND at < ?
			UNION
			SELECT invoice_id FROM pick_queue WHERE closed_reason = 'shipped' AND closed_at >= ? AND closed_at < ?
		) shipped`, f, t, f, t).Scan(&c.Shipped); err != nil {
		return c, fmt.Errorf("store: INS day counts: %w", mapErr(err))
	}
	return c, nil
}

func encodeItems(items []string) string {
	if len(items) == 0 {
		return ""
	}
	b, _ := json.Marshal(items) // a []string always marshals
	return string(b)
}

func decodeItems(s string) []string {
	if s == "" {
		return nil
	}
	var items []string
	if json.Unmarshal([]byte(s), &items) != nil {
		return []string{s} // written by hand, not by the store: show it as it is
	}
	return items
}
