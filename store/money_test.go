package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// Custom roles and refund requests (issue 10), on both backends.

func TestMoneySQLite(t *testing.T) {
	runMoneySuite(t, storetest.SQLiteConfig)
}

func TestMoneyPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	runMoneySuite(t, storetest.PostgresConfig)
}

func runMoneySuite(t *testing.T, newCfg newConfig) {
	tests := []struct {
		name string
		fn   func(t *testing.T, cfg store.Config, s *store.Store)
	}{
		{"Roles", testRoles},
		{"DeleteRoleWaitsForUserWrites", testDeleteRoleWaitsForUserWrites},
		{"RefundRequests", testRefundRequests},
		{"RefundApprovalRace", testRefundApprovalRace},
		{"RefundDecisions", testRefundDecisions},
		{"DirectRefunds", testDirectRefunds},
		{"RefundExpiry", testRefundExpiry},
		{"StaleRefunds", testStaleRefunds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newCfg(t)
			s := storetest.Open(t, cfg)
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			tc.fn(t, cfg, s)
		})
	}
}

func userWithRole(t *testing.T, s *store.Store, email, role string) *store.User {
	t.Helper()
	u := mustUser(t, s, email)
	u.Role = role
	if err := s.UpdateUser(t.Context(), u); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	return u
}

func testRoles(t *testing.T, _ store.Config, s *store.Store) {
	ctx := t.Context()
	r := &store.Role{Name: "refunds-only", Label: "Refunds only", Description: "Refunds, nothing else",
		Permissions: []string{"sales.view", "sales.refund", "sales.view"}, CreatedAt: base, UpdatedAt: base, CreatedBy: 7, UpdatedBy: 7}
	if err := s.CreateRole(ctx, r); err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	if err := s.CreateRole(ctx, &store.Role{Name: "refunds-only", Label: "Other", CreatedAt: base, UpdatedAt: base}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate name: %v, want ErrConflict", err)
	}
	if err := s.CreateRole(ctx, &store.Role{Name: "x", Permissions: []string{"a b"}}); err == nil {
		t.Error("a permission name with a space was stored")
	}
	got, err := s.RoleByName(ctx, "refunds-only")
	if err != nil {
		t.Fatalf("RoleByName: %v", err)
	}
	want := store.Role{Name: "refunds-only", Label: "Refunds only", Description: "Refunds, nothing else",
		Permissions: []string{"sales.refund", "sales.view"}, CreatedAt: base.Truncate(time.Microsecond),
		UpdatedAt: base.Truncate(time.Microsecond), CreatedBy: 7, UpdatedBy: 7}
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Errorf("stored role\n got %+v\nwant %+v", *got, want)
	}
	if _, err := s.RoleByName(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown role: %v", err)
	}

	got.Label, got.Permissions, got.UpdatedAt, got.UpdatedBy = "Refunds", []string{"sales.ship"}, at(time.Hour), 8
	if err := s.UpdateRole(ctx, got); err != nil {
		t.Fatalf("UpdateRole: %v", err)
	}
	again, _ := s.RoleByName(ctx, "refunds-only")
	if again.Label != "Refunds" || !slices.Equal(again.Permissions, []string{"sales.ship"}) || again.UpdatedBy != 8 ||
		!again.CreatedAt.Equal(want.CreatedAt) || !again.UpdatedAt.Equal(at(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("after update: %+v", again)
	}
	if err := s.UpdateRole(ctx, &store.Role{Name: "nope"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}

	if err := s.CreateRole(ctx, &store.Role{Name: "audit-desk", Label: "Audit desk", Permissions: []string{"audit.view"},
		CreatedAt: base, UpdatedAt: base}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListRoles(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "audit-desk" || list[1].Name != "refunds-only" {
		t.Fatalf("ListRoles: %+v %v", list, err)
	}

	a := userWithRole(t, s, "a@example.com", "refunds-only")
	userWithRole(t, s, "b@example.com", "refunds-only")
	mustUser(t, s, "c@example.com") // viewer
	if n, err := s.CountRoleHolders(ctx, "refunds-only"); err != nil || n != 2 {
		t.Errorf("CountRoleHolders = %d, %v", n, err)
	}
	counts, err := s.RoleHolderCounts(ctx)
	if err != nil || counts["refunds-only"] != 2 || counts["viewer"] != 1 || counts["audit-desk"] != 0 {
		t.Errorf("RoleHolderCounts = %v, %v", counts, err)
	}

	// Held: refused, with the number of holders, and nothing deleted.
	err = s.DeleteRole(ctx, "refunds-only")
	var inUse *store.RoleInUseError
	if !errors.Is(err, store.ErrRoleInUse) || !errors.As(err, &inUse) || inUse.Holders != 2 {
		t.Fatalf("delete held role: %v", err)
	}
	if _, err := s.RoleByName(ctx, "refunds-only"); err != nil {
		t.Fatalf("held role gone after a refused delete: %v", err)
	}
	// A disabled holder still holds it.
	a.Status = store.StatusDisabled
	_ = s.UpdateUser(ctx, a)
	if n, _ := s.CountRoleHolders(ctx, "refunds-only"); n != 2 {
		t.Errorf("disabled user no longer counted: %d", n)
	}
	if err := s.DeleteRole(ctx, "audit-desk"); err != nil {
		t.Fatalf("delete unheld role: %v", err)
	}
	if err := s.DeleteRole(ctx, "audit-desk"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

// rawDB opens a second connection to the same database, outside the store,
// to hold a transaction open while the store works.
func rawDB(t *testing.T, cfg store.Config) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", cfg.DatabaseURL
	if dsn == "" {
		driver, dsn = "sqlite", filepath.Join(cfg.DataDir, "backoffice.db")+"?_pragma=busy_timeout(5000)&_txlock=immediate"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A role given to someone in a transaction not yet committed (another
// instance, say) must not be deleted under them: DeleteRole waits for that
// write and then refuses.
func testDeleteRoleWaitsForUserWrites(t *testing.T, cfg store.Config, s *store.Store) {
	ctx := t.Context()
	if err := s.CreateRole(ctx, &store.Role{Name: "packers", Label: "Packers", Permissions: []string{"sales.ship"},
		CreatedAt: base, UpdatedAt: base}); err != nil {
		t.Fatal(err)
	}
	u := mustUser(t, s, "p@example.com")
	db := rawDB(t, cfg)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := "UPDATE users SET role = 'packers' WHERE id = ?"
	if s.Backend() == "postgres" {
		q = "UPDATE users SET role = 'packers' WHERE id = $1"
	}
	if _, err := tx.ExecContext(ctx, q, u.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.DeleteRole(context.Background(), "packers") }()
	select {
	case err := <-done:
		t.Fatalf("DeleteRole finished (%v) while a write giving the role was still open", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, store.ErrRoleInUse) {
		t.Fatalf("DeleteRole after the write committed: %v, want ErrRoleInUse", err)
	}
}

// newRequest is a valid pending request by requester for sale 100.
func newRequest(requester int64, key string, when time.Time) *store.RefundRequest {
	return &store.RefundRequest{FormKey: "form-" + key, IdemKey: "idem-" + key, RequestedBy: requester, RequestedAt: when,
		SaleID: "100", InvoiceID: "200", Customer: "Ana Ruiz", AmountCents: 1250, Currency: "USD",
		Category: 2, Comment: "Changed her mind"}
}

func testRefundRequests(t *testing.T, _ store.Config, s *store.Store) {
	ctx := t.Context()
	sup := mustUser(t, s, "support@example.com")
	r := newRequest(sup.ID, "a", base)
	r.State = store.RefundApproved // ignored: a request starts pending
	got, created, err := s.CreateRefundRequest(ctx, r)
	if err != nil || !created {
		t.Fatalf("CreateRefundRequest: %v %v", created, err)
	}
	want := store.RefundRequest{ID: got.ID, FormKey: "form-a", IdemKey: "idem-a", RequestedBy: sup.ID,
		RequestedAt: base.Truncate(time.Microsecond), ExpiresAt: base.Add(7 * 24 * time.Hour).Truncate(time.Microsecond),
		SaleID: "100", InvoiceID: "200", Customer: "Ana Ruiz", AmountCents: 1250, Currency: "USD", Category: 2,
		Comment: "Changed her mind", State: store.RefundPending, UpdatedAt: base.Truncate(time.Microsecond)}
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Errorf("stored request\n got %+v\nwant %+v", *got, want)
	}

	// The same form sent twice: one request.
	again, created, err := s.CreateRefundRequest(ctx, newRequest(sup.ID, "a", at(time.Second)))
	if err != nil || created || again.ID != got.ID {
		t.Fatalf("second submission: created=%v id %d (first %d) %v", created, again.ID, got.ID, err)
	}
	// Double submission, concurrently: one row.
	res, errs := parallel(8, func(int) (bool, error) {
		_, created, err := s.CreateRefundRequest(ctx, newRequest(sup.ID, "b", base))
		return created, err
	})
	if n := countTrue(t, res, errs); n != 1 {
		t.Fatalf("%d of 8 concurrent submissions created a request", n)
	}

	for _, bad := range []func(r *store.RefundRequest){
		func(r *store.RefundRequest) { r.FormKey = "" },
		func(r *store.RefundRequest) { r.IdemKey = "" },
		func(r *store.RefundRequest) { r.AmountCents = 0 },
		func(r *store.RefundRequest) { r.Comment = "  " },
		func(r *store.RefundRequest) { r.InvoiceID = "" },
		func(r *store.RefundRequest) { r.Category = 7 },
		func(r *store.RefundRequest) { r.Category = 18 },
	} {
		r := newRequest(sup.ID, "bad", base)
		bad(r)
		if _, _, err := s.CreateRefundRequest(ctx, r); err == nil {
			t.Errorf("invalid request stored: %+v", r)
		}
	}
	// Another request under an idempotency key already used is refused.
	dup := newRequest(sup.ID, "c", base)
	dup.IdemKey = "idem-a"
	if _, _, err := s.CreateRefundRequest(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("reused idempotency key: %v", err)
	}

	other := newRequest(mustUser(t, s, "other@example.com").ID, "d", at(time.Minute))
	other.SaleID, other.LineitemID, other.Item = "101", "300", "Blue mug"
	if _, _, err := s.CreateRefundRequest(ctx, other); err != nil {
		t.Fatal(err)
	}
	pending, err := s.ListPendingRefundRequests(ctx, at(time.Hour), 0)
	if err != nil || len(pending) != 3 || pending[0].FormKey != "form-a" || pending[2].FormKey != "form-d" {
		t.Fatalf("pending, oldest first: %+v %v", pending, err)
	}
	bySale, _ := s.ListRefundRequestsBySale(ctx, "101", 10)
	if len(bySale) != 1 || bySale[0].LineitemID != "300" || bySale[0].Item != "Blue mug" {
		t.Fatalf("by sale: %+v", bySale)
	}
	mine, _ := s.ListRefundRequestsByRequester(ctx, sup.ID, 10)
	if len(mine) != 2 || mine[0].FormKey != "form-b" {
		t.Fatalf("by requester, newest first: %+v", mine)
	}
	if _, err := s.RefundRequestByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

// Two (or ten) approvers clicking at once, on as many connections as
// instances would use: exactly one claims the request.
func testRefundApprovalRace(t *testing.T, _ store.Config, s *store.Store) {
	ctx := t.Context()
	sup := mustUser(t, s, "support@example.com")
	var approvers []int64
	for i := range 10 {
		approvers = append(approvers, mustUser(t, s, fmt.Sprintf("fin%d@example.com", i)).ID)
	}
	for round := range 5 {
		req, _, err := s.CreateRefundRequest(ctx, newRequest(sup.ID, fmt.Sprint("race", round), base))
		if err != nil {
			t.Fatal(err)
		}
		n := 2
		if round > 0 {
			n = len(approvers)
		}
		winners, errs := parallel(n, func(i int) (int64, error) {
			r, err := s.ClaimRefundRequest(ctx, req.ID, approvers[i], at(time.Hour))
			if errors.Is(err, store.ErrRefundDecided) {
				if r == nil || r.State != store.RefundSending {
					return 0, fmt.Errorf("loser sees %+v", r)
				}
				return 0, nil
			}
			if err != nil {
				return 0, err
			}
			return r.DecidedBy, nil
		})
		var won []int64
		for i, w := range winners {
			if errs[i] != nil {
				t.Fatalf("round %d approver %d: %v", round, i, errs[i])
			}
			if w != 0 {
				won = append(won, w)
			}
		}
		if len(won) != 1 {
			t.Fatalf("round %d: %d approvers won (%v), want exactly 1", round, len(won), won)
		}
		stored, _ := s.RefundRequestByID(ctx, req.ID)
		if stored.State != store.RefundSending || stored.DecidedBy != won[0] || stored.IdemKey != req.IdemKey {
			t.Fatalf("round %d: stored %+v", round, stored)
		}
	}
}

func testRefundDecisions(t *testing.T, _ store.Config, s *store.Store) {
	ctx := t.Context()
	sup, fin := mustUser(t, s, "support@example.com"), mustUser(t, s, "finance@example.com")
	req, _, _ := s.CreateRefundRequest(ctx, newRequest(sup.ID, "own", base))

	// Nobody decides their own request, either way.
	if r, err := s.ClaimRefundRequest(ctx, req.ID, sup.ID, at(time.Minute)); !errors.Is(err, store.ErrOwnRefundRequest) || r.State != store.RefundPending {
		t.Fatalf("own approval: %v", err)
	}
	if _, err := s.RejectRefundRequest(ctx, req.ID, sup.ID, "oops", at(time.Minute)); !errors.Is(err, store.ErrOwnRefundRequest) {
		t.Fatalf("own rejection: %v", err)
	}
	if _, err := s.ClaimRefundRequest(ctx, 999999, fin.ID, at(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown request: %v", err)
	}
	// Rejecting needs a reason.
	if _, err := s.RejectRefundRequest(ctx, req.ID, fin.ID, " ", at(time.Minute)); err == nil {
		t.Fatal("rejected without a reason")
	}

	// Approve, send, finish.
	claimed, err := s.ClaimRefundRequest(ctx, req.ID, fin.ID, at(time.Minute))
	if err != nil || claimed.State != store.RefundSending || claimed.DecidedBy != fin.ID ||
		!claimed.DecidedAt.Equal(at(time.Minute).Truncate(time.Microsecond)) {
		t.Fatalf("claim: %+v %v", claimed, err)
	}
	if _, err := s.RejectRefundRequest(ctx, req.ID, fin.ID, "late", at(2*time.Minute)); !errors.Is(err, store.ErrRefundDecided) {
		t.Errorf("reject after approval: %v", err)
	}
	if err := s.FinishRefundRequest(ctx, req.ID, store.RefundPending, "", at(2*time.Minute)); err == nil {
		t.Error("finished into a non-final state")
	}
	if err := s.FinishRefundRequest(ctx, req.ID, store.RefundStateForWrite(store.IdemUnknown), "No answer", at(2*time.Minute)); err != nil {
		t.Fatalf("finish unknown: %v", err)
	}
	// An unknown outcome, once checked, can still be settled.
	if err := s.FinishRefundRequest(ctx, req.ID, store.RefundStateForWrite(store.IdemSucceeded), "refund added to invoice", at(3*time.Minute)); err != nil {
		t.Fatalf("settle unknown: %v", err)
	}
	if err := s.FinishRefundRequest(ctx, req.ID, store.RefundFailed, "again", at(4*time.Minute)); !errors.Is(err, store.ErrRefundDecided) {
		t.Errorf("finish twice: %v", err)
	}
	done, _ := s.RefundRequestByID(ctx, req.ID)
	if done.State != store.RefundApproved || done.Outcome != "refund added to invoice" || done.DecidedBy != fin.ID {
		t.Errorf("final: %+v", done)
	}
	if err := s.FinishRefundRequest(ctx, 999999, store.RefundFailed, "", at(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("finish unknown id: %v", err)
	}

	// Reject: reason kept, no longer approvable or pending.
	r2, _, _ := s.CreateRefundRequest(ctx, newRequest(sup.ID, "rej", base))
	rej, err := s.RejectRefundRequest(ctx, r2.ID, fin.ID, "Refunded by bank transfer already", at(time.Minute))
	if err != nil || rej.State != store.RefundRejected || rej.Reason != "Refunded by bank transfer already" || rej.DecidedBy != fin.ID {
		t.Fatalf("reject: %+v %v", rej, err)
	}
	if _, err := s.ClaimRefundRequest(ctx, r2.ID, fin.ID, at(2*time.Minute)); !errors.Is(err, store.ErrRefundDecided) {
		t.Errorf("approve after rejection: %v", err)
	}
	if err := s.FinishRefundRequest(ctx, r2.ID, store.RefundApproved, "", at(time.Hour)); !errors.Is(err, store.ErrRefundDecided) {
		t.Errorf("finish a rejected request: %v", err)
	}
	if p, _ := s.ListPendingRefundRequests(ctx, at(time.Hour), 10); len(p) != 0 {
		t.Errorf("still pending: %+v", p)
	}
	// The write path's failure maps to failed.
	if got := store.RefundStateForWrite(store.IdemFailed); got != store.RefundFailed {
		t.Errorf("failed maps to %s", got)
	}
}

func testDirectRefunds(t *testing.T, _ store.Config, s *store.Store) {
	ctx := t.Context()
	fin, other := mustUser(t, s, "finance@example.com"), mustUser(t, s, "other@example.com")
	d := newRequest(fin.ID, "direct", base)
	d.Direct = true
	got, created, err := s.CreateRefundRequest(ctx, d)
	if err != nil || !created || got.State != store.RefundSending || got.DecidedBy != fin.ID || !got.Direct ||
		!got.DecidedAt.Equal(base.Truncate(time.Microsecond)) {
		t.Fatalf("direct refund: %+v %v", got, err)
	}
	// Not in the approvals queue, and not approvable by anyone.
	if p, _ := s.ListPendingRefundRequests(ctx, at(time.Minute), 10); len(p) != 0 {
		t.Errorf("direct refund pending: %+v", p)
	}
	if _, err := s.ClaimRefundRequest(ctx, got.ID, other.ID, at(time.Minute)); !errors.Is(err, store.ErrRefundDecided) {
		t.Errorf("claim a direct refund: %v", err)
	}
	if err := s.FinishRefundRequest(ctx, got.ID, store.RefundFailed, "Amount greater than remaining balance on invoice.", at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	bySale, _ := s.ListRefundRequestsBySale(ctx, "100", 10)
	if len(bySale) != 1 || bySale[0].State != store.RefundFailed {
		t.Errorf("by sale: %+v", bySale)
	}
}

func testRefundExpiry(t *testing.T, _ store.Config, s *store.Store) {
	ctx := t.Context()
	sup, fin := mustUser(t, s, "support@example.com"), mustUser(t, s, "finance@example.com")
	old, _, _ := s.CreateRefundRequest(ctx, newRequest(sup.ID, "old", base))
	fresh, _, _ := s.CreateRefundRequest(ctx, newRequest(sup.ID, "fresh", at(24*time.Hour)))
	week := base.Add(store.RefundRequestLife)

	if got := old.StateAt(week.Add(-time.Microsecond)); got != store.RefundPending {
		t.Errorf("just before expiry: %s", got)
	}
	if got := old.StateAt(week); got != store.RefundExpired {
		t.Errorf("at expiry: %s", got)
	}
	// Expired requests are not approvable even before housekeeping ran, and
	// drop out of the queue.
	if _, err := s.ClaimRefundRequest(ctx, old.ID, fin.ID, week); !errors.Is(err, store.ErrRefundExpired) {
		t.Fatalf("approve expired: %v", err)
	}
	if _, err := s.RejectRefundRequest(ctx, old.ID, fin.ID, "too late", week); !errors.Is(err, store.ErrRefundExpired) {
		t.Fatalf("reject expired: %v", err)
	}
	p, _ := s.ListPendingRefundRequests(ctx, week, 10)
	if len(p) != 1 || p[0].ID != fresh.ID {
		t.Fatalf("queue at expiry: %+v", p)
	}
	n, err := s.ExpireRefundRequests(ctx, week)
	if err != nil || n != 1 {
		t.Fatalf("ExpireRefundRequests = %d, %v", n, err)
	}
	if n, _ := s.ExpireRefundRequests(ctx, week); n != 0 {
		t.Errorf("expired twice: %d", n)
	}
	got, _ := s.RefundRequestByID(ctx, old.ID)
	if got.State != store.RefundExpired {
		t.Errorf("state after housekeeping: %s", got.State)
	}
	if _, err := s.ClaimRefundRequest(ctx, old.ID, fin.ID, week); !errors.Is(err, store.ErrRefundDecided) {
		t.Errorf("approve after housekeeping: %v", err)
	}
	if _, err := s.ClaimRefundRequest(ctx, fresh.ID, fin.ID, week); err != nil {
		t.Errorf("fresh request: %v", err)
	}
}

// A refund left "sending" by an instance that stopped becomes unknown, and
// can then be settled.
func testStaleRefunds(t *testing.T, _ store.Config, s *store.Store) {
	ctx := t.Context()
	sup, fin := mustUser(t, s, "support@example.com"), mustUser(t, s, "finance@example.com")
	stuck, _, _ := s.CreateRefundRequest(ctx, newRequest(sup.ID, "stuck", base))
	recent, _, _ := s.CreateRefundRequest(ctx, newRequest(sup.ID, "recent", base))
	if _, err := s.ClaimRefundRequest(ctx, stuck.ID, fin.ID, at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimRefundRequest(ctx, recent.ID, fin.ID, at(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	n, err := s.MarkStaleRefundsUnknown(ctx, at(15*time.Minute), at(31*time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("MarkStaleRefundsUnknown = %d, %v", n, err)
	}
	got, _ := s.RefundRequestByID(ctx, stuck.ID)
	if got.State != store.RefundUnknown || got.Outcome != store.StaleRefundOutcome || !got.MoneyMayHaveMoved() {
		t.Errorf("stuck refund: %+v", got)
	}
	if r, _ := s.RefundRequestByID(ctx, recent.ID); r.State != store.RefundSending {
		t.Errorf("recent refund touched: %s", r.State)
	}
	if err := s.FinishRefundRequest(ctx, stuck.ID, store.RefundFailed, "Checked: not refunded", at(time.Hour)); err != nil {
		t.Errorf("settle: %v", err)
	}
	for state, want := range map[string]bool{store.RefundPending: false, store.RefundSending: true, store.RefundApproved: true,
		store.RefundUnknown: true, store.RefundFailed: false, store.RefundRejected: false, store.RefundExpired: false} {
		if got := (&store.RefundRequest{State: state}).MoneyMayHaveMoved(); got != want {
			t.Errorf("MoneyMayHaveMoved(%s) = %v", state, got)
		}
	}
}
