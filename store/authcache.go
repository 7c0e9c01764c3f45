package store

import (
	"sync"
	"time"
)

// authCacheTTL is how long a session or user read stays cached. Every
// signed-in request reads both; within a second most are the same rows.
const authCacheTTL = time.Second

// authCacheMax bounds each map; past it the map starts afresh.
const authCacheMax = 10000

// authCache keeps sessions and users read in the last second (SQLite only).
// This process is the only writer a SQLite panel has, and each change to a
// session or a user goes through the store's methods, which drop the rows
// they change at once: a sign-out or a disable applies to the very next
// request. The one writer outside this process is the `backoffice user`
// command run beside a live server, whose changes apply within the TTL.
// PostgreSQL serves several instances, so there every read goes to the
// database.
type authCache struct {
	mu       sync.Mutex
	sessions map[string]cached[Session]
	users    map[int64]cached[User]
}

type cached[T any] struct {
	v  T
	at time.Time
}

func newAuthCache() *authCache {
	return &authCache{sessions: map[string]cached[Session]{}, users: map[int64]cached[User]{}}
}

func fresh[T any](c cached[T], ok bool) (*T, bool) {
	if !ok || time.Since(c.at) > authCacheTTL {
		return nil, false
	}
	v := c.v // a copy: callers may change what they get
	return &v, true
}

func (c *authCache) session(id string) (*Session, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sessions[id]
	return fresh(e, ok)
}

func (c *authCache) user(id int64) (*User, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.users[id]
	return fresh(e, ok)
}

func (c *authCache) putSession(s *Session) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sessions) >= authCacheMax {
		clear(c.sessions)
	}
	c.sessions[s.ID] = cached[Session]{*s, time.Now()}
}

func (c *authCache) putUser(u *User) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.users) >= authCacheMax {
		clear(c.users)
	}
	c.users[u.ID] = cached[User]{*u, time.Now()}
}

// dropSession forgets one session; "" forgets them all (a change by user or
// by age, whose sessions are not listed).
func (c *authCache) dropSession(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if id == "" {
		clear(c.sessions)
		return
	}
	delete(c.sessions, id)
}

func (c *authCache) dropUser(id int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.users, id)
}
