package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// DefaultRecoveryCodeCount is how many recovery codes a user gets at TOTP
// enrolment.
const DefaultRecoveryCodeCount = 10

// maxRecoveryCodeCount keeps a mistaken caller from generating (and storing)
// an unbounded batch.
const maxRecoveryCodeCount = 100

// recoveryAlphabet is Crockford's base32 in lower case: 32 symbols, so each
// character carries exactly 5 bits and a 10-character code 50 bits. It omits
// i, l, o and u; NormalizeRecoveryCode maps the look-alikes i, l and o back to
// 1, 1 and 0, so the digits cannot be misread either.
const recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// ErrRecoveryCodeCount is returned by GenerateRecoveryCodes for a negative or
// excessive count.
var ErrRecoveryCodeCount = errors.New("auth: recovery code count out of range")

// GenerateRecoveryCodes returns n distinct single-use recovery codes
// (DefaultRecoveryCodeCount when n is 0), each ten random characters shown as
// "xxxxx-xxxxx". Only their HashRecoveryCode values should be stored.
func GenerateRecoveryCodes(n int) (codes []string, err error) {
	if n == 0 {
		n = DefaultRecoveryCodeCount
	}
	if n < 0 || n > maxRecoveryCodeCount {
		return nil, ErrRecoveryCodeCount
	}
	seen := make(map[string]bool, n)
	for len(codes) < n {
		r := randomString(recoveryAlphabet, 10)
		if seen[r] {
			continue
		}
		seen[r] = true
		codes = append(codes, r[:5]+"-"+r[5:])
	}
	return codes, nil
}

// NormalizeRecoveryCode puts a code as typed into canonical form: lower case,
// without spaces or dashes, with o read as 0 and i or l read as 1.
func NormalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0':
			return -1
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		switch r {
		case 'o':
			return '0'
		case 'i', 'l':
			return '1'
		}
		return r
	}, code)
}

// HashRecoveryCode returns the hex SHA-256 of the normalised code. A fast,
// unsalted hash is adequate here (unlike for passwords) because each code has
// 50 random bits and is single-use, so offline guessing is not practical; it
// also lets the code be looked up by its hash.
func HashRecoveryCode(code string) string {
	sum := sha256.Sum256([]byte(NormalizeRecoveryCode(code)))
	return hex.EncodeToString(sum[:])
}
