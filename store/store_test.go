package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// The same suite runs on both backends, so a behaviour that differs between
// SQLite and PostgreSQL shows up as a failure in one of these two tests.

func TestSQLite(t *testing.T) {
	runStoreSuite(t, storetest.SQLiteConfig)
}

func TestPostgres(t *testing.T) {
	storetest.PostgresURL(t) // skip (or fail in CI) once, not in every subtest
	runStoreSuite(t, storetest.PostgresConfig)
}

// newConfig returns the configuration of a fresh, empty database.
type newConfig func(t testing.TB) store.Config

func runStoreSuite(t *testing.T, cfg newConfig) {
	open := func(t *testing.T) *store.Store {
		t.Helper()
		s := storetest.Open(t, cfg(t))
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		return s
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, cfg newConfig, open func(t *testing.T) *store.Store)
	}{
		{"MigrateTwice", testMigrateTwice},
		{"MigrateConcurrently", testMigrateConcurrently},
		{"Users", testUsers},
		{"TOTPStep", testTOTPStep},
		{"RecoveryCodes", testRecoveryCodes},
		{"Sessions", testSessions},
		{"Throttling", testThrottling},
		{"ThrottleClaimsRace", testThrottleClaimsRace},
		{"WriteAudited", testWriteAudited},
		{"AuditCompletionOnly", testAuditCompletionOnly},
		{"RecoverPending", testRecoverPending},
		{"AuditCounts", testAuditCounts},
		{"Audit", testAudit},
		{"AuditEach", testAuditEach},
		{"Idempotency", testIdempotency},
		{"Settings", testSettings},
		{"TimesRoundTrip", testTimesRoundTrip},
		{"Shipments", testShipments},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, cfg, open)
		})
	}
}

// base is a fixed instant with sub-microsecond digits, so tests see
// truncation, and never depend on the machine's clock.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

func at(d time.Duration) time.Time { return base.Add(d) }

func mustUser(t *testing.T, s *store.Store, email string) *store.User {
	t.Helper()
	u := &store.User{Email: email, Name: "N " + email, Role: "viewer", Status: "active",
		PasswordHash: "hash", CreatedAt: base, UpdatedAt: base}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// parallel runs fn n times at once and returns the results, so tests of
// atomic operations actually race.
func parallel[T any](n int, fn func(i int) (T, error)) ([]T, []error) {
	res := make([]T, n)
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			res[i], errs[i] = fn(i)
		}()
	}
	start.Done()
	done.Wait()
	return res, errs
}

func countTrue(t *testing.T, res []bool, errs []error) int {
	t.Helper()
	n := 0
	for i, ok := range res {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if ok {
			n++
		}
	}
	return n
}

func testMigrateTwice(t *testing.T, cfg newConfig, _ func(t *testing.T) *store.Store) {
	ctx := t.Context()
	c := cfg(t)
	s := storetest.Open(t, c)
	for i := range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
	// A second instance on the same database finds nothing to do.
	s2 := storetest.Open(t, c)
	if err := s2.Migrate(ctx); err != nil {
		t.Fatalf("Migrate from a second instance: %v", err)
	}
	if s.Backend() != s2.Backend() || (s.Backend() != "sqlite" && s.Backend() != "postgres") {
		t.Fatalf("Backend() = %q, %q", s.Backend(), s2.Backend())
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	mustUser(t, s, "a@example.com")
	if n, err := s2.CountUsers(ctx); err != nil || n != 1 {
		t.Fatalf("CountUsers from second instance = %d, %v; want 1", n, err)
	}
}

func testMigrateConcurrently(t *testing.T, cfg newConfig, _ func(t *testing.T) *store.Store) {
	c := cfg(t)
	const instances = 6
	stores := make([]*store.Store, instances)
	for i := range stores {
		stores[i] = storetest.Open(t, c)
	}
	_, errs := parallel(instances, func(i int) (struct{}, error) {
		return struct{}{}, stores[i].Migrate(t.Context())
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: Migrate: %v", i, err)
		}
	}
	mustUser(t, stores[0], "a@example.com")
	if n, err := stores[instances-1].CountUsers(t.Context()); err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", n, err)
	}
}

func testUsers(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)

	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on empty store = %d, %v", n, err)
	}
	u := &store.User{Email: "  Ann@Example.COM ", Name: "Ann", Role: "admin", Status: "active",
		PasswordHash: "$argon2id$x", MustChangePassword: true, TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPEnabled: true,
		CreatedAt: at(0), UpdatedAt: at(time.Second)}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if u.ID == 0 || u.Email != "ann@example.com" {
		t.Fatalf("after CreateUser: ID %d, Email %q", u.ID, u.Email)
	}
	dup := &store.User{Email: "ANN@example.com", Role: "viewer", Status: "active", CreatedAt: base, UpdatedAt: base}
	if err := s.CreateUser(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("CreateUser with same e-mail in other case: %v, want ErrConflict", err)
	}
	if err := s.CreateUser(ctx, &store.User{Email: " ", Role: "viewer"}); err == nil {
		t.Fatal("CreateUser with empty e-mail succeeded")
	}

	got, err := s.UserByEmail(ctx, "ANN@EXAMPLE.com")
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	want := store.User{ID: u.ID, Email: "ann@example.com", Name: "Ann", Role: "admin", Status: "active",
		PasswordHash: "$argon2id$x", MustChangePassword: true, TOTPSecret: "JBSWY3DPEHPK3PXP", TOTPEnabled: true,
		CreatedAt: at(0).Truncate(time.Microsecond), UpdatedAt: at(time.Second).Truncate(time.Microsecond)}
	if *got != want {
		t.Fatalf("UserByEmail:\n got %+v\nwant %+v", *got, want)
	}
	if got, err := s.UserByID(ctx, u.ID); err != nil || *got != want {
		t.Fatalf("UserByID = %+v, %v", got, err)
	}
	if _, err := s.UserByID(ctx, u.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UserByID(missing): %v, want ErrNotFound", err)
	}
	if _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UserByEmail(missing): %v, want ErrNotFound", err)
	}

	// ListUsers sorts by byte order on both backends ("B" < "a" would differ
	// under a locale collation, but e-mails are lower-cased, so use digits
	// and punctuation that locales like to reorder).
	for _, e := range []string{"zed@example.com", "a.b@example.com", "a-c@example.com", "ab@example.com"} {
		mustUser(t, s, e)
	}
	list, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	var emails []string
	for _, x := range list {
		emails = append(emails, x.Email)
	}
	wantEmails := []string{"a-c@example.com", "a.b@example.com", "ab@example.com", "ann@example.com", "zed@example.com"}
	if fmt.Sprint(emails) != fmt.Sprint(wantEmails) {
		t.Fatalf("ListUsers order = %v, want %v", emails, wantEmails)
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 5 {
		t.Fatalf("CountUsers = %d, %v; want 5", n, err)
	}

	// UpdateUser changes the listed fields and nothing else; in particular
	// a stale TOTPLastStep in the struct must not roll the counter back.
	if ok, err := s.UseTOTPStep(ctx, u.ID, 100); err != nil || !ok {
		t.Fatalf("UseTOTPStep: %v, %v", ok, err)
	}
	upd := *got
	upd.Email = "changed@example.com"
	upd.Name, upd.Role, upd.Status = "Ann B", "support", "disabled"
	upd.PasswordHash, upd.MustChangePassword = "$argon2id$y", false
	upd.TOTPSecret, upd.TOTPEnabled, upd.TOTPLastStep = "", false, 0
	upd.CreatedAt, upd.UpdatedAt = at(time.Hour), at(2*time.Hour)
	if err := s.UpdateUser(ctx, &upd); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	got, err = s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	want = store.User{ID: u.ID, Email: "ann@example.com", Name: "Ann B", Role: "support", Status: "disabled",
		PasswordHash: "$argon2id$y", TOTPLastStep: 100,
		CreatedAt: at(0).Truncate(time.Microsecond), UpdatedAt: at(2 * time.Hour).Truncate(time.Microsecond)}
	if *got != want {
		t.Fatalf("after UpdateUser:\n got %+v\nwant %+v", *got, want)
	}
	if err := s.UpdateUser(ctx, &store.User{ID: u.ID + 1000, Role: "viewer", Status: "active"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateUser(missing): %v, want ErrNotFound", err)
	}
	bad := *got
	bad.Status = "deleted"
	if err := s.UpdateUser(ctx, &bad); err == nil {
		t.Fatal("UpdateUser accepted status \"deleted\"")
	}

	if err := s.SetLastLogin(ctx, u.ID, at(3*time.Hour)); err != nil {
		t.Fatalf("SetLastLogin: %v", err)
	}
	if got, err := s.UserByID(ctx, u.ID); err != nil || !got.LastLoginAt.Equal(at(3*time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("LastLoginAt = %v, %v", got.LastLoginAt, err)
	}
	if err := s.SetLastLogin(ctx, u.ID+1000, base); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SetLastLogin(missing): %v, want ErrNotFound", err)
	}
}

func testTOTPStep(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	u := mustUser(t, s, "a@example.com")

	for _, c := range []struct {
		step int64
		want bool
	}{{5, true}, {5, false}, {4, false}, {6, true}, {6, false}, {100, true}, {99, false}} {
		if ok, err := s.UseTOTPStep(ctx, u.ID, c.step); err != nil || ok != c.want {
			t.Fatalf("UseTOTPStep(%d) = %v, %v; want %v", c.step, ok, err, c.want)
		}
	}
	if _, err := s.UseTOTPStep(ctx, u.ID+1000, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UseTOTPStep(missing user): %v, want ErrNotFound", err)
	}

	// The same code submitted by many requests at once is accepted once.
	res, errs := parallel(20, func(int) (bool, error) { return s.UseTOTPStep(ctx, u.ID, 200) })
	if n := countTrue(t, res, errs); n != 1 {
		t.Fatalf("concurrent UseTOTPStep accepted %d times, want 1", n)
	}
	if got, _ := s.UserByID(ctx, u.ID); got.TOTPLastStep != 200 {
		t.Fatalf("TOTPLastStep = %d, want 200", got.TOTPLastStep)
	}
}

func testRecoveryCodes(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	u := mustUser(t, s, "a@example.com")
	other := mustUser(t, s, "b@example.com")

	count := func(id int64, want int) {
		t.Helper()
		if n, err := s.CountRecoveryCodes(ctx, id); err != nil || n != want {
			t.Fatalf("CountRecoveryCodes = %d, %v; want %d", n, err, want)
		}
	}
	count(u.ID, 0)
	if err := s.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2", "h3"}, base); err != nil {
		t.Fatalf("ReplaceRecoveryCodes: %v", err)
	}
	if err := s.ReplaceRecoveryCodes(ctx, other.ID, []string{"h1"}, base); err != nil {
		t.Fatalf("ReplaceRecoveryCodes(other): %v", err)
	}
	count(u.ID, 3)

	if ok, err := s.UseRecoveryCode(ctx, u.ID, "h2", at(time.Minute)); err != nil || !ok {
		t.Fatalf("UseRecoveryCode(h2) = %v, %v; want true", ok, err)
	}
	if ok, err := s.UseRecoveryCode(ctx, u.ID, "h2", at(2*time.Minute)); err != nil || ok {
		t.Fatalf("UseRecoveryCode(h2) again = %v, %v; want false", ok, err)
	}
	if ok, err := s.UseRecoveryCode(ctx, u.ID, "nope", at(time.Minute)); err != nil || ok {
		t.Fatalf("UseRecoveryCode(unknown) = %v, %v; want false", ok, err)
	}
	count(u.ID, 2)
	count(other.ID, 1) // codes are per user

	// Two (or twenty) requests racing with the same code: exactly one wins.
	res, errs := parallel(20, func(int) (bool, error) { return s.UseRecoveryCode(ctx, u.ID, "h3", at(time.Hour)) })
	if n := countTrue(t, res, errs); n != 1 {
		t.Fatalf("concurrent UseRecoveryCode succeeded %d times, want 1", n)
	}
	count(u.ID, 1)

	// A failed replacement keeps the old codes.
	if err := s.ReplaceRecoveryCodes(ctx, u.ID, []string{"n1", "n1"}, base); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("ReplaceRecoveryCodes with duplicates: %v, want ErrConflict", err)
	}
	count(u.ID, 1)
	if err := s.ReplaceRecoveryCodes(ctx, u.ID+1000, []string{"x"}, base); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ReplaceRecoveryCodes(missing user): %v, want ErrNotFound", err)
	}

	// Replacing discards the old codes, used or not.
	if err := s.ReplaceRecoveryCodes(ctx, u.ID, []string{"n1", "n2"}, at(time.Hour)); err != nil {
		t.Fatalf("ReplaceRecoveryCodes: %v", err)
	}
	count(u.ID, 2)
	if ok, err := s.UseRecoveryCode(ctx, u.ID, "h1", at(time.Hour)); err != nil || ok {
		t.Fatalf("old code still usable: %v, %v", ok, err)
	}
	if err := s.ReplaceRecoveryCodes(ctx, u.ID, nil, at(time.Hour)); err != nil {
		t.Fatalf("ReplaceRecoveryCodes(nil): %v", err)
	}
	count(u.ID, 0)
}

func testSessions(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	u := mustUser(t, s, "a@example.com")
	v := mustUser(t, s, "b@example.com")

	mk := func(id string, userID int64, created time.Duration) *store.Session {
		t.Helper()
		ss := &store.Session{ID: id, UserID: userID, CreatedAt: at(created), LastSeenAt: at(created),
			IP: "192.0.2.1", UserAgent: "Firefox"}
		if err := s.CreateSession(ctx, ss); err != nil {
			t.Fatalf("CreateSession(%s): %v", id, err)
		}
		return ss
	}
	mk("s1", u.ID, 0)
	mk("s2", u.ID, time.Minute)
	mk("s3", u.ID, 2*time.Minute)
	mk("v1", v.ID, 0)

	if err := s.CreateSession(ctx, &store.Session{ID: "s1", UserID: u.ID, CreatedAt: base, LastSeenAt: base}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("CreateSession(duplicate id): %v, want ErrConflict", err)
	}
	if err := s.CreateSession(ctx, &store.Session{ID: "x", UserID: u.ID + 1000, CreatedAt: base, LastSeenAt: base}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CreateSession(unknown user): %v, want ErrNotFound", err)
	}

	got, err := s.SessionByID(ctx, "s1")
	if err != nil {
		t.Fatalf("SessionByID: %v", err)
	}
	want := store.Session{ID: "s1", UserID: u.ID, CreatedAt: at(0).Truncate(time.Microsecond),
		LastSeenAt: at(0).Truncate(time.Microsecond), IP: "192.0.2.1", UserAgent: "Firefox", Method: store.SignInPassword}
	if *got != want {
		t.Fatalf("SessionByID:\n got %+v\nwant %+v", *got, want)
	}
	if _, err := s.SessionByID(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SessionByID(missing): %v, want ErrNotFound", err)
	}

	if err := s.TouchSession(ctx, "s1", at(10*time.Minute)); err != nil {
		t.Fatalf("TouchSession: %v", err)
	}
	if err := s.MarkSessionSecondFactor(ctx, "s1"); err != nil {
		t.Fatalf("MarkSessionSecondFactor: %v", err)
	}
	got, _ = s.SessionByID(ctx, "s1")
	if !got.LastSeenAt.Equal(at(10*time.Minute).Truncate(time.Microsecond)) || !got.SecondFactorDone {
		t.Fatalf("after touch and 2FA: %+v", got)
	}
	for name, err := range map[string]error{
		"TouchSession":            s.TouchSession(ctx, "missing", base),
		"MarkSessionSecondFactor": s.MarkSessionSecondFactor(ctx, "missing"),
		"RevokeSession":           s.RevokeSession(ctx, "missing", base),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s(missing): %v, want ErrNotFound", name, err)
		}
	}

	listIDs := func(userID int64) []string {
		t.Helper()
		list, err := s.ListUserSessions(ctx, userID)
		if err != nil {
			t.Fatalf("ListUserSessions: %v", err)
		}
		var ids []string
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		return ids
	}
	if got := listIDs(u.ID); fmt.Sprint(got) != "[s3 s2 s1]" {
		t.Fatalf("ListUserSessions = %v, want newest first [s3 s2 s1]", got)
	}

	// Revoking is idempotent and keeps the first time.
	if err := s.RevokeSession(ctx, "s2", at(time.Hour)); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	if err := s.RevokeSession(ctx, "s2", at(2*time.Hour)); err != nil {
		t.Fatalf("RevokeSession again: %v", err)
	}
	got, _ = s.SessionByID(ctx, "s2")
	if !got.RevokedAt.Equal(at(time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("RevokedAt = %v, want the first revocation", got.RevokedAt)
	}
	if err := s.MarkSessionSecondFactor(ctx, "s2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("MarkSessionSecondFactor(revoked): %v, want ErrNotFound", err)
	}
	if got := listIDs(u.ID); fmt.Sprint(got) != "[s3 s1]" {
		t.Fatalf("ListUserSessions after revoke = %v", got)
	}

	// "Log out other sessions" keeps the current one and leaves other users alone.
	mk("s4", u.ID, 3*time.Minute)
	if n, err := s.RevokeUserSessions(ctx, u.ID, "s3", at(time.Hour)); err != nil || n != 2 {
		t.Fatalf("RevokeUserSessions(except s3) = %d, %v; want 2 (s1, s4)", n, err)
	}
	if got := listIDs(u.ID); fmt.Sprint(got) != "[s3]" {
		t.Fatalf("after revoke-others = %v, want [s3]", got)
	}
	if got := listIDs(v.ID); fmt.Sprint(got) != "[v1]" {
		t.Fatalf("other user's sessions = %v, want [v1]", got)
	}
	if n, err := s.RevokeUserSessions(ctx, u.ID, "", at(time.Hour)); err != nil || n != 1 {
		t.Fatalf("RevokeUserSessions(all) = %d, %v; want 1", n, err)
	}
	if got := listIDs(u.ID); len(got) != 0 {
		t.Fatalf("after revoke-all = %v, want none", got)
	}

	// Housekeeping: last seen before the cutoff goes, revoked or not.
	// s1 was touched at +10m; s2..s4 were last seen at +1m..+3m, v1 at 0.
	if n, err := s.DeleteSessionsBefore(ctx, at(5*time.Minute)); err != nil || n != 4 {
		t.Fatalf("DeleteSessionsBefore = %d, %v; want 4", n, err)
	}
	if _, err := s.SessionByID(ctx, "s1"); err != nil {
		t.Fatalf("s1 (seen recently) was deleted: %v", err)
	}
	if _, err := s.SessionByID(ctx, "v1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("v1 survived housekeeping: %v", err)
	}
}

// seedAudit appends entries with a mix of users, actions and times; entry i
// is at base+i minutes.
func seedAudit(t *testing.T, s *store.Store) []store.AuditEntry {
	t.Helper()
	actions := []string{"login.ok", "products.update", "products.delete", "productsx.view", "coupons.update", "products"}
	var out []store.AuditEntry
	for i := range 30 {
		e := store.AuditEntry{At: at(time.Duration(i) * time.Minute), UserID: int64(i%3 + 1),
			Actor: fmt.Sprintf("u%d@example.com", i%3+1), IP: "192.0.2.7", Action: actions[i%len(actions)],
			Target: fmt.Sprintf("product:%d", i), Params: `{"price":"9.99"}`, Outcome: "ok",
			Detail: "detail", RequestID: fmt.Sprintf("req-%d", i)}
		if err := s.AppendAudit(t.Context(), &e); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
		if e.ID == 0 || (len(out) > 0 && e.ID <= out[len(out)-1].ID) {
			t.Fatalf("AppendAudit gave ID %d after %v", e.ID, out)
		}
		e.At = e.At.Truncate(time.Microsecond)
		out = append(out, e)
	}
	return out
}

// expect returns the seeded entries matching keep, newest first.
func expect(all []store.AuditEntry, keep func(e store.AuditEntry) bool) []store.AuditEntry {
	var out []store.AuditEntry
	for i := len(all) - 1; i >= 0; i-- {
		if keep(all[i]) {
			out = append(out, all[i])
		}
	}
	return out
}

func ids(es []store.AuditEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func testAudit(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	if acts, err := s.AuditActions(ctx); err != nil || len(acts) != 0 {
		t.Fatalf("AuditActions on empty log = %v, %v", acts, err)
	}
	all := seedAudit(t, s)

	// Page through everything with the keyset cursor.
	var paged []store.AuditEntry
	f := store.AuditFilter{Limit: 7}
	for {
		page, err := s.ListAudit(ctx, f)
		if err != nil {
			t.Fatalf("ListAudit: %v", err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 7 {
			t.Fatalf("page of %d entries, limit 7", len(page))
		}
		paged = append(paged, page...)
		f.BeforeID = page[len(page)-1].ID
	}
	wantAll := expect(all, func(store.AuditEntry) bool { return true })
	if len(paged) != len(wantAll) {
		t.Fatalf("paged %d entries, want %d", len(paged), len(wantAll))
	}
	for i := range paged {
		if paged[i] != wantAll[i] {
			t.Fatalf("entry %d:\n got %+v\nwant %+v", i, paged[i], wantAll[i])
		}
	}
	if page, err := s.ListAudit(ctx, store.AuditFilter{}); err != nil || len(page) != 30 {
		t.Fatalf("ListAudit with default limit: %d entries, %v", len(page), err)
	}

	cases := []struct {
		name string
		f    store.AuditFilter
		keep func(e store.AuditEntry) bool
	}{
		{"user", store.AuditFilter{UserID: 2}, func(e store.AuditEntry) bool { return e.UserID == 2 }},
		{"actor", store.AuditFilter{Actor: "u3@example.com"}, func(e store.AuditEntry) bool { return e.Actor == "u3@example.com" }},
		{"action exact", store.AuditFilter{Action: "products.update"}, func(e store.AuditEntry) bool { return e.Action == "products.update" }},
		// "products.*" must not match "productsx.view" or the bare "products".
		{"action prefix", store.AuditFilter{Action: "products.*"}, func(e store.AuditEntry) bool {
			return e.Action == "products.update" || e.Action == "products.delete"
		}},
		{"action prefix without dot", store.AuditFilter{Action: "products*"}, func(e store.AuditEntry) bool {
			return e.Action != "login.ok" && e.Action != "coupons.update"
		}},
		{"action star", store.AuditFilter{Action: "*"}, func(store.AuditEntry) bool { return true }},
		{"action none", store.AuditFilter{Action: "nothing.*"}, func(store.AuditEntry) bool { return false }},
		// From inclusive, To exclusive: minutes 10..19.
		{"range", store.AuditFilter{From: at(10 * time.Minute), To: at(20 * time.Minute)}, func(e store.AuditEntry) bool {
			return !e.At.Before(at(10*time.Minute).Truncate(time.Microsecond)) && e.At.Before(at(20*time.Minute).Truncate(time.Microsecond))
		}},
		{"from only", store.AuditFilter{From: at(25 * time.Minute)}, func(e store.AuditEntry) bool {
			return !e.At.Before(at(25 * time.Minute).Truncate(time.Microsecond))
		}},
		{"to only", store.AuditFilter{To: at(3 * time.Minute)}, func(e store.AuditEntry) bool {
			return e.At.Before(at(3 * time.Minute).Truncate(time.Microsecond))
		}},
		{"combined", store.AuditFilter{UserID: 1, Action: "products.*", From: at(0), To: at(30 * time.Minute)}, func(e store.AuditEntry) bool {
			return e.UserID == 1 && (e.Action == "products.update" || e.Action == "products.delete")
		}},
		{"before id", store.AuditFilter{BeforeID: all[5].ID}, func(e store.AuditEntry) bool { return e.ID < all[5].ID }},
	}
	// Range filters are written in two ways depending on how many entries
	// they match (see auditPlan in audit.go); on this little data, force
	// each way in turn so both are checked on both backends.
	for _, plan := range []struct {
		name      string
		wideRange int
	}{{"index ranges", 1 << 30}, {"hidden ranges", 1}} {
		s.SetAuditWideRange(plan.wideRange)
		for _, c := range cases {
			name := plan.name + ", " + c.name
			want := expect(all, c.keep)
			f := c.f
			f.Limit = 1000
			got, err := s.ListAudit(ctx, f)
			if err != nil {
				t.Fatalf("%s: ListAudit: %v", name, err)
			}
			if fmt.Sprint(ids(got)) != fmt.Sprint(ids(want)) {
				t.Errorf("%s: ListAudit IDs = %v, want %v", name, ids(got), ids(want))
			}
			n, err := s.CountAudit(ctx, c.f)
			if err != nil || n != len(want) {
				t.Errorf("%s: CountAudit = %d, %v; want %d", name, n, err, len(want))
			}
			var streamed []store.AuditEntry
			if err := s.EachAudit(ctx, c.f, func(e *store.AuditEntry) error {
				streamed = append(streamed, *e)
				return nil
			}); err != nil {
				t.Fatalf("%s: EachAudit: %v", name, err)
			}
			if fmt.Sprint(ids(streamed)) != fmt.Sprint(ids(want)) {
				t.Errorf("%s: EachAudit IDs = %v, want %v", name, ids(streamed), ids(want))
			}
		}
	}

	acts, err := s.AuditActions(ctx)
	if err != nil {
		t.Fatalf("AuditActions: %v", err)
	}
	wantActs := "[coupons.update login.ok products products.delete products.update productsx.view]"
	if fmt.Sprint(acts) != wantActs {
		t.Fatalf("AuditActions = %v, want %s", acts, wantActs)
	}
}

func testAuditEach(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	all := seedAudit(t, s)

	// Limit is ignored: the whole set streams, newest first, with every field.
	var got []store.AuditEntry
	if err := s.EachAudit(ctx, store.AuditFilter{Limit: 3}, func(e *store.AuditEntry) error {
		got = append(got, *e)
		return nil
	}); err != nil {
		t.Fatalf("EachAudit: %v", err)
	}
	want := expect(all, func(store.AuditEntry) bool { return true })
	if len(got) != len(want) {
		t.Fatalf("EachAudit streamed %d entries, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("entry %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}

	// An error from the callback stops the walk and comes back unchanged.
	stop := errors.New("client went away")
	calls := 0
	err := s.EachAudit(ctx, store.AuditFilter{}, func(*store.AuditEntry) error {
		calls++
		if calls == 4 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 4 {
		t.Fatalf("EachAudit with failing callback: %v after %d calls", err, calls)
	}

	// The store stays usable while an export streams (the connection is
	// held, not the whole pool), e.g. the exporting admin's own requests.
	err = s.EachAudit(ctx, store.AuditFilter{}, func(e *store.AuditEntry) error {
		if e.ID != all[len(all)-1].ID {
			return nil
		}
		extra := store.AuditEntry{At: at(time.Hour), Action: "audit.export", Actor: "system"}
		return s.AppendAudit(ctx, &extra)
	})
	if err != nil {
		t.Fatalf("AppendAudit during EachAudit: %v", err)
	}
	if n, err := s.CountAudit(ctx, store.AuditFilter{}); err != nil || n != len(all)+1 {
		t.Fatalf("CountAudit = %d, %v; want %d", n, err, len(all)+1)
	}
}

func testIdempotency(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)

	// Twenty double-clicks at once: one executes, the rest see its record.
	type begun struct {
		rec     *store.IdemRecord
		created bool
	}
	res, errs := parallel(20, func(i int) (begun, error) {
		r, created, err := s.BeginIdempotent(ctx, &store.IdemRecord{Key: "k1", UserID: 7, Action: "products.update",
			ParamsHash: "ph", State: "pending", CreatedAt: at(time.Duration(i) * time.Millisecond),
			UpdatedAt: at(time.Duration(i) * time.Millisecond)})
		return begun{r, created}, err
	})
	created := 0
	for i, b := range res {
		if errs[i] != nil {
			t.Fatalf("BeginIdempotent #%d: %v", i, errs[i])
		}
		if b.created {
			created++
		}
		if b.rec == nil || b.rec.Key != "k1" || b.rec.State != "pending" || b.rec.UserID != 7 ||
			b.rec.Action != "products.update" || b.rec.ParamsHash != "ph" {
			t.Fatalf("BeginIdempotent #%d returned %+v", i, b.rec)
		}
	}
	if created != 1 {
		t.Fatalf("%d callers own the execution, want exactly 1", created)
	}

	if err := s.FinishIdempotent(ctx, "k1", "succeeded", `{"code":200}`, at(time.Minute)); err != nil {
		t.Fatalf("FinishIdempotent: %v", err)
	}
	rec, isNew, err := s.BeginIdempotent(ctx, &store.IdemRecord{Key: "k1", UserID: 8, Action: "other",
		ParamsHash: "different", State: "pending", CreatedAt: at(time.Hour), UpdatedAt: at(time.Hour)})
	if err != nil || isNew {
		t.Fatalf("BeginIdempotent after finish: created %v, %v", isNew, err)
	}
	if rec.State != "succeeded" || rec.Result != `{"code":200}` || rec.UserID != 7 || rec.ParamsHash != "ph" ||
		!rec.UpdatedAt.Equal(at(time.Minute).Truncate(time.Microsecond)) || rec.CreatedAt.After(at(time.Second)) {
		t.Fatalf("BeginIdempotent after finish returned %+v, want the stored record", rec)
	}
	if got, err := s.IdempotentByKey(ctx, "k1"); err != nil || *got != *rec {
		t.Fatalf("IdempotentByKey = %+v, %v; want %+v", got, err, rec)
	}

	// Outcome unknown (timeout after sending) is a state of its own.
	if _, ok, err := s.BeginIdempotent(ctx, &store.IdemRecord{Key: "k2", UserID: 7, Action: "sales.ship",
		CreatedAt: at(2 * time.Hour), UpdatedAt: at(2 * time.Hour)}); err != nil || !ok {
		t.Fatalf("BeginIdempotent(k2) = %v, %v", ok, err)
	}
	if got, _ := s.IdempotentByKey(ctx, "k2"); got.State != "pending" {
		t.Fatalf("empty State stored as %q, want pending", got.State)
	}
	if err := s.FinishIdempotent(ctx, "k2", "unknown", "", at(2*time.Hour)); err != nil {
		t.Fatalf("FinishIdempotent(unknown): %v", err)
	}
	if err := s.FinishIdempotent(ctx, "k2", "bogus", "", at(2*time.Hour)); err == nil {
		t.Fatal("FinishIdempotent accepted state \"bogus\"")
	}
	if _, _, err := s.BeginIdempotent(ctx, &store.IdemRecord{Action: "sales.ship", CreatedAt: base, UpdatedAt: base}); err == nil {
		t.Fatal("BeginIdempotent accepted an empty key")
	}
	if err := s.FinishIdempotent(ctx, "missing", "failed", "", base); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("FinishIdempotent(missing): %v, want ErrNotFound", err)
	}
	if _, err := s.IdempotentByKey(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("IdempotentByKey(missing): %v, want ErrNotFound", err)
	}

	if n, err := s.PruneIdempotent(ctx, at(time.Hour)); err != nil || n != 1 {
		t.Fatalf("PruneIdempotent = %d, %v; want 1 (k1)", n, err)
	}
	if _, err := s.IdempotentByKey(ctx, "k1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("k1 survived pruning: %v", err)
	}
	if _, err := s.IdempotentByKey(ctx, "k2"); err != nil {
		t.Fatalf("k2 was pruned: %v", err)
	}
}

func testSettings(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	if _, err := s.GetSetting(ctx, "setup_token"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetSetting(absent): %v, want ErrNotFound", err)
	}
	for _, v := range []string{"first", "second", ""} {
		if err := s.SetSetting(ctx, "setup_token", v); err != nil {
			t.Fatalf("SetSetting(%q): %v", v, err)
		}
		if got, err := s.GetSetting(ctx, "setup_token"); err != nil || got != v {
			t.Fatalf("GetSetting = %q, %v; want %q", got, err, v)
		}
	}
	if err := s.SetSetting(ctx, "other", "x"); err != nil {
		t.Fatalf("SetSetting(other): %v", err)
	}
	if err := s.DeleteSetting(ctx, "setup_token"); err != nil {
		t.Fatalf("DeleteSetting: %v", err)
	}
	if _, err := s.GetSetting(ctx, "setup_token"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetSetting after delete: %v, want ErrNotFound", err)
	}
	if got, err := s.GetSetting(ctx, "other"); err != nil || got != "x" {
		t.Fatalf("GetSetting(other) = %q, %v", got, err)
	}

	// Deleting is a one-time claim: of many racing deleters, one succeeds.
	if err := s.SetSetting(ctx, "setup_token", "hash"); err != nil {
		t.Fatalf("SetSetting: %v", err)
	}
	res, errs := parallel(10, func(int) (bool, error) {
		err := s.DeleteSetting(ctx, "setup_token")
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	})
	if n := countTrue(t, res, errs); n != 1 {
		t.Fatalf("%d concurrent DeleteSetting calls succeeded, want 1", n)
	}
}

func testTimesRoundTrip(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	ctx := t.Context()
	s := open(t)
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	local := time.Date(2031, 12, 31, 23, 59, 59, 999999999, zone) // nanoseconds are dropped, never rounded up
	want := local.Truncate(time.Microsecond).UTC()
	check := func(what string, got time.Time) {
		t.Helper()
		if got != want || got.Location() != time.UTC {
			t.Errorf("%s = %v (%v), want %v in UTC", what, got, got.Location(), want)
		}
	}

	u := &store.User{Email: "t@example.com", Role: "viewer", Status: "active", CreatedAt: local, UpdatedAt: local}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if err := s.SetLastLogin(ctx, u.ID, local); err != nil {
		t.Fatalf("SetLastLogin: %v", err)
	}
	gotU, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	check("User.CreatedAt", gotU.CreatedAt)
	check("User.UpdatedAt", gotU.UpdatedAt)
	check("User.LastLoginAt", gotU.LastLoginAt)
	if never := mustUser(t, s, "never@example.com"); !never.LastLoginAt.IsZero() {
		t.Fatal("new user has a last login")
	} else if got, _ := s.UserByID(ctx, never.ID); !got.LastLoginAt.IsZero() {
		t.Errorf("LastLoginAt of a user who never signed in = %v, want zero", got.LastLoginAt)
	}

	if err := s.CreateSession(ctx, &store.Session{ID: "s", UserID: u.ID, CreatedAt: local, LastSeenAt: local}); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	gotS, _ := s.SessionByID(ctx, "s")
	check("Session.CreatedAt", gotS.CreatedAt)
	check("Session.LastSeenAt", gotS.LastSeenAt)
	if !gotS.RevokedAt.IsZero() {
		t.Errorf("RevokedAt of an active session = %v, want zero", gotS.RevokedAt)
	}
	if err := s.RevokeSession(ctx, "s", local); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	gotS, _ = s.SessionByID(ctx, "s")
	check("Session.RevokedAt", gotS.RevokedAt)

	e := &store.AuditEntry{At: local, Action: "x"}
	if err := s.AppendAudit(ctx, e); err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	list, _ := s.ListAudit(ctx, store.AuditFilter{})
	check("AuditEntry.At", list[0].At)
	// A filter bound at the same instant, in another zone, matches exactly.
	if n, _ := s.CountAudit(ctx, store.AuditFilter{From: want.In(zone)}); n != 1 {
		t.Errorf("CountAudit(From = entry time) = %d, want 1", n)
	}
	if n, _ := s.CountAudit(ctx, store.AuditFilter{To: want}); n != 0 {
		t.Errorf("CountAudit(To = entry time) = %d, want 0 (To is exclusive)", n)
	}

	if _, _, err := s.BeginIdempotent(ctx, &store.IdemRecord{Key: "k", Action: "a", CreatedAt: local, UpdatedAt: local}); err != nil {
		t.Fatalf("BeginIdempotent: %v", err)
	}
	r, _ := s.IdempotentByKey(ctx, "k")
	check("IdemRecord.CreatedAt", r.CreatedAt)
	check("IdemRecord.UpdatedAt", r.UpdatedAt)
}

func testShipments(t *testing.T, _ newConfig, open func(t *testing.T) *store.Store) {
	s := open(t)
	ctx := t.Context()
	a, b := mustUser(t, s, "a@example.com"), mustUser(t, s, "b@example.com")
	for i, sh := range []store.Shipment{
		{UserID: a.ID, SaleID: "100", TrackingNumber: "1z 999 aa1", Customer: "Ann", At: at(time.Hour)},
		{UserID: a.ID, SaleID: "101", InvoiceID: "9", TrackingNumber: "TRACK2", At: at(2 * time.Hour)},
		{UserID: b.ID, SaleID: "102", TrackingNumber: "TRACK3", At: at(3 * time.Hour)},
	} {
		if err := s.RecordShipment(ctx, &sh); err != nil || sh.ID == 0 {
			t.Fatalf("RecordShipment %d: %v", i, err)
		}
	}
	got, err := s.ShipmentsByTracking(ctx, "1Z999AA1")
	if err != nil || len(got) != 1 || got[0].SaleID != "100" || got[0].TrackingNumber != "1Z999AA1" || got[0].Customer != "Ann" {
		t.Fatalf("by tracking, normalised: %+v %v", got, err)
	}
	if !got[0].At.Equal(at(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("time %v", got[0].At)
	}
	shift, err := s.ShipmentsByUserSince(ctx, a.ID, at(90*time.Minute), 10)
	if err != nil || len(shift) != 1 || shift[0].SaleID != "101" || shift[0].InvoiceID != "9" {
		t.Fatalf("shift list: %+v %v", shift, err)
	}
	all, _ := s.ShipmentsByUserSince(ctx, a.ID, at(0), 10)
	if len(all) != 2 || all[0].SaleID != "101" {
		t.Fatalf("newest first: %+v", all)
	}
	if none, _ := s.ShipmentsByTracking(ctx, "NOPE"); len(none) != 0 {
		t.Fatalf("unknown tracking: %+v", none)
	}
}
