package money

import (
	"strconv"
	"strings"
	"time"

	"backoffice/apiclient"
	"backoffice/form"
)

// Amount is money in minor units (cents) of a currency, never a float.
type Amount struct {
	Cents    int64
	Currency string // e.g. "USD"
}

// String is the amount for reading: the amount with thousands separators,
// then the currency code, as every price in the panel reads, e.g.
// "1,234.50 USD" or "-5.00 USD".
func (a Amount) String() string {
	s := group(a.Decimal())
	if a.Currency == "" {
		return s
	}
	return s + " " + a.Currency
}

// Decimal is the amount as the API takes it and CSV files carry it:
// "1234.50", "-5.00".
func (a Amount) Decimal() string {
	if a.Cents < 0 {
		return "-" + form.FormatCents(-a.Cents)
	}
	return form.FormatCents(a.Cents)
}

// group puts thousands separators into a decimal such as "-1234567.50".
func group(dec string) string {
	sign := ""
	if strings.HasPrefix(dec, "-") {
		sign, dec = "-", dec[1:]
	}
	whole, frac, _ := strings.Cut(dec, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + "." + frac
}

// ParseAPI reads an amount the API sent as text ("28.85", "0", "-61.07")
// into cents. false for null, blank, or anything that is not a plain
// decimal with at most two decimals: such a value is shown as sent, never
// guessed at.
func ParseAPI(t apiclient.Text) (int64, bool) {
	if t.Blank() {
		return 0, false
	}
	s := strings.TrimSpace(t.Value)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	cents, err := form.ParseCents(s)
	if err != nil || s == "" {
		return 0, false
	}
	if neg {
		cents = -cents
	}
	return cents, true
}

// apiLayout is how the API writes times; see "Time" in the package doc.
const apiLayout = "2006-01-02 15:04:05"

// APITime reads a time the API sent ("YYYY-MM-DD HH:MM:SS", or a bare
// date) as UTC; false when it is null or unreadable.
func APITime(t apiclient.Text) (time.Time, bool) {
	if t.Blank() {
		return time.Time{}, false
	}
	v := strings.TrimSpace(t.Value)
	for _, layout := range []string{apiLayout, "2006-01-02"} {
		if at, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return at, true
		}
	}
	return time.Time{}, false
}

// apiInt reads a count the API sent as text ("3"); 0 when absent.
func apiInt(t apiclient.Text) int {
	n, err := strconv.Atoi(strings.TrimSpace(t.Value))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
