package components

// CopyTarget names text on the page that the person must keep (a secret
// word, recovery codes) and what CopyActions offers for it. The buttons
// work in the browser only (static/app.js): nothing is sent to or kept by
// the server, and without JavaScript they stay hidden while the text itself
// is on the page to select and copy.
type CopyTarget struct {
	// Of is the CSS selector of the element holding the text; a list's
	// items are taken one a line.
	Of string
	// What names it in the buttons, e.g. "codes" ("Copy codes").
	What string
	// File, when set, offers a download of the text under this file name.
	File string
	// Print offers to print the page (its print style shows only the text).
	Print bool
}
