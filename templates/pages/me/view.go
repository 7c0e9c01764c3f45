// Package me draws one's own profile pages: password, second factor and
// sessions.
package me

// Links are the addresses of one's own account pages and their forms.
type Links struct {
	Password, SecondFactor, Recovery, Sessions, EndOthers string
	// Badge is the badge page and its form; BadgeRemove removes the badge.
	Badge, BadgeRemove string
}

// Profile is the overview of one's own account.
type Profile struct {
	Name, Email, Role string
	TwoFactor         bool
	TwoFactorRequired bool
	RecoveryLeft      int
	LastLogin         string
	CSRF              string
	Links             Links
	// BadgeOffered shows the badge tile: the person may have a badge, or
	// has one. HasBadge says they have one.
	BadgeOffered, HasBadge bool
}

// Badge is the page that sets up, changes or removes one's sign-in badge.
type Badge struct {
	CSRF  string
	Links Links
	// Unavailable says why this person may not use a badge ("" when they
	// may): the form is then not offered, only the removal of an old badge.
	Unavailable string
	// Has is set when they have a badge, set up or last changed at Since.
	Has   bool
	Since string
	// Code is the badge code as typed, kept after a refusal; PINs never are.
	Code   string
	Errors map[string]string
	// The rules, for the hints.
	MinCode, MaxCode, MinPIN, MaxPIN int
}

// Password is the change-password form.
type Password struct {
	CSRF   string
	Forced bool // a one-time password must be replaced before anything else
	Errors map[string]string
	Links  Links
}

// Enrol is the second-factor set-up page.
type Enrol struct {
	CSRF     string
	Enabled  bool
	Required bool
	QRSVG    string // drawn on the server; contains only rects/paths
	Secret   string // the same secret as text, grouped for typing
	Error    string
	Errors   map[string]string
	Links    Links
}

// RecoveryCodes shows freshly made recovery codes, once.
type RecoveryCodes struct {
	Codes []string
	Next  string
}

// Session is one of one's own sessions.
type Session struct {
	ID        string
	Current   bool
	Created   string
	LastSeen  string
	IP        string
	UserAgent string
	EndURL    string // ends this session
	// Badge marks a badge sign-in (a shared phone).
	Badge bool
}

// Sessions lists one's own active sessions.
type Sessions struct {
	CSRF     string
	Sessions []Session
	Links    Links
}
