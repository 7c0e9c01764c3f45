package sales

// Event is one entry of a sale's timeline: a notification from 2Checkout
// (INS), a comment on the sale, or an action taken in the panel.
type Event struct {
	// Kind is "ins", "comment" or "panel".
	Kind string
	// At is when it happened, as its source gives it.
	At    string
	Title string
	// Who did it: a team member's name for what was done through the
	// panel, 2Checkout for its notifications, the commenter otherwise.
	Who  string
	Text string
	// Bad marks an action that failed or whose outcome is unknown.
	Bad bool
}

func eventClass(e Event) string {
	if e.Bad {
		return "card event event-" + e.Kind + " event-bad"
	}
	return "card event event-" + e.Kind
}
