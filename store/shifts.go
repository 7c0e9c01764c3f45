package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Shift is a stretch of one person's work: from the first sign-in or parcel
// after a long enough pause to the latest one. On shared phones people sign
// in and out many times a day, so a session is no measure of the shift.
type Shift struct {
	UserID     int64
	StartedAt  time.Time
	LastSeenAt time.Time
}

// ShiftRule says when activity still belongs to the current shift.
type ShiftRule struct {
	// Gap is the pause that ends a shift: activity after a longer pause
	// starts a new one.
	Gap time.Duration
	// Max is the longest a shift lasts, so someone who never pauses for
	// Gap still starts afresh every day.
	Max time.Duration
}

// DefaultShiftRule: a pause of four hours ends a shift (a lunch break does
// not; the night between two day shifts does), and no shift lasts over 16
// hours. It needs no time zone, so a night shift across midnight stays one.
var DefaultShiftRule = ShiftRule{Gap: 4 * time.Hour, Max: 16 * time.Hour}

// TouchShift records activity of the user at the given time (a sign-in, a
// parcel, a look at the ship screen) and returns their shift: the running
// one moved forward, or a new one starting at `at` when the last activity
// is more than rule.Gap ago or the shift began more than rule.Max ago. One
// atomic upsert, so two phones of the same person touching at once agree.
// A time earlier than the last activity (another instance's clock a little
// behind) never moves the shift backwards.
func (s *Store) TouchShift(ctx context.Context, userID int64, at time.Time, rule ShiftRule) (Shift, error) {
	now := micros(at)
	gapEdge, maxEdge := micros(at.Add(-rule.Gap)), micros(at.Add(-rule.Max))
	var started, last int64
	err := s.queryRow(ctx, s.db, `INSERT INTO shifts (user_id, started_at, last_seen_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET
			started_at = CASE WHEN shifts.last_seen_at < ? OR shifts.started_at < ?
				THEN excluded.started_at ELSE shifts.started_at END,
			last_seen_at = CASE WHEN shifts.last_seen_at < ? OR shifts.started_at < ?
				THEN excluded.last_seen_at
				WHEN excluded.last_seen_at > shifts.last_seen_at THEN excluded.last_seen_at
				ELSE shifts.last_seen_at END
		RETURNING started_at, last_seen_at`,
		userID, now, now, gapEdge, maxEdge, gapEdge, maxEdge).Scan(&started, &last)
	if err != nil {
		return Shift{}, fmt.Errorf("store: touch shift of user %d: %w", userID, mapErr(err))
	}
	return Shift{UserID: userID, StartedAt: fromMicros(started), LastSeenAt: fromMicros(last)}, nil
}

// CurrentShift returns the user's shift if it is still running at `at`
// under rule, without recording anything; ok is false when there is none
// (never started, or ended by a pause or by its length).
func (s *Store) CurrentShift(ctx context.Context, userID int64, at time.Time, rule ShiftRule) (sh Shift, ok bool, err error) {
	var started, last int64
	err = s.queryRow(ctx, s.db, "SELECT started_at, last_seen_at FROM shifts WHERE user_id = ?", userID).Scan(&started, &last)
	if err != nil {
		if err = mapErr(err); errors.Is(err, ErrNotFound) {
			return Shift{}, false, nil
		}
		return Shift{}, false, fmt.Errorf("store: shift of user %d: %w", userID, err)
	}
	sh = Shift{UserID: userID, StartedAt: fromMicros(started), LastSeenAt: fromMicros(last)}
	if last < micros(at.Add(-rule.Gap)) || started < micros(at.Add(-rule.Max)) {
		return Shift{}, false, nil
	}
	return sh, true, nil
}

// CountShipmentsByUserSince counts a person's parcels since a time (their
// shift's start), for "shipped this shift" when the list shows only the
// latest few.
func (s *Store) CountShipmentsByUserSince(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM shipments WHERE user_id = ? AND at >= ?",
		userID, micros(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count shipments of user %d: %w", userID, mapErr(err))
	}
	return n, nil
}
