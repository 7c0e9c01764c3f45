package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Session is the server-side record behind a session cookie. The cookie alone
// cannot be revoked, so every request checks this record; that is what makes
// logout, disabling a user and "log out other sessions" take effect at once
// (security.md 3.1 point 5, ASVS 7.4.1, 7.4.2, 7.4.5).
type Session struct {
	// ID is opaque to the store, e.g. a SHA-256 hex of the cookie token, so
	// a copy of the database does not hand out usable cookies.
	ID         string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	RevokedAt  time.Time // zero = active

	SecondFactorDone bool
	IP, UserAgent    string
	// Method is how the session was signed in: SignInPassword or
	// SignInBadge ("" is stored as SignInPassword).
	Method string
}

// How a session was signed in (Session.Method).
const (
	SignInPassword = "password"
	SignInBadge    = "badge"
)

const sessionColumns = "id, user_id, created_at, last_seen_at, revoked_at, second_factor_done, ip, user_agent, method"

func scanSession(sc scanner) (*Session, error) {
	var ss Session
	var created, lastSeen int64
	var revoked sql.NullInt64
	if err := sc.Scan(&ss.ID, &ss.UserID, &created, &lastSeen, &revoked, &ss.SecondFactorDone,
		&ss.IP, &ss.UserAgent, &ss.Method); err != nil {
		return nil, mapErr(err)
	}
	ss.CreatedAt = fromMicros(created)
	ss.LastSeenAt = fromMicros(lastSeen)
	ss.RevokedAt = fromNullMicros(revoked)
	return &ss, nil
}

// Errors below never include the session ID: it is derived from the cookie
// and does not belong in logs (ASVS 16.2.5).

// CreateSession stores a new session. An existing ID gives ErrConflict and an
// unknown user ErrNotFound.
func (s *Store) CreateSession(ctx context.Context, ss *Session) error {
	method := ss.Method
	if method == "" {
		method = SignInPassword
	}
	_, err := s.exec(ctx, s.db, `INSERT INTO sessions (id, user_id, created_at, last_seen_at, revoked_at,
			second_factor_done, ip, user_agent, method)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ss.ID, ss.UserID, micros(ss.CreatedAt), micros(ss.LastSeenAt), nullMicros(ss.RevokedAt),
		ss.SecondFactorDone, ss.IP, ss.UserAgent, method)
	if err != nil {
		return fmt.Errorf("store: create session for user %d: %w", ss.UserID, err)
	}
	return nil
}

// SessionByID returns the session, revoked or not (the caller checks
// RevokedAt and its own timeouts), or ErrNotFound.
func (s *Store) SessionByID(ctx context.Context, id string) (*Session, error) {
	if ss, ok := s.auth.session(id); ok {
		return ss, nil
	}
	ss, err := scanSession(s.queryRow(ctx, s.db, "SELECT "+sessionColumns+" FROM sessions WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	s.auth.putSession(ss)
	return ss, nil
}

// TouchSession records activity for the idle timeout; ErrNotFound if absent.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	defer s.auth.dropSession(id)
	n, err := s.exec(ctx, s.db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", micros(at), id)
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("store: touch session: %w", ErrNotFound)
	}
	return nil
}

// MarkSessionSecondFactor records that the second factor was passed. A
// revoked session is treated as absent (ErrNotFound) so that it can never be
// upgraded after logout.
func (s *Store) MarkSessionSecondFactor(ctx context.Context, id string) error {
	defer s.auth.dropSession(id)
	n, err := s.exec(ctx, s.db, "UPDATE sessions SET second_factor_done = ? WHERE id = ? AND revoked_at IS NULL",
		true, id)
	if err != nil {
		return fmt.Errorf("store: mark session second factor: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("store: mark session second factor: %w", ErrNotFound)
	}
	return nil
}

// RevokeSession ends a session. Revoking it again is not an error and keeps
// the first revocation time; an unknown ID gives ErrNotFound.
func (s *Store) RevokeSession(ctx context.Context, id string, at time.Time) error {
	defer s.auth.dropSession(id)
	n, err := s.exec(ctx, s.db, "UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
		micros(at), id)
	if err != nil {
		return fmt.Errorf("store: revoke session: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("store: revoke session: %w", ErrNotFound)
	}
	return nil
}

// RevokeUserSessions ends all active sessions of a user except exceptID ("" =
// all of them, e.g. when the user is disabled) and reports how many it ended.
func (s *Store) RevokeUserSessions(ctx context.Context, userID int64, exceptID string, at time.Time) (int, error) {
	// Session IDs are never empty, so `id <> ''` keeps every session when
	// no exception is wanted, and one statement serves both cases.
	defer s.auth.dropSession("")
	n, err := s.exec(ctx, s.db,
		"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?",
		micros(at), userID, exceptID)
	if err != nil {
		return 0, fmt.Errorf("store: revoke sessions of user %d: %w", userID, err)
	}
	return int(n), nil
}

// ListUserSessions returns the user's active (not revoked) sessions, newest
// first. Sessions past their idle or absolute timeout are still listed until
// housekeeping deletes them; the caller applies its own timeouts.
func (s *Store) ListUserSessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := s.query(ctx, s.db, "SELECT "+sessionColumns+
		" FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC", userID)
	if err != nil {
		return nil, fmt.Errorf("store: list sessions of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list sessions of user %d: %w", userID, err)
		}
		out = append(out, *ss)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list sessions of user %d: %w", userID, err)
	}
	return out, nil
}

// DeleteSessionsBefore deletes sessions, revoked or not, last seen before the
// cutoff, and reports how many. Housekeeping calls it with now minus the
// longest session lifetime.
func (s *Store) DeleteSessionsBefore(ctx context.Context, lastSeenBefore time.Time) (int, error) {
	defer s.auth.dropSession("")
	n, err := s.exec(ctx, s.db, "DELETE FROM sessions WHERE last_seen_at < ?", micros(lastSeenBefore))
	if err != nil {
		return 0, fmt.Errorf("store: delete old sessions: %w", err)
	}
	return int(n), nil
}
