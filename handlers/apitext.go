package handlers

import (
	"fmt"
	"net/url"
	"strings"
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
// and nothing invisible hides in a name or comment. Line breaks and tabs stay.
func inert(s string) string {
	if !strings.ContainsFunc(s, hiddenControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hiddenControl(r) {
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
