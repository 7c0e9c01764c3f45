// Package account draws the account page: contact and company details from
// the API, and the secret word behind a step-up.
package account

// Fact is one labelled value.
type Fact struct{ Label, Value string }

// View is the account page.
type View struct {
	CSRF      string
	SecretURL string // where the reveal form posts
	Company   []Fact
	Contact   []Fact
	Mailing   []string // address lines
	Physical  []string
	CanReveal bool
	NeedsCode bool // the viewer has a second factor, so the reveal asks for it
	HasSecret bool
	// Secret is set only on the response to a successful reveal.
	Secret string
	Errors map[string]string
}
