package main

import (
	"net/http"
	"sort"
	"strings"
	"sync"
)

// writeKind is one kind of change the users make: the audit action the
// panel records for it and the Admin API method that carries it.
type writeKind struct {
	name, action, method string
}

var writeKinds = []writeKind{
	{"comment", "sales.comment", "create_comment"},
	{"ship", "sales.ship", "mark_shipped"},
	{"product.create", "products.create", "create_product"},
	{"product.update", "products.update", "update_product"},
	{"product.delete", "products.delete", "delete_product"},
	{"coupon.create", "coupons.create", "create_coupon"},
	{"coupon.update", "coupons.update", "update_coupon"},
	{"coupon.delete", "coupons.delete", "delete_coupon"},
}

func kindNamed(name string) writeKind {
	for _, k := range writeKinds {
		if k.name == name {
			return k
		}
	}
	panic("loadtest: unknown write kind " + name)
}

// write is one change a user meant to make: one form, one form key, sent
// once or more (a double click, a resend from the back button).
type write struct {
	kind writeKind
	key  string
	// target is the audit entry's target when known ("product:123"); tag is
	// a text unique to this change that its audit parameters carry (a
	// comment's words, a new name, a tracking number).
	target, tag string
	// check is the page that shows the change (a sale page for comments
	// and parcels), where the end of the run counts it.
	check string

	mu    sync.Mutex
	sends []send
	// stale are sends of the same key with other values (a form edited
	// after going back to it); the panel must refuse them.
	stale []send
	// effect is how many times the change shows in 2Checkout when the run
	// can tell (-1: not checked).
	effect int
}

// send is one POST of a write's form and what became of it.
type send struct {
	requestID string
	status    int    // 0: no answer
	location  string // of a redirect
}

// toldDone reports whether the panel answered some send with the redirect it
// gives for a change it made.
func (w *write) toldDone() bool {
	for _, s := range w.sends {
		if s.status == http.StatusSeeOther {
			return true
		}
	}
	return false
}

// ledger keeps every write of the run.
type ledger struct {
	mu     sync.Mutex
	writes []*write
}

func (l *ledger) begin(kind, key, target, tag string) *write {
	w := &write{kind: kindNamed(kind), key: key, target: target, tag: tag, effect: -1}
	l.mu.Lock()
	l.writes = append(l.writes, w)
	l.mu.Unlock()
	return w
}

func (w *write) record(s send, stale bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if stale {
		w.stale = append(w.stale, s)
	} else {
		w.sends = append(w.sends, s)
	}
}

// auditRow is one line of the audit CSV, the columns the accounting reads.
type auditRow struct {
	action, target, outcome, params, detail, requestID string
}

// tally is the accounting of one write kind, or of all.
type tally struct {
	kind      string
	attempted int // distinct forms sent
	sends     int // POSTs, repeats included
	seen      int // calls of the method the sandbox counted
	audited   int // audit entries saying the panel called upstream (ok, failed, unknown)
	auditedOK int
	refused   int // repeats with other values refused, as they must be
	lost      int
	doubled   int
	problems  []string
}

// account matches the audit log to the writes and the sandbox's call counts
// and says what was lost or done twice:
//
//   - lost: the panel answered a send with its "done" redirect but the audit
//     log has no entry for the change; or the log says done more often than
//     2Checkout saw the call; or the change is missing upstream although the
//     user was told it was made (when the run can check).
//   - doubled: one form has two or more audit entries, or 2Checkout saw more
//     calls than the log explains, or a resend with other values was
//     accepted, or the change shows twice upstream.
//
// Audit rows of these actions that no write of the run explains are reported
// too (they count as doubled: a change no one asked for).
func account(writes []*write, rows []auditRow, calls map[string]int) (map[string]*tally, *tally) {
	byKind := map[string]*tally{}
	for _, k := range writeKinds {
		byKind[k.name] = &tally{kind: k.name, seen: calls[k.method]}
	}
	actionKind := map[string]string{}
	for _, k := range writeKinds {
		actionKind[k.action] = k.name
	}
	used := make([]bool, len(rows))
	byRequest := map[string][]int{}
	for i, r := range rows {
		if _, ours := actionKind[r.action]; ours && r.requestID != "" {
			byRequest[r.requestID] = append(byRequest[r.requestID], i)
		}
	}
	type match struct{ done, ok, denied int }
	matches := make([]match, len(writes))
	take := func(wi int, ri int) {
		used[ri] = true
		switch rows[ri].outcome {
		case "ok":
			matches[wi].done++
			matches[wi].ok++
		case "failed", "unknown":
			matches[wi].done++
		case "denied":
			matches[wi].denied++
		}
	}
	// First by request id: exact.
	for wi, w := range writes {
		for _, s := range append(append([]send(nil), w.sends...), w.stale...) {
			for _, ri := range byRequest[s.requestID] {
				if !used[ri] && rows[ri].action == w.kind.action {
					take(wi, ri)
				}
			}
		}
	}
	// Then sends that got no answer (so no request id): by target and tag.
	for wi, w := range writes {
		unanswered := false
		for _, s := range w.sends {
			unanswered = unanswered || s.status == 0
		}
		if !unanswered {
			continue
		}
		for ri, r := range rows {
			if used[ri] || r.action != w.kind.action || r.outcome == "denied" {
				continue
			}
			if (w.target == "" || r.target == w.target) && (w.tag == "" || strings.Contains(r.params, w.tag)) {
				take(wi, ri)
				break // a send with no answer leaves at most one entry per form
			}
		}
	}
	for wi, w := range writes {
		t := byKind[w.kind.name]
		m := matches[wi]
		t.attempted++
		t.sends += len(w.sends) + len(w.stale)
		t.audited += m.done
		t.auditedOK += m.ok
		t.refused += m.denied
		switch {
		case m.done >= 2:
			t.doubled++
			t.problems = append(t.problems, "form "+short(w.key)+" ("+w.describe()+") has "+itoa(m.done)+" audit entries")
		case m.done == 0 && w.toldDone():
			t.lost++
			t.problems = append(t.problems, "form "+short(w.key)+" ("+w.describe()+") was answered as done but is not in the audit log")
		}
		for _, s := range w.stale {
			if s.status == http.StatusSeeOther {
				t.doubled++
				t.problems = append(t.problems, "form "+short(w.key)+" ("+w.describe()+") was accepted again with other values")
			}
		}
		switch {
		case w.effect == 0 && w.toldDone() && m.ok > 0:
			t.lost++
			t.problems = append(t.problems, w.describe()+": told done, audited ok, but not found in 2Checkout")
		case w.effect >= 2:
			t.doubled++
			t.problems = append(t.problems, w.describe()+": found "+itoa(w.effect)+" times in 2Checkout")
		}
	}
	for ri, r := range rows {
		if used[ri] || r.outcome == "denied" {
			continue
		}
		if k, ours := actionKind[r.action]; ours {
			t := byKind[k]
			// It stands for the upstream call it claims, so that call is not
			// counted again as one with no entry behind it.
			t.audited++
			if r.outcome == "ok" {
				t.auditedOK++
			}
			t.doubled++
			t.problems = append(t.problems, "audit entry "+r.action+" "+r.target+" (request "+r.requestID+") matches no form this run sent")
		}
	}
	all := &tally{kind: "all"}
	for _, k := range writeKinds {
		t := byKind[k.name]
		if extra := t.seen - t.audited; extra > 0 {
			t.doubled += extra
			t.problems = append(t.problems, itoa(extra)+" "+k.method+" call(s) reached 2Checkout with no audit entry behind them")
		}
		if phantom := t.auditedOK - t.seen; phantom > 0 {
			t.lost += phantom
			t.problems = append(t.problems, itoa(phantom)+" "+k.action+" audit entries say ok but 2Checkout never saw the call")
		}
		all.attempted += t.attempted
		all.sends += t.sends
		all.seen += t.seen
		all.audited += t.audited
		all.auditedOK += t.auditedOK
		all.refused += t.refused
		all.lost += t.lost
		all.doubled += t.doubled
		all.problems = append(all.problems, t.problems...)
	}
	sort.Strings(all.problems)
	return byKind, all
}

func (w *write) describe() string {
	parts := []string{w.kind.name}
	if w.target != "" {
		parts = append(parts, w.target)
	}
	if w.tag != "" {
		parts = append(parts, w.tag)
	}
	return strings.Join(parts, " ")
}

func short(key string) string {
	if len(key) > 8 {
		return key[:8] + "…"
	}
	return key
}
