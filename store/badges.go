package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Badge lets a person sign in on a shared phone by scanning their badge and
// typing a short PIN. The store keeps only hashes, opaque to it; the auth
// package makes and checks them.
type Badge struct {
	UserID int64
	// Lookup identifies the badge without storing its code (a keyed hash
	// of it). It is unique: one badge cannot open two accounts.
	Lookup string
	// PINHash is an encoded argon2id hash of the PIN.
	PINHash              string
	CreatedAt, UpdatedAt time.Time
}

const badgeColumns = "user_id, lookup, pin_hash, created_at, updated_at"

func scanBadge(sc scanner) (*Badge, error) {
	var b Badge
	var created, updated int64
	if err := sc.Scan(&b.UserID, &b.Lookup, &b.PINHash, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	b.CreatedAt, b.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &b, nil
}

// SetBadge gives the user b.UserID the badge b, replacing any badge they had
// (a lost badge is replaced, not added to). CreatedAt is kept from the first
// badge. ErrConflict when the lookup belongs to someone else's badge,
// ErrNotFound when the user does not exist.
func (s *Store) SetBadge(ctx context.Context, b *Badge) error {
	if b.Lookup == "" || b.PINHash == "" {
		return fmt.Errorf("store: set badge of user %d: empty lookup or PIN hash", b.UserID)
	}
	_, err := s.exec(ctx, s.db, `INSERT INTO badges (user_id, lookup, pin_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET lookup = excluded.lookup, pin_hash = excluded.pin_hash,
			updated_at = excluded.updated_at`,
		b.UserID, b.Lookup, b.PINHash, micros(b.CreatedAt), micros(b.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: set badge of user %d: %w", b.UserID, err)
	}
	return nil
}

// BadgeByLookup finds the badge whose lookup is one of lookups (a badge
// hashed under each of the server's keys, newest first, during a key
// rotation); the returned Lookup says which matched. ErrNotFound if none.
func (s *Store) BadgeByLookup(ctx context.Context, lookups ...string) (*Badge, error) {
	if len(lookups) == 0 {
		return nil, fmt.Errorf("store: badge by lookup: %w", ErrNotFound)
	}
	args := make([]any, len(lookups))
	for i, l := range lookups {
		args[i] = l
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(lookups)), ", ")
	rows, err := s.query(ctx, s.db, "SELECT "+badgeColumns+" FROM badges WHERE lookup IN ("+marks+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: badge by lookup: %w", err)
	}
	defer rows.Close()
	// Lookups are unique, so several rows mean several keys each matched a
	// different badge; the one under the newest key (first) wins.
	var found []*Badge
	for rows.Next() {
		b, err := scanBadge(rows)
		if err != nil {
			return nil, fmt.Errorf("store: badge by lookup: %w", err)
		}
		found = append(found, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: badge by lookup: %w", mapErr(err))
	}
	for _, l := range lookups {
		for _, b := range found {
			if b.Lookup == l {
				return b, nil
			}
		}
	}
	return nil, fmt.Errorf("store: badge by lookup: %w", ErrNotFound)
}

// BadgeOf returns the user's badge, or ErrNotFound when they have none.
func (s *Store) BadgeOf(ctx context.Context, userID int64) (*Badge, error) {
	b, err := scanBadge(s.queryRow(ctx, s.db, "SELECT "+badgeColumns+" FROM badges WHERE user_id = ?", userID))
	if err != nil {
		return nil, fmt.Errorf("store: badge of user %d: %w", userID, err)
	}
	return b, nil
}

// DeleteBadge removes the user's badge and reports whether there was one.
func (s *Store) DeleteBadge(ctx context.Context, userID int64) (bool, error) {
	n, err := s.exec(ctx, s.db, "DELETE FROM badges WHERE user_id = ?", userID)
	if err != nil {
		return false, fmt.Errorf("store: delete badge of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// RekeyBadge replaces the badge's lookup from by to, only if it still is
// from, so a badge found under an old key moves to the newest one at its
// next use. It reports whether the row changed.
func (s *Store) RekeyBadge(ctx context.Context, userID int64, from, to string, at time.Time) (bool, error) {
	n, err := s.exec(ctx, s.db, "UPDATE badges SET lookup = ?, updated_at = ? WHERE user_id = ? AND lookup = ?",
		to, micros(at), userID, from)
	if err != nil {
		return false, fmt.Errorf("store: rekey badge of user %d: %w", userID, err)
	}
	return n == 1, nil
}
