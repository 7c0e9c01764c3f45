// Package home draws the home page: what this person can do, and what they
// did recently.
package home

import "backoffice/templates/components"

// Tile is one large link to a task.
type Tile struct{ Label, Href, Hint string }

// Action is one of the person's recent audited actions: when, what in
// words (raw values under Details) and the outcome.
type Action struct {
	At, Outcome string
	Event       components.AuditEvent
}

// View is the home page.
type View struct {
	Name    string
	Company string // from detail_company_info: proves the panel talks to its API
	// UpstreamError explains why the company could not be read.
	UpstreamError string
	Tiles         []Tile
	Recent        []Action
	// Today is the day at a glance; nil when the person may open none of
	// its lists.
	Today *Today
	// Refunds are the person's latest refunds and requests (issue 10).
	Refunds []Refund
}
