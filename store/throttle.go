package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Throttle counters live in the database rather than in memory so that every
// instance sees the same count and an attacker cannot spread guesses across
// them (security.md 1.1, Grafana's design). A key is the caller's choice,
// e.g. "acct:ann@example.com" or "ip:192.0.2.1"; keys are left out of errors
// as they may name an account.
//
// The counting unit is an attempt row in throttle_attempts. ClaimAttempt
// checks the count and inserts the row as one atomic step, before the caller
// checks any secret, so that a burst of concurrent guesses cannot all pass
// the check before any of them is counted.

// ThrottleKey is one counter a claim checks and counts in, with its limit.
type ThrottleKey struct {
	Key string
	// Max is the number of attempts the window allows; a claim is refused
	// when Max attempts are already counted.
	Max int
}

// ThrottleClaim is what ClaimAttempt decided. Slices follow the order of the
// keys given.
type ThrottleClaim struct {
	// Granted is true when a slot was claimed in every key.
	Granted bool
	// IDs are the claimed attempt rows, one per key (nil when refused).
	IDs []int64
	// Counts are the attempts counted in the window, this one included
	// when granted.
	Counts []int
	// Oldest is the time of each key's oldest counted attempt (zero when
	// none): a full key frees a slot when its oldest attempt leaves the
	// window.
	Oldest []time.Time
	// Full is the index of the first key found at its limit, or -1.
	Full int
}

// ClaimAttempt takes one slot in every key at once, or in none: if any key
// already counts Max attempts at or after since, nothing is written and the
// claim is refused. Otherwise one attempt row per key is inserted at at.
// Check and insert are one step: on SQLite the transaction holds the
// database's write lock from its start (BEGIN IMMEDIATE), on PostgreSQL it
// first locks one row per key in throttle_locks (in key order, so two claims
// sharing keys cannot deadlock), which serialises claims on a key across
// every connection and instance while claims on other keys run in parallel.
//
// A claimed row counts as a failure until ReleaseAttempts or ClearAttempts
// removes it, so an attempt abandoned half-way (an error, a crash) still
// counts: the safe side.
func (s *Store) ClaimAttempt(ctx context.Context, keys []ThrottleKey, since, at time.Time) (*ThrottleClaim, error) {
	if len(keys) == 0 {
		return nil, errors.New("store: claim attempt: no keys")
	}
	c := &ThrottleClaim{Counts: make([]int, len(keys)), Oldest: make([]time.Time, len(keys)), Full: -1}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockThrottleKeys(ctx, tx, keys, at); err != nil {
			return err
		}
		for i, k := range keys {
			var n int
			var oldest sql.NullInt64
			if err := s.queryRow(ctx, tx, "SELECT COUNT(*), MIN(at) FROM throttle_attempts WHERE key = ? AND at >= ?",
				k.Key, micros(since)).Scan(&n, &oldest); err != nil {
				return mapErr(err)
			}
			c.Counts[i], c.Oldest[i] = n, fromNullMicros(oldest)
			if n >= k.Max && c.Full < 0 {
				c.Full = i
			}
		}
		if c.Full >= 0 {
			return nil // refused: nothing is counted, so hammering a lock does not extend it
		}
		c.IDs = make([]int64, len(keys))
		for i, k := range keys {
			if err := s.queryRow(ctx, tx, "INSERT INTO throttle_attempts (key, at) VALUES (?, ?) RETURNING id",
				k.Key, micros(at)).Scan(&c.IDs[i]); err != nil {
				return mapErr(err)
			}
			c.Counts[i]++
			if c.Oldest[i].IsZero() {
				c.Oldest[i] = fromMicros(micros(at))
			}
		}
		c.Granted = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim attempt: %w", err)
	}
	return c, nil
}

// lockThrottleKeys takes PostgreSQL's row lock on each key, held until the
// transaction ends. INSERT ... ON CONFLICT DO UPDATE always ends holding the
// lock on the key's row, even when housekeeping deletes it concurrently.
// SQLite needs nothing: the transaction already excludes every other writer.
func (s *Store) lockThrottleKeys(ctx context.Context, tx *sql.Tx, keys []ThrottleKey, at time.Time) error {
	if s.backend != backendPostgres {
		return nil
	}
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, k.Key)
	}
	sort.Strings(names)
	for i, name := range names {
		if i > 0 && name == names[i-1] {
			continue
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO throttle_locks (key, touched_at) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET touched_at = EXCLUDED.touched_at`, name, micros(at)); err != nil {
			return fmt.Errorf("lock key: %w", err)
		}
	}
	return nil
}

// ReleaseAttempts removes claimed attempt rows, giving their slots back:
// for an attempt that succeeded, or that turned out not to be a guess.
// Rows already gone are ignored.
func (s *Store) ReleaseAttempts(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := s.exec(ctx, s.db, "DELETE FROM throttle_attempts WHERE id = ?", id); err != nil {
			return fmt.Errorf("store: release attempt: %w", err)
		}
	}
	return nil
}

// ClearAttempts forgets every attempt counted for key, e.g. an account's
// failures after a correct password.
func (s *Store) ClearAttempts(ctx context.Context, key string) error {
	if _, err := s.exec(ctx, s.db, "DELETE FROM throttle_attempts WHERE key = ?", key); err != nil {
		return fmt.Errorf("store: clear attempts: %w", err)
	}
	return nil
}

// CountAttempts counts the attempts for key at or after since, i.e. within
// the caller's observation window.
func (s *Store) CountAttempts(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM throttle_attempts WHERE key = ? AND at >= ?",
		key, micros(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count attempts: %w", mapErr(err))
	}
	return n, nil
}

// PruneAttempts deletes attempts older than before, which no window looks at
// any more, and (on PostgreSQL) the lock rows of keys idle since then. It
// reports how many attempts went.
func (s *Store) PruneAttempts(ctx context.Context, before time.Time) (int, error) {
	n, err := s.exec(ctx, s.db, "DELETE FROM throttle_attempts WHERE at < ?", micros(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune attempts: %w", err)
	}
	if s.backend == backendPostgres {
		// SKIP LOCKED: the prune never waits for a row a claim holds, so a
		// claim holding one key's row while it waits for another's cannot
		// deadlock with it.
		if _, err := s.exec(ctx, s.db, `DELETE FROM throttle_locks WHERE key IN (
				SELECT key FROM throttle_locks WHERE touched_at < ? ORDER BY key FOR UPDATE SKIP LOCKED)`,
			micros(before)); err != nil {
			return int(n), fmt.Errorf("store: prune throttle locks: %w", err)
		}
	}
	return int(n), nil
}
