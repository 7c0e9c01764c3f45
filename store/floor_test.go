package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// Badges and shifts (migration 006) on both backends.

func TestFloorSQLite(t *testing.T) {
	runFloorSuite(t, storetest.SQLite)
}

func TestFloorPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	runFloorSuite(t, storetest.Postgres)
}

func runFloorSuite(t *testing.T, open func(testing.TB) *store.Store) {
	for name, fn := range map[string]func(*testing.T, *store.Store){
		"Badges":         testBadges,
		"BadgeRekey":     testBadgeRekey,
		"Shifts":         testShifts,
		"ShiftRace":      testShiftRace,
		"ShiftShipments": testShiftShipments,
		"SessionMethod":  testSessionMethod,
	} {
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
}

func testBadges(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a, b := mustUser(t, s, "a@example.com"), mustUser(t, s, "b@example.com")
	if _, err := s.BadgeOf(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no badge yet: %v", err)
	}
	if err := s.SetBadge(ctx, &store.Badge{UserID: a.ID, Lookup: "L1", PINHash: "P1", CreatedAt: at(0), UpdatedAt: at(0)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.BadgeByLookup(ctx, "L1")
	if err != nil || got.UserID != a.ID || got.PINHash != "P1" || got.Lookup != "L1" || !got.CreatedAt.Equal(at(0).Truncate(time.Microsecond)) {
		t.Fatalf("by lookup: %+v %v", got, err)
	}
	// A replacement badge keeps the creation time and drops the old code.
	if err := s.SetBadge(ctx, &store.Badge{UserID: a.ID, Lookup: "L2", PINHash: "P2", CreatedAt: at(time.Hour), UpdatedAt: at(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BadgeByLookup(ctx, "L1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the replaced badge still opens the account: %v", err)
	}
	got, err = s.BadgeOf(ctx, a.ID)
	if err != nil || got.Lookup != "L2" || got.PINHash != "P2" || !got.CreatedAt.Equal(at(0).Truncate(time.Microsecond)) ||
		!got.UpdatedAt.Equal(at(time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("after replacing: %+v %v", got, err)
	}
	// One badge cannot open two accounts.
	err = s.SetBadge(ctx, &store.Badge{UserID: b.ID, Lookup: "L2", PINHash: "P3", CreatedAt: at(0), UpdatedAt: at(0)})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a badge taken by someone else: %v", err)
	}
	if err := s.SetBadge(ctx, &store.Badge{UserID: 987654, Lookup: "L9", PINHash: "P", CreatedAt: at(0), UpdatedAt: at(0)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("badge for an unknown user: %v", err)
	}
	if err := s.SetBadge(ctx, &store.Badge{UserID: b.ID, PINHash: "P"}); err == nil {
		t.Fatal("empty lookup accepted")
	}
	// Several lookups (one per key): the first that matches wins.
	if err := s.SetBadge(ctx, &store.Badge{UserID: b.ID, Lookup: "L3", PINHash: "P3", CreatedAt: at(0), UpdatedAt: at(0)}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.BadgeByLookup(ctx, "L3", "L2"); err != nil || got.UserID != b.ID {
		t.Fatalf("newest key first: %+v %v", got, err)
	}
	if got, err := s.BadgeByLookup(ctx, "nope", "L2"); err != nil || got.UserID != a.ID {
		t.Fatalf("older key: %+v %v", got, err)
	}
	if _, err := s.BadgeByLookup(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no lookups: %v", err)
	}
	if ok, err := s.DeleteBadge(ctx, a.ID); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if ok, err := s.DeleteBadge(ctx, a.ID); ok || err != nil {
		t.Fatalf("delete again: %v %v", ok, err)
	}
	if _, err := s.BadgeByLookup(ctx, "L2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted badge still found: %v", err)
	}
}

func testBadgeRekey(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a := mustUser(t, s, "a@example.com")
	if err := s.SetBadge(ctx, &store.Badge{UserID: a.ID, Lookup: "old", PINHash: "P", CreatedAt: at(0), UpdatedAt: at(0)}); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.RekeyBadge(ctx, a.ID, "stale", "new", at(time.Minute)); ok || err != nil {
		t.Fatalf("rekey from a lookup the badge no longer has: %v %v", ok, err)
	}
	if ok, err := s.RekeyBadge(ctx, a.ID, "old", "new", at(time.Minute)); !ok || err != nil {
		t.Fatalf("rekey: %v %v", ok, err)
	}
	if got, err := s.BadgeByLookup(ctx, "new"); err != nil || got.UserID != a.ID || got.PINHash != "P" {
		t.Fatalf("after rekey: %+v %v", got, err)
	}
}

func testShifts(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a := mustUser(t, s, "a@example.com")
	rule := store.ShiftRule{Gap: 4 * time.Hour, Max: 16 * time.Hour}
	us := func(d time.Duration) time.Time { return at(d).Truncate(time.Microsecond) }
	if _, ok, err := s.CurrentShift(ctx, a.ID, at(0), rule); ok || err != nil {
		t.Fatalf("no shift yet: %v %v", ok, err)
	}
	steps := []struct {
		at        time.Duration
		wantStart time.Duration
		wantLast  time.Duration
	}{
		{0, 0, 0},                         // first sign-in
		{time.Hour, 0, time.Hour},         // a parcel
		{3 * time.Hour, 0, 3 * time.Hour}, // after a two-hour lunch: same shift
		{2 * time.Hour, 0, 3 * time.Hour}, // an instance whose clock is behind
		{7*time.Hour + time.Minute, 7*time.Hour + time.Minute, 7*time.Hour + time.Minute}, // over four hours later
		{10 * time.Hour, 7*time.Hour + time.Minute, 10 * time.Hour},
	}
	for i, st := range steps {
		sh, err := s.TouchShift(ctx, a.ID, at(st.at), rule)
		if err != nil || sh.UserID != a.ID || !sh.StartedAt.Equal(us(st.wantStart)) || !sh.LastSeenAt.Equal(us(st.wantLast)) {
			t.Fatalf("step %d (touch at %v): %+v %v; want start %v last %v", i, st.at, sh, err, st.wantStart, st.wantLast)
		}
	}
	if sh, ok, err := s.CurrentShift(ctx, a.ID, at(13*time.Hour), rule); !ok || err != nil || !sh.StartedAt.Equal(us(7*time.Hour+time.Minute)) {
		t.Fatalf("current, within the gap: %+v %v %v", sh, ok, err)
	}
	if _, ok, _ := s.CurrentShift(ctx, a.ID, at(14*time.Hour+time.Second), rule); ok {
		t.Fatal("a shift idle for over four hours is still current")
	}
	// Working on without a four-hour pause: after 16 hours a new shift.
	start := 20 * time.Hour
	for h := time.Duration(0); h <= 16; h++ {
		sh, err := s.TouchShift(ctx, a.ID, at(start+h*time.Hour), rule)
		if err != nil || !sh.StartedAt.Equal(us(start)) {
			t.Fatalf("hour %d: %+v %v", h, sh, err)
		}
	}
	sh, err := s.TouchShift(ctx, a.ID, at(start+16*time.Hour+time.Minute), rule)
	if err != nil || !sh.StartedAt.Equal(us(start+16*time.Hour+time.Minute)) {
		t.Fatalf("after 16 hours: %+v %v", sh, err)
	}
	if _, ok, _ := s.CurrentShift(ctx, a.ID, at(start+32*time.Hour+2*time.Minute), store.ShiftRule{Gap: 100 * time.Hour, Max: 16 * time.Hour}); ok {
		t.Fatal("a shift older than Max is still current")
	}
	if _, err := s.TouchShift(ctx, 987654, at(0), rule); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("shift of an unknown user: %v", err)
	}
}

func testShiftRace(t *testing.T, s *store.Store) {
	a := mustUser(t, s, "a@example.com")
	if _, err := s.TouchShift(t.Context(), a.ID, at(0), store.DefaultShiftRule); err != nil {
		t.Fatal(err)
	}
	// Eight phones of the same person touch at once, five hours later: all
	// must see the one new shift.
	res, errs := parallel(8, func(i int) (store.Shift, error) {
		return s.TouchShift(t.Context(), a.ID, at(5*time.Hour+time.Duration(i)*time.Millisecond), store.DefaultShiftRule)
	})
	first := res[0].StartedAt
	for i := range res {
		if errs[i] != nil {
			t.Fatalf("touch %d: %v", i, errs[i])
		}
		if res[i].StartedAt.Before(at(5*time.Hour).Truncate(time.Microsecond)) || res[i].StartedAt.After(at(5*time.Hour+8*time.Millisecond)) {
			t.Fatalf("touch %d: shift %+v", i, res[i])
		}
		if !res[i].StartedAt.Equal(first) {
			t.Errorf("touch %d started its own shift at %v, touch 0 at %v", i, res[i].StartedAt, first)
		}
	}
}

func testShiftShipments(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a, b := mustUser(t, s, "a@example.com"), mustUser(t, s, "b@example.com")
	// Three sign-ins on the same day, parcels in each; someone else's too.
	for i, h := range []int{1, 2, 5, 6, 9} {
		sh := store.Shipment{UserID: a.ID, SaleID: fmt.Sprint(100 + i), TrackingNumber: fmt.Sprint("T", i), At: at(time.Duration(h) * time.Hour)}
		if err := s.RecordShipment(ctx, &sh); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordShipment(ctx, &store.Shipment{UserID: b.ID, SaleID: "200", TrackingNumber: "X", At: at(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		since time.Duration
		want  int
	}{{0, 5}, {2 * time.Hour, 4}, {9 * time.Hour, 1}, {10 * time.Hour, 0}} {
		if n, err := s.CountShipmentsByUserSince(ctx, a.ID, at(tc.since)); err != nil || n != tc.want {
			t.Errorf("since %v: %d %v, want %d", tc.since, n, err, tc.want)
		}
	}
}

// testSessionMethod: a session remembers whether it was a badge sign-in
// (migration 013); one stored without a method is a password sign-in.
func testSessionMethod(t *testing.T, s *store.Store) {
	ctx := t.Context()
	u := mustUser(t, s, "a@example.com")
	at := time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	for id, method := range map[string]string{"s-badge": store.SignInBadge, "s-password": store.SignInPassword, "s-old": ""} {
		if err := s.CreateSession(ctx, &store.Session{ID: id, UserID: u.ID, CreatedAt: at, LastSeenAt: at, SecondFactorDone: true, Method: method}); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string]string{"s-badge": store.SignInBadge, "s-password": store.SignInPassword, "s-old": store.SignInPassword} {
		got, err := s.SessionByID(ctx, id)
		if err != nil || got.Method != want {
			t.Errorf("session %s: method %v %v, want %q", id, got, err, want)
		}
	}
	list, err := s.ListUserSessions(ctx, u.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %v %v", list, err)
	}
	if err := s.CreateSession(ctx, &store.Session{ID: "s-bad", UserID: u.ID, CreatedAt: at, LastSeenAt: at, Method: "magic"}); err == nil {
		t.Error("a session with an unknown method was stored")
	}
}
