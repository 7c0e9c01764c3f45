// Package store keeps Backoffice's own state: staff accounts, sessions, login
// throttling, the audit log, idempotency records and a few settings; the INS
// messages received, the sale state they imply and the pick list (ins.go,
// picks.go); and change notices between instances (notify.go).
//
// One API sits on two backends. SQLite (embedded, no server to run) is the
// default so that `go run .` works out of the box; PostgreSQL is used when a
// database URL is configured, so that several instances share sessions,
// throttling and idempotency (security.md 5.4, test 63).
//
// SQL is written once with `?` placeholders and rebound for PostgreSQL in
// Store.rebind. Otherwise the dialects differ only in the migration files and
// in two backend checks: the lock Migrate takes, and the audit query planning
// that makes up for SQLite's missing statistics (Store.auditPlan). Times are
// stored as BIGINT unix microseconds in UTC and are always supplied by the
// caller, so tests control the clock and every instance agrees on what "now"
// meant for a given write.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned (wrapped) when the requested row does not exist, or
// when a write refers to a row that does not exist (a foreign key violation).
// Test with errors.Is.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned (wrapped) when a write would violate a unique
// constraint, e.g. a second user with the same e-mail address. Test with
// errors.Is.
var ErrConflict = errors.New("store: conflict")

// Config selects the backend.
type Config struct {
	// DataDir holds the SQLite file backoffice.db; it is created with mode
	// 0700 if missing. Ignored when DatabaseURL is set.
	DataDir string
	// DatabaseURL, when set, must be a postgres:// or postgresql:// URL and
	// selects PostgreSQL. It may carry runtime parameters such as
	// search_path, which pgx sends at connection start-up.
	DatabaseURL string
}

const (
	backendSQLite   = "sqlite"
	backendPostgres = "postgres"

	// sqliteFile is the database file name inside Config.DataDir.
	sqliteFile = "backoffice.db"
)

// Store is the handle every other package uses. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	backend string
	// wideRange and forcePlan tune the audit query planning (see
	// auditPlan); fields rather than constants so that tests can drive
	// both query forms on a handful of rows and on both backends.
	wideRange int
	forcePlan bool
	// dsn is the PostgreSQL URL, kept for the dedicated LISTEN connection
	// of the change notices (notify.go); hub delivers them in process.
	dsn string
	hub *hub
	// stmts holds prepared statements and auth caches the sessions and
	// users read in the last second (SQLite only; nil for PostgreSQL).
	stmts *stmtCache
	auth  *authCache
}

// Open connects to the configured backend and checks the connection. It does
// not migrate: `backoffice migrate` and `serve` call Migrate explicitly, so a
// read-only tool never changes the schema by accident.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.DatabaseURL != "" {
		return openPostgres(ctx, cfg.DatabaseURL)
	}
	return openSQLite(ctx, cfg.DataDir)
}

func openPostgres(ctx context.Context, url string) (*Store, error) {
	// The URL is never echoed back in an error: it may carry a password.
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, errors.New("store: database URL must start with postgres:// or postgresql://")
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	// Several instances share one server, so each keeps a modest pool; idle
	// connections are recycled so a server restart or failover is absorbed.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(30 * time.Minute)
	s := &Store{db: db, backend: backendPostgres, wideRange: defaultWideRange, dsn: url, hub: newHub()}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(ctx context.Context, dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("store: neither a data directory nor a database URL is configured")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	path := filepath.Join(dir, sqliteFile)
	// The driver splits the DSN at the first '?', so such a path would be
	// silently truncated into a different file.
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("store: data directory %q must not contain '?'", dir)
	}
	// SQLite creates the -wal and -shm files with the main file's mode, so
	// creating it 0600 first keeps password hashes and TOTP secrets private.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store: create database file: %w", err)
	}

	// _txlock=immediate makes every BEGIN take the write lock up front. A
	// deferred transaction that reads and then writes can fail with
	// SQLITE_BUSY at once (the busy timeout does not apply when its snapshot
	// is stale); an immediate one just waits its turn. Only write paths use
	// transactions here, so readers are not affected.
	dsn := path + "?_pragma=busy_timeout(5000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	// WAL lets readers run alongside the single writer, so a few connections
	// help (e.g. a CSV export streaming while someone signs in); writers
	// queue on the busy timeout. Connections are kept, as opening one re-runs
	// the pragmas.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, backend: backendSQLite, wideRange: defaultWideRange, hub: newHub(), stmts: newStmtCache(db), auth: newAuthCache()}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Backend reports "sqlite" or "postgres", for logs and the readiness page.
func (s *Store) Backend() string { return s.backend }

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.backend, err)
	}
	return nil
}

// Close ends every change-notice subscription, stops listening and releases
// the connection pool.
func (s *Store) Close() error {
	s.hub.shutdown()
	if s.stmts != nil {
		s.stmts.close()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// rebind turns `?` placeholders into PostgreSQL's `$1, $2, ...`. Question
// marks inside quoted literals or identifiers are left alone, although our
// queries keep literals out of SQL text anyway.
func (s *Store) rebind(query string) string {
	if s.backend != backendPostgres {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			b.WriteByte(c)
		case c == '\'' || c == '"':
			quote = c
			b.WriteByte(c)
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// querier is what both *sql.DB and *sql.Tx offer, so helpers run either way.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) exec(ctx context.Context, q querier, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st := s.prepared(ctx, q, query); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = q.ExecContext(ctx, s.rebind(query), args...)
	}
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (s *Store) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, q, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.QueryRowContext(ctx, s.rebind(query), args...)
}

func (s *Store) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	var err error
	if st := s.prepared(ctx, q, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = q.QueryContext(ctx, s.rebind(query), args...)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return rows, nil
}

// inTx runs fn in a transaction and commits only if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error from fn is the one worth reporting
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err)
	}
	return nil
}

// mapErr classifies driver errors into ErrNotFound and ErrConflict while
// keeping the driver's error in the chain for logs. Callers then add what
// they were doing.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound // "no rows in result set" adds nothing for a reader
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		}
	}
	return err
}

// micros converts a caller's time to the stored form. Sub-microsecond
// precision is dropped, which is why values read back are truncated.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros returns a stored time as UTC, so values compare equal no matter
// which backend or server time zone produced them.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicros stores the zero time as NULL, for columns where zero means
// "never" (last login, revocation, use of a recovery code).
func nullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromNullMicros(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMicros(n.Int64)
}

// scanner is satisfied by *sql.Row and *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}
