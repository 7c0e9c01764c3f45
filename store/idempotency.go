package store

import (
	"context"
	"fmt"
	"time"
)

// IdemRecord remembers one execution of an upstream write, keyed by the
// random key embedded in the form, so a double submission or a retry after a
// flaky network returns the first result instead of writing twice
// (security.md 4.3, 4.4).
type IdemRecord struct {
	// Key is the random idempotency key (>= 128 bits, ASVS 11.5.1).
	Key    string
	UserID int64
	Action string
	// ParamsHash lets the caller refuse a reused key with different
	// parameters, as Stripe does; the store does not compare it.
	ParamsHash string
	// FormHash is the hash of the form as posted, for a resend whose
	// parameters cannot be rebuilt (the record it changed is gone).
	FormHash  string
	State     string // "pending", "succeeded", "failed", "unknown"
	Result    string // opaque JSON
	CreatedAt time.Time
	UpdatedAt time.Time
	// AuditID is the audit entry the write began with (BeginWrite), 0 for
	// a record begun without one.
	AuditID int64
}

// Idempotency states.
const (
	IdemPending   = "pending"
	IdemSucceeded = "succeeded"
	IdemFailed    = "failed"
	IdemUnknown   = "unknown"
)

const idemColumns = "key, user_id, action, params_hash, form_hash, state, result, created_at, updated_at, audit_id"

func scanIdem(sc scanner) (*IdemRecord, error) {
	var r IdemRecord
	var created, updated int64
	if err := sc.Scan(&r.Key, &r.UserID, &r.Action, &r.ParamsHash, &r.FormHash, &r.State, &r.Result, &created, &updated,
		&r.AuditID); err != nil {
		return nil, mapErr(err)
	}
	r.CreatedAt = fromMicros(created)
	r.UpdatedAt = fromMicros(updated)
	return &r, nil
}

// BeginIdempotent claims r.Key for one execution. The unique key decides the
// winner inside the database (INSERT ... ON CONFLICT DO NOTHING), so exactly
// one caller gets created=true even across instances; it then owns the
// upstream call and must FinishIdempotent. Every other caller gets
// created=false and the stored record, whatever its state ("pending" means
// still in progress). On success the stored record is returned in both
// cases. An empty r.State is stored as "pending".
func (s *Store) BeginIdempotent(ctx context.Context, r *IdemRecord) (existing *IdemRecord, created bool, err error) {
	if r.Key == "" {
		// An empty key would make every keyless form a "double submission"
		// of the first one.
		return nil, false, fmt.Errorf("store: begin idempotent %s: empty key", r.Action)
	}
	n, err := s.insertIdem(ctx, s.db, r)
	if err != nil {
		return nil, false, fmt.Errorf("store: begin idempotent %s: %w", r.Action, err)
	}
	// The row is committed by now in both cases (ours, or the winner's that
	// our INSERT waited for), so this read sees it.
	stored, err := s.IdempotentByKey(ctx, r.Key)
	if err != nil {
		return nil, false, err
	}
	return stored, n == 1, nil
}

// insertIdem inserts r unless its key exists and reports how many rows it
// wrote (1 or 0). An empty r.State is stored as "pending".
func (s *Store) insertIdem(ctx context.Context, q querier, r *IdemRecord) (int64, error) {
	state := r.State
	if state == "" {
		state = IdemPending
	}
	return s.exec(ctx, q, `INSERT INTO idempotency (key, user_id, action, params_hash, form_hash, state, result,
			created_at, updated_at, audit_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		r.Key, r.UserID, r.Action, r.ParamsHash, r.FormHash, state, r.Result, micros(r.CreatedAt), micros(r.UpdatedAt), r.AuditID)
}

// FinishIdempotent records the outcome of the execution that owns key;
// ErrNotFound if the key is unknown (e.g. already pruned).
func (s *Store) FinishIdempotent(ctx context.Context, key, state, result string, at time.Time) error {
	n, err := s.exec(ctx, s.db, "UPDATE idempotency SET state = ?, result = ?, updated_at = ? WHERE key = ?",
		state, result, micros(at), key)
	if err != nil {
		return fmt.Errorf("store: finish idempotent: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("store: finish idempotent: %w", ErrNotFound)
	}
	return nil
}

// IdempotentByKey returns the record for key or ErrNotFound.
func (s *Store) IdempotentByKey(ctx context.Context, key string) (*IdemRecord, error) {
	return s.idempotentByKey(ctx, s.db, key)
}

func (s *Store) idempotentByKey(ctx context.Context, q querier, key string) (*IdemRecord, error) {
	r, err := scanIdem(s.queryRow(ctx, q, "SELECT "+idemColumns+" FROM idempotency WHERE key = ?", key))
	if err != nil {
		return nil, fmt.Errorf("store: idempotency record: %w", err)
	}
	return r, nil
}

// PruneIdempotent deletes records created before the cutoff (Stripe keeps
// keys about 24 hours) and reports how many.
func (s *Store) PruneIdempotent(ctx context.Context, before time.Time) (int, error) {
	n, err := s.exec(ctx, s.db, "DELETE FROM idempotency WHERE created_at < ?", micros(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune idempotency records: %w", err)
	}
	return int(n), nil
}
