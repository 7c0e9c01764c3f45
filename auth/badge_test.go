package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

func TestCheckPIN(t *testing.T) {
	for pin, want := range map[string]error{
		"4071": nil, "90210": nil, "31415926": nil, "1231": nil, "123123": nil, "2468": nil,
		"": ErrPINFormat, "123": ErrPINFormat, "123456789": ErrPINFormat, "12a4": ErrPINFormat, "٤٠٧١": ErrPINFormat, " 4071": ErrPINFormat,
		"0000": ErrPINEasy, "7777777": ErrPINEasy, "1234": ErrPINEasy, "0123": ErrPINEasy, "12345678": ErrPINEasy,
		"9876": ErrPINEasy, "3210": ErrPINEasy, "1212": ErrPINEasy, "696969": ErrPINEasy, "1004": ErrPINEasy, "2580": ErrPINEasy,
	} {
		if got := CheckPIN(pin); got != want {
			t.Errorf("CheckPIN(%q) = %v, want %v", pin, got, want)
		}
	}
}

func TestCheckBadgeCode(t *testing.T) {
	for code, want := range map[string]error{
		"EMP-00412345": nil, " emp-00412345 \n": nil, NewBadgeCode(): nil,
		"0041234": ErrBadgeCodeShort, "   ab   ": ErrBadgeCodeShort,
		strings.Repeat("A", MaxBadgeCodeLen+1): ErrBadgeCodeLong,
		"EMP\x0000412345":                      ErrBadgeCodeChars, "ÉMPLOYÉ-0041": ErrBadgeCodeChars,
	} {
		if got := CheckBadgeCode(code); got != want {
			t.Errorf("CheckBadgeCode(%q) = %v, want %v", code, got, want)
		}
	}
	seen := map[string]bool{}
	for range 50 {
		c := NewBadgeCode()
		if len(c) != 16 || seen[c] || strings.ContainsAny(c, "ILOU") {
			t.Fatalf("NewBadgeCode() = %q", c)
		}
		seen[c] = true
	}
}

const (
	badgeKey1 = "first server key, long enough to be accepted"
	badgeKey2 = "second server key, long enough to be accepted"
)

// badgeRig is a badge service on a real store, with a clock the test moves.
type badgeRig struct {
	st  *store.Store
	now time.Time
	h   *Hasher
	th  *Throttle
}

func newBadgeRig(t *testing.T, st *store.Store) *badgeRig {
	r := &badgeRig{st: st, now: time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC), h: NewHasherWith(Params{Memory: 64, Time: 1, Threads: 1}, 2)}
	r.th = NewThrottle(st, func() time.Time { return r.now })
	return r
}

func (r *badgeRig) badges(t *testing.T, policy string, keys ...string) *Badges {
	t.Helper()
	b, err := NewBadges(r.st, r.h, r.th, BadgeOptions{Keys: keys, SecondFactorPolicy: policy, Now: func() time.Time { return r.now }})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (r *badgeRig) user(t *testing.T, email string, role Role) *store.User {
	t.Helper()
	u := &store.User{Email: email, Name: email, Role: string(role), PasswordHash: "x", CreatedAt: r.now, UpdatedAt: r.now}
	if err := r.st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestBadgesSQLite(t *testing.T) { runBadgeSuite(t, storetest.SQLite) }

func TestBadgesPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	runBadgeSuite(t, storetest.Postgres)
}

func runBadgeSuite(t *testing.T, open func(testing.TB) *store.Store) {
	for name, fn := range map[string]func(*testing.T, *badgeRig){
		"SignIn":       testBadgeSignIn,
		"Throttle":     testBadgeThrottle,
		"WhoMay":       testBadgeWhoMay,
		"KeyRotation":  testBadgeKeyRotation,
		"Taken":        testBadgeTaken,
		"NothingClear": testBadgeNothingInClear,
		"Rehash":       testBadgeRehash,
	} {
		t.Run(name, func(t *testing.T) { fn(t, newBadgeRig(t, open(t))) })
	}
}

func wantBadgeFailure(t *testing.T, u *store.User, err error, reason string) {
	t.Helper()
	if u != nil || !errors.Is(err, ErrBadgeSignIn) || !strings.Contains(err.Error(), reason) {
		t.Fatalf("sign-in: user %v, error %v; want ErrBadgeSignIn (%s)", u, err, reason)
	}
}

func testBadgeSignIn(t *testing.T, r *badgeRig) {
	ctx := t.Context()
	b := r.badges(t, PolicyAdmins, badgeKey1)
	ann := r.user(t, "ann@example.com", RoleFulfilment)
	if has, err := b.Has(ctx, ann.ID); has || err != nil {
		t.Fatalf("Has before: %v %v", has, err)
	}
	if err := b.Set(ctx, ann, "EMP-00412345", "4071"); err != nil {
		t.Fatal(err)
	}
	if has, err := b.Has(ctx, ann.ID); !has || err != nil {
		t.Fatalf("Has after: %v %v", has, err)
	}
	// The scanner may type it with Caps Lock on and a trailing space.
	u, err := b.SignIn(ctx, "emp-00412345 ", "4071", "192.0.2.1")
	if err != nil || u.ID != ann.ID {
		t.Fatalf("sign-in: %v %v", u, err)
	}
	u, err = b.SignIn(ctx, "EMP-00412345", "4072", "192.0.2.1")
	wantBadgeFailure(t, u, err, "wrong PIN")
	u, err = b.SignIn(ctx, "EMP-00412346", "4071", "192.0.2.1")
	wantBadgeFailure(t, u, err, "unknown badge")
	u, err = b.SignIn(ctx, "EMP", "4071", "192.0.2.1")
	wantBadgeFailure(t, u, err, "malformed")
	// A lost badge is replaced: the old code opens nothing.
	if err := b.Set(ctx, ann, "EMP-00499999", "8315"); err != nil {
		t.Fatal(err)
	}
	u, err = b.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1")
	wantBadgeFailure(t, u, err, "unknown badge")
	if u, err := b.SignIn(ctx, "EMP-00499999", "8315", "192.0.2.1"); err != nil || u.ID != ann.ID {
		t.Fatalf("new badge: %v %v", u, err)
	}
	if ok, err := b.Remove(ctx, ann.ID); !ok || err != nil {
		t.Fatalf("remove: %v %v", ok, err)
	}
	u, err = b.SignIn(ctx, "EMP-00499999", "8315", "192.0.2.1")
	wantBadgeFailure(t, u, err, "unknown badge")
	// Bad setup input is refused with the person's message.
	for _, tc := range []struct {
		code, pin string
		want      error
	}{{"short", "4071", ErrBadgeCodeShort}, {"EMP-00412345", "1111", ErrPINEasy}, {"EMP-00412345", "12", ErrPINFormat}} {
		if err := b.Set(ctx, ann, tc.code, tc.pin); err != tc.want {
			t.Errorf("Set(%q, %q) = %v, want %v", tc.code, tc.pin, err, tc.want)
		}
	}
}

func testBadgeThrottle(t *testing.T, r *badgeRig) {
	ctx := t.Context()
	b := r.badges(t, PolicyAdmins, badgeKey1)
	ann := r.user(t, "ann@example.com", RoleFulfilment)
	if err := b.Set(ctx, ann, "EMP-00412345", "4071"); err != nil {
		t.Fatal(err)
	}
	// A right PIN clears the badge's failures, like a right password.
	for range 4 {
		_, _ = b.SignIn(ctx, "EMP-00412345", "0001", "192.0.2.1")
	}
	if _, err := b.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1"); err != nil {
		t.Fatalf("after four failures: %v", err)
	}
	for i := range 5 {
		u, err := b.SignIn(ctx, "EMP-00412345", "0001", "192.0.2.1")
		wantBadgeFailure(t, u, err, "wrong PIN")
		var be *BadgeSignInError
		if !errors.As(err, &be) || be.UserID != ann.ID || (be.Lock != nil) != (i == 4) {
			t.Fatalf("failure %d: %+v", i+1, be)
		}
		if i == 4 && (be.Lock.Scope != Badge || be.Lock.By != "account") {
			t.Fatalf("lock %+v, want the badge's own", be.Lock)
		}
	}
	// The badge's failures count on their own: the password sign-in of
	// the same person is not locked by them.
	if a, err := r.th.Claim(ctx, SignIn, "ann@example.com", "192.0.2.1"); err != nil {
		t.Fatalf("password sign-in locked by PIN failures: %v", err)
	} else if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	// Locked: even the right PIN, from another address, is refused.
	u, err := b.SignIn(ctx, "EMP-00412345", "4071", "198.51.100.7")
	wantBadgeFailure(t, u, err, "too many attempts")
	// Another badge is not locked by this one's failures.
	bob := r.user(t, "bob@example.com", RoleFulfilment)
	if err := b.Set(ctx, bob, "EMP-00777777", "5093"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SignIn(ctx, "EMP-00777777", "5093", "198.51.100.7"); err != nil {
		t.Fatalf("another badge: %v", err)
	}
	// The lock ends with the window.
	r.now = r.now.Add(16 * time.Minute)
	if u, err := b.SignIn(ctx, "EMP-00412345", "4071", "198.51.100.7"); err != nil || u.ID != ann.ID {
		t.Fatalf("after the window: %v %v", u, err)
	}
	// Guessing badges from one address hits the address limit.
	for range 50 {
		_, _ = b.SignIn(ctx, "GUESS-"+NewBadgeCode(), "4071", "203.0.113.9")
	}
	u, err = b.SignIn(ctx, "EMP-00412345", "4071", "203.0.113.9")
	wantBadgeFailure(t, u, err, "too many attempts")
}

func testBadgeWhoMay(t *testing.T, r *badgeRig) {
	ctx := t.Context()
	open := r.badges(t, PolicyAdmins, badgeKey1)
	ann := r.user(t, "ann@example.com", RoleFulfilment)
	if err := open.Set(ctx, ann, "EMP-00412345", "4071"); err != nil {
		t.Fatal(err)
	}
	admin := r.user(t, "boss@example.com", RoleAdmin)
	support := r.user(t, "sam@example.com", RoleSupport)
	for _, u := range []*store.User{admin, support} {
		if err := open.Set(ctx, u, "EMP-00500000", "4071"); err != ErrBadgeRole {
			t.Errorf("%s set a badge: %v", u.Role, err)
		}
	}
	if open.Allowed(ann) != nil || !open.On() {
		t.Fatal("a fulfilment user under the admins policy may not use a badge")
	}
	if none := r.badges(t, PolicyNone, badgeKey1); none.Allowed(ann) != nil {
		t.Fatal("policy none refuses a fulfilment user")
	}
	// With BACKOFFICE_REQUIRE_2FA=all (or anything unknown) badges are off,
	// even for a badge set earlier.
	for _, policy := range []string{PolicyAll, "", "ALL"} {
		off := r.badges(t, policy, badgeKey1)
		if off.On() || off.Allowed(ann) != ErrBadgePolicy || off.Set(ctx, ann, "EMP-00412345", "4071") != ErrBadgePolicy {
			t.Errorf("policy %q: badge sign-in is on", policy)
		}
		u, err := off.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1")
		wantBadgeFailure(t, u, err, "off")
	}
	// Promoted to admin, or enrolled in a second factor, or reset by an
	// admin, or disabled: the old badge stops working.
	for _, change := range []struct {
		name  string
		apply func(u *store.User)
		why   error
	}{
		{"promoted", func(u *store.User) { u.Role = string(RoleAdmin) }, ErrBadgeRole},
		{"second factor", func(u *store.User) { u.TOTPEnabled = true }, ErrBadgeTwoFactor},
		{"password reset", func(u *store.User) { u.MustChangePassword = true }, ErrBadgeAccount},
		{"disabled", func(u *store.User) { u.Status = store.StatusDisabled }, ErrBadgeDisabled},
	} {
		u, _ := r.st.UserByID(ctx, ann.ID)
		saved := *u
		change.apply(u)
		if err := r.st.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got := open.Allowed(u); got != change.why {
			t.Errorf("%s: Allowed = %v, want %v", change.name, got, change.why)
		}
		got, err := open.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1")
		wantBadgeFailure(t, got, err, "not allowed")
		var be *BadgeSignInError
		if !errors.As(err, &be) || be.Refusal != change.why || be.UserID != ann.ID {
			t.Errorf("%s: refusal %+v, want %v for user %d", change.name, be, change.why, ann.ID)
		}
		if err := r.st.UpdateUser(ctx, &saved); err != nil {
			t.Fatal(err)
		}
		r.now = r.now.Add(time.Hour) // out of the throttle's window
	}
	if u, err := open.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1"); err != nil || u.ID != ann.ID {
		t.Fatalf("restored: %v %v", u, err)
	}
}

func testBadgeKeyRotation(t *testing.T, r *badgeRig) {
	ctx := t.Context()
	ann := r.user(t, "ann@example.com", RoleFulfilment)
	if err := r.badges(t, PolicyAdmins, badgeKey1).Set(ctx, ann, "EMP-00412345", "4071"); err != nil {
		t.Fatal(err)
	}
	onlyNew := r.badges(t, PolicyAdmins, badgeKey2)
	u, err := onlyNew.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1")
	wantBadgeFailure(t, u, err, "unknown badge")
	// Rotation: the new key first, the old one still listed. The badge works
	// and moves to the new key, so dropping the old key later is safe.
	if u, err := r.badges(t, PolicyAdmins, badgeKey2, badgeKey1).SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1"); err != nil || u.ID != ann.ID {
		t.Fatalf("during rotation: %v %v", u, err)
	}
	if u, err := onlyNew.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1"); err != nil || u.ID != ann.ID {
		t.Fatalf("after dropping the old key: %v %v", u, err)
	}
	if _, err := NewBadges(r.st, r.h, r.th, BadgeOptions{Keys: []string{"short"}}); err == nil {
		t.Error("a short key was accepted")
	}
	if _, err := NewBadges(r.st, r.h, r.th, BadgeOptions{}); err == nil {
		t.Error("no key was accepted")
	}
}

func testBadgeTaken(t *testing.T, r *badgeRig) {
	ctx := t.Context()
	b := r.badges(t, PolicyAdmins, badgeKey1)
	ann, bob := r.user(t, "ann@example.com", RoleFulfilment), r.user(t, "bob@example.com", RoleFulfilment)
	if err := b.Set(ctx, ann, "EMP-00412345", "4071"); err != nil {
		t.Fatal(err)
	}
	if err := b.Set(ctx, bob, "emp-00412345", "5093"); err != ErrBadgeTaken {
		t.Fatalf("the same badge for two people: %v", err)
	}
	if u, err := b.SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1"); err != nil || u.ID != ann.ID {
		t.Fatalf("the first owner lost the badge: %v %v", u, err)
	}
}

func testBadgeNothingInClear(t *testing.T, r *badgeRig) {
	ctx := t.Context()
	b := r.badges(t, PolicyAdmins, badgeKey1)
	ann := r.user(t, "ann@example.com", RoleFulfilment)
	if err := b.Set(ctx, ann, "EMP-00412345", "4071"); err != nil {
		t.Fatal(err)
	}
	row, err := r.st.BadgeOf(ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToUpper(row.Lookup), "00412345") || strings.Contains(row.PINHash, "4071") ||
		len(row.Lookup) != 64 || !strings.HasPrefix(row.PINHash, "$argon2id$") {
		t.Fatalf("stored badge %+v", row)
	}
	// The lookup depends on the key: without it the code cannot be tested.
	if r.badges(t, PolicyAdmins, badgeKey2).lookups("EMP-00412345")[0] == row.Lookup {
		t.Fatal("the lookup does not depend on the server key")
	}
}

func testBadgeRehash(t *testing.T, r *badgeRig) {
	ctx := t.Context()
	ann := r.user(t, "ann@example.com", RoleFulfilment)
	if err := r.badges(t, PolicyAdmins, badgeKey1).Set(ctx, ann, "EMP-00412345", "4071"); err != nil {
		t.Fatal(err)
	}
	r.h = NewHasherWith(Params{Memory: 128, Time: 2, Threads: 1}, 2)
	if _, err := r.badges(t, PolicyAdmins, badgeKey1).SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	row, _ := r.st.BadgeOf(ctx, ann.ID)
	if !strings.Contains(row.PINHash, "m=128,t=2,") {
		t.Fatalf("PIN hash not upgraded: %s", row.PINHash)
	}
	if _, err := r.badges(t, PolicyAdmins, badgeKey1).SignIn(ctx, "EMP-00412345", "4071", "192.0.2.1"); err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
}
