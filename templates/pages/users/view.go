// Package users draws the team pages: the list, a new member, one member's
// details and the one-time password shown after creating or resetting.
package users

import "backoffice/templates/components"

// Row is one team member in the list.
type Row struct {
	ID        string
	Name      string
	Email     string
	Role      string
	Active    bool
	TwoFactor bool
	LastLogin string
	URL       string // the member's page
}

// List is the team list.
type List struct {
	NewURL string // the add-a-member form
	// RolesURL leads to the roles page (what each role may do, custom roles).
	RolesURL string
	Rows     []Row
}

// Form creates or edits a member.
type Form struct {
	CSRF string
	ID   string // "" for a new member
	// Action is where the form posts; Cancel where "Cancel" leads.
	Action, Cancel string
	Name           string
	Email          string
	Role           string
	Roles          []components.Option
	Errors         map[string]string
}

// Session is one of a member's active sessions.
type Session struct {
	Created, LastSeen, IP, UserAgent string
	// Badge is a session signed in with a badge and PIN.
	Badge bool
}

// Detail is one member's page.
type Detail struct {
	CSRF      string
	Form      Form
	Email     string
	Active    bool
	TwoFactor bool
	Self      bool
	LastLogin string
	Created   string
	// BadgeSince is when the member's sign-in badge was set up, "" when
	// they have none.
	BadgeSince string
	Sessions   []Session
	Actions    MemberActions
	// Recent are the latest audit entries by this member and on their
	// account, newest first.
	Recent []Action
}

// Action is one audit entry on a member's page: when, what happened in
// words (raw values under Details) and the outcome.
type Action struct {
	At, Outcome string
	Event       components.AuditEvent
}

// MemberActions are where a member page's account buttons post.
type MemberActions struct {
	Disable, Enable, ResetPassword, ResetSecondFactor, EndSessions, RemoveBadge string
}

// OneTime shows a generated password once.
type OneTime struct {
	Name, Email, Password string
	Back                  string
}
