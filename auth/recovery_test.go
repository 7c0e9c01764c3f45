package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestGenerateRecoveryCodes(t *testing.T) {
	codes, err := GenerateRecoveryCodes(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("default count %d", len(codes))
	}
	format := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$`)
	seen := map[string]bool{}
	for range 50 {
		codes, err := GenerateRecoveryCodes(DefaultRecoveryCodeCount)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range codes {
			if !format.MatchString(c) {
				t.Fatalf("code %q has the wrong format", c)
			}
			if strings.ContainsAny(c, "ilou") {
				t.Fatalf("ambiguous letter in %q", c)
			}
			if seen[c] {
				t.Fatalf("repeated code %q", c)
			}
			seen[c] = true
			if NormalizeRecoveryCode(c) != strings.ReplaceAll(c, "-", "") {
				t.Fatalf("generated code %q does not normalise to itself", c)
			}
		}
	}
	if len(recoveryAlphabet) != 32 {
		t.Fatal("alphabet must have 32 symbols for 50 bits per code")
	}
	if c, _ := GenerateRecoveryCodes(3); len(c) != 3 {
		t.Fatalf("asked for 3, got %d", len(c))
	}
	for _, n := range []int{-1, 101} {
		if _, err := GenerateRecoveryCodes(n); !errors.Is(err, ErrRecoveryCodeCount) {
			t.Errorf("n=%d: %v", n, err)
		}
	}
}

func TestRecoveryCodeNormalizeAndHash(t *testing.T) {
	canonical := "ab3de-fg7hk"
	sum := sha256.Sum256([]byte("ab3defg7hk"))
	want := hex.EncodeToString(sum[:])
	for _, typed := range []string{canonical, "AB3DE-FG7HK", "ab3defg7hk", " ab3de fg7hk ", "ab3-de-fg-7hk", "Ab3De\u00a0Fg7hK"} {
		if got := HashRecoveryCode(typed); got != want {
			t.Errorf("HashRecoveryCode(%q) = %s, want %s", typed, got, want)
		}
	}
	if NormalizeRecoveryCode("O0-Il-1") != "00111" {
		t.Errorf("look-alikes: %q", NormalizeRecoveryCode("O0-Il-1"))
	}
	if HashRecoveryCode("ab3de-fg7hm") == want {
		t.Error("different codes share a hash")
	}
}
