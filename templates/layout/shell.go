// Package layout holds the page shell every full page is drawn in, and the
// data it needs. Handlers fill a Shell; templates never see the request.
package layout

import "strconv"

// Shell is everything the page frame needs: title, security tokens, asset
// URLs, the signed-in person and the navigation they may use.
type Shell struct {
	Title     string
	Nonce     string // CSP nonce of this response
	CSRFToken string
	Assets    Assets
	User      *User // nil when nobody is signed in
	// MeURL is one's own account page; LogoutURL signs out.
	MeURL, LogoutURL string
	Nav              []NavItem
	Flash            []Flash
	Sandbox          bool // the panel talks to the offline sandbox
	// NoHistory keeps htmx from saving this page in its history cache, for
	// pages that show secrets or personal data.
	NoHistory bool
	// Narrow draws the page in a single narrow column (sign-in, scan-to-ship).
	Narrow bool
	// Scripts are extra hashed script URLs a page needs (scan-to-ship's
	// camera and connection handling), so other pages do not pay for them.
	Scripts []string
	// PrintCSS is the hashed URL of a print stylesheet the page needs (the
	// packing slip), "" for none.
	PrintCSS string
	// IdleSignOut, for a badge sign-in on a shared phone, is how many
	// seconds after its last request the page leaves for IdleURL (the
	// sign-in page), once the server has surely ended the session, so the
	// next person does not find the last one's screen; 0: never.
	IdleSignOut int
	IdleURL     string
}

// Assets are the content-hashed URLs of the static files the shell loads.
type Assets struct {
	CSS, JS, Htmx, Icon, Manifest string
}

// User is the signed-in person as the shell shows them.
type User struct {
	Name, Email, Role string
}

// NavItem is one link of the top navigation.
type NavItem struct {
	Label, Href string
	Current     bool
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // "ok", "warn" or "error"
	Text string
	// At is the id of the section the message belongs to ("comments"), ""
	// for the top of the page. A page that has the section draws it there.
	At string
}

// HtmxConfig is htmx's configuration, read from a meta tag. It keeps htmx
// within the CSP (no eval, no inline styles or scripts), keeps pages out of
// localStorage, and lets error responses be swapped so the server's message
// reaches the user.
const HtmxConfig = `{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false,` +
	`"historyCacheSize":0,"refreshOnHistoryMiss":true,"selfRequestsOnly":true,"defaultSettleDelay":0,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"...","swap":true}]}`

// FlashClass maps a flash kind to its CSS class.
func FlashClass(kind string) string {
	switch kind {
	case "ok":
		return "flash flash-ok"
	case "warn":
		return "flash flash-warn"
	default:
		return "flash flash-error"
	}
}

// FlashRole is "alert" for errors, so screen readers announce them at once,
// and "status" for the rest.
func FlashRole(kind string) string {
	if kind == "error" {
		return "alert"
	}
	return "status"
}

func idleAttr(seconds int) string {
	if seconds <= 0 {
		return ""
	}
	return strconv.Itoa(seconds)
}

func historyAttr(off bool) string {
	if off {
		return "false"
	}
	return "true"
}

func mainClass(narrow bool) string {
	if narrow {
		return "narrow"
	}
	return ""
}
