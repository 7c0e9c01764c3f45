package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RefundRequest is a refund made through the panel: a request waiting for a
// second person's approval (four eyes), or a direct refund by someone
// allowed to make it. Both kinds are kept, so the panel knows what it has
// refunded even where a sale's record does not show it (2Checkout's
// detail_sale does not list partial refunds).
type RefundRequest struct {
	ID int64
	// FormKey is the key of the form that created the request; a second
	// CreateRefundRequest with the same key returns the first request.
	FormKey string
	// IdemKey is the idempotency key the one API write of this request is
	// sent under (the write path's key), so two approvers clicking at once,
	// or one clicking twice, refund once.
	IdemKey string
	// Direct is a refund its author was allowed to make without approval.
	Direct      bool
	RequestedBy int64
	RequestedAt time.Time
	// ExpiresAt: a request still pending then can no longer be approved.
	ExpiresAt  time.Time
	SaleID     string
	InvoiceID  string
	LineitemID string // "" for a refund of (part of) the invoice
	Item       string // the line item's product name, for display
	Customer   string // the buyer's name, for "Refund 12.50 USD to Ana Ruiz?"
	// AmountCents is in the minor units of Currency.
	AmountCents int64
	Currency    string
	Category    int
	Comment     string

	State     string
	DecidedBy int64     // the approver or rejecter; the author for a direct refund
	DecidedAt time.Time // zero while pending
	Reason    string    // why it was rejected
	Outcome   string    // what 2Checkout answered, in words fit for the page
	UpdatedAt time.Time
}

// Refund request states. Pending → sending → approved | failed | unknown;
// pending → rejected | expired.
const (
	RefundPending = "pending"
	// RefundSending: claimed by one approver (or a direct refund); the API
	// call is under way under IdemKey.
	RefundSending  = "sending"
	RefundApproved = "approved" // 2Checkout made the refund
	RefundRejected = "rejected"
	RefundExpired  = "expired"
	RefundFailed   = "failed"  // 2Checkout refused it
	RefundUnknown  = "unknown" // no answer: it may or may not have been made
)

// RefundRequestLife is how long a request waits for a decision.
const RefundRequestLife = 7 * 24 * time.Hour

// Errors of the decision calls; test with errors.Is.
var (
	// ErrOwnRefundRequest: nobody decides on their own request.
	ErrOwnRefundRequest = errors.New("store: a refund request cannot be decided by its requester")
	// ErrRefundDecided: the request is no longer pending (someone else
	// decided it first, or it was sent already).
	ErrRefundDecided = errors.New("store: refund request already decided")
	// ErrRefundExpired: the request waited longer than RefundRequestLife.
	ErrRefundExpired = errors.New("store: refund request expired")
)

// StateAt is the request's state as of now: a pending request past its
// expiry counts as expired even before housekeeping marks it.
func (r *RefundRequest) StateAt(now time.Time) string {
	if r.State == RefundPending && !now.Before(r.ExpiresAt) {
		return RefundExpired
	}
	return r.State
}

// MoneyMayHaveMoved tells whether the refund was sent, or may have been:
// sending, approved or unknown. Those count against what is left to refund
// on the invoice (money.PanelRefund).
func (r *RefundRequest) MoneyMayHaveMoved() bool {
	switch r.State {
	case RefundSending, RefundApproved, RefundUnknown:
		return true
	}
	return false
}

// RefundStateForWrite maps the write path's idempotency state (IdemSucceeded,
// IdemFailed, IdemUnknown) to the request's final state.
func RefundStateForWrite(idemState string) string {
	switch idemState {
	case IdemSucceeded:
		return RefundApproved
	case IdemFailed:
		return RefundFailed
	}
	return RefundUnknown
}

const refundColumns = `id, form_key, idem_key, direct, requested_by, requested_at, expires_at, sale_id, invoice_id,
	lineitem_id, item, customer, amount_cents, currency, category, comment, state, decided_by, decided_at,
	reason, outcome, updated_at`

func scanRefund(sc scanner) (*RefundRequest, error) {
	var r RefundRequest
	var requested, expires, updated int64
	var decided sql.NullInt64
	if err := sc.Scan(&r.ID, &r.FormKey, &r.IdemKey, &r.Direct, &r.RequestedBy, &requested, &expires, &r.SaleID,
		&r.InvoiceID, &r.LineitemID, &r.Item, &r.Customer, &r.AmountCents, &r.Currency, &r.Category, &r.Comment,
		&r.State, &r.DecidedBy, &decided, &r.Reason, &r.Outcome, &updated); err != nil {
		return nil, mapErr(err)
	}
	r.RequestedAt = fromMicros(requested)
	r.ExpiresAt = fromMicros(expires)
	r.DecidedAt = fromNullMicros(decided)
	r.UpdatedAt = fromMicros(updated)
	return &r, nil
}

// CreateRefundRequest stores a new request, or a direct refund when
// r.Direct is set. A request starts pending and expires RefundRequestLife
// after RequestedAt (r.ExpiresAt and r.State are ignored); a direct refund starts
// "sending", decided by its author at RequestedAt, since its API call
// follows at once.
//
// Like BeginIdempotent, FormKey decides inside the database: exactly one
// caller per key gets created=true, and every caller gets the stored row,
// so a double-submitted form creates one request. A different request under
// a key already used is the caller's to detect (compare the fields).
func (s *Store) CreateRefundRequest(ctx context.Context, r *RefundRequest) (stored *RefundRequest, created bool, err error) {
	switch {
	case r.FormKey == "" || r.IdemKey == "":
		return nil, false, errors.New("store: create refund request: empty form or idempotency key")
	case r.RequestedBy == 0 || r.SaleID == "" || r.InvoiceID == "":
		return nil, false, errors.New("store: create refund request: requester, sale and invoice are required")
	case r.AmountCents <= 0 || r.Currency == "":
		return nil, false, errors.New("store: create refund request: amount and currency are required")
	case strings.TrimSpace(r.Comment) == "":
		return nil, false, errors.New("store: create refund request: empty comment")
	}
	state, decidedBy, decidedAt := RefundPending, int64(0), sql.NullInt64{}
	if r.Direct {
		state, decidedBy, decidedAt = RefundSending, r.RequestedBy, nullMicros(r.RequestedAt)
	}
	expires := r.RequestedAt.Add(RefundRequestLife)
	n, err := s.exec(ctx, s.db, `INSERT INTO refund_requests (form_key, idem_key, direct, requested_by, requested_at,
			expires_at, sale_id, invoice_id, lineitem_id, item, customer, amount_cents, currency, category, comment,
			state, decided_by, decided_at, reason, outcome, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?) ON CONFLICT (form_key) DO NOTHING`,
		r.FormKey, r.IdemKey, r.Direct, r.RequestedBy, micros(r.RequestedAt), micros(expires), r.SaleID, r.InvoiceID,
		r.LineitemID, r.Item, r.Customer, r.AmountCents, r.Currency, r.Category, r.Comment,
		state, decidedBy, decidedAt, micros(r.RequestedAt))
	if err != nil {
		return nil, false, fmt.Errorf("store: create refund request for sale %s: %w", r.SaleID, err)
	}
	stored, err = scanRefund(s.queryRow(ctx, s.db, "SELECT "+refundColumns+" FROM refund_requests WHERE form_key = ?", r.FormKey))
	if err != nil {
		return nil, false, fmt.Errorf("store: create refund request for sale %s: %w", r.SaleID, err)
	}
	return stored, n == 1, nil
}

// RefundRequestByID returns the request or ErrNotFound.
func (s *Store) RefundRequestByID(ctx context.Context, id int64) (*RefundRequest, error) {
	r, err := scanRefund(s.queryRow(ctx, s.db, "SELECT "+refundColumns+" FROM refund_requests WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("store: refund request %d: %w", id, err)
	}
	return r, nil
}

// ClaimRefundRequest is the approval: one conditional UPDATE moves the
// request from pending to sending and records the approver, so of any
// number of approvers clicking at once, on any number of instances, exactly
// one gets the request back; the winner then sends the refund through the
// write path under r.IdemKey and records the result with
// FinishRefundRequest.
//
// Nobody approves their own request, and an expired request cannot be
// approved: both are part of the UPDATE's condition, and the table's CHECK
// refuses a decision by the requester as well. A loser gets
// ErrOwnRefundRequest, ErrRefundExpired, ErrRefundDecided (with the request
// as it now stands) or ErrNotFound.
func (s *Store) ClaimRefundRequest(ctx context.Context, id, approverID int64, at time.Time) (*RefundRequest, error) {
	n, err := s.exec(ctx, s.db, `UPDATE refund_requests SET state = ?, decided_by = ?, decided_at = ?, updated_at = ?
		WHERE id = ? AND state = ? AND direct = ? AND requested_by <> ? AND expires_at > ?`,
		RefundSending, approverID, micros(at), micros(at), id, RefundPending, false, approverID, micros(at))
	if err != nil {
		return nil, fmt.Errorf("store: approve refund request %d: %w", id, err)
	}
	return s.decided(ctx, "approve", id, approverID, at, n)
}

// RejectRefundRequest turns a pending request down with a reason (required),
// under the same conditions as ClaimRefundRequest: one decision wins, and
// nobody decides their own request.
func (s *Store) RejectRefundRequest(ctx context.Context, id, deciderID int64, reason string, at time.Time) (*RefundRequest, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("store: reject refund request %d: a reason is required", id)
	}
	n, err := s.exec(ctx, s.db, `UPDATE refund_requests SET state = ?, decided_by = ?, decided_at = ?, reason = ?, updated_at = ?
		WHERE id = ? AND state = ? AND direct = ? AND requested_by <> ? AND expires_at > ?`,
		RefundRejected, deciderID, micros(at), reason, micros(at), id, RefundPending, false, deciderID, micros(at))
	if err != nil {
		return nil, fmt.Errorf("store: reject refund request %d: %w", id, err)
	}
	return s.decided(ctx, "reject", id, deciderID, at, n)
}

// decided reads the request back after a decision's UPDATE and, when the
// UPDATE touched nothing, says why.
func (s *Store) decided(ctx context.Context, verb string, id, deciderID int64, at time.Time, n int64) (*RefundRequest, error) {
	r, err := s.RefundRequestByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("store: %s refund request: %w", verb, err)
	}
	if n == 1 {
		return r, nil
	}
	switch {
	case r.State != RefundPending:
		return r, fmt.Errorf("store: %s refund request %d: %w (%s)", verb, id, ErrRefundDecided, r.State)
	case r.RequestedBy == deciderID:
		return r, fmt.Errorf("store: %s refund request %d: %w", verb, id, ErrOwnRefundRequest)
	case !at.Before(r.ExpiresAt):
		return r, fmt.Errorf("store: %s refund request %d: %w", verb, id, ErrRefundExpired)
	}
	// Still pending, not ours, not expired, yet not updated: only a direct
	// refund row matches that, and those are never pending.
	return r, fmt.Errorf("store: %s refund request %d: %w", verb, id, ErrRefundDecided)
}

// FinishRefundRequest records what became of the API write of a request
// that is sending, or whose outcome was unknown and has since been checked:
// state is RefundApproved, RefundFailed or RefundUnknown (see
// RefundStateForWrite), outcome the words to show. ErrRefundDecided when
// the request is in any other state, ErrNotFound when there is none.
func (s *Store) FinishRefundRequest(ctx context.Context, id int64, state, outcome string, at time.Time) error {
	switch state {
	case RefundApproved, RefundFailed, RefundUnknown:
	default:
		return fmt.Errorf("store: finish refund request %d: %q is not a final state", id, state)
	}
	n, err := s.exec(ctx, s.db, `UPDATE refund_requests SET state = ?, outcome = ?, updated_at = ?
		WHERE id = ? AND state IN (?, ?)`, state, outcome, micros(at), id, RefundSending, RefundUnknown)
	if err != nil {
		return fmt.Errorf("store: finish refund request %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	r, err := s.RefundRequestByID(ctx, id)
	if err != nil {
		return fmt.Errorf("store: finish refund request: %w", err)
	}
	return fmt.Errorf("store: finish refund request %d: %w (%s)", id, ErrRefundDecided, r.State)
}

// ExpireRefundRequests marks every request still pending at its expiry as
// expired (housekeeping) and reports how many. Expired requests are refused
// by ClaimRefundRequest whether or not this has run.
func (s *Store) ExpireRefundRequests(ctx context.Context, now time.Time) (int, error) {
	n, err := s.exec(ctx, s.db, "UPDATE refund_requests SET state = ?, updated_at = ? WHERE state = ? AND expires_at <= ?",
		RefundExpired, micros(now), RefundPending, micros(now))
	if err != nil {
		return 0, fmt.Errorf("store: expire refund requests: %w", err)
	}
	return int(n), nil
}

// StaleRefundOutcome is the outcome MarkStaleRefundsUnknown records.
const StaleRefundOutcome = "The panel stopped while sending this refund, so it is not known whether 2Checkout made it. Check the sale before refunding again."

// MarkStaleRefundsUnknown turns refunds still "sending" since before the
// cutoff into "unknown" (housekeeping): the instance that sent them
// stopped before recording 2Checkout's answer. Unknown refunds still count
// against what is left on the invoice, so nothing is refunded twice; a
// person checks the sale and settles them with FinishRefundRequest.
func (s *Store) MarkStaleRefundsUnknown(ctx context.Context, before, now time.Time) (int, error) {
	n, err := s.exec(ctx, s.db, "UPDATE refund_requests SET state = ?, outcome = ?, updated_at = ? WHERE state = ? AND updated_at < ?",
		RefundUnknown, StaleRefundOutcome, micros(now), RefundSending, micros(before))
	if err != nil {
		return 0, fmt.Errorf("store: mark stale refunds unknown: %w", err)
	}
	return int(n), nil
}

// maxRefundList bounds every list; a team sees far fewer refunds a week.
const maxRefundList = 500

func refundLimit(limit int) int {
	if limit <= 0 || limit > maxRefundList {
		return maxRefundList
	}
	return limit
}

// ListPendingRefundRequests lists the requests awaiting a decision and not
// yet expired at now, oldest first (the /approvals queue).
func (s *Store) ListPendingRefundRequests(ctx context.Context, now time.Time, limit int) ([]RefundRequest, error) {
	return s.refunds(ctx, "WHERE state = ? AND expires_at > ? ORDER BY id"+limitClause(refundLimit(limit)), RefundPending, micros(now))
}

// ListRefundRequestsBySale lists a sale's requests and direct refunds,
// newest first (the sale page, and what the panel has refunded on it).
func (s *Store) ListRefundRequestsBySale(ctx context.Context, saleID string, limit int) ([]RefundRequest, error) {
	return s.refunds(ctx, "WHERE sale_id = ? ORDER BY id DESC"+limitClause(refundLimit(limit)), saleID)
}

// ListRefundRequestsByRequester lists a person's requests and direct
// refunds, newest first (their home page shows the outcomes).
func (s *Store) ListRefundRequestsByRequester(ctx context.Context, userID int64, limit int) ([]RefundRequest, error) {
	return s.refunds(ctx, "WHERE requested_by = ? ORDER BY id DESC"+limitClause(refundLimit(limit)), userID)
}

func (s *Store) refunds(ctx context.Context, where string, args ...any) ([]RefundRequest, error) {
	rows, err := s.query(ctx, s.db, "SELECT "+refundColumns+" FROM refund_requests "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list refund requests: %w", err)
	}
	defer rows.Close()
	var out []RefundRequest
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list refund requests: %w", err)
		}
		out = append(out, *r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list refund requests: %w", err)
	}
	return out, nil
}
