package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Topics the store announces by itself when a write changes what they cover.
const (
	// TopicINS: an INS message was stored.
	TopicINS = "ins"
	// TopicPickQueue: the pick list changed (an entry came, left, or its
	// sale's fraud status moved).
	TopicPickQueue = "pickqueue"
)

// maxTopicLen keeps a topic well inside PostgreSQL's 8000-byte payload.
const maxTopicLen = 100

// Notifier passes change notices between the instances that share a store.
// A notice carries no data, only "something under this topic changed: read
// it again". Notices are coalesced: a subscriber that is slow to read sees
// one notice for many changes, never a backlog. On PostgreSQL they travel
// through LISTEN/NOTIFY, so every instance on the database hears them; on
// SQLite, which one process owns, they stay in that process.
type Notifier interface {
	// Publish announces a change under topic to every subscriber.
	Publish(ctx context.Context, topic string) error
	// Subscribe returns a channel that receives a value after each change
	// under topic (coalesced), and is closed when ctx ends or the store is
	// closed. On PostgreSQL a value also arrives whenever the listening
	// connection (re)connects, including the first time, because notices
	// sent while it was not listening are lost: a subscriber treats every
	// value as "re-read now", so nothing is missed.
	Subscribe(ctx context.Context, topic string) <-chan struct{}
}

var _ Notifier = (*Store)(nil)

func checkTopic(topic string) error {
	if topic == "" || len(topic) > maxTopicLen {
		return fmt.Errorf("store: notification topic must be 1-%d bytes", maxTopicLen)
	}
	for i := 0; i < len(topic); i++ {
		if c := topic[i]; c < 0x21 || c > 0x7e {
			return errors.New("store: notification topic must be printable ASCII without spaces")
		}
	}
	return nil
}

// Publish implements Notifier.
func (s *Store) Publish(ctx context.Context, topic string) error {
	if err := checkTopic(topic); err != nil {
		return err
	}
	if s.backend != backendPostgres {
		s.hub.wake(topic)
		return nil
	}
	return s.pgNotify(ctx, s.db, topic)
}

// Subscribe implements Notifier. An invalid topic gets a closed channel.
func (s *Store) Subscribe(ctx context.Context, topic string) <-chan struct{} {
	ch := make(chan struct{}, 1)
	if checkTopic(topic) != nil || !s.hub.add(topic, ch) {
		close(ch)
		return ch
	}
	if s.backend == backendPostgres {
		s.startListener()
	}
	go func() {
		select {
		case <-ctx.Done():
		case <-s.hub.done:
		}
		s.hub.remove(topic, ch)
	}()
	return ch
}

// inTxAnnounce runs fn in a transaction and sends the notices fn asked for
// with announce: on PostgreSQL inside the transaction (NOTIFY is delivered
// at commit, so a notice never precedes the data and a rolled-back write
// announces nothing); on SQLite to this process's subscribers after the
// commit.
func (s *Store) inTxAnnounce(ctx context.Context, fn func(tx *sql.Tx, announce func(topic string)) error) error {
	var topics []string
	add := func(t string) {
		for _, have := range topics {
			if have == t {
				return
			}
		}
		topics = append(topics, t)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx, add); err != nil {
			return err
		}
		if s.backend == backendPostgres && len(topics) > 0 {
			return s.pgNotify(ctx, tx, topics...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.backend != backendPostgres {
		for _, t := range topics {
			s.hub.wake(t)
		}
	}
	return nil
}

// pgNotify sends one notice per topic in a single round trip.
func (s *Store) pgNotify(ctx context.Context, q querier, topics ...string) error {
	channel, err := s.pgChannel(ctx)
	if err != nil {
		return err
	}
	calls := make([]string, len(topics))
	args := make([]any, 0, 2*len(topics))
	for i, t := range topics {
		calls[i] = "pg_notify(?, ?)"
		args = append(args, channel, t)
	}
	if _, err := s.exec(ctx, q, "SELECT "+strings.Join(calls, ", "), args...); err != nil {
		return fmt.Errorf("store: notify %s: %w", strings.Join(topics, ", "), err)
	}
	return nil
}

// pgChannel is the NOTIFY channel of this store: one per schema, because
// notices are database-wide and two deployments (or two test runs) may
// share a database in different schemas. The schema name is hashed to keep
// the channel a short, plain identifier.
func (s *Store) pgChannel(ctx context.Context) (string, error) {
	s.hub.mu.Lock()
	channel := s.hub.channel
	s.hub.mu.Unlock()
	if channel != "" {
		return channel, nil
	}
	var schema sql.NullString
	if err := s.queryRow(ctx, s.db, "SELECT current_schema()").Scan(&schema); err != nil {
		return "", fmt.Errorf("store: notification channel: %w", mapErr(err))
	}
	sum := sha256.Sum256([]byte(schema.String))
	channel = "backoffice_" + hex.EncodeToString(sum[:8])
	s.hub.mu.Lock()
	s.hub.channel = channel
	s.hub.mu.Unlock()
	return channel, nil
}

// hub fans notices out to this process's subscribers.
type hub struct {
	mu      sync.Mutex
	subs    map[string]map[chan struct{}]struct{}
	closed  bool
	done    chan struct{} // closed by shutdown
	channel string        // PostgreSQL channel name, once known

	// The PostgreSQL listener, started by the first Subscribe.
	listening   bool
	stopListen  context.CancelFunc
	listenDone  chan struct{}
	listenErr   error // last connection error; nil while listening
	listenReady chan struct{}
	ping        time.Duration // how long the listener may hear nothing before it checks the connection
}

func newHub() *hub {
	return &hub{subs: map[string]map[chan struct{}]struct{}{}, done: make(chan struct{}), listenReady: make(chan struct{}),
		ping: listenPing}
}

func (h *hub) add(topic string, ch chan struct{}) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	if h.subs[topic] == nil {
		h.subs[topic] = map[chan struct{}]struct{}{}
	}
	h.subs[topic][ch] = struct{}{}
	return true
}

func (h *hub) remove(topic string, ch chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[topic][ch]; !ok {
		return // already closed by shutdown
	}
	delete(h.subs[topic], ch)
	if len(h.subs[topic]) == 0 {
		delete(h.subs, topic)
	}
	close(ch)
}

// wake signals every subscriber of topic without blocking: a full buffer
// already holds an unread notice, which covers this one too.
func (h *hub) wake(topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[topic] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (h *hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.subs {
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// shutdown stops the listener and closes every subscription.
func (h *hub) shutdown() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.done)
	stop, done := h.stopListen, h.listenDone
	for topic, subs := range h.subs {
		for ch := range subs {
			close(ch)
		}
		delete(h.subs, topic)
	}
	h.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// NotifyErr reports why change notices are not being received, or nil when
// they are (or when no one has subscribed yet). For readiness checks.
func (s *Store) NotifyErr() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.listenErr
}

// Listener reconnection backoff, and how long one connection attempt may take.
const (
	listenBackoffMin = 100 * time.Millisecond
	listenBackoffMax = 5 * time.Second
	listenDialLimit  = 10 * time.Second
	listenPing       = time.Minute
)

// startListener starts, once, the goroutine holding the dedicated LISTEN
// connection. It is dedicated because a pooled connection would go back to
// the pool still listening, and because WaitForNotification occupies it.
func (s *Store) startListener() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.listening || h.closed {
		return
	}
	h.listening = true
	ctx, cancel := context.WithCancel(context.Background())
	h.stopListen = cancel
	h.listenDone = make(chan struct{})
	go s.listen(ctx)
}

func (s *Store) listen(ctx context.Context) {
	h := s.hub
	defer close(h.listenDone)
	backoff := listenBackoffMin
	for ctx.Err() == nil {
		connected, err := s.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		h.mu.Lock()
		h.listenErr = fmt.Errorf("store: change notices: %w", err)
		h.mu.Unlock()
		if connected {
			backoff = listenBackoffMin
		}
		// Jitter spreads the reconnections of many instances after a
		// database restart.
		wait := backoff/2 + rand.N(backoff/2+1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		backoff = min(backoff*2, listenBackoffMax)
	}
}

// listenOnce connects, listens and forwards notices until the connection
// fails. It reports whether it got as far as listening.
func (s *Store) listenOnce(ctx context.Context) (bool, error) {
	h := s.hub
	channel, err := s.pgChannel(ctx)
	if err != nil {
		return false, err
	}
	cfg, err := pgx.ParseConfig(s.dsn)
	if err != nil {
		return false, errors.New("parse database URL") // the URL may hold a password: not quoted
	}
	// Named so that operators (and tests) can tell it from pooled connections.
	cfg.RuntimeParams["application_name"] = "backoffice-listen-" + channel
	dialCtx, cancel := context.WithTimeout(ctx, listenDialLimit)
	conn, err := pgx.ConnectConfig(dialCtx, cfg)
	cancel()
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx) // the connection is being dropped either way
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	h.mu.Lock()
	h.listenErr = nil
	select {
	case <-h.listenReady:
	default:
		close(h.listenReady)
	}
	h.mu.Unlock()
	// Whatever was announced while no connection listened is lost, so
	// every subscriber re-reads.
	h.wakeAll()
	for {
		wctx, cancel := context.WithTimeout(ctx, h.ping)
		n, err := conn.WaitForNotification(wctx)
		quiet := wctx.Err() != nil
		cancel()
		if err == nil {
			h.wake(n.Payload)
			continue
		}
		if ctx.Err() != nil || !quiet || conn.IsClosed() {
			return true, err
		}
		// A connection dropped by a firewall or load balancer looks just
		// like a quiet one: after a quiet spell, check it still answers.
		pctx, cancel := context.WithTimeout(ctx, listenDialLimit)
		_, err = conn.Exec(pctx, "SELECT 1")
		cancel()
		if err != nil {
			return true, fmt.Errorf("ping: %w", err)
		}
	}
}
