package cli

import (
	"context"
	"log/slog"
	"time"

	"backoffice/store"
)

// housekeeping removes what the panel no longer needs, once at start and
// then hourly: idempotency records older than a day (a form is not resent
// after that), login failures older than a day (throttling looks back 15
// minutes), and sessions unused for longer than any session can live. The
// audit log is never pruned by the panel.
func housekeeping(ctx context.Context, st *store.Store, maxSession time.Duration, log *slog.Logger) {
	run := func() {
		now := time.Now()
		if n, err := st.PruneIdempotent(ctx, now.Add(-24*time.Hour)); err != nil {
			log.Warn("housekeeping: idempotency records", "error", err)
		} else if n > 0 {
			log.Info("housekeeping: idempotency records removed", "count", n)
		}
		if _, err := st.PruneLoginFailures(ctx, now.Add(-24*time.Hour)); err != nil {
			log.Warn("housekeeping: login failures", "error", err)
		}
		if n, err := st.DeleteSessionsBefore(ctx, now.Add(-maxSession-time.Hour)); err != nil {
			log.Warn("housekeeping: sessions", "error", err)
		} else if n > 0 {
			log.Info("housekeeping: ended sessions removed", "count", n)
		}
	}
	run()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			run()
		}
	}
}
