package store

import (
	"context"
	"fmt"
)

// Setting values may be sensitive (e.g. the hash of the first-run setup
// token), so errors name the key but never the value.

// GetSetting returns the value stored under key, or ErrNotFound.
func (s *Store) GetSetting(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.queryRow(ctx, s.db, "SELECT value FROM settings WHERE key = ?", key).Scan(&v); err != nil {
		return "", fmt.Errorf("store: setting %q: %w", key, mapErr(err))
	}
	return v, nil
}

// SetSetting stores value under key, replacing any previous value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if _, err := s.exec(ctx, s.db,
		"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		key, value); err != nil {
		return fmt.Errorf("store: set setting %q: %w", key, err)
	}
	return nil
}

// DeleteSetting removes key and returns ErrNotFound if it was not there.
// That makes it an atomic "consume": of two requests racing to use the
// one-time setup token, only one sees a nil error.
func (s *Store) DeleteSetting(ctx context.Context, key string) error {
	n, err := s.exec(ctx, s.db, "DELETE FROM settings WHERE key = ?", key)
	if err != nil {
		return fmt.Errorf("store: delete setting %q: %w", key, err)
	}
	if n == 0 {
		return fmt.Errorf("store: delete setting %q: %w", key, ErrNotFound)
	}
	return nil
}
