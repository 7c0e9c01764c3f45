package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Role is a custom role an admin defined. The built-in roles are not stored:
// the auth package owns them and the rules about names, labels and which
// permissions exist. The store keeps what it is given.
type Role struct {
	// Name is what users.role holds for the role's members. It never
	// changes once created.
	Name        string
	Label       string
	Description string
	// Permissions are permission names; stored sorted and without
	// duplicates.
	Permissions []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// CreatedBy and UpdatedBy are user IDs (0 when unknown).
	CreatedBy int64
	UpdatedBy int64
}

// ErrRoleInUse is returned (wrapped in a *RoleInUseError) when a role that
// someone holds is about to be deleted. Test with errors.Is.
var ErrRoleInUse = errors.New("store: role is held by users")

// RoleInUseError says how many users hold the role, for the message.
type RoleInUseError struct {
	Name    string
	Holders int
}

// Error names the role and the number of holders.
func (e *RoleInUseError) Error() string {
	return fmt.Sprintf("store: role %q is held by %d user(s)", e.Name, e.Holders)
}

// Is makes it match ErrRoleInUse.
func (e *RoleInUseError) Is(target error) bool { return target == ErrRoleInUse }

const roleColumns = "name, label, description, permissions, created_at, updated_at, created_by, updated_by"

func scanRole(sc scanner) (*Role, error) {
	var r Role
	var perms string
	var created, updated int64
	if err := sc.Scan(&r.Name, &r.Label, &r.Description, &perms, &created, &updated, &r.CreatedBy, &r.UpdatedBy); err != nil {
		return nil, mapErr(err)
	}
	r.Permissions = strings.Fields(perms)
	r.CreatedAt = fromMicros(created)
	r.UpdatedAt = fromMicros(updated)
	return &r, nil
}

// joinPermissions is the stored form: sorted, unique, space-separated.
// Permission names never contain spaces.
func joinPermissions(ps []string) (string, error) {
	out := slices.Clone(ps)
	for _, p := range out {
		if p == "" || strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' }) {
			return "", fmt.Errorf("permission name %q is empty or contains spaces", p)
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), " "), nil
}

// CreateRole stores a new custom role. A role with the same name gives
// ErrConflict.
func (s *Store) CreateRole(ctx context.Context, r *Role) error {
	if r.Name == "" {
		return errors.New("store: create role: empty name")
	}
	perms, err := joinPermissions(r.Permissions)
	if err != nil {
		return fmt.Errorf("store: create role %s: %w", r.Name, err)
	}
	if _, err := s.exec(ctx, s.db, `INSERT INTO roles (`+roleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Name, r.Label, r.Description, perms, micros(r.CreatedAt), micros(r.UpdatedAt), r.CreatedBy, r.UpdatedBy); err != nil {
		return fmt.Errorf("store: create role %s: %w", r.Name, err)
	}
	return nil
}

// UpdateRole writes the label, description, permissions, updated_at and
// updated_by of the role named r.Name; ErrNotFound if there is none. The
// change reaches every holder on their next request, on every instance,
// since nothing caches it.
func (s *Store) UpdateRole(ctx context.Context, r *Role) error {
	perms, err := joinPermissions(r.Permissions)
	if err != nil {
		return fmt.Errorf("store: update role %s: %w", r.Name, err)
	}
	n, err := s.exec(ctx, s.db, `UPDATE roles SET label = ?, description = ?, permissions = ?, updated_at = ?, updated_by = ?
		WHERE name = ?`, r.Label, r.Description, perms, micros(r.UpdatedAt), r.UpdatedBy, r.Name)
	if err != nil {
		return fmt.Errorf("store: update role %s: %w", r.Name, err)
	}
	if n == 0 {
		return fmt.Errorf("store: update role %s: %w", r.Name, ErrNotFound)
	}
	return nil
}

// DeleteRole removes a custom role nobody holds. When users hold it, nothing
// is deleted and the error is a *RoleInUseError (errors.Is ErrRoleInUse);
// ErrNotFound when there is no such role.
//
// The holder check and the delete are one transaction that no user write
// can interleave with: SQLite transactions here take the single write lock
// up front, and on PostgreSQL the transaction first locks users in SHARE
// mode, which waits for user writes in flight (on any instance) and holds
// new ones back until the commit. So a role cannot be deleted under someone
// who was just given it.
func (s *Store) DeleteRole(ctx context.Context, name string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if s.backend == backendPostgres {
			if _, err := s.exec(ctx, tx, "LOCK TABLE users IN SHARE MODE"); err != nil {
				return err
			}
		}
		var holders int
		if err := s.queryRow(ctx, tx, "SELECT COUNT(*) FROM users WHERE role = ?", name).Scan(&holders); err != nil {
			return mapErr(err)
		}
		if holders > 0 {
			return &RoleInUseError{Name: name, Holders: holders}
		}
		n, err := s.exec(ctx, tx, "DELETE FROM roles WHERE name = ?", name)
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete role %s: %w", name, err)
	}
	return nil
}

// RoleByName returns the custom role or ErrNotFound. It is the one query a
// request of a custom role's holder costs (a primary-key lookup).
func (s *Store) RoleByName(ctx context.Context, name string) (*Role, error) {
	r, err := scanRole(s.queryRow(ctx, s.db, "SELECT "+roleColumns+" FROM roles WHERE name = ?", name))
	if err != nil {
		return nil, fmt.Errorf("store: role %s: %w", name, err)
	}
	return r, nil
}

// ListRoles returns every custom role, ordered by name.
func (s *Store) ListRoles(ctx context.Context) ([]Role, error) {
	rows, err := s.query(ctx, s.db, "SELECT "+roleColumns+" FROM roles ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: list roles: %w", err)
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list roles: %w", err)
		}
		out = append(out, *r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list roles: %w", err)
	}
	return out, nil
}

// CountRoleHolders counts the users (active or disabled) whose role is name.
func (s *Store) CountRoleHolders(ctx context.Context, name string) (int, error) {
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM users WHERE role = ?", name).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count holders of role %s: %w", name, mapErr(err))
	}
	return n, nil
}

// RoleHolderCounts counts the users of every role that has any, built-in
// or custom, in one query (the roles page shows them all).
func (s *Store) RoleHolderCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.query(ctx, s.db, "SELECT role, COUNT(*) FROM users GROUP BY role")
	if err != nil {
		return nil, fmt.Errorf("store: count role holders: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var role string
		var n int
		if err := rows.Scan(&role, &n); err != nil {
			return nil, fmt.Errorf("store: count role holders: %w", mapErr(err))
		}
		out[role] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count role holders: %w", err)
	}
	return out, nil
}
