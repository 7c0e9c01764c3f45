// Package signin draws the pages of the sign-in flow: first-run setup, the
// password step and the second-factor step.
package signin

// Login is the sign-in form.
type Login struct {
	Action string // where the form posts
	CSRF   string
	Email  string
	Next   string
	Error  string // one message for every failure, so accounts cannot be probed
	Notice string
	// BadgeAction is where the badge form posts, "" when badge sign-in is
	// off (the form is then left out); BadgeError is its message.
	BadgeAction string
	BadgeError  string
	// Rescan, after a failed badge sign-in, marks the badge field to be
	// scanned again (the page script focuses it for the scanner).
	Rescan string
}

// SecondFactor is the code step of sign-in.
type SecondFactor struct {
	// Action is where the form posts; LogoutURL ends the half-done sign-in.
	Action, LogoutURL string
	CSRF              string
	Next              string
	Error             string
}

// Setup creates the first admin.
type Setup struct {
	Action string // where the form posts
	CSRF   string
	Token  string
	Name   string
	Email  string
	Errors map[string]string
}
