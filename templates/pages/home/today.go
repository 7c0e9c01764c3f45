package home

// Today is the day at a glance: counts from 2Checkout's notifications,
// each leading to its list.
type Today struct {
	// Day names the day counted, in the team's time zone.
	Day   string
	Tiles []Count
	// Note warns when no notification arrived lately, so the counts may
	// be short.
	Note string
}

// Count is one figure of the day.
type Count struct {
	Label, Value, Href string
	// Kind is "" or "hold" (drawn as a warning when not zero).
	Kind string
}

func countClass(c Count) string {
	if c.Kind == "" {
		return ""
	}
	return "today-" + c.Kind
}
