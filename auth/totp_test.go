package auth

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the RFC 6238 Appendix B SHA-1 seed "12345678901234567890".
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestRFCSecretEncoding(t *testing.T) {
	if got := base32.StdEncoding.EncodeToString([]byte("12345678901234567890")); got != rfcSecret {
		t.Fatalf("seed encodes to %s", got)
	}
}

// RFC 4226 Appendix D: six-digit HOTP values for counters 0..9.
func TestHOTPVectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp([]byte("12345678901234567890"), uint64(c)); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", c, got, w)
		}
	}
}

// RFC 6238 Appendix B, SHA-1 rows. The RFC lists 8-digit codes; a 6-digit
// code is the same truncated value mod 10^6, i.e. its last six digits.
func TestTOTPVectors(t *testing.T) {
	vectors := []struct {
		unix int64
		step int64
		code string
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	}
	for _, v := range vectors {
		tm := time.Unix(v.unix, 0).UTC()
		if s := TOTPStep(tm); s != v.step {
			t.Errorf("TOTPStep(%d) = %x, want %x", v.unix, s, v.step)
		}
		got, err := TOTPCode(rfcSecret, tm)
		if err != nil {
			t.Fatal(err)
		}
		if want := v.code[2:]; got != want {
			t.Errorf("TOTPCode(%d) = %s, want %s", v.unix, got, want)
		}
		step, ok := VerifyTOTP(rfcSecret, v.code[2:], tm)
		if !ok || step != v.step {
			t.Errorf("VerifyTOTP(%d) = %x %v", v.unix, step, ok)
		}
	}
}

func TestNewTOTPSecret(t *testing.T) {
	a, err := NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewTOTPSecret()
	if a == b {
		t.Fatal("secrets repeat")
	}
	if len(a) != 32 || strings.Contains(a, "=") || strings.ToUpper(a) != a {
		t.Fatalf("secret %q: want 32 upper-case base32 characters without padding", a)
	}
	k, err := decodeTOTPSecret(a)
	if err != nil || len(k) != 20 {
		t.Fatalf("decode: %d bytes, %v", len(k), err)
	}
	if _, err := TOTPCode(a, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestTOTPSecretForms(t *testing.T) {
	tm := time.Unix(1111111111, 0)
	for _, s := range []string{
		strings.ToLower(rfcSecret),
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		rfcSecret + "====",
	} {
		if c, err := TOTPCode(s, tm); err != nil || c != "050471" {
			t.Errorf("TOTPCode(%q) = %s, %v", s, c, err)
		}
	}
	for _, s := range []string{"", "not base32!", "GEZDGNBVGY3TQOJQ" /* 80 bits: too short */, "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ"} {
		if _, err := TOTPCode(s, tm); err == nil {
			t.Errorf("TOTPCode(%q) accepted", s)
		}
		if _, ok := VerifyTOTP(s, "050471", tm); ok {
			t.Errorf("VerifyTOTP with secret %q accepted", s)
		}
	}
}

func TestVerifyTOTPSkew(t *testing.T) {
	now := time.Unix(1234567890, 0) // exactly at a step boundary, so +29 s is still the same step
	base := TOTPStep(now)
	codeAt := func(d time.Duration) string {
		c, err := TOTPCode(rfcSecret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, c := range []struct {
		offset time.Duration
		step   int64
		ok     bool
	}{
		{0, base, true},
		{29 * time.Second, base, true},
		{-30 * time.Second, base - 1, true},
		{30 * time.Second, base + 1, true},
		{59 * time.Second, base + 1, true},
		{-31 * time.Second, 0, false},
		{60 * time.Second, 0, false},
		{-5 * time.Minute, 0, false},
		{time.Hour, 0, false},
	} {
		step, ok := VerifyTOTP(rfcSecret, codeAt(c.offset), now)
		if ok != c.ok || (ok && step != c.step) {
			t.Errorf("offset %v: step=%d ok=%v, want %d %v", c.offset, step-base, ok, c.step-base, c.ok)
		}
	}
}

func TestVerifyTOTPFormat(t *testing.T) {
	tm := time.Unix(1111111111, 0)
	for _, code := range []string{"050471", "050 471", " 050471 ", "05 04 71", "050\t471", "050\u00a0471"} {
		if _, ok := VerifyTOTP(rfcSecret, code, tm); !ok {
			t.Errorf("VerifyTOTP(%q) rejected", code)
		}
	}
	for _, code := range []string{
		"", "      ", "50471", "0050471", "14050471", "050-471", "05O471", "+50471", "-50471",
		"050471\n", "０５０４７１", "05047a", "050471050471", "٠٥٠٤٧١",
	} {
		if _, ok := VerifyTOTP(rfcSecret, code, tm); ok {
			t.Errorf("VerifyTOTP(%q) accepted", code)
		}
	}
	if _, ok := VerifyTOTP(rfcSecret, "000000", tm); ok {
		t.Error("wrong code accepted")
	}
}

// security.md item 47: a code reused within its window is rejected.
func TestAcceptTOTPRefusesReuse(t *testing.T) {
	tm := time.Unix(1111111111, 0)
	code, _ := TOTPCode(rfcSecret, tm)
	step, ok := AcceptTOTP(rfcSecret, code, tm, 0)
	if !ok {
		t.Fatal("first use rejected")
	}
	if _, ok := AcceptTOTP(rfcSecret, code, tm, step); ok {
		t.Fatal("same code accepted twice")
	}
	if _, ok := AcceptTOTP(rfcSecret, code, tm.Add(20*time.Second), step); ok {
		t.Fatal("same code accepted again a little later")
	}
	// An older code (previous step, still inside the skew window) is refused
	// once a newer step has been used.
	prev, _ := TOTPCode(rfcSecret, tm.Add(-30*time.Second))
	if _, ok := AcceptTOTP(rfcSecret, prev, tm, step); ok {
		t.Fatal("older code accepted after a newer one")
	}
	next, _ := TOTPCode(rfcSecret, tm.Add(30*time.Second))
	if s, ok := AcceptTOTP(rfcSecret, next, tm.Add(30*time.Second), step); !ok || s != step+1 {
		t.Fatalf("next step's code: %d %v", s, ok)
	}
}

func TestOTPAuthURL(t *testing.T) {
	got := OTPAuthURL("Backoffice", "alice@example.com", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Backoffice:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Backoffice&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}

	got = OTPAuthURL("ACME: Shop & Co", "bob smith:/?#&=+%@x", "JBSWY3DPEHPK3PXP")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("scheme/host %q %q", u.Scheme, u.Host)
	}
	if strings.Contains(got, " ") || strings.Contains(got, "+") {
		t.Errorf("unescaped space or '+' in %s", got)
	}
	issuer, account, found := strings.Cut(strings.TrimPrefix(u.EscapedPath(), "/"), ":")
	if !found || strings.Contains(account, ":") {
		t.Fatalf("label %q must have exactly one literal colon", u.EscapedPath())
	}
	if i, _ := url.PathUnescape(issuer); i != "ACME: Shop & Co" {
		t.Errorf("issuer in label %q", i)
	}
	if a, _ := url.PathUnescape(account); a != "bob smith:/?#&=+%@x" {
		t.Errorf("account in label %q", a)
	}
	q := u.Query()
	if q.Get("issuer") != "ACME: Shop & Co" || q.Get("secret") != "JBSWY3DPEHPK3PXP" ||
		q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" || len(q) != 5 {
		t.Errorf("query %v", q)
	}

	got = OTPAuthURL("", "carol", "JBSWY3DPEHPK3PXP")
	if got != "otpauth://totp/carol?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30" {
		t.Errorf("no issuer: %s", got)
	}
}
