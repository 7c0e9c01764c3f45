package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// tokenBytes gives 256 bits, twice ASVS 11.5.1's 128-bit floor.
const tokenBytes = 32

// NewToken returns a random token (session ID, setup or reset token,
// idempotency key) of 32 bytes from crypto/rand, base64url without padding so
// it is safe in URLs and cookies.
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails since Go 1.24; it aborts the process instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of token. Storing only this means a leak
// of the database does not hand out live sessions or setup links; a fast hash
// suffices because tokens have 256 random bits.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// EqualTokens compares two secrets in constant time. Both are hashed first so
// that not even their lengths leak through timing. An empty value never
// matches, so a missing token cannot equal a missing expected value.
func EqualTokens(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
