package handlers

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/store"
	"backoffice/store/storetest"
)

// writeRig is the write path over a real store, with a stand-in for the
// API call so a test can see what the store holds while the call is in
// flight and how often it was made.
type writeRig struct {
	st    *store.Store
	w     *writer
	rq    *request
	calls atomic.Int32
	// during, when set, runs inside the call.
	during func()
}

func newWriteRig(t *testing.T, writeTimeout time.Duration) *writeRig {
	t.Helper()
	st := storetest.SQLite(t)
	u := &store.User{Email: "ana@example.com", Name: "Ana", Role: string(auth.RoleSupport), Status: "active",
		PasswordHash: "x", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	rq := asRole(auth.RoleSupport)
	rq.viewer.User = u
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := &writeRig{st: st, rq: rq}
	r.w = newWriter(st, NewAuditor(st, log, rq.clock, nil), log, writeTimeout, NewMetrics())
	return r
}

func (r *writeRig) comment(key string) Write {
	p := apiclient.CreateCommentParams{SaleID: "4774408791", SaleComment: "Parcel left at the door"}
	return Write{Action: "sales.comment", Permission: auth.SalesComment, Target: "sale:4774408791", Key: key,
		Send: send(func(context.Context, apiclient.CreateCommentParams) (*apiclient.Result, error) {
			r.calls.Add(1)
			if r.during != nil {
				r.during()
			}
			return &apiclient.Result{}, nil
		}, p)}
}

// crashed leaves the store as a process killed while sending wr leaves it:
// the record pending and its entry "sent", begun age ago on the panel's
// clock.
func (r *writeRig) crashed(t *testing.T, wr Write, age time.Duration) {
	t.Helper()
	sent, err := apiclient.EncodeParams(wr.Send.params)
	if err != nil {
		t.Fatal(err)
	}
	at := r.rq.Now().Add(-age)
	rec := &store.IdemRecord{Key: wr.Key, UserID: r.rq.User().ID, Action: wr.Action, ParamsHash: paramsHash(wr.Action, sent),
		Result: "{}", CreatedAt: at, UpdatedAt: at}
	e := r.w.audit.Entry(r.rq, AuditEntry{Action: wr.Action, Target: wr.Target, Params: sent})
	e.At = at
	if _, created, err := r.st.BeginWrite(context.Background(), rec, e); err != nil || !created {
		t.Fatalf("BeginWrite: %v %v", created, err)
	}
}

func (r *writeRig) entry(t *testing.T) *store.AuditEntry {
	t.Helper()
	es, err := r.st.ListAudit(context.Background(), store.AuditFilter{Action: "sales.comment"})
	if err != nil || len(es) != 1 {
		t.Fatalf("audit entries: %+v, %v; want one", es, err)
	}
	return &es[0]
}

// The entry says "sent" while the call is in flight and is completed after
// it: a crash at any moment leaves the write in the log.
func TestWriteIsAuditedBeforeItIsSent(t *testing.T) {
	r := newWriteRig(t, 20*time.Second)
	var during string
	r.during = func() { during = r.entry(t).Outcome }
	out, err := r.w.Do(context.Background(), r.rq, r.comment(NewFormKey()))
	if err != nil || !out.Succeeded() {
		t.Fatalf("Do = %+v, %v", out, err)
	}
	if during != OutcomeSent {
		t.Errorf("entry during the call: %q, want %q", during, OutcomeSent)
	}
	if e := r.entry(t); e.Outcome != OutcomeOK || e.CompletedAt.IsZero() {
		t.Errorf("entry after the call: %+v", e)
	}
}

// A resend of a form whose write a dead process left pending, older than a
// call can take, is answered at once as unknown (recovered, with the way to
// check), never sent again and never refused as "still running".
func TestResendOfAbandonedWriteIsUnknownAtOnce(t *testing.T) {
	r := newWriteRig(t, 20*time.Second)
	wr := r.comment(NewFormKey())
	r.crashed(t, wr, 26*time.Second)
	out, err := r.w.Do(context.Background(), r.rq, wr)
	if err != nil {
		t.Fatalf("resend: %v", err)
	}
	if !out.Unknown() || !out.Abandoned || !out.Replayed || r.calls.Load() != 0 {
		t.Fatalf("resend = %+v, calls %d; want unknown, abandoned, nothing sent", out, r.calls.Load())
	}
	if msg := out.Message(); msg != "The panel stopped while this was being sent to 2Checkout, before the answer was recorded, "+
		"so it is not known whether the change was made. Check the record before sending it again." {
		t.Errorf("message: %q", msg)
	}
	if e := r.entry(t); e.Outcome != OutcomeUnknown || e.Detail != store.RecoveredDetail {
		t.Errorf("entry: %+v, want unknown with the recovery's detail", e)
	}
	// And again: the record is unknown now, answered straight from it.
	if out, err := r.w.Do(context.Background(), r.rq, wr); err != nil || !out.Unknown() || r.calls.Load() != 0 {
		t.Fatalf("second resend = %+v, %v", out, err)
	}
}

// A resend of a write still within its time waits for it, but only until it
// is abandoned: then it is recovered and answered unknown, not after 25
// seconds with a 409.
func TestResendWaitsOnlyUntilTheWriteIsAbandoned(t *testing.T) {
	r := newWriteRig(t, 300*time.Millisecond) // abandoned 5.3 s after sending
	wr := r.comment(NewFormKey())
	r.crashed(t, wr, 4500*time.Millisecond)
	start := time.Now()
	out, err := r.w.Do(context.Background(), r.rq, wr)
	waited := time.Since(start)
	if err != nil || !out.Unknown() || r.calls.Load() != 0 {
		t.Fatalf("resend = %+v, %v, calls %d", out, err, r.calls.Load())
	}
	if waited < 700*time.Millisecond {
		t.Errorf("answered after %v: a write that may still be in flight was called unknown early", waited)
	}
	t.Logf("resend of a write sent 4.5 s before, abandoned at 5.3 s: answered after %v", waited)

	// A resend while the first is still running gets its outcome once it
	// is recorded.
	wr = r.comment(NewFormKey())
	r.crashed(t, wr, 0)
	go func() {
		time.Sleep(200 * time.Millisecond)
		_ = r.st.FinishWrite(context.Background(), wr.Key, store.IdemSucceeded, "{}", "", r.rq.Now())
	}()
	if out, err := r.w.Do(context.Background(), r.rq, wr); err != nil || !out.Succeeded() || !out.Replayed {
		t.Fatalf("resend during the first = %+v, %v; want its success", out, err)
	}
}
