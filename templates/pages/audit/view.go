// Package audit draws the audit log page.
package audit

import "backoffice/templates/components"

// Row is one audit entry: when, what happened in words (with the raw
// values under Details), who and from where, and the outcome.
type Row struct {
	At, Actor, IP, Outcome string
	Event                  components.AuditEvent
}

// ResultsID is the element the log's htmx requests swap.
const ResultsID = "audit-results"

// List is the filtered, paged audit log.
type List struct {
	Path     string // the log's address (the filter form's action)
	Actor    string
	Action   string
	From, To string
	Actions  []components.Option
	People   []components.Option
	Errors   map[string]string
	Rows     []Row
	Total    int
	NextURL  string // older entries
	FirstURL string // back to the newest
	CSVURL   string
}

// Filtering reports whether a filter is set or refused: the filter form is
// then rendered unfolded on a phone.
func (v List) Filtering() bool {
	return v.Actor != "" || v.Action != "" || v.From != "" || v.To != "" || len(v.Errors) > 0
}
