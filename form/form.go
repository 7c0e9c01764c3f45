// Package form is the one way the panel reads and checks what a person typed.
// A Reader takes the submitted values, each method reads one field with the
// same rule the API enforces, and every problem lands in Errors under the
// field's name, in plain words, so the page can show it next to the field
// with the user's input kept.
package form

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors maps a field name to the message shown next to it. The key "" holds
// a message for the top of the form.
type Errors map[string]string

// Add records a message for a field, keeping the first one.
func (e Errors) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// Any reports whether there is at least one problem.
func (e Errors) Any() bool { return len(e) > 0 }

// Get returns the message for a field, "" when it is fine.
func (e Errors) Get(field string) string { return e[field] }

// Reader reads the fields of one submitted form.
type Reader struct {
	vals   url.Values
	Errors Errors
}

// NewReader wraps submitted values.
func NewReader(v url.Values) *Reader { return &Reader{vals: v, Errors: Errors{}} }

// Text options.
type Text struct {
	Label    string // used in messages, e.g. "Name"
	Required bool
	Max      int  // in characters (runes), 0 = 255
	Min      int  // in characters, 0 = none
	NoAngle  bool // refuse "<" and ">" (the API refuses them in some fields)
	Multi    bool // allow newlines (text areas)
	Keep     bool // keep surrounding spaces (passwords are verified exactly as typed)
}

// one returns the single value of a field. A field sent more than once is an
// error rather than "first wins", so parameter pollution cannot slip a
// second value past the checks.
func (r *Reader) one(name, label string) (string, bool) {
	vs := r.vals[name]
	switch len(vs) {
	case 0:
		return "", true
	case 1:
		return vs[0], true
	}
	r.Errors.Add(name, label+" was sent more than once.")
	return vs[0], false
}

// Raw returns the single value of a field as sent, without checks.
func (r *Reader) Raw(name string) string {
	if vs := r.vals[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Text reads a text field.
func (r *Reader) Text(name string, o Text) string {
	if o.Label == "" {
		o.Label = "This field"
	}
	if o.Max == 0 {
		o.Max = 255
	}
	v, ok := r.one(name, o.Label)
	if !ok {
		return v
	}
	if !utf8.ValidString(v) {
		r.Errors.Add(name, o.Label+" contains characters that are not valid text.")
		return strings.ToValidUTF8(v, "")
	}
	if !o.Keep {
		v = strings.TrimSpace(v)
	}
	if o.Multi {
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && o.Required:
		r.Errors.Add(name, o.Label+" is required.")
	case n > o.Max:
		r.Errors.Add(name, fmt.Sprintf("%s is %d characters long; at most %d are allowed.", o.Label, n, o.Max))
	case n > 0 && n < o.Min:
		r.Errors.Add(name, fmt.Sprintf("%s needs at least %d characters.", o.Label, o.Min))
	}
	for _, c := range v {
		if c == '\n' && o.Multi {
			continue
		}
		if unicode.IsControl(c) {
			r.Errors.Add(name, o.Label+" contains control characters such as line breaks or tabs; remove them.")
			break
		}
	}
	if o.NoAngle && strings.ContainsAny(v, "<>") {
		r.Errors.Add(name, o.Label+` may not contain "<" or ">".`)
	}
	return v
}

// Email reads an e-mail address, lower-cased.
func (r *Reader) Email(name string, required bool) string {
	v := r.Text(name, Text{Label: "E-mail", Required: required, Max: 254})
	if v == "" || r.Errors.Get(name) != "" {
		return v
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@'):], ".") {
		r.Errors.Add(name, "Enter an e-mail address such as name@example.com.")
		return v
	}
	return strings.ToLower(v)
}

// Password reads a password exactly as typed: no trimming, no case folding.
func (r *Reader) Password(name, label string, required bool) string {
	return r.Text(name, Text{Label: label, Required: required, Max: 1024, Keep: true})
}

// Bool reads a checkbox: checked when it was sent as "1", "on" or "true".
func (r *Reader) Bool(name string) bool {
	v, ok := r.one(name, "This option")
	if !ok {
		return false
	}
	switch v {
	case "1", "on", "true", "yes":
		return true
	}
	return false
}

// Choice reads a value that must be one of allowed.
func (r *Reader) Choice(name, label string, required bool, allowed ...string) string {
	v := r.Text(name, Text{Label: label, Required: required, Max: 100})
	if v == "" {
		return v
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.Errors.Add(name, "Choose one of the offered values for "+strings.ToLower(label)+".")
	return v
}

// Digits reads a number made only of digits (ids, sale numbers), with at most
// max digits.
func (r *Reader) Digits(name, label string, required bool, max int) string {
	v := r.Text(name, Text{Label: label, Required: required, Max: 64})
	if v == "" || r.Errors.Get(name) != "" {
		return v
	}
	if !IsDigits(v, max) {
		r.Errors.Add(name, fmt.Sprintf("%s must be a number of up to %d digits.", label, max))
	}
	return v
}

// IsDigits reports whether s is 1 to max ASCII digits and not all zeros.
func IsDigits(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	zero := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if s[i] != '0' {
			zero = false
		}
	}
	return !zero
}

// List reads a multi-valued field (checkboxes, multi-selects) of digits ids.
func (r *Reader) List(name, label string, max int) []string {
	vs := r.vals[name]
	if len(vs) > max {
		r.Errors.Add(name, fmt.Sprintf("Choose at most %d.", max))
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		if !IsDigits(v, 20) {
			r.Errors.Add(name, label+" contains a value that is not an id.")
			return nil
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}
