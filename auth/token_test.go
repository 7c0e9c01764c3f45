package auth

import (
	"encoding/base64"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := NewToken()
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 32 || len(tok) != 43 {
			t.Fatalf("token %q: %d bytes, %v", tok, len(b), err)
		}
		if seen[tok] {
			t.Fatal("repeated token")
		}
		seen[tok] = true
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256("abc"), FIPS 180-2 example.
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken(abc) = %s", got)
	}
	tok := NewToken()
	first, again := HashToken(tok), HashToken(tok)
	if first != again || first == HashToken(NewToken()) {
		t.Fatal("HashToken not a function of its input")
	}
}

func TestEqualTokens(t *testing.T) {
	tok := NewToken()
	cases := []struct {
		a, b string
		want bool
	}{
		{tok, tok, true},
		{tok, tok[:len(tok)-1], false},
		{tok, tok + "x", false},
		{tok, NewToken(), false},
		{"", "", false},
		{tok, "", false},
		{"", tok, false},
	}
	for _, c := range cases {
		if got := EqualTokens(c.a, c.b); got != c.want {
			t.Errorf("EqualTokens(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
