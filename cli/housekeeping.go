package cli

import (
	"context"
	"log/slog"
	"time"

	"backoffice/store"
)

// housekeeping removes what the panel no longer needs, once at start and
// then hourly: idempotency records older than a day (a form is not resent
// after that), throttle attempts older than a day (the windows look back 15
// minutes), and sessions unused for longer than any session can live. It
// rolls the minute counters of rate-bounded audit events up into summary
// entries (the audit log itself is never pruned by the panel). And every
// write timeout it marks writes abandoned by a process that died (an
// instance sharing the database, or this one before a restart) as unknown,
// so their forms and log entries do not stay pending. Refund requests
// nobody decided within 7 days are marked expired, and refunds still
// "sending" long after any write could have finished (the instance
// stopped between claiming and recording) are marked unknown, so they
// keep counting against what is left and a person checks them.
func housekeeping(ctx context.Context, st *store.Store, maxSession, writeTimeout time.Duration, log *slog.Logger) {
	hourly := func() {
		now := time.Now()
		if n, err := st.PruneIdempotent(ctx, now.Add(-24*time.Hour)); err != nil {
			log.Warn("housekeeping: idempotency records", "error", err)
		} else if n > 0 {
			log.Info("housekeeping: idempotency records removed", "count", n)
		}
		if _, err := st.PruneAttempts(ctx, now.Add(-24*time.Hour)); err != nil {
			log.Warn("housekeeping: throttle attempts", "error", err)
		}
		if n, err := st.DeleteSessionsBefore(ctx, now.Add(-maxSession-time.Hour)); err != nil {
			log.Warn("housekeeping: sessions", "error", err)
		} else if n > 0 {
			log.Info("housekeeping: ended sessions removed", "count", n)
		}
	}
	often := func() {
		recoverWrites(ctx, st, writeTimeout, log)
		refundHousekeeping(ctx, st, writeTimeout, time.Now(), log)
		if n, err := st.RollUpAuditCounts(ctx, time.Now(), time.Now()); err != nil {
			log.Warn("housekeeping: audit counts", "error", err)
		} else if n > 0 {
			log.Info("housekeeping: audit summaries written for events not logged one by one", "count", n)
		}
	}
	hourly()
	often()
	h := time.NewTicker(time.Hour)
	defer h.Stop()
	o := time.NewTicker(max(writeTimeout, 10*time.Second))
	defer o.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.C:
			hourly()
		case <-o.C:
			often()
		}
	}
}

// recoverAtStart recovers the writes a stopped process left pending, before
// this one serves. A SQLite file serves one panel process (the README says
// so; several instances share PostgreSQL), so at start-up nothing can still
// be in flight on it: every pending write is recovered at once, however
// young, and a resend of its form is answered "unknown" straight away. Even
// if someone ran a second process on the file, nothing would be lost: a
// late answer still reaches the record and adds its own audit entry
// (store.FinishWrite). A PostgreSQL database is shared by instances
// whose writes may be in flight right now, so only writes older than the
// write timeout (plus store.RecoverySlack) are touched; younger ones are
// recovered by the next housekeeping pass, or by their resend, which waits
// no longer than that.
func recoverAtStart(ctx context.Context, st *store.Store, writeTimeout time.Duration, log *slog.Logger) {
	if st.Backend() == "sqlite" {
		recoverOlderThan(ctx, st, time.Now().Add(time.Microsecond), log)
		return
	}
	recoverWrites(ctx, st, writeTimeout, log)
}

// recoverWrites marks every write still pending after the write timeout
// (plus store.RecoverySlack) as unknown, and logs each one: an upstream write whose
// answer was never recorded, so someone should check it at 2Checkout.
func recoverWrites(ctx context.Context, st *store.Store, writeTimeout time.Duration, log *slog.Logger) {
	recoverOlderThan(ctx, st, time.Now().Add(-writeTimeout-store.RecoverySlack), log)
}

func recoverOlderThan(ctx context.Context, st *store.Store, cutoff time.Time, log *slog.Logger) {
	rs, err := st.RecoverPending(ctx, cutoff, time.Now())
	for _, r := range rs {
		log.Warn("write in flight when the panel stopped: marked unknown, check it at 2Checkout",
			"action", r.Action, "user_id", r.UserID, "sent_at", r.CreatedAt, "audit_id", r.AuditID, "new_audit_entry", r.NewEntry)
	}
	if err != nil {
		log.Error("recovering pending writes", "error", err)
	}
}

// staleRefundAfter is how long a refund may stay "sending" before it counts
// as stopped half-way: well past any write timeout.
const staleRefundAfter = 10 * time.Minute

// refundHousekeeping expires refund requests past their 7 days and marks
// refunds stuck in "sending" as unknown.
func refundHousekeeping(ctx context.Context, st *store.Store, writeTimeout time.Duration, now time.Time, log *slog.Logger) {
	if n, err := st.ExpireRefundRequests(ctx, now); err != nil {
		log.Warn("housekeeping: refund requests", "error", err)
	} else if n > 0 {
		log.Info("housekeeping: refund requests expired without a decision", "count", n)
	}
	cutoff := now.Add(-max(staleRefundAfter, writeTimeout+store.RecoverySlack))
	if n, err := st.MarkStaleRefundsUnknown(ctx, cutoff, now); err != nil {
		log.Warn("housekeeping: stale refunds", "error", err)
	} else if n > 0 {
		log.Warn("refunds in flight when the panel stopped: marked unknown, check them at 2Checkout", "count", n)
	}
}
