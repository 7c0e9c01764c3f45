package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// AcquireLease takes or renews the lease called name for holder until
// now+ttl, so that of several instances one at a time runs a background job.
// It succeeds when the lease is free, expired, or already holder's (a holder
// that keeps renewing keeps the job, and with it its warm caches). The
// caller's clock decides expiry; instances are assumed to agree on the time
// within a small fraction of ttl.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, errors.New("store: acquire lease: name, holder and a positive ttl are required")
	}
	n, err := s.exec(ctx, s.db, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
		name, holder, micros(now.Add(ttl)), micros(now))
	if err != nil {
		return false, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	return n > 0, nil
}

// ReleaseLease gives the lease up if holder has it, so another instance can
// take over at once (e.g. at shutdown).
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.exec(ctx, s.db, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder); err != nil {
		return fmt.Errorf("store: release lease %s: %w", name, err)
	}
	return nil
}
