package store

import (
	"context"
	"time"
)

// WaitListening waits until the PostgreSQL listener has issued LISTEN at
// least once, so a test knows that notices sent from then on arrive. It
// returns at once on SQLite, where there is no listener. Test builds only.
func (s *Store) WaitListening(ctx context.Context) error {
	if s.backend != backendPostgres {
		return nil
	}
	select {
	case <-s.hub.listenReady:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ListenChannel is the NOTIFY channel of the store, so a test can find the
// listener's connection by its application_name. Test builds only.
func (s *Store) ListenChannel(ctx context.Context) (string, error) { return s.pgChannel(ctx) }

// SetListenPing shortens the quiet spell after which the listener checks
// its connection, before the first Subscribe. Test builds only.
func (s *Store) SetListenPing(d time.Duration) { s.hub.ping = d }
