package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// insPoll is how often the delivery worker looks for messages whose next
// attempt is due; new messages wake it at once.
const insPoll = 250 * time.Millisecond

// insTimeout bounds one POST to the receiver.
const insTimeout = 10 * time.Second

// reorderHold is how long the reorder fault holds a lone message back,
// waiting for a later one to overtake it.
const reorderHold = 5 * time.Second

// newINSClient posts INS messages. Redirects are not followed: the service
// posts to the URL the merchant configured, and a 3xx counts as a failure.
func newINSClient() *http.Client {
	return &http.Client{Timeout: insTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// validINSURL accepts an absolute http or https URL.
func validINSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("sandbox: INS URL must be an absolute http or https URL")
	}
	return nil
}

// wakeINS tells the delivery worker that messages are waiting.
func (s *Sandbox) wakeINS() {
	select {
	case s.insWake <- struct{}{}:
	default:
	}
}

// runINS is the delivery worker: it sends due messages until ctx ends. The
// queue is the state's, so messages pending at a restart are sent after it.
func (s *Sandbox) runINS(ctx context.Context) {
	t := time.NewTicker(insPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.insWake:
		case <-t.C:
		}
		s.deliverDue(ctx)
	}
}

// deliverDue attempts the pending messages whose next attempt is due.
func (s *Sandbox) deliverDue(ctx context.Context) int {
	now := s.now()
	s.mu.RLock()
	var ids []int64
	for _, d := range s.st.INS.Messages {
		if d.Status != insPending {
			continue
		}
		if next, err := time.Parse(time.RFC3339Nano, d.NextAttempt); err != nil || !now.Before(next) {
			ids = append(ids, d.MessageID)
		}
	}
	s.mu.RUnlock()
	if len(ids) == 0 {
		return 0
	}
	return s.deliverIDs(ctx, ids, true)
}

// DeliverINS attempts every pending message now, whatever its backoff (and
// without the reorder fault's hold), and reports how many it attempted.
// It does nothing without an INS URL.
func (s *Sandbox) DeliverINS(ctx context.Context) int {
	if s.insURL == "" {
		return 0
	}
	s.mu.RLock()
	var ids []int64
	for _, d := range s.st.INS.Messages {
		if d.Status == insPending {
			ids = append(ids, d.MessageID)
		}
	}
	s.mu.RUnlock()
	return s.deliverIDs(ctx, ids, false)
}

// insOutcome is the result of one delivery attempt.
type insOutcome struct {
	id      int64
	dropped bool
	posts   int
	err     string
}

// deliverIDs attempts the given pending messages in message_id order (the
// reorder fault reverses a batch, and with hold keeps a lone recent message
// back for a later one to overtake), then records each outcome in the
// state. Messages another attempt holds in flight are skipped.
func (s *Sandbox) deliverIDs(ctx context.Context, ids []int64, hold bool) int {
	if s.insURL == "" {
		return 0
	}
	f := s.Faults().INS
	type job struct {
		id      int64
		body    string
		created time.Time
	}
	var jobs []job
	s.mu.Lock()
	for _, id := range ids {
		d := s.st.INS.index()[id]
		if d == nil || d.Status != insPending || s.inflight[id] {
			continue
		}
		s.inflight[id] = true
		created, _ := time.Parse(time.RFC3339Nano, d.CreatedAt)
		jobs = append(jobs, job{id, d.body(), created})
	}
	s.mu.Unlock()
	slices.SortFunc(jobs, func(a, b job) int { return int(a.id - b.id) })
	release := func(js []job) {
		s.mu.Lock()
		for _, j := range js {
			delete(s.inflight, j.id)
		}
		s.mu.Unlock()
	}
	if len(jobs) > 0 && hit(f.Reorder) {
		if hold && len(jobs) == 1 && s.now().Sub(jobs[0].created) < reorderHold {
			release(jobs)
			return 0
		}
		slices.Reverse(jobs)
	}

	out := make([]insOutcome, 0, len(jobs))
	for _, j := range jobs {
		o := insOutcome{id: j.id}
		switch {
		case ctx.Err() != nil:
			o.err = "not attempted: shutting down"
		case hit(f.Drop):
			o.dropped = true
		default:
			if err := s.post(ctx, j.body); err != nil {
				o.err = err.Error()
				break
			}
			o.posts = 1
			if hit(f.Duplicate) && s.post(ctx, j.body) == nil {
				o.posts++
			}
		}
		out = append(out, o)
	}

	s.mu.Lock()
	now := s.now().UTC()
	attempted := 0
	for _, o := range out {
		delete(s.inflight, o.id)
		d := s.st.INS.index()[o.id]
		if d == nil || d.Status != insPending || o.err == "not attempted: shutting down" {
			continue // gone with a Reset, or left for after the restart
		}
		attempted++
		d.Attempts++
		switch {
		case o.dropped:
			d.Status, d.NextAttempt = insDropped, ""
		case o.err == "":
			d.Status, d.NextAttempt, d.Posts, d.SentAt, d.LastError = insSent, "", d.Posts+o.posts, now.Format(time.RFC3339Nano), ""
		case d.Attempts >= maxINSAttempts:
			d.Status, d.NextAttempt, d.LastError = insFailed, "", o.err
			s.log.Error("sandbox: INS message given up", "message_id", d.MessageID, "type", d.Type, "attempts", d.Attempts, "err", o.err)
		default:
			d.NextAttempt, d.LastError = now.Add(insBackoff[d.Attempts-1]).Format(time.RFC3339Nano), o.err
			s.log.Warn("sandbox: INS delivery failed; will retry", "message_id", d.MessageID, "type", d.Type,
				"attempt", d.Attempts, "retry_in", insBackoff[d.Attempts-1], "err", o.err)
		}
	}
	if attempted > 0 {
		if e := s.persistLocked(); e != nil {
			s.log.Error("sandbox: INS outcome not saved; the messages will be sent again", "err", e.Message)
		}
	}
	s.mu.Unlock()
	return attempted
}

// post sends one message. Errors name the failure, never the URL (it may
// hold a secret path segment).
func (s *Sandbox) post(ctx context.Context, body string) error {
	ctx, cancel := context.WithTimeout(ctx, insTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.insURL, strings.NewReader(body))
	if err != nil {
		return errors.New("bad INS URL")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Backoffice-Sandbox-INS/1")
	resp, err := s.insClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("no answer: %v", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// hit decides whether a fault of that share (0..1) hits this delivery.
func hit(share float64) bool { return share > 0 && (share >= 1 || rand.Float64() < share) }
