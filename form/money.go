package form

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Money options.
type Money struct {
	Label    string
	Required bool
	// AllowZero accepts 0.00 (a free product); otherwise the amount must be
	// positive.
	AllowZero bool
	// Max is the largest amount in whole units; 0 means 99,999,999.
	Max int64
}

// Money reads an amount of money as the API takes it: digits, an optional
// dot and at most two decimals. It is parsed as text into whole cents and
// never through a float, so "1e3", "0x1p3", "NaN", "Inf", "12,34" and "12.345"
// are all refused with a clear message. It returns the amount normalised to
// two decimals ("12.5" → "12.50"); when the amount is invalid it returns what
// was typed, so the form shows it again next to the message (like Text and
// Date, the value is only sent when Errors is empty).
func (r *Reader) Money(name string, o Money) string {
	if o.Label == "" {
		o.Label = "Amount"
	}
	v := r.Text(name, Text{Label: o.Label, Required: o.Required, Max: 20})
	if v == "" || r.Errors.Get(name) != "" {
		return v
	}
	cents, err := ParseCents(v)
	if err != nil {
		r.Errors.Add(name, o.Label+" "+err.Error())
		return v
	}
	max := o.Max
	if max == 0 {
		max = 99_999_999
	}
	switch {
	case cents == 0 && !o.AllowZero:
		r.Errors.Add(name, o.Label+" must be more than 0.")
		return v
	case cents > max*100:
		r.Errors.Add(name, fmt.Sprintf("%s must be at most %d.", o.Label, max))
		return v
	}
	return FormatCents(cents)
}

// ParseCents parses a non-negative decimal amount with at most two decimals
// into cents. The error reads as the end of a sentence about the field and
// names what is wrong precisely: an invisible character pasted along, a
// space inside, full-width or other non-Latin digits, a full-width dot, a
// comma, a second dot, too many decimals.
func ParseCents(s string) (int64, error) {
	if err := moneyChars(s); err != nil {
		return 0, err
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && !hasDot {
		return 0, errors.New("is empty.")
	}
	if hasDot && frac == "" {
		return 0, errors.New("needs digits after the dot, like 12.50.")
	}
	if len(frac) > 2 {
		return 0, errors.New("can have at most two decimals, like 12.34.")
	}
	if whole == "" {
		whole = "0"
	}
	if len(whole) > 12 {
		return 0, errors.New("is too large.")
	}
	var cents int64
	for i := 0; i < len(whole); i++ {
		cents = cents*10 + int64(whole[i]-'0')
	}
	f := (frac + "00")[:2]
	cents = cents*100 + int64(f[0]-'0')*10 + int64(f[1]-'0')
	return cents, nil
}

// moneyChars refuses anything but the digits 0 to 9 and one dot, saying
// which character is wrong and where; the message names what it found, as a
// code point when it cannot be seen.
func moneyChars(s string) error {
	dots := 0
	for i, r := range s {
		where := "inside it"
		switch {
		case i == 0:
			where = "at its start"
		case i+utf8.RuneLen(r) == len(s):
			where = "at its end"
		}
		switch {
		case r >= '0' && r <= '9':
		case r == '.':
			if dots++; dots > 1 {
				return errors.New("has more than one dot; use one dot before the cents, like 1234.50.")
			}
		case unicode.Is(unicode.Cf, r) || r == '\uFFFD':
			return fmt.Errorf("has an invisible character (U+%04X) %s, probably pasted along with the number; delete it or type the amount again.", r, where)
		case unicode.IsSpace(r):
			return errors.New("has a space inside it; write it with digits and a dot only, like 1234.50.")
		case r >= '\uFF10' && r <= '\uFF19':
			return fmt.Errorf("is written with full-width digits such as “%c”; type it with the digits 0 to 9, like 12.50.", r)
		case unicode.IsDigit(r):
			return fmt.Errorf("uses digits other than 0 to 9 (“%c”); type it with 0 to 9, like 12.50.", r)
		case r == '\uFF0E' || r == '\u3002' || r == '\uFF61':
			return fmt.Errorf("uses a full-width dot (“%c”); use the ordinary dot, like 12.50.", r)
		case r == ',' || r == '\uFF0C' || r == '\u066B' || r == '\u066C':
			return errors.New("has a comma; write it with digits and a dot only: the dot before the cents, no thousands separator, like 1234.50.")
		default:
			// Letters, signs and the like: the message that has always
			// named them.
			return errors.New("must be a number such as 12.34 (digits and a dot only; no commas, signs or spaces).")
		}
	}
	return nil
}

// FormatCents writes cents as the API's decimal text, e.g. 1250 → "12.50".
func FormatCents(c int64) string {
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

// Date options.
type Date struct {
	Label    string
	Required bool
	// NotBefore refuses earlier dates (e.g. a coupon expiring in the past).
	NotBefore time.Time
}

// Date reads a calendar date as YYYY-MM-DD (what date inputs send and the
// API takes) and refuses impossible dates such as 2026-02-30.
func (r *Reader) Date(name string, o Date) (string, time.Time) {
	if o.Label == "" {
		o.Label = "Date"
	}
	v := r.Text(name, Text{Label: o.Label, Required: o.Required, Max: 10})
	if v == "" || r.Errors.Get(name) != "" {
		return v, time.Time{}
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		r.Errors.Add(name, o.Label+" must be a real date written as YYYY-MM-DD, like 2026-12-31.")
		return v, time.Time{}
	}
	if t.Year() < 2000 || t.Year() > 2099 {
		r.Errors.Add(name, o.Label+" must be between the years 2000 and 2099.")
		return v, time.Time{}
	}
	if !o.NotBefore.IsZero() && t.Before(o.NotBefore.Truncate(24*time.Hour)) {
		r.Errors.Add(name, o.Label+" is in the past.")
		return v, time.Time{}
	}
	return v, t
}
