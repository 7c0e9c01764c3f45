package store

import (
	"context"
	"database/sql"
	"strconv"
	"sync"
)

// maxStatements bounds the statement cache. The store's queries are fixed
// strings, a few dozen of them; a query built with a variable number of
// placeholders past this many simply runs unprepared.
const maxStatements = 256

// stmtCache keeps SQLite statements prepared. Parsing a statement costs
// SQLite more than running one of the store's point lookups, and every
// signed-in page makes several (its session, its user). PostgreSQL needs
// none of this: pgx already prepares and caches each statement.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// get returns the prepared statement for query, nil when it cannot be
// prepared or the cache is full: the caller then runs the query as is, and
// sees any error the query has.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil || len(c.m) >= maxStatements {
		return st
	}
	// Prepared for the cache's lifetime, not the request's: a cancelled
	// page must not leave a closed statement behind.
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		_ = st.Close()
		delete(c.m, q)
	}
}

// limitClause is a LIMIT clause with n written into the SQL. SQLite reads a
// bound LIMIT's value when it plans the statement, so binding one marks the
// statement expired and the next run parses it again: measured, that made a
// prepared point lookup three times slower than the lookup itself. n is an
// int the store chose, never text from outside.
func limitClause(n int) string { return " LIMIT " + strconv.Itoa(n) }

// prepared is q's statement for query when q is the database itself (not a
// transaction) and the backend is SQLite; nil otherwise.
func (s *Store) prepared(ctx context.Context, q querier, query string) *sql.Stmt {
	if s.stmts == nil || q != querier(s.db) {
		return nil
	}
	return s.stmts.get(ctx, query)
}
