package ins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"time"

	"backoffice/store"
)

// EventStore is what the Receiver needs of the store.
type EventStore interface {
	SaveINSEvent(ctx context.Context, e *store.INSEvent) (stored bool, err error)
	CountINSRefusal(ctx context.Context, reason string, at time.Time) error
}

// Checker checks a message's signature; *Verifier is the real one.
type Checker interface {
	Verify(ctx context.Context, m *Message) error
}

// ReceiverOptions tune a Receiver; the zero value is ready to use.
type ReceiverOptions struct {
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default: discard
}

// Receiver takes in one delivery: it reads, parses and checks the message,
// and stores it (with what it says about the sale) before returning, so
// that a crash after the 200 loses nothing.
type Receiver struct {
	st    EventStore
	check Checker
	now   func() time.Time
	log   *slog.Logger
}

// NewReceiver returns a Receiver storing into st and checking with check.
func NewReceiver(st EventStore, check Checker, opts ReceiverOptions) *Receiver {
	r := &Receiver{st: st, check: check, now: opts.Now, log: opts.Logger}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// Receipt describes a delivery that was accepted.
type Receipt struct {
	MessageID int64
	Type      string
	SaleID    string
	InvoiceID string
	// Duplicate: the message_id was stored before; nothing changed. It is
	// still answered 200, or the service would keep resending it.
	Duplicate bool
}

// Receive handles one POST body. It returns a Receipt when the message is
// stored (or was before: Receipt.Duplicate); a *RefusedError, counted by
// reason and stored nowhere, when the body is too large, broken, or not
// signed with the secret word (RefusedError.Status gives 400 or 403); an
// error wrapping ErrUnavailable when the secret word cannot be read (answer
// 503); and any other error when storing failed (answer 500: the service
// retries). contentType is the request's Content-Type; the service sends
// application/x-www-form-urlencoded, and an empty one is taken as that.
func (r *Receiver) Receive(ctx context.Context, contentType string, body io.Reader) (Receipt, error) {
	now := r.now()
	raw, err := io.ReadAll(io.LimitReader(body, MaxBodySize+1))
	if err != nil {
		// The sender hung up or the connection broke: not a message to
		// count, and not one to answer.
		return Receipt{}, refuse(ReasonMalformed, "body could not be read")
	}
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return Receipt{}, r.refused(ctx, refuse(ReasonMalformed, "content type is not application/x-www-form-urlencoded"), now)
		}
	}
	m, err := Parse(raw)
	if err != nil {
		return Receipt{}, r.refused(ctx, err, now)
	}
	if err := r.check.Verify(ctx, m); err != nil {
		return Receipt{}, r.refused(ctx, err, now)
	}
	stored, err := r.st.SaveINSEvent(ctx, m.event(now))
	if err != nil {
		return Receipt{}, fmt.Errorf("ins: store message %d: %w", m.ID, err)
	}
	return Receipt{MessageID: m.ID, Type: m.Type, SaleID: m.SaleID, InvoiceID: m.InvoiceID, Duplicate: !stored}, nil
}

// refused counts a refusal by its reason and returns err unchanged; other
// errors (an unavailable secret word) pass through uncounted.
func (r *Receiver) refused(ctx context.Context, err error, at time.Time) error {
	var re *RefusedError
	if !errors.As(err, &re) {
		return err
	}
	if cerr := r.st.CountINSRefusal(ctx, string(re.Reason), at); cerr != nil {
		// The refusal stands; only the settings page's counter misses it.
		r.log.Warn("ins: refusal not counted", "reason", string(re.Reason), "error", cerr)
	}
	return err
}
