package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// twoInstances opens two stores on one fresh database: two connection pools,
// as two panel instances (or two processes sharing a SQLite file) have.
func twoInstances(t *testing.T, cfg newConfig) (*store.Store, *store.Store) {
	t.Helper()
	c := cfg(t)
	a := storetest.Open(t, c)
	if err := a.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return a, storetest.Open(t, c)
}

func signInKeys(account, ip string) []store.ThrottleKey {
	return []store.ThrottleKey{{Key: "acct:" + account, Max: 5}, {Key: "ip:" + ip, Max: 50}}
}

func testThrottling(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	window := 15 * time.Minute
	claim := func(account, ip string, d time.Duration) *store.ThrottleClaim {
		t.Helper()
		c, err := s.ClaimAttempt(ctx, signInKeys(account, ip), at(d-window), at(d))
		if err != nil {
			t.Fatalf("ClaimAttempt: %v", err)
		}
		return c
	}
	count := func(key string, since time.Time, want int) {
		t.Helper()
		if n, err := s.CountAttempts(ctx, key, since); err != nil || n != want {
			t.Fatalf("CountAttempts(%s, %v) = %d, %v; want %d", key, since, n, err, want)
		}
	}

	// Five claims a minute apart fill the account; the sixth is refused,
	// names the account key and counts nothing.
	for i := range 5 {
		c := claim("a@example.com", "192.0.2.1", time.Duration(i)*time.Minute)
		if !c.Granted || len(c.IDs) != 2 || c.Counts[0] != i+1 || c.Counts[1] != i+1 || c.Full != -1 {
			t.Fatalf("claim %d = %+v, want granted with counts %d", i+1, c, i+1)
		}
	}
	c := claim("a@example.com", "192.0.2.1", 5*time.Minute)
	if c.Granted || c.IDs != nil || c.Full != 0 || c.Counts[0] != 5 ||
		!c.Oldest[0].Equal(at(0).Truncate(time.Microsecond)) {
		t.Fatalf("sixth claim = %+v, want refused by the account, oldest at %v", c, at(0))
	}
	count("acct:a@example.com", at(-time.Hour), 5)
	count("ip:192.0.2.1", at(-time.Hour), 5)

	// The window is inclusive at since: the first attempt leaves it one
	// microsecond after 15 minutes.
	if c := claim("a@example.com", "192.0.2.1", window); c.Granted {
		t.Fatalf("claim at exactly 15 minutes granted: %+v", c)
	}
	if c := claim("a@example.com", "192.0.2.1", window+time.Microsecond); !c.Granted || c.Counts[0] != 5 {
		t.Fatalf("claim after the window = %+v, want granted, 5 counted", c)
	}

	// Releasing gives slots back; clearing forgets the key.
	b := claim("b@example.com", "192.0.2.9", 0)
	if err := s.ReleaseAttempts(ctx, b.IDs); err != nil {
		t.Fatalf("ReleaseAttempts: %v", err)
	}
	count("acct:b@example.com", at(-time.Hour), 0)
	count("ip:192.0.2.9", at(-time.Hour), 0)
	if err := s.ReleaseAttempts(ctx, b.IDs); err != nil {
		t.Fatalf("ReleaseAttempts twice: %v", err)
	}
	if err := s.ClearAttempts(ctx, "acct:a@example.com"); err != nil {
		t.Fatalf("ClearAttempts: %v", err)
	}
	count("acct:a@example.com", at(-time.Hour), 0)
	count("ip:192.0.2.1", at(-time.Hour), 6) // the address keeps its count

	// The address limit refuses the fifty-first attempt from one address in
	// the window, whatever the account: at 16 minutes five are counted.
	for i := range 45 {
		if c := claim(fmt.Sprintf("u%d@example.com", i), "192.0.2.1", 16*time.Minute); !c.Granted {
			t.Fatalf("claim for account %d refused: %+v", i, c)
		}
	}
	if c := claim("fresh@example.com", "192.0.2.1", 16*time.Minute); c.Granted || c.Full != 1 || c.Counts[1] != 50 {
		t.Fatalf("claim past the address limit = %+v, want refused by the address", c)
	}
	count("acct:fresh@example.com", at(-time.Hour), 0) // nothing half-claimed

	if n, err := s.PruneAttempts(ctx, at(window+time.Microsecond)); err != nil || n != 5 {
		t.Fatalf("PruneAttempts = %d, %v; want 5 (the address's first five)", n, err)
	}
	count("ip:192.0.2.1", at(-time.Hour), 46)
	if _, err := s.ClaimAttempt(ctx, nil, at(0), at(0)); err == nil {
		t.Fatal("ClaimAttempt without keys succeeded")
	}
}

// A burst of claims on one account, half through each of two instances,
// takes exactly the limit: the check and the count are one step.
func testThrottleClaimsRace(t *testing.T, cfg newConfig, _ func(t *testing.T) *store.Store) {
	a, b := twoInstances(t, cfg)
	const burst = 100
	res, errs := parallel(burst, func(i int) (bool, error) {
		s := a
		if i%2 == 1 {
			s = b
		}
		// Every attempt from its own address, so only the account limit
		// applies.
		c, err := s.ClaimAttempt(t.Context(), signInKeys("victim@example.com", fmt.Sprintf("198.51.100.%d", i)),
			at(-15*time.Minute), at(time.Duration(i)*time.Millisecond))
		if err != nil {
			return false, err
		}
		return c.Granted, nil
	})
	if n := countTrue(t, res, errs); n != 5 {
		t.Fatalf("%d of %d concurrent claims granted, want exactly 5", n, burst)
	}
	if n, err := b.CountAttempts(t.Context(), "acct:victim@example.com", at(-time.Hour)); err != nil || n != 5 {
		t.Fatalf("CountAttempts = %d, %v; want 5", n, err)
	}
}

// sentEntry is the audit entry a write begins with.
func sentEntry(action, target string, d time.Duration) *store.AuditEntry {
	return &store.AuditEntry{At: at(d), UserID: 7, Actor: "ann@example.com", IP: "192.0.2.4", Action: action,
		Target: target, Params: `{"comment":"hello"}`, Detail: "before: {}", RequestID: "req-1"}
}

func pendingRecord(key, action string, d time.Duration) *store.IdemRecord {
	return &store.IdemRecord{Key: key, UserID: 7, Action: action, ParamsHash: "ph", Result: "{}",
		CreatedAt: at(d), UpdatedAt: at(d)}
}

func entryByID(t *testing.T, s *store.Store, id int64) store.AuditEntry {
	t.Helper()
	es, err := s.ListAudit(t.Context(), store.AuditFilter{BeforeID: id + 1, Limit: 1})
	if err != nil || len(es) != 1 || es[0].ID != id {
		t.Fatalf("audit entry %d: %+v, %v", id, es, err)
	}
	return es[0]
}

func testWriteAudited(t *testing.T, cfg newConfig, _ func(t *testing.T) *store.Store) {
	ctx := t.Context()
	a, b := twoInstances(t, cfg)

	// Twenty submissions of one form, through two instances: one owns the
	// write, and the log holds one entry for it, "sent".
	type begun struct {
		rec     *store.IdemRecord
		created bool
		auditID int64
	}
	res, errs := parallel(20, func(i int) (begun, error) {
		s := a
		if i%2 == 1 {
			s = b
		}
		e := sentEntry("sales.comment", "sale:1", 0)
		rec, created, err := s.BeginWrite(ctx, pendingRecord("k1", "sales.comment", 0), e)
		return begun{rec, created, e.ID}, err
	})
	var owner begun
	for i, r := range res {
		if errs[i] != nil {
			t.Fatalf("BeginWrite #%d: %v", i, errs[i])
		}
		if r.created {
			if owner.created {
				t.Fatal("two callers own the write")
			}
			owner = r
		} else if r.auditID != 0 {
			t.Fatalf("BeginWrite #%d wrote entry %d without owning the write", i, r.auditID)
		}
		if r.rec.State != store.IdemPending || r.rec.AuditID == 0 {
			t.Fatalf("BeginWrite #%d returned %+v", i, r.rec)
		}
	}
	if !owner.created || owner.rec.AuditID != owner.auditID {
		t.Fatalf("owner %+v: record links entry %d", owner, owner.rec.AuditID)
	}
	if n, err := a.CountAudit(ctx, store.AuditFilter{Action: "sales.comment"}); err != nil || n != 1 {
		t.Fatalf("entries for the write = %d, %v; want 1", n, err)
	}
	e := entryByID(t, a, owner.auditID)
	if e.Outcome != store.AuditSent || !e.CompletedAt.IsZero() || e.Target != "sale:1" || e.Params != `{"comment":"hello"}` ||
		e.Actor != "ann@example.com" || e.RequestID != "req-1" {
		t.Fatalf("sent entry = %+v", e)
	}

	// The answer completes both, once.
	if err := b.FinishWrite(ctx, "k1", store.IdemSucceeded, `{"id":"5"}`, "id 5", at(3*time.Second)); err != nil {
		t.Fatalf("FinishWrite: %v", err)
	}
	e = entryByID(t, a, owner.auditID)
	if e.Outcome != "ok" || e.Detail != "before: {}; id 5" || !e.CompletedAt.Equal(at(3*time.Second).Truncate(time.Microsecond)) ||
		!e.At.Equal(at(0).Truncate(time.Microsecond)) {
		t.Fatalf("completed entry = %+v", e)
	}
	if rec, err := a.IdempotentByKey(ctx, "k1"); err != nil || rec.State != store.IdemSucceeded || rec.Result != `{"id":"5"}` {
		t.Fatalf("record after finish = %+v, %v", rec, err)
	}
	if err := a.FinishWrite(ctx, "k1", store.IdemFailed, "{}", "again", at(4*time.Second)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second FinishWrite: %v, want ErrConflict", err)
	}
	if err := a.FinishWrite(ctx, "nope", store.IdemFailed, "{}", "", at(4*time.Second)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("FinishWrite(unknown key): %v, want ErrNotFound", err)
	}
	if err := a.FinishWrite(ctx, "k1", store.IdemPending, "{}", "", at(4*time.Second)); err == nil {
		t.Fatal("FinishWrite accepted pending as an outcome")
	}
	if n, err := a.CountAudit(ctx, store.AuditFilter{Action: "sales.comment"}); err != nil || n != 1 {
		t.Fatalf("entries after finishing = %d, %v; want still 1", n, err)
	}

	// Each final state has its outcome; an empty detail keeps the first.
	for i, tc := range []struct{ state, outcome string }{
		{store.IdemFailed, "failed"}, {store.IdemUnknown, "unknown"},
	} {
		key := fmt.Sprintf("k-%d", i)
		e := sentEntry("products.update", "product:1", time.Minute)
		if _, created, err := a.BeginWrite(ctx, pendingRecord(key, "products.update", time.Minute), e); err != nil || !created {
			t.Fatalf("BeginWrite(%s) = %v, %v", key, created, err)
		}
		if err := a.FinishWrite(ctx, key, tc.state, "{}", "", at(2*time.Minute)); err != nil {
			t.Fatalf("FinishWrite(%s): %v", tc.state, err)
		}
		if got := entryByID(t, a, e.ID); got.Outcome != tc.outcome || got.Detail != "before: {}" {
			t.Fatalf("%s: entry = %+v, want outcome %s", tc.state, got, tc.outcome)
		}
	}

	// "sent" is only ever written by BeginWrite.
	if err := a.AppendAudit(ctx, &store.AuditEntry{At: at(0), Action: "x", Outcome: store.AuditSent}); err == nil {
		t.Fatal("AppendAudit wrote a sent entry")
	}
	if _, _, err := a.BeginWrite(ctx, pendingRecord("", "x", 0), sentEntry("x", "", 0)); err == nil {
		t.Fatal("BeginWrite accepted an empty key")
	}
}

// The schema allows exactly one change to an entry: a "sent" entry gets its
// final outcome, detail and completion time. Everything else is refused, on
// both backends, whoever asks.
func testAuditCompletionOnly(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	plain := &store.AuditEntry{At: at(0), Actor: "ann@example.com", Action: "login", Outcome: "ok"}
	if err := s.AppendAudit(ctx, plain); err != nil {
		t.Fatal(err)
	}
	sent := sentEntry("sales.ship", "sale:9", 0)
	if _, _, err := s.BeginWrite(ctx, pendingRecord("ship-1", "sales.ship", 0), sent); err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name  string
		query string
		args  []any
	}{
		{"change a plain entry", "UPDATE audit_log SET detail = 'x' WHERE id = ?", []any{plain.ID}},
		{"complete a plain entry", "UPDATE audit_log SET outcome = 'failed', completed_at = 1 WHERE id = ?", []any{plain.ID}},
		{"sent entry: change the actor too", "UPDATE audit_log SET outcome = 'ok', completed_at = 1, actor = 'eve' WHERE id = ?", []any{sent.ID}},
		{"sent entry: change the params too", "UPDATE audit_log SET outcome = 'ok', completed_at = 1, params = '{}' WHERE id = ?", []any{sent.ID}},
		{"sent entry: to a non-final outcome", "UPDATE audit_log SET outcome = 'denied', completed_at = 1 WHERE id = ?", []any{sent.ID}},
		{"sent entry: without a completion time", "UPDATE audit_log SET outcome = 'ok' WHERE id = ?", []any{sent.ID}},
		{"sent entry: detail only", "UPDATE audit_log SET detail = 'x' WHERE id = ?", []any{sent.ID}},
		{"delete", "DELETE FROM audit_log WHERE id = ?", []any{plain.ID}},
	}
	for _, tc := range refused {
		if err := s.ExecForTest(tc.query, tc.args...); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger to refuse", tc.name, err)
		}
	}
	if err := s.ExecForTest("UPDATE audit_log SET outcome = 'failed', detail = 'x', completed_at = 1 WHERE id = ?", sent.ID); err != nil {
		t.Fatalf("completing a sent entry: %v", err)
	}
	if err := s.ExecForTest("UPDATE audit_log SET outcome = 'ok', completed_at = 2 WHERE id = ?", sent.ID); err == nil {
		t.Error("a completed entry was completed again")
	}
	if got := entryByID(t, s, sent.ID); got.Outcome != "failed" || got.Detail != "x" {
		t.Errorf("entry after the refused changes = %+v", got)
	}
}

func testRecoverPending(t *testing.T, cfg newConfig, _ func(t *testing.T) *store.Store) {
	ctx := t.Context()
	a, b := twoInstances(t, cfg)
	u := mustUser(t, a, "ann@example.com")

	// A write sent at 0 whose process died, one sent at 30s still in
	// flight, one finished, and one begun the old way, without an entry.
	dead := sentEntry("sales.comment", "sale:1", 0)
	if _, _, err := a.BeginWrite(ctx, pendingRecord("dead", "sales.comment", 0), dead); err != nil {
		t.Fatal(err)
	}
	young := sentEntry("sales.ship", "sale:2", 30*time.Second)
	if _, _, err := a.BeginWrite(ctx, pendingRecord("young", "sales.ship", 30*time.Second), young); err != nil {
		t.Fatal(err)
	}
	done := sentEntry("products.update", "product:3", 0)
	if _, _, err := a.BeginWrite(ctx, pendingRecord("done", "products.update", 0), done); err != nil {
		t.Fatal(err)
	}
	if err := a.FinishWrite(ctx, "done", store.IdemSucceeded, "{}", "", at(time.Second)); err != nil {
		t.Fatal(err)
	}
	legacy := pendingRecord("legacy", "coupons.update", 5*time.Second)
	legacy.UserID = u.ID
	if _, _, err := a.BeginIdempotent(ctx, legacy); err != nil {
		t.Fatal(err)
	}

	// Start-up with a 20 s write timeout at 40 s: older than 20 s means
	// begun before 20 s. Two instances starting together settle each once.
	now := at(40 * time.Second)
	res, errs := parallel(2, func(i int) ([]store.RecoveredWrite, error) {
		s := a
		if i == 1 {
			s = b
		}
		return s.RecoverPending(ctx, now.Add(-20*time.Second), now)
	})
	var got []store.RecoveredWrite
	for i := range res {
		if errs[i] != nil {
			t.Fatalf("RecoverPending: %v", errs[i])
		}
		got = append(got, res[i]...)
	}
	if len(got) != 2 {
		t.Fatalf("recovered %+v, want dead and legacy once each", got)
	}
	byKey := map[string]store.RecoveredWrite{}
	for _, r := range got {
		byKey[r.Key] = r
	}
	if r := byKey["dead"]; r.AuditID != dead.ID || r.NewEntry || r.Action != "sales.comment" || r.UserID != 7 ||
		!r.CreatedAt.Equal(at(0).Truncate(time.Microsecond)) {
		t.Errorf("dead = %+v, want its own entry %d completed", r, dead.ID)
	}
	r := byKey["legacy"]
	if !r.NewEntry || r.AuditID == 0 || r.Action != "coupons.update" {
		t.Fatalf("legacy = %+v, want a new entry", r)
	}

	// Both records answer "unknown" now; their entries say so, once each.
	for _, key := range []string{"dead", "legacy"} {
		rec, err := b.IdempotentByKey(ctx, key)
		if err != nil || rec.State != store.IdemUnknown || !rec.UpdatedAt.Equal(now.Truncate(time.Microsecond)) || rec.AuditID != byKey[key].AuditID {
			t.Fatalf("%s after recovery = %+v, %v", key, rec, err)
		}
		again, created, err := b.BeginWrite(ctx, pendingRecord(key, rec.Action, time.Minute), sentEntry(rec.Action, "", time.Minute))
		if err != nil || created || again.State != store.IdemUnknown {
			t.Fatalf("resend of %s = %+v, created %v, %v; want the unknown record at once", key, again, created, err)
		}
	}
	e := entryByID(t, a, dead.ID)
	if e.Outcome != store.AuditUnknown || e.Detail != "before: {}; "+store.RecoveredDetail || !e.CompletedAt.Equal(now.Truncate(time.Microsecond)) ||
		e.Target != "sale:1" {
		t.Errorf("dead's entry = %+v", e)
	}
	e = entryByID(t, a, r.AuditID)
	if e.Outcome != store.AuditUnknown || e.Actor != "ann@example.com" || e.UserID != u.ID || e.Action != "coupons.update" ||
		e.Detail != store.RecoveredDetail || !e.At.Equal(at(5*time.Second).Truncate(time.Microsecond)) {
		t.Errorf("legacy's new entry = %+v", e)
	}
	if rec, _ := a.IdempotentByKey(ctx, "young"); rec.State != store.IdemPending {
		t.Errorf("young write = %+v, want still pending", rec)
	}
	if rec, _ := a.IdempotentByKey(ctx, "done"); rec.State != store.IdemSucceeded {
		t.Errorf("finished write = %+v, want untouched", rec)
	}
	if again, err := a.RecoverPending(ctx, now.Add(-20*time.Second), now); err != nil || len(again) != 0 {
		t.Fatalf("second recovery = %+v, %v; want nothing", again, err)
	}

	// The young write's answer arrives after a later recovery marked it
	// unknown: the record takes the answer, its entry stays as completed,
	// and a new entry tells the answer.
	later := at(2 * time.Minute)
	if rs, err := b.RecoverPending(ctx, later.Add(-20*time.Second), later); err != nil || len(rs) != 1 || rs[0].Key != "young" {
		t.Fatalf("recovering young = %+v, %v", rs, err)
	}
	if err := a.FinishWrite(ctx, "young", store.IdemSucceeded, `{"ok":true}`, "shipped", later.Add(time.Second)); err != nil {
		t.Fatalf("late FinishWrite: %v", err)
	}
	if rec, _ := a.IdempotentByKey(ctx, "young"); rec.State != store.IdemSucceeded || rec.Result != `{"ok":true}` {
		t.Errorf("young after its late answer = %+v", rec)
	}
	if e := entryByID(t, a, young.ID); e.Outcome != store.AuditUnknown {
		t.Errorf("young's first entry = %+v, want it to stay unknown", e)
	}
	es, err := a.ListAudit(ctx, store.AuditFilter{Action: "sales.ship"})
	if err != nil || len(es) != 2 || es[0].Outcome != "ok" || es[0].Target != "sale:2" ||
		!strings.HasPrefix(es[0].Detail, "answer received after the write had been marked unknown") {
		t.Fatalf("sales.ship entries = %+v, %v; want the late answer on top", es, err)
	}
	if err := a.FinishWrite(ctx, "young", store.IdemFailed, "{}", "", later.Add(2*time.Second)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("finishing a finished late write: %v, want ErrConflict", err)
	}
}

func testAuditCounts(t *testing.T, cfg newConfig, _ func(t *testing.T) *store.Store) {
	ctx := t.Context()
	a, b := twoInstances(t, cfg)
	rate := store.AuditRate{PerKey: 3, PerAction: 5}
	minute := base.Truncate(time.Minute)

	// A flood of 40 refused sign-ins from one address, through two
	// instances at once: three become entries, all are counted.
	res, errs := parallel(40, func(i int) (bool, error) {
		s := a
		if i%2 == 1 {
			s = b
		}
		return s.CountAuditEvent(ctx, "login.failed", "ip:203.0.113.7", minute.Add(time.Duration(i)*time.Millisecond), rate)
	})
	if n := countTrue(t, res, errs); n != 3 {
		t.Fatalf("%d of 40 events may be written, want 3 (the per-address rate)", n)
	}
	// Other addresses share the action's five.
	written := 0
	for i := range 6 {
		ok, err := a.CountAuditEvent(ctx, "login.failed", fmt.Sprintf("ip:198.51.100.%d", i), minute.Add(time.Second), rate)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			written++
		}
	}
	if written != 2 {
		t.Fatalf("%d entries from other addresses, want 2 (the action's rate, 5, less 3)", written)
	}
	// Another action and the next minute count on their own.
	if ok, err := a.CountAuditEvent(ctx, "http.forbidden", "user:4", minute, rate); err != nil || !ok {
		t.Fatalf("other action: %v, %v", ok, err)
	}
	if ok, err := a.CountAuditEvent(ctx, "login.failed", "ip:203.0.113.7", minute.Add(time.Minute), rate); err != nil || !ok {
		t.Fatalf("next minute: %v, %v", ok, err)
	}

	counts, err := b.AuditCounts(ctx, minute, minute.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int64{ // action/key -> seen, written
		"http.forbidden/": {1, 1}, "http.forbidden/user:4": {1, 1},
		"login.failed/": {46, 5}, "login.failed/ip:203.0.113.7": {40, 3},
		"login.failed/ip:198.51.100.0": {1, 1}, "login.failed/ip:198.51.100.1": {1, 1},
	}
	for i := 2; i < 6; i++ {
		want[fmt.Sprintf("login.failed/ip:198.51.100.%d", i)] = [2]int64{1, 0}
	}
	if len(counts) != len(want) {
		t.Fatalf("AuditCounts = %+v, want %d counters", counts, len(want))
	}
	for _, c := range counts {
		w, ok := want[c.Action+"/"+c.Key]
		if !ok || c.Seen != w[0] || c.Written != w[1] || !c.Minute.Equal(minute) {
			t.Errorf("counter %+v, want seen/written %v in minute %v", c, w, minute)
		}
	}

	// Rolling up at the end of the minute writes one summary for the
	// action with suppressed events, none for the other, and leaves the
	// open minute alone; a second roll-up finds nothing.
	n, err := a.RollUpAuditCounts(ctx, minute.Add(time.Minute), minute.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("RollUpAuditCounts = %d, %v; want 1 summary", n, err)
	}
	if n, err := b.RollUpAuditCounts(ctx, minute.Add(time.Minute), minute.Add(time.Minute)); err != nil || n != 0 {
		t.Fatalf("second RollUpAuditCounts = %d, %v; want 0", n, err)
	}
	es, err := a.ListAudit(ctx, store.AuditFilter{Action: "login.failed"})
	if err != nil || len(es) != 1 {
		t.Fatalf("summaries = %+v, %v", es, err)
	}
	s := es[0]
	if s.Outcome != store.AuditSuppressed || s.Actor != "system" || !s.At.Equal(minute) ||
		!strings.HasPrefix(s.Detail, "41 more between") || !strings.Contains(s.Detail, "from 5 sources; most from ip:203.0.113.7 (37)") {
		t.Errorf("summary = %+v", s)
	}
	var params struct {
		Seen, Written, Suppressed int64
		Keys                      int
		Top                       []struct {
			Key        string
			Suppressed int64
		}
	}
	if err := json.Unmarshal([]byte(s.Params), &params); err != nil || params.Seen != 46 || params.Written != 5 ||
		params.Suppressed != 41 || params.Keys != 5 || len(params.Top) != 5 || params.Top[0].Key != "ip:203.0.113.7" {
		t.Errorf("summary params %s: %+v, %v", s.Params, params, err)
	}
	left, err := a.AuditCounts(ctx, minute.Add(-time.Hour), minute.Add(time.Hour))
	if err != nil || len(left) != 2 || !left[0].Minute.Equal(minute.Add(time.Minute)) {
		t.Fatalf("counters left = %+v, %v; want only the open minute's", left, err)
	}
}
