// Package roles draws the roles pages: every role with what it may do in
// plain words, the built-in ones read-only, and the editor of custom roles
// (a name, a description and a tick per permission).
package roles

// List is the roles page.
type List struct {
	NewURL string
	Roles  []Role
}

// Role is one role as the list shows it.
type Role struct {
	Name, Label, Description string
	BuiltIn                  bool
	// Holders says how many people have it ("2 people").
	Holders     string
	Permissions []string // in plain words
	URL         string
}

// Form creates or edits a custom role.
type Form struct {
	CSRF           string
	Action, Cancel string
	// New is true on the create form, where the short name is asked.
	New                      bool
	Name, Label, Description string
	Permissions              []Permission
	Errors                   map[string]string
	// DeleteURL leads to the deletion's confirmation ("" on the create
	// form); Holders says who has the role.
	DeleteURL, Holders string
}

// Permission is one checkbox of the editor.
type Permission struct {
	Value, Words string
	Checked      bool
}

// Detail is a built-in role, read-only.
type Detail struct {
	Role    Role
	BackURL string
}
