package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"backoffice/store"
)

// Badge sign-in lets warehouse staff take over a shared phone quickly: scan
// their badge, type a short PIN. Two secrets are involved and neither is
// stored:
//
//   - The badge code must be found by lookup, so it cannot be salted like a
//     password. It is stored as HMAC-SHA256 under a key derived from the
//     server's session keys, which are not in the database: a copy of the
//     database alone does not let anyone test badge codes offline, however
//     short an employee number printed on a badge is.
//   - The PIN is hashed with argon2id (the password Hasher, its own salt per
//     badge) and checked only after the badge is found.
//
// Guessing is throttled like passwords, per badge and per address, in the
// Badge scope of the sign-in throttle. Badge sign-in is a single factor standing in for a
// password, so it is only for fulfilment staff, and never for anyone the
// deployment's second-factor policy covers: with BACKOFFICE_REQUIRE_2FA=all
// it is off, and a person who enrolled a second factor keeps using it.

// Second-factor policies, spelled as BACKOFFICE_REQUIRE_2FA spells them
// (config.TwoFactorPolicy; auth does not import config).
const (
	PolicyAdmins = "admins"
	PolicyAll    = "all"
	PolicyNone   = "none"
)

// PIN lengths, in digits.
const (
	MinPINDigits = 4
	MaxPINDigits = 8
)

// Badge code lengths, in characters. Eight is short enough for the
// employee numbers on existing badges to qualify only when they are long;
// NewBadgeCode makes 16.
const (
	MinBadgeCodeLen = 8
	MaxBadgeCodeLen = 64
)

// BadgeError is a refusal worded for the person setting up or using a
// badge; its text is safe to show on the page.
type BadgeError struct{ msg string }

// Error returns the user-facing message.
func (e *BadgeError) Error() string { return e.msg }

// The refusals of CheckBadgeCode, CheckPIN, Badges.Allowed and Badges.Set;
// compare with errors.Is.
var (
	ErrBadgeCodeShort = &BadgeError{fmt.Sprintf("A badge code has at least %d characters. Scan the badge again, or make a new code.", MinBadgeCodeLen)}
	ErrBadgeCodeLong  = &BadgeError{fmt.Sprintf("A badge code has at most %d characters.", MaxBadgeCodeLen)}
	ErrBadgeCodeChars = &BadgeError{"A badge code has only letters, digits and the usual punctuation. Scan the badge again."}
	ErrPINFormat      = &BadgeError{fmt.Sprintf("A PIN is %d to %d digits.", MinPINDigits, MaxPINDigits)}
	ErrPINEasy        = &BadgeError{"That PIN is too easy to guess: avoid repeated digits, runs like 1234 and pairs like 1212."}
	ErrBadgeTaken     = &BadgeError{"That badge code is already in use. Make a new code for your badge."}
	ErrBadgePolicy    = &BadgeError{"Badge sign-in is off here: everyone signs in with a second factor."}
	ErrBadgeRole      = &BadgeError{"Badge sign-in is only for fulfilment staff."}
	ErrBadgeTwoFactor = &BadgeError{"You sign in with a second factor, which a badge would bypass, so badge sign-in is not available to you."}
	ErrBadgeAccount   = &BadgeError{"Badge sign-in is not available for this account until its password is set."}
	ErrBadgeDisabled  = &BadgeError{"This account is disabled."}
)

// ErrBadgeSignIn is every failed badge sign-in: an unknown badge, a wrong
// PIN, an account that may not use badges and a throttled attempt all get
// it, every one not throttled after the same work, so the answer tells
// nothing about which badges exist. The wrapped reason is for the audit log
// only.
var ErrBadgeSignIn = errors.New("auth: badge sign-in failed")

// BadgeSignInError is SignIn's refusal; it matches ErrBadgeSignIn. Its
// fields are for the audit log only: the page shows BadgeSignInFailed.
type BadgeSignInError struct {
	Reason string
	// UserID is the badge's owner when the badge was found (a wrong PIN, an
	// account that may not use it), 0 otherwise.
	UserID int64
	// Refusal is why the badge's owner may not use it (the badge and PIN
	// were right): shown to them, since it tells nothing to anyone without
	// the PIN, except ErrBadgeDisabled, which reads as any failure (as a
	// disabled account's right password does).
	Refusal *BadgeError
	// Lock is the lock this failure started, nil when it started none.
	Lock *Lock
	// Throttled is set when the attempt was refused unchecked.
	Throttled error
}

func (e *BadgeSignInError) Error() string { return ErrBadgeSignIn.Error() + ": " + e.Reason }

// Is makes a BadgeSignInError match ErrBadgeSignIn.
func (e *BadgeSignInError) Is(target error) bool { return target == ErrBadgeSignIn }

// BadgeSignInFailed is the one message to show for ErrBadgeSignIn.
const BadgeSignInFailed = "That badge and PIN do not match an account that may use a badge, or there were too many attempts. Try again in a few minutes, or sign in with your e-mail and password."

// BadgeStore is the part of the store badges need.
type BadgeStore interface {
	SetBadge(ctx context.Context, b *store.Badge) error
	BadgeByLookup(ctx context.Context, lookups ...string) (*store.Badge, error)
	BadgeOf(ctx context.Context, userID int64) (*store.Badge, error)
	DeleteBadge(ctx context.Context, userID int64) (bool, error)
	RekeyBadge(ctx context.Context, userID int64, from, to string, at time.Time) (bool, error)
	UserByID(ctx context.Context, id int64) (*store.User, error)
}

// BadgeThrottle is the sign-in throttle as badge sign-in uses it: account
// is a badge's throttle key (see Badges.SignIn), counted in the Badge scope
// as an e-mail is in SignIn. *Throttle satisfies it.
type BadgeThrottle interface {
	Claim(ctx context.Context, scope Scope, account, ip string) (*Attempt, error)
}

// BadgeOptions configures Badges.
type BadgeOptions struct {
	// Keys are the server's secret keys, newest first: the session keys
	// (BACKOFFICE_SESSION_KEYS), each at least MinKeyLength characters. A
	// badge is looked up under every key and moved to the newest at its
	// next use, so a key rotation does not lock anyone out; a badge not
	// used before its key is dropped must be set again.
	Keys []string
	// SecondFactorPolicy is BACKOFFICE_REQUIRE_2FA. Badge sign-in is on
	// only under PolicyAdmins and PolicyNone; any other value turns it off.
	SecondFactorPolicy string
	Now                func() time.Time
}

// Badges sets badges up and signs people in with them.
type Badges struct {
	st       BadgeStore
	hasher   *Hasher
	throttle BadgeThrottle
	keys     [][]byte
	policy   string
	now      func() time.Time
}

// NewBadges checks the keys and builds the badge service.
func NewBadges(st BadgeStore, h *Hasher, th BadgeThrottle, opt BadgeOptions) (*Badges, error) {
	if len(opt.Keys) == 0 {
		return nil, errors.New("badges: no server keys configured")
	}
	b := &Badges{st: st, hasher: h, throttle: th, policy: opt.SecondFactorPolicy, now: opt.Now}
	for i, k := range opt.Keys {
		if len(k) < MinKeyLength {
			return nil, fmt.Errorf("badges: key %d is %d characters; at least %d are required", i+1, len(k), MinKeyLength)
		}
		b.keys = append(b.keys, derive(k, "backoffice badge lookup"))
	}
	if b.now == nil {
		b.now = time.Now
	}
	return b, nil
}

// On reports whether badge sign-in is available at all under the policy,
// so the sign-in page can leave the badge form out.
func (b *Badges) On() bool {
	return b.policy == PolicyAdmins || b.policy == PolicyNone
}

// Allowed says whether u may set up and use a badge: nil, or the BadgeError
// explaining why not (for the profile page).
func (b *Badges) Allowed(u *store.User) error {
	switch {
	case !b.On():
		return ErrBadgePolicy
	case Role(u.Role) != RoleFulfilment:
		return ErrBadgeRole
	case u.TOTPEnabled:
		return ErrBadgeTwoFactor
	case u.Status != store.StatusActive:
		return ErrBadgeDisabled
	case u.MustChangePassword:
		// A reset password may mean a compromised account: the badge
		// must not let anyone skip choosing a new one.
		return ErrBadgeAccount
	}
	return nil
}

// NormalizeBadgeCode is the form a badge code is hashed in: without the
// spaces around it, in upper case, so a scanner's Caps Lock or trailing
// space does not make a different badge.
func NormalizeBadgeCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// CheckBadgeCode applies the badge code rules: MinBadgeCodeLen to
// MaxBadgeCodeLen printable ASCII characters (what a keyboard-wedge scanner
// types), after NormalizeBadgeCode.
func CheckBadgeCode(code string) error {
	c := NormalizeBadgeCode(code)
	for i := 0; i < len(c); i++ {
		if c[i] < ' ' || c[i] > '~' {
			return ErrBadgeCodeChars
		}
	}
	switch {
	case len(c) < MinBadgeCodeLen:
		return ErrBadgeCodeShort
	case len(c) > MaxBadgeCodeLen:
		return ErrBadgeCodeLong
	}
	return nil
}

// CheckPIN applies the PIN rules: MinPINDigits to MaxPINDigits ASCII
// digits, not all one digit, not a run up or down (1234, 9876), not one
// pair repeated (1212) and not one of a few habitual choices (a year like
// 2000, 2580 and 0852 down and up the keypad's middle column).
func CheckPIN(pin string) error {
	if len(pin) < MinPINDigits || len(pin) > MaxPINDigits {
		return ErrPINFormat
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return ErrPINFormat
		}
	}
	up, down := true, true
	for i := 1; i < len(pin); i++ {
		up = up && pin[i] == pin[i-1]+1
		down = down && pin[i] == pin[i-1]-1
	}
	if u := repeatedUnit(pin); up || down || (u != "" && len(u) <= 2) {
		return ErrPINEasy
	}
	switch pin {
	case "1004", "2000", "2580", "0852", "1010", "1122", "6969":
		return ErrPINEasy
	}
	return nil
}

// badgeAlphabet is Crockford's base32 in upper case: no I, L, O or U to
// misread when the code is typed from the printed line.
const badgeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewBadgeCode returns a random badge code of 16 characters (80 bits) for a
// badge printed by the panel (as a Code 128 barcode), for staff whose badge
// carries no code of its own or only a short employee number.
func NewBadgeCode() string { return randomString(badgeAlphabet, 16) }

// lookups returns the badge code's lookup under each key, newest first.
func (b *Badges) lookups(code string) []string {
	c := []byte(NormalizeBadgeCode(code))
	out := make([]string, len(b.keys))
	for i, k := range b.keys {
		mac := hmac.New(sha256.New, k)
		mac.Write(c)
		out[i] = hex.EncodeToString(mac.Sum(nil))
	}
	return out
}

// Set gives u the badge code with the PIN, replacing any badge they had.
// Errors that are a BadgeError are for the person; others are faults.
func (b *Badges) Set(ctx context.Context, u *store.User, code, pin string) error {
	if err := b.Allowed(u); err != nil {
		return err
	}
	if err := CheckBadgeCode(code); err != nil {
		return err
	}
	if err := CheckPIN(pin); err != nil {
		return err
	}
	hash, err := b.hasher.Hash(ctx, pin)
	if err != nil {
		return fmt.Errorf("hash PIN: %w", err)
	}
	now := b.now()
	err = b.st.SetBadge(ctx, &store.Badge{UserID: u.ID, Lookup: b.lookups(code)[0], PINHash: hash, CreatedAt: now, UpdatedAt: now})
	if errors.Is(err, store.ErrConflict) {
		return ErrBadgeTaken
	}
	return err
}

// Has reports whether the user has a badge.
func (b *Badges) Has(ctx context.Context, userID int64) (bool, error) {
	_, err := b.st.BadgeOf(ctx, userID)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, err
}

// Remove deletes the user's badge (lost badge, leaving the floor) and
// reports whether there was one.
func (b *Badges) Remove(ctx context.Context, userID int64) (bool, error) {
	return b.st.DeleteBadge(ctx, userID)
}

// badgeThrottleKey names a badge for the throttle without its code: a
// prefix of its lookup under the newest key, the same for a badge that
// exists and one that does not.
func badgeThrottleKey(lookup string) string { return lookup[:32] }

// SignIn checks a scanned badge code and a PIN, from the address ip, and
// returns the person to start a session for (with the second factor
// counted as done: badge holders have none). Every failure is
// ErrBadgeSignIn (wrapped with the reason, for the audit log) after the
// same argon2id work, except a throttled one, which checks nothing; other
// errors are faults.
func (b *Badges) SignIn(ctx context.Context, code, pin, ip string) (*store.User, error) {
	if !b.On() {
		b.hasher.DummyVerify(ctx, pin)
		return nil, &BadgeSignInError{Reason: "badge sign-in is off under the second-factor policy"}
	}
	lookups := b.lookups(code)
	// The slot is claimed before anything is checked, so a burst of
	// guesses gets no more checks than the limit. A locked badge or address
	// checks nothing and costs no key derivation: the lock tells nothing
	// about which badges exist, since an unknown one locks alike.
	attempt, err := b.throttle.Claim(ctx, Badge, badgeThrottleKey(lookups[0]), ip)
	if errors.Is(err, ErrThrottled) {
		return nil, &BadgeSignInError{Reason: fmt.Sprintf("too many attempts (%v)", err), Throttled: err}
	}
	if err != nil {
		return nil, fmt.Errorf("badge sign-in: %w", err)
	}
	var owner int64
	fail := func(reason string) (*store.User, error) {
		return nil, &BadgeSignInError{Reason: reason, UserID: owner, Lock: attempt.Failed()}
	}
	if CheckBadgeCode(code) != nil || len(pin) < MinPINDigits || len(pin) > MaxPINDigits {
		b.hasher.DummyVerify(ctx, pin)
		return fail("malformed badge code or PIN")
	}
	badge, err := b.st.BadgeByLookup(ctx, lookups...)
	if errors.Is(err, store.ErrNotFound) {
		b.hasher.DummyVerify(ctx, pin)
		return fail("unknown badge")
	}
	if err != nil {
		return nil, fmt.Errorf("badge sign-in: %w", err)
	}
	owner = badge.UserID
	ok, rehash, err := b.hasher.Verify(ctx, pin, badge.PINHash)
	if err != nil {
		return nil, fmt.Errorf("badge sign-in: %w", err)
	}
	if !ok {
		return fail("wrong PIN")
	}
	u, err := b.st.UserByID(ctx, badge.UserID)
	if err != nil {
		return nil, fmt.Errorf("badge sign-in: %w", err)
	}
	if why := b.Allowed(u); why != nil {
		e := &BadgeSignInError{Reason: "not allowed: " + why.Error(), UserID: owner, Lock: attempt.Failed()}
		e.Refusal, _ = why.(*BadgeError)
		return nil, e
	}
	if err := attempt.Succeeded(ctx); err != nil {
		return nil, fmt.Errorf("badge sign-in: %w", err)
	}
	b.upkeep(ctx, badge, lookups[0], pin, rehash)
	return u, nil
}

// upkeep moves a badge found under an old key to the newest one and
// rehashes a PIN hashed with weaker parameters, while the codes are at
// hand. Failures only delay that to the next sign-in.
func (b *Badges) upkeep(ctx context.Context, badge *store.Badge, newest, pin string, rehash bool) {
	now := b.now()
	if badge.Lookup != newest {
		if ok, err := b.st.RekeyBadge(ctx, badge.UserID, badge.Lookup, newest, now); err == nil && ok {
			badge.Lookup = newest
		}
	}
	if rehash {
		if hash, err := b.hasher.Hash(ctx, pin); err == nil {
			badge.PINHash, badge.UpdatedAt = hash, now
			_ = b.st.SetBadge(ctx, badge)
		}
	}
}
