package form

import (
	"errors"
	"fmt"
	"strings"
	"time"
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
// into cents. The error reads as the end of a sentence about the field.
func ParseCents(s string) (int64, error) {
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
	for _, part := range []string{whole, (frac + "00")[:2]} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, errors.New("must be a number such as 12.34 (digits and a dot only; no commas, signs or spaces).")
			}
		}
	}
	for i := 0; i < len(whole); i++ {
		cents = cents*10 + int64(whole[i]-'0')
	}
	f := (frac + "00")[:2]
	cents = cents*100 + int64(f[0]-'0')*10 + int64(f[1]-'0')
	return cents, nil
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
