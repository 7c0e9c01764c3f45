// Package storetest gives tests in any package a fresh, migrated store on
// either backend, so every suite that touches the database runs against
// SQLite and PostgreSQL alike.
//
// PostgreSQL tests need a server: set BACKOFFICE_TEST_DATABASE_URL, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Each call creates
// its own schema with a random name and drops it when the test ends, so
// parallel tests and parallel `go test` runs never see each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating and dropping schemas

	"backoffice/store"
)

const (
	// EnvDatabaseURL names the variable holding the PostgreSQL server URL
	// used by tests.
	EnvDatabaseURL = "BACKOFFICE_TEST_DATABASE_URL"
	// EnvRequire names the variable CI sets (to a list containing
	// "postgres") so that a missing server fails the build instead of
	// silently skipping half the suite.
	EnvRequire = "BACKOFFICE_TEST_REQUIRE"
)

const skipReason = "PostgreSQL tests need " + EnvDatabaseURL

// setupTimeout bounds schema creation and removal, so a hung server fails
// the test rather than the whole `go test` run.
const setupTimeout = 30 * time.Second

// SQLiteConfig returns a configuration for a new, empty SQLite database in a
// temporary directory that is removed when the test ends.
func SQLiteConfig(t testing.TB) store.Config {
	t.Helper()
	return store.Config{DataDir: t.TempDir()}
}

// SQLite returns a migrated store on a new SQLite database, closed when the
// test ends.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return openMigrated(t, SQLiteConfig(t))
}

// PostgresURL returns the server URL from BACKOFFICE_TEST_DATABASE_URL after
// checking that the server answers. When the variable is unset the test is
// skipped, or fails if BACKOFFICE_TEST_REQUIRE contains "postgres"; when the
// server does not answer the test fails, since someone asked for it.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvDatabaseURL)
	if u == "" {
		if strings.Contains(os.Getenv(EnvRequire), "postgres") {
			t.Fatal(skipReason)
		}
		t.Skip(skipReason)
	}
	if err := adminExec(u, "SELECT 1"); err != nil {
		t.Fatalf("PostgreSQL test server (%s) unreachable: %v", EnvDatabaseURL, err)
	}
	return u
}

// PostgresConfig creates an empty schema with a random name and returns a
// configuration whose connections use it (search_path is passed as a
// connection start-up parameter, so it holds for every pooled connection).
// The schema is dropped when the test ends. An unreachable server fails the
// test: only a missing URL skips.
func PostgresConfig(t testing.TB) store.Config {
	t.Helper()
	base := PostgresURL(t)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// The URL itself is not printed: it may hold a password.
		t.Fatalf("%s must be a postgres:// URL", EnvDatabaseURL)
	}

	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		t.Fatalf("random schema name: %v", err)
	}
	schema := "botest_" + hex.EncodeToString(raw[:])

	// The name is generated above from hex digits, so quoting it is enough.
	if err := adminExec(base, `CREATE SCHEMA "`+schema+`"`); err != nil {
		t.Fatalf("PostgreSQL test server: create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec(base, `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`); err != nil {
			t.Errorf("PostgreSQL test server: drop schema %s: %v", schema, err)
		}
	})

	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return store.Config{DatabaseURL: u.String()}
}

// Postgres returns a migrated store in a fresh schema (see PostgresConfig),
// closed and dropped when the test ends.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return openMigrated(t, PostgresConfig(t))
}

// Open opens a store for cfg without migrating it and closes it when the
// test ends; for tests of Migrate itself.
func Open(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

func openMigrated(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	s := Open(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s store: %v", s.Backend(), err)
	}
	return s
}

// adminExec runs one statement on its own short-lived connection, outside
// any test schema.
func adminExec(dsn, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}
