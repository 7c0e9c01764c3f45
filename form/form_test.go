package form

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func read(pairs ...string) *Reader {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return NewReader(v)
}

func TestMoney(t *testing.T) {
	good := map[string]string{"12.34": "12.34", " 12.50 ": "12.50", "12.5": "12.50", "0.01": "0.01", "7": "7.00", ".5": "0.50", "99999999": "99999999.00"}
	for in, want := range good {
		r := read("price", in)
		if got := r.Money("price", Money{Label: "Price"}); got != want || r.Errors.Any() {
			t.Errorf("Money(%q) = %q, %v; want %q", in, got, r.Errors, want)
		}
	}
	bad := []string{"12,34", "1e3", "0x1p3", "NaN", "nan", "Inf", "-1", "0", "12.345", "999999999999", "+5", "1 000", "12.", "١٢", "12.3a"}
	for _, in := range bad {
		r := read("price", in)
		got := r.Money("price", Money{Label: "Price"})
		if r.Errors.Get("price") == "" {
			t.Errorf("Money(%q) = %q accepted", in, got)
		}
		if got != strings.TrimSpace(in) {
			t.Errorf("Money(%q) returned %q: the input must be kept to show it again", in, got)
		}
	}
	r := read("price", "")
	r.Money("price", Money{Label: "Price", Required: true})
	if r.Errors.Get("price") != "Price is required." {
		t.Errorf("empty required: %q", r.Errors.Get("price"))
	}
	r = read("price", "0")
	if got := r.Money("price", Money{Label: "Price", AllowZero: true}); got != "0.00" {
		t.Errorf("zero allowed: %q %v", got, r.Errors)
	}
}

// A wrong amount gets a message that names what is wrong: what a person
// pasting from a spreadsheet or typing on a Japanese keyboard needs to fix
// it. Ordinary spaces around the amount (also no-break and ideographic ones)
// are trimmed and accepted; invisible characters around it are not spaces
// and are named.
func TestMoneyMessagesArePrecise(t *testing.T) {
	for in, want := range map[string]string{
		"１２.５０":         "Price is written with full-width digits such as “１”; type it with the digits 0 to 9, like 12.50.",
		"12.５":          "Price is written with full-width digits such as “５”",
		"١٢":            "Price uses digits other than 0 to 9 (“١”)",
		"12．50":         "Price uses a full-width dot (“．”)",
		"\u200b12.50":   "Price has an invisible character (U+200B) at its start, probably pasted along with the number",
		"12.50\ufeff":   "Price has an invisible character (U+FEFF) at its end",
		"12\u200e.50":   "Price has an invisible character (U+200E) inside it",
		"12 .50":        "Price has a space inside it; write it with digits and a dot only, like 1234.50.",
		"1 000":         "Price has a space inside it",
		"12. 50":        "Price has a space inside it",
		"1\u00a0000.00": "Price has a space inside it",
		"12,34":         "Price has a comma; write it with digits and a dot only: the dot before the cents, no thousands separator, like 1234.50.",
		"1,234.50":      "Price has a comma",
		"-1":            "Price must be a number such as 12.34 (digits and a dot only; no commas, signs or spaces).",
		"+5":            "Price must be a number such as 12.34 (digits and a dot only; no commas, signs or spaces).",
		"1.2.3":         "Price has more than one dot",
		"12.345":        "Price can have at most two decimals, like 12.34.",
		"12.":           "Price needs digits after the dot",
		"1e3":           "Price must be a number such as 12.34 (digits and a dot only; no commas, signs or spaces).",
		"12.3a":         "Price must be a number such as 12.34",
		"999999999999":  "Price must be at most 99999999.",
		"9999999999999": "Price is too large.",
	} {
		r := read("price", in)
		got := r.Money("price", Money{Label: "Price"})
		if msg := r.Errors.Get("price"); !strings.HasPrefix(msg, want) {
			t.Errorf("Money(%q): message %q, want it to start %q", in, msg, want)
		}
		if got != strings.TrimSpace(in) {
			t.Errorf("Money(%q) returned %q: the input must be kept to show it again", in, got)
		}
	}
	for _, in := range []string{" 12.50", "12.50 ", "\u00a012.50\u00a0", "\u300012.50\u3000", "\t12.50\n"} {
		r := read("price", in)
		if got := r.Money("price", Money{Label: "Price"}); got != "12.50" || r.Errors.Any() {
			t.Errorf("Money(%q) = %q, %v; want 12.50: spaces around an amount are trimmed", in, got, r.Errors)
		}
	}
}

func TestDates(t *testing.T) {
	for _, in := range []string{"2026-02-30", "2026-13-01", "13/01/2026", "2026-1-5", "1999-12-31", "2150-01-01", "2026-01-01T00:00:00Z"} {
		r := read("d", in)
		if _, tm := r.Date("d", Date{Label: "Expiry"}); !tm.IsZero() || r.Errors.Get("d") == "" {
			t.Errorf("Date(%q) accepted", in)
		}
	}
	r := read("d", "2026-11-01")
	if _, tm := r.Date("d", Date{Label: "Expiry", NotBefore: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}); !tm.IsZero() {
		t.Error("a past date was accepted")
	}
	r = read("d", "2026-12-31")
	if s, tm := r.Date("d", Date{Label: "Expiry"}); s != "2026-12-31" || tm.IsZero() || r.Errors.Any() {
		t.Errorf("valid date: %q %v", s, r.Errors)
	}
}

func TestTextLengthsCountCharacters(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{strings.Repeat("a", 255), true},
		{strings.Repeat("a", 256), false},
		{strings.Repeat("é", 255), true}, // 510 bytes, 255 characters
		{strings.Repeat("日", 256), false},
		{strings.Repeat("x", 10000), false},
	} {
		r := read("name", tc.in)
		r.Text("name", Text{Label: "Name", Max: 255})
		if ok := !r.Errors.Any(); ok != tc.ok {
			t.Errorf("%d characters: ok=%v, want %v (%v)", len([]rune(tc.in)), ok, tc.ok, r.Errors)
		}
	}
}

func TestBadInputIsRefusedClearly(t *testing.T) {
	r := read("name", "bad \xff utf8")
	r.Text("name", Text{Label: "Name"})
	if !strings.Contains(r.Errors.Get("name"), "not valid text") {
		t.Errorf("invalid UTF-8: %v", r.Errors)
	}
	r = read("product_id", "1", "product_id", "2")
	r.Digits("product_id", "Product", true, 20)
	if !strings.Contains(r.Errors.Get("product_id"), "more than once") {
		t.Errorf("repeated single-valued field: %v", r.Errors)
	}
	for _, id := range []string{"abc", "-1", "0", "99999999999999999999999", "../etc", "1.5"} {
		r := read("id", id)
		r.Digits("id", "Sale number", true, 20)
		if r.Errors.Get("id") == "" {
			t.Errorf("id %q accepted", id)
		}
	}
	r = read("comment", "a\x00b")
	r.Text("comment", Text{Label: "Comment", Multi: true})
	if r.Errors.Get("comment") == "" {
		t.Error("a NUL character was accepted")
	}
	r = read("comment", "line one\r\nline two")
	if got := r.Text("comment", Text{Label: "Comment", Multi: true}); got != "line one\nline two" || r.Errors.Any() {
		t.Errorf("multi-line text: %q %v", got, r.Errors)
	}
	r = read("tracking", "1Z<script>")
	r.Text("tracking", Text{Label: "Tracking number", NoAngle: true})
	if !strings.Contains(r.Errors.Get("tracking"), `"<"`) {
		t.Errorf("angle brackets: %v", r.Errors)
	}
	r = read("email", "not-an-address")
	r.Email("email", true)
	if r.Errors.Get("email") == "" {
		t.Error("bad e-mail accepted")
	}
	r = read("email", " Ada@Example.COM ")
	if got := r.Email("email", true); got != "ada@example.com" {
		t.Errorf("e-mail normalised to %q", got)
	}
	r = read("password", "  spaced  ")
	if got := r.Password("password", "Password", true); got != "  spaced  " {
		t.Errorf("password trimmed to %q", got)
	}
}
