package components

// AuditEvent is one audit entry as a page shows it: a sentence in plain
// words, with the raw values it was made from.
type AuditEvent struct {
	Sentence string
	// The stored values, shown under Details for whoever needs the codes.
	Action, Target, Params, Detail, Outcome string
}
