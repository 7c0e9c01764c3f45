package components

// Confirm is a page that asks before a change that cannot be undone
// (deleting a product, refunding an invoice): nothing happens on the GET
// that shows it; the one button posts the form.
type Confirm struct {
	// Question is the heading, e.g. "Delete Mug?" or "Refund 12.50 USD to Ana Ruiz?".
	Question string
	// Facts identify the record, so the person sees what they are about to change.
	Facts []Fact
	// Consequence says what happens, e.g. "This cannot be undone."
	Consequence string
	// Action is where the form posts; Cancel where "Cancel" leads.
	Action, Cancel string
	// Submit labels the button, e.g. "Delete product".
	Submit    string
	CSRF, Key string
	// Carry are hidden fields the form posts back: the checked values of a
	// form confirmed in two steps (a refund's amount, reason and comment),
	// so what is sent is exactly what the question states.
	Carry []Hidden
	// Error is the message after a write that did not succeed.
	Error string
}

// Hidden is one hidden form field.
type Hidden struct {
	Name, Value string
}

// Fact is one labelled value.
type Fact struct {
	Label, Value string
}
