package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backoffice/store"
)

func openTestStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{DataDir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// `user add --role` takes a custom role an admin made on /roles, by its
// short name, and names it by its label.
func TestUserAddWithCustomRole(t *testing.T) {
	dir := t.TempDir()
	st := openTestStore(t, dir)
	now := time.Now()
	if err := st.CreateRole(context.Background(), &store.Role{Name: "refunds-only", Label: "Refunds only",
		Permissions: []string{"sales.view", "sales.refund"}, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := runCLI(t, dir, nil, "", "user", "add", "--email", "rae@example.com", "--name", "Rae", "--role", "Refunds-Only")
	if !strings.Contains(out, "Added Rae <rae@example.com> as Refunds only.") {
		t.Errorf("custom role: %q", out)
	}
	if list := runCLI(t, dir, nil, "", "user", "list"); !strings.Contains(list, "refunds-only") {
		t.Errorf("list: %s", list)
	}
	out = runCLI(t, dir, nil, "", "user", "add", "--email", "fin@example.com", "--name", "Fin", "--role", "finance")
	if !strings.Contains(out, "as Finance.") {
		t.Errorf("finance: %q", out)
	}
	var errOut syncBuf
	code := Main(context.Background(), Env{Args: []string{"user", "add", "--email", "x@example.com", "--name", "X", "--role", "refunds-maybe"},
		Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &errOut, Getenv: envFor(dir, nil)})
	if code != 2 || !strings.Contains(errOut.String(), "custom role") {
		t.Errorf("a custom role that does not exist: exit %d, %q", code, errOut.String())
	}
}

// Housekeeping expires refund requests nobody decided within 7 days and
// marks refunds stuck "sending" as unknown, leaving young ones alone.
func TestRefundHousekeeping(t *testing.T) {
	st := openTestStore(t, t.TempDir())
	defer st.Close()
	ctx := context.Background()
	now := time.Now()
	u := &store.User{Email: "sam@example.com", Name: "Sam", Role: "support", Status: "active", PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	mk := func(key string, direct bool, at time.Time) *store.RefundRequest {
		r, _, err := st.CreateRefundRequest(ctx, &store.RefundRequest{FormKey: key, IdemKey: key + "-idem", Direct: direct,
			RequestedBy: u.ID, RequestedAt: at, SaleID: "1", InvoiceID: "2", AmountCents: 100, Currency: "USD", Category: 1, Comment: "c"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	old := mk("old-request", false, now.Add(-8*24*time.Hour))
	fresh := mk("fresh-request", false, now.Add(-time.Hour))
	stuck := mk("stuck-refund", true, now.Add(-time.Hour))
	sending := mk("sending-refund", true, now.Add(-time.Minute))
	var logs bytes.Buffer
	refundHousekeeping(ctx, st, 20*time.Second, now, slog.New(slog.NewTextHandler(&logs, nil)))
	for _, tc := range []struct {
		r    *store.RefundRequest
		want string
	}{{old, store.RefundExpired}, {fresh, store.RefundPending}, {stuck, store.RefundUnknown}, {sending, store.RefundSending}} {
		got, err := st.RefundRequestByID(ctx, tc.r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != tc.want {
			t.Errorf("%s: %s, want %s", tc.r.FormKey, got.State, tc.want)
		}
	}
	if !strings.Contains(logs.String(), "marked unknown") || !strings.Contains(logs.String(), "expired") {
		t.Errorf("logs: %s", logs.String())
	}
}
