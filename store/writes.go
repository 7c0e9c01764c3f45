package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// An upstream write leaves two records: its idempotency record (what a
// resend of the same form gets) and its audit entry (what the log shows).
// Both are written before the call is sent and completed after it, each
// pair in one transaction, so a crash at any moment leaves either nothing
// (the write was not sent) or a pending record with a "sent" entry, which
// RecoverPending turns into "unknown" at the next start-up. Nothing the
// panel sent is then missing from the log, and nothing stays pending for
// ever.

// RecoverySlack is added to the client's write timeout before a pending
// write counts as abandoned: it covers recording the write before sending
// and its answer after, and clocks of instances a little apart. Callers of
// RecoverPending pass a cutoff at least this much older than the timeout.
const RecoverySlack = 5 * time.Second

// RecoveredDetail is the detail RecoverPending gives an entry it completes.
const RecoveredDetail = "no answer was recorded: the panel stopped while the write was in flight; " +
	"check the record at 2Checkout before trying again"

// lateDetailPrefix starts the detail of the entry a late answer appends.
const lateDetailPrefix = "answer received after the write had been marked unknown: "

// auditOutcomeOf maps an idempotency state to the audit outcome it ends in.
func auditOutcomeOf(state string) (string, bool) {
	switch state {
	case IdemSucceeded:
		return "ok", true
	case IdemFailed:
		return "failed", true
	case IdemUnknown:
		return AuditUnknown, true
	}
	return "", false
}

// BeginWrite claims r.Key for one execution, like BeginIdempotent, and when
// this caller wins also appends e with outcome "sent", linked to the record
// (r.AuditID and e.ID are set), in the same transaction. Every other caller
// gets created=false and the stored record untouched, whatever its state: a
// record in state "unknown" (see RecoverPending) can be answered at once.
// e.At should be the time of sending; e.Outcome is ignored.
func (s *Store) BeginWrite(ctx context.Context, r *IdemRecord, e *AuditEntry) (stored *IdemRecord, created bool, err error) {
	if r.Key == "" {
		return nil, false, fmt.Errorf("store: begin write %s: empty key", r.Action)
	}
	if r.State != "" && r.State != IdemPending {
		return nil, false, fmt.Errorf("store: begin write %s: state must be pending", r.Action)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		n, err := s.insertIdem(ctx, tx, r)
		if err != nil {
			return err
		}
		if n == 1 {
			created = true
			sent := *e
			sent.Outcome, sent.CompletedAt = AuditSent, time.Time{}
			if err := s.appendAudit(ctx, tx, &sent); err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, "UPDATE idempotency SET audit_id = ? WHERE key = ?", sent.ID, r.Key); err != nil {
				return err
			}
			e.ID, e.Outcome, r.AuditID = sent.ID, AuditSent, sent.ID
		}
		stored, err = s.idempotentByKey(ctx, tx, r.Key)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: begin write %s: %w", r.Action, err)
	}
	return stored, created, nil
}

// FinishWrite records the outcome of the write that owns key: the record's
// state ("succeeded", "failed" or "unknown") and result, and on its audit
// entry the matching outcome ("ok", "failed", "unknown"), completion time
// and detail (added to the detail the entry began with), in one
// transaction.
//
// If recovery marked the record unknown meanwhile (a peer restarted while
// this call was slow), the answer is still the truth: the record takes it,
// so a resend shows it, and a new audit entry tells the late answer, since
// the first one is complete and cannot change. ErrNotFound if the key does
// not exist, ErrConflict if the write was already finished.
func (s *Store) FinishWrite(ctx context.Context, key, state, result, detail string, at time.Time) error {
	outcome, ok := auditOutcomeOf(state)
	if !ok {
		return fmt.Errorf("store: finish write: state %q is not final", state)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		n, err := s.exec(ctx, tx, "UPDATE idempotency SET state = ?, result = ?, updated_at = ? WHERE key = ? AND state = ?",
			state, result, micros(at), key, IdemPending)
		if err != nil {
			return err
		}
		rec, err := s.idempotentByKey(ctx, tx, key)
		if err != nil {
			return err
		}
		if n == 1 {
			if rec.AuditID == 0 {
				return nil // begun by BeginIdempotent: the caller audits itself
			}
			done, err := s.completeAudit(ctx, tx, rec.AuditID, outcome, detail, at)
			if err != nil {
				return err
			}
			if !done {
				return fmt.Errorf("%w: audit entry %d is no longer sent", ErrConflict, rec.AuditID)
			}
			return nil
		}
		if rec.State != IdemUnknown {
			return fmt.Errorf("%w: already finished as %s", ErrConflict, rec.State)
		}
		if _, err := s.exec(ctx, tx, "UPDATE idempotency SET state = ?, result = ?, updated_at = ? WHERE key = ?",
			state, result, micros(at), key); err != nil {
			return err
		}
		late, err := s.writeEntry(ctx, tx, rec)
		if err != nil {
			return err
		}
		late.At, late.CompletedAt = at, time.Time{}
		late.Outcome, late.Detail = outcome, lateDetailPrefix+detail
		return s.appendAudit(ctx, tx, late)
	})
	if err != nil {
		return fmt.Errorf("store: finish write: %w", err)
	}
	return nil
}

// completeAudit moves entry id from "sent" to outcome, the one change the
// schema allows, and reports whether it did (false: not sent any more).
func (s *Store) completeAudit(ctx context.Context, tx *sql.Tx, id int64, outcome, detail string, at time.Time) (bool, error) {
	var began string
	err := s.queryRow(ctx, tx, "SELECT detail FROM audit_log WHERE id = ? AND outcome = ?", id, AuditSent).Scan(&began)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, mapErr(err)
	}
	switch {
	case began == "":
	case detail == "":
		detail = began
	default:
		detail = began + "; " + detail
	}
	n, err := s.exec(ctx, tx, "UPDATE audit_log SET outcome = ?, detail = ?, completed_at = ? WHERE id = ? AND outcome = ?",
		outcome, detail, micros(at), id, AuditSent)
	if err != nil {
		return false, fmt.Errorf("complete audit entry: %w", err)
	}
	return n == 1, nil
}

// writeEntry returns a copy of the audit entry rec began with, or, for a
// record without one, an entry naming what the record knows (who and which
// action; the target and parameters were never stored with it).
func (s *Store) writeEntry(ctx context.Context, tx *sql.Tx, rec *IdemRecord) (*AuditEntry, error) {
	if rec.AuditID != 0 {
		e, err := scanAudit(s.queryRow(ctx, tx, "SELECT "+auditColumns+" FROM audit_log WHERE id = ?", rec.AuditID))
		if err == nil {
			return e, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	actor := "system"
	var email string
	err := s.queryRow(ctx, tx, "SELECT email FROM users WHERE id = ?", rec.UserID).Scan(&email)
	switch {
	case err == nil:
		actor = email
	case !errors.Is(err, sql.ErrNoRows):
		return nil, mapErr(err)
	}
	return &AuditEntry{At: rec.CreatedAt, UserID: rec.UserID, Actor: actor, Action: rec.Action, Params: "{}"}, nil
}

// RecoveredWrite is one write RecoverPending marked unknown.
type RecoveredWrite struct {
	Key       string
	UserID    int64
	Action    string
	CreatedAt time.Time
	// AuditID is the entry that now says "unknown".
	AuditID int64
	// NewEntry is true when the record had no "sent" entry to complete
	// (begun before entries were written first), so one was appended.
	NewEntry bool
}

// RecoverPending marks every write still pending that was begun before
// olderThan as unknown: its record (so a resend of the form is answered at
// once with "unknown") and its audit entry, completed at at with
// RecoveredDetail, or a new entry when it has none. The caller passes a
// cutoff no write in flight can be older than (the client's write timeout
// bounds every call), so only writes whose process died are touched; run at
// start-up, before serving, and periodically for peers that died. Each
// record is settled in its own transaction, guarded on its state, so
// instances recovering at the same time, or a late FinishWrite, never
// settle one twice. It returns what it changed, for the log.
func (s *Store) RecoverPending(ctx context.Context, olderThan, at time.Time) ([]RecoveredWrite, error) {
	rows, err := s.query(ctx, s.db, "SELECT key FROM idempotency WHERE state = ? AND created_at < ? ORDER BY created_at",
		IdemPending, micros(olderThan))
	if err != nil {
		return nil, fmt.Errorf("store: recover pending writes: %w", err)
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: recover pending writes: %w", err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recover pending writes: %w", err)
	}

	var out []RecoveredWrite
	for _, key := range keys {
		var rw *RecoveredWrite
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rw = nil
			n, err := s.exec(ctx, tx, "UPDATE idempotency SET state = ?, updated_at = ? WHERE key = ? AND state = ?",
				IdemUnknown, micros(at), key, IdemPending)
			if err != nil || n == 0 {
				return err // n == 0: finished or recovered by someone else meanwhile
			}
			rec, err := s.idempotentByKey(ctx, tx, key)
			if err != nil {
				return err
			}
			rw = &RecoveredWrite{Key: key, UserID: rec.UserID, Action: rec.Action, CreatedAt: rec.CreatedAt, AuditID: rec.AuditID}
			if rec.AuditID != 0 {
				done, err := s.completeAudit(ctx, tx, rec.AuditID, AuditUnknown, RecoveredDetail, at)
				if err != nil || done {
					return err
				}
			}
			e, err := s.writeEntry(ctx, tx, rec)
			if err != nil {
				return err
			}
			e.Outcome, e.Detail, e.CompletedAt = AuditUnknown, RecoveredDetail, at
			if err := s.appendAudit(ctx, tx, e); err != nil {
				return err
			}
			rw.AuditID, rw.NewEntry = e.ID, true
			_, err = s.exec(ctx, tx, "UPDATE idempotency SET audit_id = ? WHERE key = ?", e.ID, key)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("store: recover pending write: %w", err)
		}
		if rw != nil {
			out = append(out, *rw)
		}
	}
	return out, nil
}
