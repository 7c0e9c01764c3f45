// Package signin draws the pages of the sign-in flow: first-run setup, the
// password step and the second-factor step.
package signin

// Login is the sign-in form.
type Login struct {
	CSRF   string
	Email  string
	Next   string
	Error  string // one message for every failure, so accounts cannot be probed
	Notice string
}

// SecondFactor is the code step of sign-in.
type SecondFactor struct {
	CSRF  string
	Next  string
	Error string
}

// Setup creates the first admin.
type Setup struct {
	CSRF   string
	Token  string
	Name   string
	Email  string
	Errors map[string]string
}
