package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

func errorsIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// noticeWait bounds how long a notice may take to arrive. It is generous
// for a loaded CI machine; an arriving notice ends the wait at once.
const noticeWait = 10 * time.Second

func expectNotice(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("%s: subscription closed instead of notified", what)
		}
	case <-time.After(noticeWait):
		t.Fatalf("%s: no notice within %v", what, noticeWait)
	}
}

// expectQuiet checks that no notice is pending; a notice that should not
// have been sent would have been delivered by the time the round trip of a
// later one arrived, so callers check this after an expectNotice on
// another topic or store.
func expectQuiet(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("%s: unexpected notice", what)
	default:
	}
}

func subscribed(t *testing.T, s *store.Store, ctx context.Context, topic string) <-chan struct{} {
	t.Helper()
	ch := s.Subscribe(ctx, topic)
	wctx, cancel := context.WithTimeout(ctx, noticeWait)
	defer cancel()
	if err := s.WaitListening(wctx); err != nil {
		t.Fatalf("listener did not start: %v", err)
	}
	if s.Backend() == "postgres" {
		expectNotice(t, ch, "first LISTEN") // the "re-read now" of a new connection
	}
	return ch
}

func testNotifyInProcess(t *testing.T, open func(t *testing.T) *store.Store) {
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	picks := subscribed(t, s, ctx, store.TopicPickQueue)
	ins := s.Subscribe(ctx, store.TopicINS)
	other := s.Subscribe(ctx, "other")

	// Three publishes before the subscriber reads: one notice (coalesced).
	// The marker on another topic, sent after them, arrives after them.
	for range 3 {
		if err := s.Publish(ctx, store.TopicPickQueue); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Publish(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, other, "marker")
	expectNotice(t, picks, "publish")
	expectQuiet(t, picks, "coalesced publishes")
	// A stored tangible order announces both topics after its commit.
	save(t, s, order(1, "880001", "880011", base))
	expectNotice(t, ins, "stored message")
	expectNotice(t, picks, "stored order")
	expectQuiet(t, other, "unrelated topic")
	// A repeat changes nothing and announces nothing; a following change
	// proves the silence is not just slowness.
	save(t, s, order(1, "880001", "880011", base))
	if err := s.Publish(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, other, "marker")
	expectQuiet(t, ins, "repeated message")
	expectQuiet(t, picks, "repeated message")

	if err := s.Publish(ctx, "bad topic"); err == nil {
		t.Error("a topic with a space was accepted")
	}
	cancel()
	select {
	case _, ok := <-picks:
		if ok {
			// a notice may still have been buffered; the close follows
			if _, ok := <-picks; ok {
				t.Fatal("subscription still open after its context ended")
			}
		}
	case <-time.After(noticeWait):
		t.Fatal("subscription not closed after its context ended")
	}
}

// Two Store values on one schema stand for two instances: a write on A
// reaches a subscriber on B.
func TestNotifyAcrossStoresPostgres(t *testing.T) {
	a, b := twoInstances(t, storetest.PostgresConfig)
	ctx := t.Context()
	onB := subscribed(t, b, ctx, store.TopicPickQueue)
	insOnB := b.Subscribe(ctx, store.TopicINS)

	if err := a.Publish(ctx, store.TopicPickQueue); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, onB, "publish on A")

	save(t, a, order(1, "870001", "870011", base))
	expectNotice(t, insOnB, "message stored on A")
	expectNotice(t, onB, "order stored on A")
	if ids := openInvoices(t, b); len(ids) != 1 || ids[0] != "870011" {
		t.Fatalf("B's pick list = %v; want A's order", ids)
	}
	if _, err := b.MarkPicksShipped(ctx, "870001", "870011", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, onB, "B shipped it")
	onA := a.Subscribe(ctx, store.TopicPickQueue) // A starts listening now: first a "re-read"
	expectNotice(t, onA, "A's first LISTEN")
	if _, err := b.MarkPicksShipped(ctx, "870001", "", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, store.TopicPickQueue); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, onA, "publish on B")
	if ids := openInvoices(t, a); len(ids) != 0 {
		t.Fatalf("A's pick list = %v after B shipped it", ids)
	}

	// A schema of its own is a deployment of its own: its notices stay
	// there.
	c := storetest.Postgres(t)
	onC := subscribed(t, c, ctx, store.TopicPickQueue)
	if err := a.Publish(ctx, store.TopicPickQueue); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, onB, "A's publish, on B")
	marker := c.Subscribe(ctx, "marker") // c already listens: no LISTEN wake
	if err := c.Publish(ctx, "marker"); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, marker, "marker")
	expectQuiet(t, onC, "another schema's notice")
}

// When the listening connection drops, the listener reconnects, tells
// subscribers to re-read (they may have missed notices), and later notices
// arrive again.
func TestNotifyReconnectPostgres(t *testing.T) {
	a, b := twoInstances(t, storetest.PostgresConfig)
	ctx := t.Context()
	onB := subscribed(t, b, ctx, store.TopicPickQueue)
	channel, err := b.ListenChannel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1) t`, "backoffice-listen-"+channel).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("terminated %d listener connections; want 1", killed)
	}
	expectNotice(t, onB, "reconnected listener")
	if err := a.Publish(ctx, store.TopicPickQueue); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, onB, "publish after reconnection")
	if err := b.NotifyErr(); err != nil {
		t.Errorf("NotifyErr after reconnection = %v", err)
	}
}

// A quiet listener checks its connection now and then; the check leaves it
// listening.
func TestNotifyQuietListenerPostgres(t *testing.T) {
	a, b := twoInstances(t, storetest.PostgresConfig)
	b.SetListenPing(20 * time.Millisecond)
	ctx := t.Context()
	onB := subscribed(t, b, ctx, store.TopicPickQueue)
	time.Sleep(300 * time.Millisecond) // several quiet spells, each ending in a check
	if err := a.Publish(ctx, store.TopicPickQueue); err != nil {
		t.Fatal(err)
	}
	expectNotice(t, onB, "publish after quiet spells")
	if err := b.NotifyErr(); err != nil {
		t.Errorf("NotifyErr = %v", err)
	}
	expectQuiet(t, onB, "a connection check") // no reconnection happened, so no "re-read" either
}

// Closing the store ends its subscriptions, so SSE handlers return.
func TestNotifyClose(t *testing.T) {
	for name, cfg := range map[string]func(testing.TB) store.Config{"sqlite": storetest.SQLiteConfig, "postgres": storetest.PostgresConfig} {
		t.Run(name, func(t *testing.T) {
			s, err := store.Open(t.Context(), cfg(t))
			if err != nil {
				t.Fatal(err)
			}
			ch := s.Subscribe(context.Background(), store.TopicINS)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			deadline := time.After(noticeWait)
			for {
				select {
				case _, ok := <-ch:
					if !ok {
						if _, ok := <-s.Subscribe(context.Background(), store.TopicINS); ok {
							t.Fatal("Subscribe on a closed store gave an open channel")
						}
						return
					}
				case <-deadline:
					t.Fatal("subscription still open after Close")
				}
			}
		})
	}
}
