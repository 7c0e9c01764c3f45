package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// User is a staff account of the panel.
type User struct {
	ID int64
	// Email is stored trimmed and lower-cased and is unique, so sign-in is
	// case-insensitive and "Ann@x" cannot be created next to "ann@x".
	Email string
	Name  string
	// Role is one of the roles of SPEC section 2; the store keeps it as
	// given and the auth package interprets it.
	Role   string
	Status string // "active" | "disabled"

	// PasswordHash is an encoded argon2id hash, opaque to the store.
	PasswordHash string
	// MustChangePassword is set after an admin-initiated reset, so the
	// user picks the long-term password (ASVS 6.4.1).
	MustChangePassword bool

	TOTPSecret  string // base32, "" when none
	TOTPEnabled bool
	// TOTPLastStep is the last accepted TOTP time step; only UseTOTPStep
	// moves it, so a code cannot be replayed (ASVS 6.5.1).
	TOTPLastStep int64

	CreatedAt, UpdatedAt time.Time
	LastLoginAt          time.Time // zero when never
}

// User status values.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// normalizeEmail is applied on every write and lookup, so uniqueness and
// case-insensitive sign-in do not depend on the database's collation.
func normalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

const userColumns = `id, email, name, role, status, password_hash, must_change_password,
	totp_secret, totp_enabled, totp_last_step, created_at, updated_at, last_login_at`

func scanUser(sc scanner) (*User, error) {
	var u User
	var created, updated int64
	var lastLogin sql.NullInt64
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Status, &u.PasswordHash, &u.MustChangePassword,
		&u.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &created, &updated, &lastLogin); err != nil {
		return nil, mapErr(err)
	}
	u.CreatedAt = fromMicros(created)
	u.UpdatedAt = fromMicros(updated)
	u.LastLoginAt = fromNullMicros(lastLogin)
	return &u, nil
}

// CreateUser inserts u and sets u.ID. u.Email is normalised in place to the
// stored form and an empty u.Status becomes "active". A duplicate e-mail
// address gives ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	email := normalizeEmail(u.Email)
	if email == "" {
		return errors.New("store: create user: empty e-mail address")
	}
	status := u.Status
	if status == "" {
		status = StatusActive
	}
	var id int64
	err := s.queryRow(ctx, s.db, `INSERT INTO users (email, name, role, status, password_hash, must_change_password,
			totp_secret, totp_enabled, totp_last_step, created_at, updated_at, last_login_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		email, u.Name, u.Role, status, u.PasswordHash, u.MustChangePassword,
		u.TOTPSecret, u.TOTPEnabled, u.TOTPLastStep, micros(u.CreatedAt), micros(u.UpdatedAt), nullMicros(u.LastLoginAt),
	).Scan(&id)
	if err != nil {
		return fmt.Errorf("store: create user: %w", mapErr(err))
	}
	u.ID = id
	u.Email = email
	u.Status = status
	return nil
}

// UserByID returns the user or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	if u, ok := s.auth.user(id); ok {
		return u, nil
	}
	u, err := scanUser(s.queryRow(ctx, s.db, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, err)
	}
	s.auth.putUser(u)
	return u, nil
}

// UserByEmail looks a user up case-insensitively; ErrNotFound if absent.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, err := scanUser(s.queryRow(ctx, s.db, "SELECT "+userColumns+" FROM users WHERE email = ?", normalizeEmail(email)))
	if err != nil {
		return nil, fmt.Errorf("store: user by e-mail: %w", err)
	}
	return u, nil
}

// ListUsers returns every user ordered by e-mail address.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.query(ctx, s.db, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		users = append(users, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return users, nil
}

// CountUsers reports how many accounts exist; zero means first-run setup is
// still open.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", mapErr(err))
	}
	return n, nil
}

// UpdateUser writes name, role, status, password_hash, must_change_password,
// totp_secret, totp_enabled and updated_at of the user with u.ID. The e-mail
// address, creation and last-login times are not changed, and neither is
// totp_last_step: it only moves forward through UseTOTPStep, so saving a
// stale copy of the user cannot re-open a used code. ErrNotFound if absent.
func (s *Store) UpdateUser(ctx context.Context, u *User) error {
	defer s.auth.dropUser(u.ID)
	n, err := s.exec(ctx, s.db, `UPDATE users SET name = ?, role = ?, status = ?, password_hash = ?,
			must_change_password = ?, totp_secret = ?, totp_enabled = ?, updated_at = ?
		WHERE id = ?`,
		u.Name, u.Role, u.Status, u.PasswordHash, u.MustChangePassword, u.TOTPSecret, u.TOTPEnabled,
		micros(u.UpdatedAt), u.ID)
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("store: update user %d: %w", u.ID, ErrNotFound)
	}
	return nil
}

// SetLastLogin records a successful sign-in time; ErrNotFound if absent.
func (s *Store) SetLastLogin(ctx context.Context, id int64, at time.Time) error {
	defer s.auth.dropUser(id)
	n, err := s.exec(ctx, s.db, "UPDATE users SET last_login_at = ? WHERE id = ?", nullMicros(at), id)
	if err != nil {
		return fmt.Errorf("store: set last login of user %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: set last login of user %d: %w", id, ErrNotFound)
	}
	return nil
}

// UseTOTPStep accepts a TOTP time step only if it is later than the last one
// accepted for the user, in one conditional UPDATE so that two requests
// racing with the same code cannot both win. It returns false when the step
// (or a later one) was already used, ErrNotFound when the user is absent.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	defer s.auth.dropUser(userID)
	n, err := s.exec(ctx, s.db, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
		step, userID, step)
	if err != nil {
		return false, fmt.Errorf("store: use TOTP step of user %d: %w", userID, err)
	}
	if n == 1 {
		return true, nil
	}
	if err := s.userExists(ctx, s.db, userID); err != nil {
		return false, fmt.Errorf("store: use TOTP step: %w", err)
	}
	return false, nil
}

// userExists tells "no such user" apart from "condition not met" after a
// conditional UPDATE touched nothing.
func (s *Store) userExists(ctx context.Context, q querier, id int64) error {
	var one int
	if err := s.queryRow(ctx, q, "SELECT 1 FROM users WHERE id = ?", id).Scan(&one); err != nil {
		return fmt.Errorf("user %d: %w", id, mapErr(err))
	}
	return nil
}

// ReplaceRecoveryCodes atomically discards the user's recovery codes and
// stores new ones. The hashes are opaque to the store; a duplicate within
// hashes gives ErrConflict and an unknown user ErrNotFound, and in both cases
// the old codes stay.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string, at time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.userExists(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := s.exec(ctx, tx, "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
				userID, h, micros(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: replace recovery codes of user %d: %w", userID, err)
	}
	return nil
}

// UseRecoveryCode marks one unused code as used in a single conditional
// UPDATE, so of two concurrent attempts with the same code exactly one gets
// true. false means the code is unknown or already used.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error) {
	n, err := s.exec(ctx, s.db,
		"UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
		micros(at), userID, hash)
	if err != nil {
		return false, fmt.Errorf("store: use recovery code of user %d: %w", userID, err)
	}
	return n == 1, nil
}

// CountRecoveryCodes counts the user's unused recovery codes, so the panel
// can warn when few are left.
func (s *Store) CountRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
		userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count recovery codes of user %d: %w", userID, mapErr(err))
	}
	return n, nil
}
