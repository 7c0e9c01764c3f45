package sandbox

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Money and other decimals are parsed from their text and kept as scaled
// integers: a price must never pass through a float.

// parseDecimal parses an unsigned decimal "123" or "123.4" with at most
// scale fraction digits and returns it times 10^scale. At most 10 integer
// digits are accepted, so the result never overflows.
func parseDecimal(s string, scale int) (int64, bool) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || len(intPart) > 10 || (hasDot && (frac == "" || len(frac) > scale)) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(intPart); i++ {
		if intPart[i] < '0' || intPart[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(intPart[i]-'0')
	}
	for i := 0; i < scale; i++ {
		n *= 10
		if i < len(frac) {
			if frac[i] < '0' || frac[i] > '9' {
				return 0, false
			}
			n += int64(frac[i] - '0')
		}
	}
	return n, true
}

// parseMoney parses an amount with at most two decimals into cents.
func parseMoney(s string) (int64, bool) { return parseDecimal(s, 2) }

// formatCents renders cents as the API does: "10.00", "-1.50".
func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return sign + strconv.FormatInt(c/100, 10) + "." + pad2(c%100)
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// moneyOf converts an amount string the sandbox itself wrote.
func moneyOf(s string) int64 {
	neg := strings.HasPrefix(s, "-")
	v, _ := parseMoney(strings.TrimPrefix(s, "-"))
	if neg {
		return -v
	}
	return v
}

// formatPercent renders hundredths of a percent as a percent without
// trailing zeros: 500 -> "5", 1250 -> "12.5" (detail_coupon's form).
func formatPercent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if r := bp % 100; r != 0 {
		s += "." + strings.TrimRight(pad2(r), "0")
	}
	return s
}

// formatFraction renders hundredths of a percent as a fraction with at
// least two decimals: 500 -> "0.05", 1000 -> "0.10", 1250 -> "0.125"
// (list_coupons' form).
func formatFraction(bp int64) string {
	whole := bp / 10000
	frac := strconv.FormatInt(bp%10000+10000, 10)[1:] // 4 digits
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return strconv.FormatInt(whole, 10) + "." + frac
}

// isID reports a plain numeric id.
func isID(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validDate accepts exactly YYYY-MM-DD naming a real calendar day.
func validDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	t, err := time.Parse("2006-01-02", s)
	return err == nil && t.Format("2006-01-02") == s
}

// httpURL accepts absolute http and https URLs with a host.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && u.Host != ""
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// flag01 validates an optional "0"/"1" parameter.
func flag01(p params, name string) (bool, *apiError) {
	if !p.given(name) {
		return false, nil
	}
	switch p.get(name) {
	case "0":
		return false, nil
	case "1":
		return true, nil
	}
	return false, errInvalid(name)
}

// text validates an optional free-text parameter's length.
func text(p params, name string, maxRunes int) (string, *apiError) {
	v := p.get(name)
	if runeLen(v) > maxRunes {
		return "", errInvalid(name)
	}
	return v, nil
}

// requiredText validates a mandatory free-text parameter: missing or empty
// is PARAMETER_MISSING, blank or too long is PARAMETER_INVALID.
func requiredText(p params, name string, maxRunes int) (string, *apiError) {
	v, e := p.required(name)
	if e != nil {
		return "", e
	}
	if strings.TrimSpace(v) == "" || runeLen(v) > maxRunes {
		return "", errInvalid(name)
	}
	return v, nil
}

// noAngles is the rule of comment parameters of mark_shipped and refunds:
// "any text except for < and >".
func noAngles(s string) bool { return !strings.ContainsAny(s, "<>") }

func sp(s string) *string { return &s }

func derefOr(s *string, def string) string {
	if s == nil {
		return def
	}
	return *s
}
