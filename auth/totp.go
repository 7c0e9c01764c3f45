package auth

import (
	"crypto/hmac"
	"crypto/rand"
	// SHA-1 because it is the only algorithm every authenticator app
	// supports; HMAC-SHA1 is not weakened by SHA-1 collisions.
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// TOTP settings. They are fixed rather than configurable because authenticator
// apps widely ignore anything else, and ASVS 6.5.5 caps the lifetime at 30 s.
const (
	TOTPDigits      = 6
	TOTPPeriod      = 30 * time.Second
	totpSecretBytes = 20 // 160 bits, the RFC 4226 recommendation
	totpMinKeyBytes = 16 // RFC 4226 §4 R6: at least 128 bits
)

// ErrBadTOTPSecret is returned for a secret that is not base32 or is shorter
// than 128 bits.
var ErrBadTOTPSecret = errors.New("auth: invalid TOTP secret")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh 160-bit secret from crypto/rand, base32
// encoded without padding as authenticator apps expect.
func NewTOTPSecret() (string, error) {
	k := make([]byte, totpSecretBytes)
	if _, err := rand.Read(k); err != nil {
		return "", err
	}
	return b32.EncodeToString(k), nil
}

// decodeTOTPSecret accepts the secret as a person might copy it: any case,
// spaces, trailing '=' padding.
func decodeTOTPSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	s = strings.TrimRight(s, "=")
	k, err := b32.DecodeString(s)
	if err != nil || len(k) < totpMinKeyBytes {
		return nil, ErrBadTOTPSecret
	}
	return k, nil
}

// TOTPStep returns the RFC 6238 time-step counter for t: the number of whole
// periods since the Unix epoch.
func TOTPStep(t time.Time) int64 {
	u := t.Unix()
	p := int64(TOTPPeriod / time.Second)
	if u < 0 {
		return (u - p + 1) / p // floor, so steps stay monotonic before 1970
	}
	return u / p
}

// hotp is RFC 4226 HOTP with dynamic truncation, reduced to TOTPDigits.
func hotp(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	code := v % 1_000_000
	var out [TOTPDigits]byte
	for i := TOTPDigits - 1; i >= 0; i-- {
		out[i] = byte('0' + code%10)
		code /= 10
	}
	return string(out[:])
}

// TOTPCode returns the six-digit code for secret at time t.
func TOTPCode(secret string, t time.Time) (string, error) {
	k, err := decodeTOTPSecret(secret)
	if err != nil {
		return "", err
	}
	return hotp(k, uint64(TOTPStep(t))), nil
}

// normalizeTOTPCode drops the spaces people (and some apps' display) put in
// the middle of a code, and returns "" unless exactly six ASCII digits remain.
func normalizeTOTPCode(code string) string {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\u00a0' {
			return -1
		}
		return r
	}, code)
	if len(code) != TOTPDigits {
		return ""
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return ""
		}
	}
	return code
}

// VerifyTOTP checks code against the steps for t-30s, t and t+30s (one step
// of clock skew either way) and returns the step that matched. The caller must
// store that step and accept a later code only if its step is greater than the
// stored one, so that each code works once (ASVS 6.5.1); AcceptTOTP does both
// checks. Every candidate is compared in constant time, with no early exit.
func VerifyTOTP(secret, code string, t time.Time) (step int64, ok bool) {
	code = normalizeTOTPCode(code)
	k, err := decodeTOTPSecret(secret)
	if code == "" || err != nil {
		return 0, false
	}
	now := TOTPStep(t)
	for s := now - 1; s <= now+1; s++ {
		// The latest matching step wins, which is the stricter choice for the
		// caller's replay check.
		if subtle.ConstantTimeCompare([]byte(hotp(k, uint64(s))), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// AcceptTOTP is VerifyTOTP plus the replay rule: it fails when the matched
// step is not after lastStep, the step of the last code this user had
// accepted (0 if none). On success the caller stores the returned step.
func AcceptTOTP(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	step, ok = VerifyTOTP(secret, code, t)
	if !ok || step <= lastStep {
		return 0, false
	}
	return step, true
}

// OTPAuthURL returns the otpauth:// URI (Google Authenticator key-URI format)
// that the enrolment QR code carries.
func OTPAuthURL(issuer, account, secret string) string {
	label := otpEscape(account)
	if issuer != "" {
		label = otpEscape(issuer) + ":" + label
	}
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	b.WriteString(label)
	b.WriteString("?secret=")
	b.WriteString(otpEscape(secret))
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(otpEscape(issuer))
	}
	b.WriteString("&algorithm=SHA1&digits=6&period=30")
	return b.String()
}

// otpEscape percent-encodes everything but RFC 3986 unreserved characters
// and '@'. That is stricter than net/url: authenticator apps parse these URIs
// in different ways, and some turn '+' into a space or split the label at any
// ':', so only characters nobody reads specially are left as they are.
func otpEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '@':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
