package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEntry is one line of the audit log: who, when, from where, which
// action, on what, with which parameters, and the outcome (SPEC 8). The log
// is append-only from the panel's side: the store offers no way to delete an
// entry or change what it says, and the schema refuses it as well. The one
// exception is an upstream write's entry, written with outcome "sent" before
// the call (BeginWrite) and completed exactly once with its final outcome
// (FinishWrite, RecoverPending), so a crash mid-write still leaves its line.
type AuditEntry struct {
	ID     int64
	At     time.Time
	UserID int64  // 0 = anonymous
	Actor  string // e-mail, or "anonymous" / "system"
	IP     string
	Action string // e.g. "login.failed", "products.update"
	Target string // e.g. "product:4635212971"
	// Params is JSON with secrets already removed by the caller: the store
	// writes what it is given.
	Params    string
	Outcome   string // "ok", "failed", "unknown", "denied"; "sent" until a write's answer is in
	Detail    string
	RequestID string
	// CompletedAt is when an upstream write's entry got its final outcome
	// (FinishWrite, RecoverPending); zero while it is "sent" and for
	// entries written complete.
	CompletedAt time.Time
}

// Audit outcomes the store itself writes or checks.
const (
	// AuditSent marks a write's entry between sending and its answer.
	AuditSent = "sent"
	// AuditUnknown is the outcome of a write whose answer was lost.
	AuditUnknown = "unknown"
	// AuditSuppressed is the outcome of a summary entry counting events
	// that were not logged one by one (see CountAuditEvent).
	AuditSuppressed = "suppressed"
)

// AuditFilter selects audit entries. Zero values mean "no restriction".
type AuditFilter struct {
	UserID int64
	Actor  string
	// Action matches exactly, or as a prefix when it ends in "*"
	// ("products.*").
	Action string
	// Target matches that target and every target under it: "sale:42"
	// selects "sale:42" and "sale:42/invoice:7", never "sale:421".
	Target string
	// From is inclusive and To exclusive, so consecutive ranges never
	// count an entry twice.
	From, To time.Time
	// BeforeID pages by key: only entries with ID < BeforeID; pass the last
	// ID of the previous page. Unlike OFFSET, this stays fast deep into a
	// large log.
	BeforeID int64
	// Limit is the page size for ListAudit; <= 0 means 50. CountAudit and
	// EachAudit ignore it.
	Limit int
}

const defaultAuditLimit = 50

const auditColumns = "id, at, user_id, actor, ip, action, target, params, outcome, detail, request_id, completed_at"

func scanAudit(sc scanner) (*AuditEntry, error) {
	var e AuditEntry
	var at int64
	var completed sql.NullInt64
	if err := sc.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.IP, &e.Action, &e.Target, &e.Params, &e.Outcome,
		&e.Detail, &e.RequestID, &completed); err != nil {
		return nil, mapErr(err)
	}
	e.At = fromMicros(at)
	e.CompletedAt = fromNullMicros(completed)
	return &e, nil
}

// AppendAudit writes e and sets e.ID. An entry with outcome "sent" is
// refused: only BeginWrite writes those, linked to the idempotency record
// that completes them, so none is left open for ever.
func (s *Store) AppendAudit(ctx context.Context, e *AuditEntry) error {
	if e.Outcome == AuditSent {
		return fmt.Errorf("store: append audit %s: outcome %q is written by BeginWrite only", e.Action, AuditSent)
	}
	return s.appendAudit(ctx, s.db, e)
}

func (s *Store) appendAudit(ctx context.Context, q querier, e *AuditEntry) error {
	var id int64
	err := s.queryRow(ctx, q, `INSERT INTO audit_log (at, user_id, actor, ip, action, target, params, outcome,
			detail, request_id, completed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		micros(e.At), e.UserID, e.Actor, e.IP, e.Action, e.Target, e.Params, e.Outcome, e.Detail, e.RequestID,
		nullMicros(e.CompletedAt),
	).Scan(&id)
	if err != nil {
		return fmt.Errorf("store: append audit %s: %w", e.Action, mapErr(err))
	}
	e.ID = id
	return nil
}

// whereBuilder collects conditions; only placeholders reach the SQL text and
// every value goes in args.
type whereBuilder struct {
	conds []string
	args  []any
}

func (w *whereBuilder) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *whereBuilder) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// auditPlan says which range conditions to hide from the query planner; see
// Store.auditPlan for why.
type auditPlan struct {
	hideTime, hideAction bool
}

func (f AuditFilter) actionPrefix() (string, bool) {
	prefix, ok := strings.CutSuffix(f.Action, "*")
	return prefix, ok
}

func (f AuditFilter) hasTimeRange() bool { return !f.From.IsZero() || !f.To.IsZero() }

func (f AuditFilter) hasActionRange() bool {
	prefix, ok := f.actionPrefix()
	return ok && prefix != ""
}

// addTimeRange writes From (inclusive) and To (exclusive) against col, which
// is "at", or "at + 0" to keep the planner off the at index.
func (f AuditFilter) addTimeRange(w *whereBuilder, col string) {
	if !f.From.IsZero() {
		w.add(col+" >= ?", micros(f.From))
	} else if !f.To.IsZero() && col == "at" {
		// A bound that excludes nothing: SQLite guesses that a one-sided
		// range keeps a quarter of the table and then prefers scanning
		// from the newest entry, which for "everything before last March"
		// means reading the whole log. Two-sided, it uses the index.
		w.add(col+" >= ?", int64(math.MinInt64))
	}
	if !f.To.IsZero() {
		w.add(col+" < ?", micros(f.To))
	}
}

// addActionRange writes a trailing-"*" filter as a range rather than LIKE:
// SQLite's LIKE folds case and needs special settings to use an index, while
// a range means the same on both backends because action sorts by byte on
// both. col is "action", or "action" concatenated with an empty string to
// keep the planner off the action index.
func (f AuditFilter) addActionRange(w *whereBuilder, col string) {
	prefix, ok := f.actionPrefix()
	if !ok || prefix == "" { // "*" alone matches everything
		return
	}
	w.add(col+" >= ?", prefix)
	if upper, ok := prefixUpperBound(prefix); ok {
		w.add(col+" < ?", upper)
	}
}

// where builds the WHERE clause shared by list, stream and count, so the
// three always agree on what a filter means.
func (f AuditFilter) where(p auditPlan) (string, []any) {
	var w whereBuilder
	if f.UserID != 0 {
		w.add("user_id = ?", f.UserID)
	}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Target != "" {
		// '0' is the byte after '/': the range holds exactly the targets
		// under this one, and both halves can use the target index.
		w.add("(target = ? OR (target >= ? AND target < ?))", f.Target, f.Target+"/", f.Target+"0")
	}
	if _, isPrefix := f.actionPrefix(); !isPrefix && f.Action != "" {
		w.add("action = ?", f.Action)
	}
	actionCol, timeCol := "action", "at"
	if p.hideAction {
		actionCol = "action || ''"
	}
	if p.hideTime {
		timeCol = "at + 0"
	}
	f.addActionRange(&w, actionCol)
	f.addTimeRange(&w, timeCol)
	if f.BeforeID > 0 {
		w.add("id < ?", f.BeforeID)
	}
	return w.sql(), w.args
}

// defaultWideRange is the number of matching entries from which a range
// condition counts as wide; see auditPlan. Sorting this many rows costs a few
// milliseconds, and probing for them about one.
const defaultWideRange = 5000

// auditPlan decides how to write the range conditions of a query ordered by
// id. Given "at BETWEEN ..." or an action prefix, SQLite (which keeps no
// statistics unless someone runs a full ANALYZE) always walks that index and
// then sorts every match by id: measured at a million rows, "the last ten
// days" took 1.3 s and "products.*" 0.24 s, and EachAudit would buffer the
// whole set in the sorter before the first row. Walking the primary key
// backwards and filtering stops after one page instead (under 20 ms there),
// and is only slow when few entries match, which is when the range index is
// the right choice. So each range is first probed on its index, reading at
// most wideRange entries: a narrow range stays indexable, a wide one is
// hidden from the planner ("at + 0"). Both forms select the same rows; the
// worst case left is a wide range far in the past, bounded by one pass over
// the table (about 0.15 s per million entries).
//
// PostgreSQL keeps statistics and makes these choices itself (checked at a
// million rows); hiding a range would only take its better options away, so
// it gets the plain form unless a test forces the plan.
func (s *Store) auditPlan(ctx context.Context, f AuditFilter) (auditPlan, error) {
	var p auditPlan
	if s.backend == backendPostgres && !s.forcePlan {
		return p, nil
	}
	if f.hasTimeRange() {
		var w whereBuilder
		f.addTimeRange(&w, "at")
		wide, err := s.rangeIsWide(ctx, w)
		if err != nil {
			return p, err
		}
		p.hideTime = wide
	}
	if f.hasActionRange() {
		var w whereBuilder
		f.addActionRange(&w, "action")
		wide, err := s.rangeIsWide(ctx, w)
		if err != nil {
			return p, err
		}
		p.hideAction = wide
	}
	return p, nil
}

func (s *Store) rangeIsWide(ctx context.Context, w whereBuilder) (bool, error) {
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM (SELECT 1 FROM audit_log"+w.sql()+limitClause(s.wideRange)+") probe",
		w.args...).Scan(&n); err != nil {
		return false, fmt.Errorf("probe audit filter: %w", mapErr(err))
	}
	return n >= s.wideRange, nil
}

// orderedAuditQuery builds the SELECT of ListAudit and EachAudit (limit 0 =
// none).
func (s *Store) orderedAuditQuery(ctx context.Context, f AuditFilter, limit int) (string, []any, error) {
	p, err := s.auditPlan(ctx, f)
	if err != nil {
		return "", nil, err
	}
	where, args := f.where(p)
	q := "SELECT " + auditColumns + " FROM audit_log" + where + " ORDER BY id DESC"
	if limit > 0 {
		q += limitClause(limit)
	}
	return q, args, nil
}

// prefixUpperBound returns the smallest string greater than every string
// that starts with prefix, so that "action >= prefix AND action < bound"
// selects exactly the actions with that prefix. For valid UTF-8 it
// increments the last code point (code point order is byte order in UTF-8),
// skipping the surrogate range so PostgreSQL accepts the result; other input
// is handled byte-wise. ok is false when no bound exists, i.e. the prefix is
// made only of maximal characters: then ">= prefix" alone is already exact.
func prefixUpperBound(prefix string) (string, bool) {
	if !utf8.ValidString(prefix) {
		b := []byte(prefix)
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] < 0xFF {
				b[i]++
				return string(b[:i+1]), true
			}
		}
		return "", false
	}
	runes := []rune(prefix)
	for i := len(runes) - 1; i >= 0; i-- {
		r := runes[i]
		if r == utf8.MaxRune {
			continue
		}
		r++
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000
		}
		runes[i] = r
		return string(runes[:i+1]), true
	}
	return "", false
}

// ListAudit returns one page of entries, newest first. Pages are keyed by ID
// (see AuditFilter.BeforeID) rather than by offset, and every filter is
// planned so that no large set is sorted (see auditPlan), so a page stays
// cheap in a log of millions of entries.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	q, args, err := s.orderedAuditQuery(ctx, f, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	rows, err := s.query(ctx, s.db, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	out := make([]AuditEntry, 0, min(limit, defaultAuditLimit)) // a huge Limit must not allocate up front
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list audit: %w", err)
		}
		out = append(out, *e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return out, nil
}

// EachAudit calls fn for every entry matching f (BeforeID included, Limit
// ignored), newest first, reading one row at a time so that a CSV export of
// the whole log is never held in memory. fn gets a fresh entry each time. An
// error from fn stops the walk and is returned unchanged.
//
// The rows hold a database connection until the walk ends, so fn should
// write to the client and not wait on anything slow of its own.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, fn func(*AuditEntry) error) error {
	q, args, err := s.orderedAuditQuery(ctx, f, 0)
	if err != nil {
		return fmt.Errorf("store: export audit: %w", err)
	}
	rows, err := s.query(ctx, s.db, q, args...)
	if err != nil {
		return fmt.Errorf("store: export audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("store: export audit: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export audit: %w", err)
	}
	return nil
}

// CountAudit counts the entries matching f (BeforeID included, Limit
// ignored), e.g. for "1,234 entries" above the table.
func (s *Store) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	// Counting has no order to keep, so every index is fair game.
	where, args := f.where(auditPlan{})
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM audit_log"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count audit: %w", mapErr(err))
	}
	return n, nil
}

// AuditActions returns the distinct actions in the log, sorted, for the
// filter's drop-down.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	// A plain SELECT DISTINCT reads the whole action index; this recursive
	// query jumps from one action to the next (a "loose index scan"), so it
	// costs one index probe per distinct action even with millions of rows.
	// Both SQLite and PostgreSQL run it unchanged.
	rows, err := s.query(ctx, s.db, `WITH RECURSIVE a (action) AS (
			SELECT MIN(action) FROM audit_log
			UNION ALL
			SELECT (SELECT MIN(l.action) FROM audit_log l WHERE l.action > a.action)
			FROM a WHERE a.action IS NOT NULL
		)
		SELECT action FROM a WHERE action IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("store: audit actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: audit actions: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit actions: %w", err)
	}
	return out, nil
}
