// Package auth holds the authentication and authorisation primitives of
// Backoffice: password hashing and policy, TOTP second factor, recovery codes,
// random tokens and the role/permission matrix. It deliberately depends on
// nothing but the standard library, golang.org/x/crypto and rsc.io/qr so that
// the security-critical parts can be reviewed and tested in isolation from
// HTTP, storage and the web framework.
package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters. They are written into every PHC
// string, so stored hashes keep verifying after the defaults are raised.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // iterations
	Threads uint8  // lanes
}

// DefaultParams is the OWASP ASVS 5.0 Appendix C floor for argon2id with two
// iterations (19 MiB, t=2, p=1).
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1}

// DefaultMaxConcurrentHashes bounds simultaneous argon2id computations so that
// a login flood costs at most this many times Params.Memory of RAM.
const DefaultMaxConcurrentHashes = 2

const (
	saltLen = 16
	keyLen  = 32

	// Bounds applied to parameters read back from a stored hash: a corrupted or
	// tampered row must not make one verification allocate gigabytes or spin
	// for minutes.
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
	minSaltLen   = 8
	minKeyLen    = 16
	maxKeyLen    = 128
)

// ErrMalformedHash is returned by Verify when the stored string is not an
// argon2id PHC string this package can check. It signals a data problem, not
// a wrong password, so callers should log it rather than show it.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// Hasher hashes and verifies passwords with argon2id. It is safe for
// concurrent use; create it with NewHasher or NewHasherWith. The zero value
// also works and behaves like NewHasher().
type Hasher struct {
	once   sync.Once
	params Params
	limit  int
	sem    chan struct{}
	dummy  string // a well-formed hash with the current params, for DummyVerify
	// work counts key derivations, whatever their outcome: what a sign-in
	// costs, so tests check that an unknown account costs the same as a
	// wrong password without comparing wall-clock times.
	work atomic.Uint64
}

// Derivations reports how many argon2id key derivations this Hasher has run
// (Hash, Verify and DummyVerify each run one).
func (h *Hasher) Derivations() uint64 { return h.work.Load() }

// NewHasher returns a Hasher with DefaultParams and DefaultMaxConcurrentHashes.
func NewHasher() *Hasher {
	return NewHasherWith(DefaultParams, DefaultMaxConcurrentHashes)
}

// NewHasherWith returns a Hasher with explicit parameters. It exists so tests
// can use cheap parameters and operators can raise them; values below 1 are
// replaced by 1 because argon2 rejects them and a zero limit would deadlock.
func NewHasherWith(p Params, maxConcurrent int) *Hasher {
	h := &Hasher{params: p, limit: maxConcurrent}
	h.init()
	return h
}

func (h *Hasher) init() {
	h.once.Do(func() {
		if h.params == (Params{}) {
			h.params = DefaultParams
		}
		if h.params.Memory < 8*uint32(max(h.params.Threads, 1)) {
			// argon2 silently raises memory to 8*threads; doing it here keeps
			// needsRehash from firing on every login.
			h.params.Memory = 8 * uint32(max(h.params.Threads, 1))
		}
		h.params.Time = max(h.params.Time, 1)
		h.params.Threads = max(h.params.Threads, 1)
		if h.limit < 1 {
			h.limit = DefaultMaxConcurrentHashes
		}
		h.sem = make(chan struct{}, h.limit)
		h.dummy = encodePHC(h.params, make([]byte, saltLen), make([]byte, keyLen))
	})
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params {
	h.init()
	return h.params
}

// acquire waits for a hashing slot or for ctx to end, so a request whose
// client has gone away does not keep queueing for expensive work.
func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string for password with a fresh random salt. The
// password is hashed exactly as given: callers must not trim or fold it.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	h.init()
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // never fails since Go 1.24; it aborts the process instead
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.Memory, h.params.Threads, keyLen)
	h.work.Add(1)
	h.release()
	return encodePHC(h.params, salt, key), nil
}

// Verify reports whether password matches the stored PHC string. needsRehash
// is true only for a match whose stored parameters (or key length) are below
// this Hasher's, so the caller can store a fresh Hash while it has the
// plaintext. A wrong password is ok=false with a nil error; err is reserved for
// a cancelled ctx or an unreadable stored hash (ErrMalformedHash).
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok bool, needsRehash bool, err error) {
	h.init()
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	h.work.Add(1)
	h.release()
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	needsRehash = p.Memory < h.params.Memory || p.Time < h.params.Time ||
		p.Threads < h.params.Threads || len(want) < keyLen || len(salt) < saltLen
	return true, needsRehash, nil
}

// DummyVerify spends the same time and memory as Verify against a hash made
// with this Hasher's parameters, and always fails. Call it when the user name
// is unknown so response timing does not reveal which accounts exist
// (ASVS 6.3.8).
func (h *Hasher) DummyVerify(ctx context.Context, password string) {
	h.init()
	_, _, _ = h.Verify(ctx, password, h.dummy)
}

var b64 = base64.RawStdEncoding // PHC strings use unpadded standard base64

func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decodePHC(s string) (p Params, salt, key []byte, err error) {
	// "$argon2id$v=19$m=..,t=..,p=..$salt$hash" splits into 6 parts, the first empty.
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	var seen [3]bool
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, found := strings.Cut(kv, "=")
		if !found {
			return p, nil, nil, ErrMalformedHash
		}
		n, perr := strconv.ParseUint(v, 10, 32)
		if perr != nil {
			return p, nil, nil, ErrMalformedHash
		}
		switch {
		case k == "m" && !seen[0] && n >= 8 && n <= maxMemoryKiB:
			p.Memory, seen[0] = uint32(n), true
		case k == "t" && !seen[1] && n >= 1 && n <= maxTime:
			p.Time, seen[1] = uint32(n), true
		case k == "p" && !seen[2] && n >= 1 && n <= 255:
			p.Threads, seen[2] = uint8(n), true
		default:
			return p, nil, nil, ErrMalformedHash
		}
	}
	if !seen[0] || !seen[1] || !seen[2] || p.Memory < 8*uint32(p.Threads) {
		return p, nil, nil, ErrMalformedHash
	}
	salt, err1 := b64.Strict().DecodeString(parts[4])
	key, err2 := b64.Strict().DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < minSaltLen || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// Password length limits, counted in runes (characters as a user sees them,
// near enough) rather than bytes so that non-ASCII passwords are not
// penalised.
const (
	MinPasswordRunes = 12
	MaxPasswordRunes = 1024
)

// PasswordError is a password-policy failure. Its Error text is written for
// the person choosing the password and is safe to show on the page.
type PasswordError struct {
	msg string
}

// Error returns the user-facing message.
func (e *PasswordError) Error() string { return e.msg }

// The policy failures CheckPassword returns; compare with errors.Is.
var (
	ErrPasswordTooShort  = &PasswordError{fmt.Sprintf("Use at least %d characters.", MinPasswordRunes)}
	ErrPasswordTooLong   = &PasswordError{fmt.Sprintf("That password is too long: use at most %d characters.", MaxPasswordRunes)}
	ErrPasswordCommon    = &PasswordError{"That password is too common and easy to guess. Choose another (a few unrelated words work well)."}
	ErrPasswordPersonal  = &PasswordError{"Do not use your e-mail address or name as the password."}
	ErrPasswordMalformed = &PasswordError{"The password contains characters that could not be read. Please type it again."}
)

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 5000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[strings.ToLower(w)] = struct{}{}
		}
	}
	return m
})

// CheckPassword applies the password policy of SPEC §8 and ASVS 6.2: length
// between MinPasswordRunes and MaxPasswordRunes, not a common password or an
// obvious variation of one, and not equal to any of context (the user's
// e-mail, name, …), compared case-insensitively. There are no composition
// rules. The password is checked exactly as typed: it is never trimmed,
// truncated or case-folded before hashing.
func CheckPassword(password string, context ...string) error {
	if !utf8.ValidString(password) {
		return ErrPasswordMalformed
	}
	n := utf8.RuneCountInString(password)
	if n < MinPasswordRunes {
		return ErrPasswordTooShort
	}
	if n > MaxPasswordRunes {
		return ErrPasswordTooLong
	}
	for _, c := range context {
		if c = strings.TrimSpace(c); c != "" && strings.EqualFold(password, c) {
			return ErrPasswordPersonal
		}
	}
	if isCommonPassword(password) {
		return ErrPasswordCommon
	}
	return nil
}

// isCommonPassword looks the password up in the list, and also catches the
// usual ways people stretch a listed password past the length minimum
// ("Password2024!", "monkeymonkey", "abcabcabcabc"), which a list alone
// cannot enumerate.
func isCommonPassword(password string) bool {
	lp := strings.ToLower(password)
	list := commonPasswords()
	if _, ok := list[lp]; ok {
		return true
	}
	if unit := repeatedUnit(lp); unit != "" {
		if utf8.RuneCountInString(unit) <= 4 {
			return true
		}
		if _, ok := list[unit]; ok {
			return true
		}
	}
	base := strings.TrimRightFunc(lp, func(r rune) bool {
		return r >= '0' && r <= '9' || strings.ContainsRune("!@#$%^&*?.,_-+=~ ", r)
	})
	if base != lp && utf8.RuneCountInString(base) >= 4 {
		if _, ok := list[base]; ok {
			return true
		}
	}
	return false
}

// repeatedUnit returns the shortest u such that s is u repeated two or more
// times, or "" if there is none.
func repeatedUnit(s string) string {
	r := []rune(s)
	for size := 1; size <= len(r)/2; size++ {
		if len(r)%size != 0 {
			continue
		}
		same := true
		for i := size; i < len(r) && same; i++ {
			same = r[i] == r[i-size]
		}
		if same {
			return string(r[:size])
		}
	}
	return ""
}

// unambiguousAlphabet leaves out characters that are easy to misread when a
// generated password is read off a terminal or dictated: 0/O/o, 1/l/I.
const unambiguousAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratedPasswordLen is the length of GeneratePassword's output; 20
// characters from a 56-symbol alphabet carry about 116 bits.
const GeneratedPasswordLen = 20

// GeneratePassword returns a random one-time password (for first-run setup or
// an admin-initiated reset) that is printed once and must be changed at first
// use. It always satisfies CheckPassword.
func GeneratePassword() string {
	for {
		p := randomString(unambiguousAlphabet, GeneratedPasswordLen)
		if CheckPassword(p) == nil {
			return p
		}
	}
}

// randomString draws n symbols uniformly from alphabet using crypto/rand.
// Rejection sampling avoids the modulo bias a plain byte%len would add.
func randomString(alphabet string, n int) string {
	if len(alphabet) == 0 || len(alphabet) > 256 {
		panic("auth: bad alphabet")
	}
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+8)
	for len(out) < n {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}
