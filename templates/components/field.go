// Package components holds the small pieces every page is built from: the
// form field, hidden form tokens, the pager and status badges.
package components

import (
	"context"
	"strconv"
)

// Field is one labelled form input with its hint and error. Every input of
// every form is drawn from it, so labels, errors and ARIA are the same
// everywhere.
type Field struct {
	Name  string
	Label string
	// Type is the input type ("text" when empty); "textarea" and "select"
	// draw those elements instead.
	Type     string
	Value    string
	Hint     string
	Error    string
	Required bool
	// Conditional marks a field required only when another choice is made
	// (e.g. weight for physical goods): it is neither "required" for the
	// browser nor labelled "optional"; its hint says when it is needed.
	Conditional  bool
	Autocomplete string
	InputMode    string
	MaxLength    int
	Pattern      string
	Placeholder  string
	// Scan marks a field a barcode scanner types into (a badge code): no
	// autocorrection, capitalisation or spell check, and Enter moves on.
	Scan bool
	// Focus marks the field to receive focus after the page or fragment loads.
	Focus   bool
	Options []Option // for selects
	// ID overrides the element id (defaults to "f-"+Name).
	ID string
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

func (f Field) id() string {
	if f.ID != "" {
		return f.ID
	}
	return "f-" + f.Name
}

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

// describedBy links the input to its hint and error for screen readers.
func (f Field) describedBy() string {
	s := ""
	if f.Hint != "" {
		s = f.id() + "-hint"
	}
	if f.Error != "" {
		if s != "" {
			s += " "
		}
		s += f.id() + "-err"
	}
	return s
}

// FormKeyName is the form field that carries a write's idempotency key
// (FormKey draws it; the write path reads it).
const FormKeyName = "_idem"

// focusKey holds, in a render's context, whether a field has already taken
// the focus.
type focusKey struct{}

type focusClaim struct{ taken bool }

// WithFocus starts a render in which only one field, the first that asks,
// carries autofocus: the first invalid field, or else the one marked Focus.
// A page with several invalid fields then focuses the first, as a browser
// honours only one autofocus and the script (static/app.js) picks the first
// too. The render helpers call it; a render without it marks every field
// that asks.
func WithFocus(ctx context.Context) context.Context {
	return context.WithValue(ctx, focusKey{}, &focusClaim{})
}

// takesFocus reports whether this field gets autofocus: it is invalid or
// marked Focus, and no field before it in this render took the focus.
func (f Field) takesFocus(ctx context.Context) bool {
	if f.Error == "" && !f.Focus {
		return false
	}
	fc, _ := ctx.Value(focusKey{}).(*focusClaim)
	if fc == nil {
		return true
	}
	if fc.taken {
		return false
	}
	fc.taken = true
	return true
}

// fieldErrorCount is how many fields of errs have a message.
func fieldErrorCount(errs map[string]string) int {
	n := 0
	for k, v := range errs {
		if k != "" && v != "" {
			n++
		}
	}
	return n
}

// fieldErrorText says how many fields need fixing.
func fieldErrorText(n int) string {
	if n == 1 {
		return "1 field needs fixing; it is marked below."
	}
	return strconv.Itoa(n) + " fields need fixing; each is marked below."
}
