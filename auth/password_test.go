package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// cheap keeps the suite fast; TestHasherDefaultParams exercises the real cost.
var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashFormatAndVerify(t *testing.T) {
	h := NewHasherWith(cheap, 2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("unexpected PHC string %q", enc)
	}
	parts := strings.Split(enc, "$")
	if len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 { // 16 and 32 bytes, unpadded
		t.Fatalf("salt/key lengths wrong in %q", enc)
	}
	ok, rehash, err := h.Verify(ctx, "correct horse battery staple", enc)
	if !ok || rehash || err != nil {
		t.Fatalf("Verify = %v %v %v", ok, rehash, err)
	}
	ok, _, err = h.Verify(ctx, "correct horse battery stapl", enc)
	if ok || err != nil {
		t.Fatalf("wrong password: ok=%v err=%v", ok, err)
	}
	enc2, _ := h.Hash(ctx, "correct horse battery staple")
	if enc2 == enc {
		t.Fatal("two hashes of the same password are identical: salt not random")
	}
}

// SPEC security.md item 46: long, Unicode and space-padded passwords verify
// exactly as typed, with no truncation, trimming or case folding.
func TestVerifyExactlyAsTyped(t *testing.T) {
	h := NewHasherWith(cheap, 2)
	ctx := context.Background()
	long64 := strings.Repeat("a1b2c3d4", 8)
	long200 := strings.Repeat("xyz!", 50)
	cases := []struct{ pw, wrong string }{
		{long64, long64[:63]},
		{long64, long64 + "a"},
		{long200, long200[:199]},
		{long200 + "Z", long200 + "z"},
		{"  leading and trailing  ", "leading and trailing"},
		{"  leading and trailing  ", " leading and trailing "},
		{"pässwörd mit Ümläuten", "passwort mit umlauten"},
		{"Ünïcødé ÄBC 密码 🔑🔑", "ünïcødé äbc 密码 🔑🔑"},
		{"CaseMatters-12", "casematters-12"},
		// NFC vs NFD: no normalisation, bytes decide.
		{"caf\u00e9-password", "cafe\u0301-password"},
	}
	for _, c := range cases {
		enc, err := h.Hash(ctx, c.pw)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, _ := h.Verify(ctx, c.pw, enc); !ok {
			t.Errorf("%q does not verify against its own hash", c.pw)
		}
		if ok, _, _ := h.Verify(ctx, c.wrong, enc); ok {
			t.Errorf("%q verified against hash of %q", c.wrong, c.pw)
		}
	}
}

func TestVerifyNeedsRehash(t *testing.T) {
	ctx := context.Background()
	old := NewHasherWith(Params{Memory: 32, Time: 1, Threads: 1}, 1)
	enc, _ := old.Hash(ctx, "an old password hash")
	cur := NewHasherWith(Params{Memory: 64, Time: 1, Threads: 1}, 1)
	ok, rehash, err := cur.Verify(ctx, "an old password hash", enc)
	if !ok || !rehash || err != nil {
		t.Fatalf("lower memory: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	cur = NewHasherWith(Params{Memory: 32, Time: 2, Threads: 1}, 1)
	if _, rehash, _ := cur.Verify(ctx, "an old password hash", enc); !rehash {
		t.Fatal("lower time should need a rehash")
	}
	if ok, rehash, _ := cur.Verify(ctx, "wrong password here", enc); ok || rehash {
		t.Fatal("a failed verification must not ask for a rehash")
	}
	// Stronger stored parameters than the hasher's still verify, no rehash.
	strong := NewHasherWith(Params{Memory: 128, Time: 2, Threads: 2}, 1)
	enc, _ = strong.Hash(ctx, "a stronger hash")
	if ok, rehash, _ := old.Verify(ctx, "a stronger hash", enc); !ok || rehash {
		t.Fatalf("stronger stored params: ok=%v rehash=%v", ok, rehash)
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := NewHasherWith(cheap, 1)
	good, _ := h.Hash(context.Background(), "whatever it is")
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	bad := []string{
		"",
		"plaintext",
		"$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key, // would allocate ~100 GB
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=x,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:10],
		"$argon2id$v=19$m=64,t=1,p=1$$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
	}
	for _, enc := range bad {
		ok, rehash, err := h.Verify(context.Background(), "whatever it is", enc)
		if ok || rehash || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) = %v %v %v, want ErrMalformedHash", enc, ok, rehash, err)
		}
	}
}

func TestHasherDefaultParams(t *testing.T) {
	h := NewHasher()
	if p := h.Params(); p != (Params{Memory: 19456, Time: 2, Threads: 1}) {
		t.Fatalf("default params %+v", p)
	}
	ctx := context.Background()
	enc, err := h.Hash(ctx, "the real parameters, once")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected PHC string %q", enc)
	}
	ok, rehash, err := h.Verify(ctx, "the real parameters, once", enc)
	if !ok || rehash || err != nil {
		t.Fatalf("Verify = %v %v %v", ok, rehash, err)
	}
	// The zero value behaves like NewHasher.
	var z Hasher
	if z.Params() != DefaultParams {
		t.Fatalf("zero Hasher params %+v", z.Params())
	}
}

// DummyVerify must do the same work as a real verification. Comparing wall
// time is noisy, so count the argon2 work indirectly: it has to hold a
// hashing slot for a comparable time.
func TestDummyVerifyCostsLikeVerify(t *testing.T) {
	h := NewHasherWith(Params{Memory: 8 * 1024, Time: 2, Threads: 1}, 1)
	ctx := context.Background()
	enc, _ := h.Hash(ctx, "some real password")
	measure := func(f func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 5 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	real := measure(func() { h.Verify(ctx, "a wrong password", enc) })
	dummy := measure(func() { h.DummyVerify(ctx, "a wrong password") })
	if dummy < real/3 || dummy > real*3 {
		t.Fatalf("DummyVerify %v vs Verify %v: too different", dummy, real)
	}
}

func TestHasherConcurrencyLimit(t *testing.T) {
	h := NewHasherWith(Params{Memory: 1024, Time: 1, Threads: 1}, 2)
	var cur, peak atomic.Int32
	// Fill the semaphore ourselves to observe it from outside.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			cur.Add(-1)
			h.release()
		})
	}
	wg.Wait()
	if peak.Load() != 2 {
		t.Fatalf("peak concurrency %d, want 2", peak.Load())
	}

	// With every slot taken, Hash and Verify give up when the context ends.
	for range 2 {
		if err := h.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "blocked"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hash with full semaphore: %v", err)
	}
	if _, _, err := h.Verify(ctx, "blocked", h.dummy); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Verify with full semaphore: %v", err)
	}
	h.release()
	h.release()
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := h.Hash(cancelled, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with cancelled ctx: %v", err)
	}
	// Many parallel real hashes all complete (and -race sees no data race).
	for range 6 {
		wg.Go(func() {
			enc, err := h.Hash(context.Background(), "parallel password")
			if err != nil {
				t.Error(err)
				return
			}
			if ok, _, _ := h.Verify(context.Background(), "parallel password", enc); !ok {
				t.Error("parallel verify failed")
			}
		})
	}
	wg.Wait()
}

func TestCheckPassword(t *testing.T) {
	ok := []string{
		"staple battery horse correct",
		"twelve chars",                             // exactly 12 with a space
		"  padded with spaces  ",                   // spaces count and are kept
		"grüße straße",                             // 12 runes, 24 bytes
		"我的密码是很长的一句话啊",                             // 12 runes, 36 bytes
		"🔑🔐🗝️🏠🚪🪟🐈🐕🐟🌵🌻🍀",                            // emoji; 🗝️ is two runes
		strings.Repeat("x7Q!", 25) + "a",           // 101, not a short repeat
		strings.Repeat("abcdefghij", 102) + "klmn", // exactly 1024
		"Tr0ub4dor&3 but longer",
	}
	for _, p := range ok {
		if err := CheckPassword(p); err != nil {
			t.Errorf("CheckPassword(%q) = %v, want nil", p, err)
		}
	}
	bad := []struct {
		pw   string
		want error
	}{
		{"", ErrPasswordTooShort},
		{"short", ErrPasswordTooShort},
		{"elevenchars", ErrPasswordTooShort},
		{"äöüßäöüßäöü", ErrPasswordTooShort}, // 11 runes though 22 bytes
		{strings.Repeat("abcdefghij", 102) + "klmno", ErrPasswordTooLong},
		{strings.Repeat("a", 5000), ErrPasswordTooLong},
		{"password1234", ErrPasswordCommon},
		{"PASSWORD1234", ErrPasswordCommon},
		{"Password2024!", ErrPasswordCommon},
		{"qwertyuiop123", ErrPasswordCommon},
		{"123456789012", ErrPasswordCommon},
		{"iloveyou1234", ErrPasswordCommon},
		{"aaaaaaaaaaaaaaa", ErrPasswordCommon},
		{"abcabcabcabcabc", ErrPasswordCommon},
		{"monkeymonkey", ErrPasswordCommon},
		{"SunshineSunshine", ErrPasswordCommon},
		{"Correct Horse Battery Staple", ErrPasswordCommon},
		{"letmein!!!!!!", ErrPasswordCommon},
		{"pass\xffword-long", ErrPasswordMalformed},
	}
	for _, c := range bad {
		err := CheckPassword(c.pw)
		if !errors.Is(err, c.want) {
			t.Errorf("CheckPassword(%.40q) = %v, want %v", c.pw, err, c.want)
		}
		var pe *PasswordError
		if !errors.As(err, &pe) || pe.Error() == "" {
			t.Errorf("CheckPassword(%.40q) error is not a *PasswordError", c.pw)
		}
	}
	if err := CheckPassword(strings.Repeat("a", 5000)); !strings.Contains(err.Error(), "too long") {
		t.Errorf("too-long message %q", err)
	}
	// Context strings: exact match ignoring case; empty context ignored.
	if err := CheckPassword("Alice.Smith@Example.com", "alice.smith@example.com", "Alice Smith"); !errors.Is(err, ErrPasswordPersonal) {
		t.Errorf("e-mail as password: %v", err)
	}
	if err := CheckPassword("ALICE WONDERLAND", "", "alice wonderland"); !errors.Is(err, ErrPasswordPersonal) {
		t.Errorf("name as password: %v", err)
	}
	if err := CheckPassword("alice.smith@example.com and more", "alice.smith@example.com"); err != nil {
		t.Errorf("password containing the e-mail is allowed: %v", err)
	}
	if err := CheckPassword("a fine passphrase", ""); err != nil {
		t.Errorf("empty context rejected a fine password: %v", err)
	}
}

func TestCommonPasswordList(t *testing.T) {
	lines := strings.Split(strings.TrimRight(commonPasswordsText, "\n"), "\n")
	if len(lines) < 1000 {
		t.Fatalf("only %d common passwords", len(lines))
	}
	seen := map[string]bool{}
	for i, l := range lines {
		if l == "" || l != strings.ToLower(l) || strings.TrimSpace(l) != l || !utf8.ValidString(l) {
			t.Errorf("line %d %q: must be non-empty, lower-case, trimmed", i+1, l)
		}
		if seen[l] {
			t.Errorf("line %d %q duplicated", i+1, l)
		}
		seen[l] = true
	}
	if len(commonPasswords()) != len(lines) {
		t.Fatalf("loaded %d of %d", len(commonPasswords()), len(lines))
	}
	for _, w := range []string{"123456", "password", "qwerty", "iloveyou", "passwordpassword"} {
		if !seen[w] {
			t.Errorf("list lacks %q", w)
		}
	}
}

func TestRepeatedUnit(t *testing.T) {
	for s, want := range map[string]string{
		"aaaa": "a", "abab": "ab", "abcabc": "abc", "abcab": "", "a": "", "": "", "ääää": "ä",
	} {
		if got := repeatedUnit(s); got != want {
			t.Errorf("repeatedUnit(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := GeneratePassword()
		if len(p) != GeneratedPasswordLen {
			t.Fatalf("length %d", len(p))
		}
		for _, r := range p {
			if !strings.ContainsRune(unambiguousAlphabet, r) || strings.ContainsRune("0O1lI", r) {
				t.Fatalf("ambiguous or foreign character %q in %q", r, p)
			}
		}
		if err := CheckPassword(p); err != nil {
			t.Fatalf("generated %q fails policy: %v", p, err)
		}
		if seen[p] {
			t.Fatal("duplicate generated password")
		}
		seen[p] = true
	}
}

func TestRandomStringUniform(t *testing.T) {
	const alpha = "abc"
	counts := map[rune]int{}
	for _, r := range randomString(alpha, 30000) {
		counts[r]++
	}
	for _, r := range alpha {
		if counts[r] < 9000 || counts[r] > 11000 {
			t.Fatalf("skewed distribution %v", counts)
		}
	}
}

// BenchmarkVerifyWrongVersusUnknown times, with the real parameters, what a
// wrong password and an unknown account cost; the two should be alike
// (compare the sub-benchmarks). It is a report, not a pass/fail check: the
// tests count key derivations instead of comparing wall-clock times.
func BenchmarkVerifyWrongVersusUnknown(b *testing.B) {
	h := NewHasher()
	ctx := context.Background()
	hash, err := h.Hash(ctx, "x-password-x-password")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("wrong-password", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = h.Verify(ctx, "wrong-wrong-wrong", hash)
		}
	})
	b.Run("unknown-account", func(b *testing.B) {
		for b.Loop() {
			h.DummyVerify(ctx, "wrong-wrong-wrong")
		}
	})
}

func TestEveryVerificationCountsOneDerivation(t *testing.T) {
	h := NewHasherWith(Params{Memory: 64, Time: 1, Threads: 1}, 2)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		run  func()
	}{
		{"right password", func() { _, _, _ = h.Verify(ctx, "correct horse battery", hash) }},
		{"wrong password", func() { _, _, _ = h.Verify(ctx, "wrong", hash) }},
		{"unknown account", func() { h.DummyVerify(ctx, "wrong") }},
	}
	for _, s := range steps {
		before := h.Derivations()
		s.run()
		if n := h.Derivations() - before; n != 1 {
			t.Errorf("%s: %d derivations, want 1", s.name, n)
		}
	}
}
