package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Some audited events can be produced by anyone, as fast as they can send
// requests: refused sign-ins, 403s. Writing each as an entry would let an
// anonymous flood grow the audit log without limit, so for those actions the
// caller asks CountAuditEvent first. Every event is counted, per action, key
// (e.g. the address) and minute; only the first few of each minute are
// written one by one, and RollUpAuditCounts later writes one summary entry
// per action and minute for the rest. The log thus grows by a bounded number
// of entries per minute and still says how many events there were.

// AuditRate bounds how many events of one action are written one by one
// each minute. A zero field allows none of that kind.
type AuditRate struct {
	// PerKey bounds the entries for one key (one address, one user).
	PerKey int
	// PerAction bounds the entries for the action as a whole, so many
	// keys together cannot flood the log either.
	PerAction int
}

// AuditCount is one counter of CountAuditEvent.
type AuditCount struct {
	Action string
	// Key is the caller's key, or "" for the action's total.
	Key string
	// Minute is the start of the minute counted, UTC.
	Minute time.Time
	// Seen events were counted; Written of them became entries.
	Seen, Written int64
}

// Suppressed is the number of events counted but not written one by one.
func (c AuditCount) Suppressed() int64 { return c.Seen - c.Written }

// CountAuditEvent counts one event of action for key in the minute of at and
// reports whether the caller should write it as an audit entry: while fewer
// than rate.PerKey entries of the minute were written for key and fewer than
// rate.PerAction for the action. An empty key counts toward the total only.
// Counting and deciding are one transaction, so concurrent callers, on any
// instance, never write more than the rate.
func (s *Store) CountAuditEvent(ctx context.Context, action, key string, at time.Time, rate AuditRate) (bool, error) {
	minute := micros(at.UTC().Truncate(time.Minute))
	write := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		count := func(k string) (int64, error) {
			var written int64
			err := s.queryRow(ctx, tx, `INSERT INTO audit_counts (action, key, minute, seen, written) VALUES (?, ?, ?, 1, 0)
				ON CONFLICT (action, minute, key) DO UPDATE SET seen = audit_counts.seen + 1
				RETURNING written`, action, k, minute).Scan(&written)
			return written, mapErr(err)
		}
		total, err := count("")
		if err != nil {
			return err
		}
		write = total < int64(rate.PerAction)
		if key != "" {
			byKey, err := count(key)
			if err != nil {
				return err
			}
			write = write && byKey < int64(rate.PerKey)
		}
		if !write {
			return nil
		}
		_, err = s.exec(ctx, tx, "UPDATE audit_counts SET written = written + 1 WHERE action = ? AND minute = ? AND key IN (?, ?)",
			action, minute, "", key)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: count audit event %s: %w", action, err)
	}
	return write, nil
}

// AuditCounts returns the counters of minutes in [from, to) not yet rolled
// up, by minute, action and key (each action's total, key "", first), e.g.
// to show "1,234 refused sign-ins this minute" before the summary exists.
func (s *Store) AuditCounts(ctx context.Context, from, to time.Time) ([]AuditCount, error) {
	rows, err := s.query(ctx, s.db, `SELECT action, key, minute, seen, written FROM audit_counts
		WHERE minute >= ? AND minute < ? ORDER BY minute, action, key`, micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("store: audit counts: %w", err)
	}
	defer rows.Close()
	var out []AuditCount
	for rows.Next() {
		var c AuditCount
		var minute int64
		if err := rows.Scan(&c.Action, &c.Key, &minute, &c.Seen, &c.Written); err != nil {
			return nil, fmt.Errorf("store: audit counts: %w", err)
		}
		c.Minute = fromMicros(minute)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit counts: %w", err)
	}
	return out, nil
}

// summaryTopKeys is how many keys a summary entry names.
const summaryTopKeys = 5

// RollUpAuditCounts closes the minutes that ended by before: for each action
// and minute in which events were counted but not written, it appends one
// summary entry (actor "system", outcome "suppressed", at the minute's
// start) giving the number, the number of keys and the keys with the most,
// then deletes the minute's counters. Each action-minute is settled in one
// transaction that first deletes its total, so instances rolling up at the
// same time write each summary once. It reports the summaries written.
func (s *Store) RollUpAuditCounts(ctx context.Context, before, at time.Time) (int, error) {
	type am struct {
		action string
		minute int64
	}
	rows, err := s.query(ctx, s.db, "SELECT action, minute FROM audit_counts WHERE key = '' AND minute <= ? ORDER BY minute, action",
		micros(before.Add(-time.Minute)))
	if err != nil {
		return 0, fmt.Errorf("store: roll up audit counts: %w", err)
	}
	var closed []am
	for rows.Next() {
		var x am
		if err := rows.Scan(&x.action, &x.minute); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: roll up audit counts: %w", err)
		}
		closed = append(closed, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: roll up audit counts: %w", err)
	}

	written := 0
	for _, x := range closed {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var seen, wrote int64
			err := s.queryRow(ctx, tx, "DELETE FROM audit_counts WHERE action = ? AND minute = ? AND key = '' RETURNING seen, written",
				x.action, x.minute).Scan(&seen, &wrote)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // another instance rolled it up
			}
			if err != nil {
				return mapErr(err)
			}
			e, err := s.summaryEntry(ctx, tx, x.action, x.minute, seen, wrote)
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, "DELETE FROM audit_counts WHERE action = ? AND minute = ?", x.action, x.minute); err != nil {
				return err
			}
			if e == nil {
				return nil // every event of the minute was written one by one
			}
			if err := s.appendAudit(ctx, tx, e); err != nil {
				return err
			}
			written++
			return nil
		})
		if err != nil {
			return written, fmt.Errorf("store: roll up audit counts: %w", err)
		}
	}
	return written, nil
}

// summaryEntry describes the events of one action-minute that were not
// written, or returns nil when there are none.
func (s *Store) summaryEntry(ctx context.Context, tx *sql.Tx, action string, minute, seen, wrote int64) (*AuditEntry, error) {
	if seen <= wrote {
		return nil, nil
	}
	var keys int
	if err := s.queryRow(ctx, tx, "SELECT COUNT(*) FROM audit_counts WHERE action = ? AND minute = ? AND key <> '' AND seen > written",
		action, minute).Scan(&keys); err != nil {
		return nil, mapErr(err)
	}
	rows, err := s.query(ctx, tx, `SELECT key, seen - written FROM audit_counts
		WHERE action = ? AND minute = ? AND key <> '' AND seen > written
		ORDER BY seen - written DESC, key`+limitClause(summaryTopKeys), action, minute)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type top struct {
		Key        string `json:"key"`
		Suppressed int64  `json:"suppressed"`
	}
	var tops []top
	var names []string
	for rows.Next() {
		var t top
		if err := rows.Scan(&t.Key, &t.Suppressed); err != nil {
			return nil, err
		}
		tops = append(tops, t)
		names = append(names, fmt.Sprintf("%s (%d)", t.Key, t.Suppressed))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	start := fromMicros(minute)
	params, err := json.Marshal(struct {
		Minute     string `json:"minute"`
		Seen       int64  `json:"seen"`
		Written    int64  `json:"written"`
		Suppressed int64  `json:"suppressed"`
		Keys       int    `json:"keys"`
		Top        []top  `json:"top,omitempty"`
	}{start.Format(time.RFC3339), seen, wrote, seen - wrote, keys, tops})
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("%d more between %s and %s UTC were counted but not logged one by one",
		seen-wrote, start.Format("15:04"), start.Add(time.Minute).Format("15:04"))
	if keys > 0 {
		detail += fmt.Sprintf(", from %d sources; most from %s", keys, strings.Join(names, ", "))
	}
	return &AuditEntry{At: start, Actor: "system", Action: action, Params: string(params), Outcome: AuditSuppressed,
		Detail: detail}, nil
}
