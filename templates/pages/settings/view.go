// Package settings draws the settings page: how 2Checkout's notifications
// (INS) reach the panel and how they are doing, and what fills the pick
// list.
package settings

// View is the settings page.
type View struct {
	// INSURL is the address to paste into 2Checkout's notification
	// settings; TokenSet says it carries the secret path token.
	INSURL   string
	TokenSet bool
	// LastMessage is when the last message arrived ("never" when none).
	LastMessage string
	Accepted    string
	Duplicates  string
	Refused     []Refusal
	// Source is what fills the pick list, in words.
	Source, SourceKind string
	Reconciler         string
	TimeZone           string
}

// Refusal is one reason messages were refused for, with how many and when
// the last was.
type Refusal struct {
	Reason, Meaning, Count, Last string
}
