package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"backoffice/apiclient"
)

// Text from the API is written by buyers and other staff: templ escapes it,
// and these helpers decide what may become a link and make the rest readable.

// webURL accepts absolute http and https URLs with a host: the API's rule for
// product URLs, and the only addresses from the API the panel ever links
// ("javascript:", "data:" and relative addresses are shown as text).
func webURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == "http" || scheme == "https"
}

// inert makes text from the API safe to read as well as to render: templ
// escapes markup, and this shows invisible direction overrides and control
// characters as visible codes, so "\u202Etxt.exe" cannot pose as "exe.txt"
// and nothing invisible hides in a name or comment. Zero-width characters
// are left alone inside visible text (they join emoji and some scripts), but
// text made only of them, and spaces, is shown as their codes: a name that
// looks blank must not pass for no name, nor two such names for one. Line
// breaks and tabs stay. Every piece of API text a page shows goes through it
// (text and shown do); form fields keep the raw value, so saving a form
// sends back exactly what the API holds.
func inert(s string) string {
	blank := s != "" && !strings.ContainsFunc(s, visible)
	if !blank && !strings.ContainsFunc(s, hiddenControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hiddenControl(r) || blank && !unicode.IsSpace(r) {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hiddenControl(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// visible reports a character that shows as something: not a space, not a
// format character (zero-width space and joiners, U+FEFF, soft hyphen) and
// not one of the blank "filler" letters.
func visible(r rune) bool {
	switch r {
	case 0x115f, 0x1160, 0x3164, 0xffa0, 0x2800:
		return false
	}
	return !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.Cc, r) && !unicode.Is(unicode.Mn, r)
}

// shown is API text for a page: t, or alt when t is blank, made inert.
func shown(t apiclient.Text, alt string) string { return inert(t.Or(alt)) }

// apiWhen shows a time the Admin API wrote ("2006-01-02 15:04:05", read
// as UTC: the documentation gives no zone, and the sandbox writes UTC) in
// the team's zone, named, like every other time in the panel; a date alone
// stays a date, anything else is shown as sent.
func apiWhen(t apiclient.Text, loc *time.Location, empty string) string {
	if t.Blank() || strings.TrimSpace(t.Value) == "" {
		return empty
	}
	if at, err := time.ParseInLocation(apiTimeLayout, t.Value, time.UTC); err == nil {
		return formatTimeIn(at, loc)
	}
	return text(t)
}

// apiFlag reads the API's 1/0 flags (sometimes numbers, sometimes text).
func apiFlag(t apiclient.Text) bool { return t.Value == "1" || t.Value == "true" }

// text shows an API value, treating null and the string "null" as empty,
// with invisible control characters made visible (see inert).
func text(t apiclient.Text) string {
	if t.Blank() {
		return ""
	}
	return inert(t.Value)
}

// orText is t, or alt when t is blank.
func orText(t, alt apiclient.Text) apiclient.Text {
	if t.Blank() {
		return alt
	}
	return t
}

// phone shows a phone number with its extension.
func phone(n, ext apiclient.Text) string {
	if text(ext) == "" {
		return text(n)
	}
	return text(n) + " ext. " + text(ext)
}

// postalAddress lays an address from the API out as it is written on a
// parcel: the street lines, "City, State Postal", the country; blank parts
// are left out. It is the one address layout of the sale page, the
// scan-to-ship card and the account page.
func postalAddress(a1, a2, city, state, postal, country apiclient.Text) []string {
	place := strings.TrimSpace(text(city))
	if st := text(state); st != "" {
		if place != "" {
			place += ", "
		}
		place += st
	}
	if pc := text(postal); pc != "" {
		place = strings.TrimSpace(place + " " + pc)
	}
	var out []string
	for _, s := range []string{text(a1), text(a2), place, text(country)} {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// orDash shows an empty or blank value as a dash, so a table cell or a
// fact is never blank.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
