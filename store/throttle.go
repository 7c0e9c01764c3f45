package store

import (
	"context"
	"fmt"
	"time"
)

// Login failures live in the database rather than in memory so that every
// instance sees the same count and an attacker cannot spread guesses across
// them (security.md 1.1, Grafana's design). The key is the caller's choice,
// e.g. "user:ann@example.com" or "ip:192.0.2.1"; it is left out of errors as
// it may name an account.

// RecordLoginFailure notes one failed sign-in for key at the given time.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	if _, err := s.exec(ctx, s.db, "INSERT INTO login_failures (key, at) VALUES (?, ?)", key, micros(at)); err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// CountLoginFailures counts failures for key at or after since, i.e. within
// the caller's observation window.
func (s *Store) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?",
		key, micros(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count login failures: %w", mapErr(err))
	}
	return n, nil
}

// ClearLoginFailures forgets all failures for key, e.g. after a successful
// sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.exec(ctx, s.db, "DELETE FROM login_failures WHERE key = ?", key); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// PruneLoginFailures deletes failures older than before, which no window
// looks at any more, and reports how many.
func (s *Store) PruneLoginFailures(ctx context.Context, before time.Time) (int, error) {
	n, err := s.exec(ctx, s.db, "DELETE FROM login_failures WHERE at < ?", micros(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune login failures: %w", err)
	}
	return int(n), nil
}
