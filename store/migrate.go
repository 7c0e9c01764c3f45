package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The two dialects get separate files rather than one file with
// placeholders: a reviewer can then read exactly what each server runs.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migrateLockKey is the PostgreSQL advisory lock that serialises Migrate
// across instances starting at the same time. Any constant works as long as
// nothing else in the database uses it; this is "backoffi" in ASCII.
const migrateLockKey int64 = 0x6261636b6f666669

type migration struct {
	version int64
	name    string
	sql     string
}

// loadMigrations reads NNN_name.sql files for a backend, in version order.
func loadMigrations(backend string) ([]migration, error) {
	dir := "migrations/" + backend
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []migration
	seen := map[int64]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("store: migration %s: name must be NNN_name.sql", name)
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s: name must start with a positive number", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: migrations %s and %s share version %d", other, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Migrate applies the embedded migrations that have not been applied yet. It
// is idempotent and safe when several instances start at once: each
// migration runs in its own transaction that first takes a lock (an advisory
// transaction lock on PostgreSQL, the write lock on SQLite) and then checks
// schema_migrations again, so a migration is applied exactly once and a
// failed one leaves nothing half-done. The applied_at column is the one place
// where the store reads the clock itself: it is bookkeeping for operators,
// not data any caller reasons about.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.backend)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.backend == backendPostgres {
			// Also covers the CREATE TABLE below: concurrent CREATE TABLE IF
			// NOT EXISTS can still fail on PostgreSQL's catalog unique index.
			if _, err := s.exec(ctx, tx, "SELECT pg_advisory_xact_lock(?)", migrateLockKey); err != nil {
				return fmt.Errorf("store: migration lock: %w", err)
			}
		}
		// On SQLite the transaction already holds the write lock (BEGIN
		// IMMEDIATE), which serialises processes sharing the file.
		if _, err := s.exec(ctx, tx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY,
			applied_at BIGINT NOT NULL
		)`); err != nil {
			return fmt.Errorf("store: create schema_migrations: %w", err)
		}
		var one int
		err := s.queryRow(ctx, tx, "SELECT 1 FROM schema_migrations WHERE version = ?", m.version).Scan(&one)
		if err == nil {
			return nil // another instance, or an earlier run, got here first
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: read schema_migrations: %w", err)
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("store: apply migration %s: %w", m.name, err)
		}
		if _, err := s.exec(ctx, tx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
			m.version, micros(time.Now())); err != nil {
			return fmt.Errorf("store: record migration %s: %w", m.name, err)
		}
		return nil
	})
}
