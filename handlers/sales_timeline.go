package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"backoffice/ins"
	"backoffice/store"
	salespage "backoffice/templates/pages/sales"
)

// saleHistory is what the sale page reads besides the sale itself: the INS
// messages about it and the panel's own actions on it, with the names of
// the people who took them.
type saleHistory struct {
	ledger *ins.Ledger
	audit  interface {
		ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error)
	}
	users interface {
		UserByID(ctx context.Context, id int64) (*store.User, error)
	}
	loc *time.Location // the team's time zone
}

// historyLimit bounds each source of the timeline.
const historyLimit = 100

// apiTimeLayout is how the Admin API writes a time (a comment's, a sale's
// or an invoice's). The
// documentation gives no zone; it is read as UTC, as the sandbox writes it.
const apiTimeLayout = "2006-01-02 15:04:05"

// timeline reads the sale's messages and the panel's actions on it and
// merges them with its comments (as the sale page shows them).
func (h saleHistory) timeline(ctx context.Context, saleID string, comments []salespage.Comment) ([]salespage.Event, error) {
	events, err := h.ledger.Timeline(ctx, saleID, historyLimit)
	if err != nil {
		return nil, err
	}
	actions, err := h.audit.ListAudit(ctx, store.AuditFilter{Target: "sale:" + saleID, Limit: historyLimit})
	if err != nil {
		return nil, fmt.Errorf("panel actions on sale %s: %w", saleID, err)
	}
	names := map[int64]string{}
	for _, a := range actions {
		if _, seen := names[a.UserID]; seen || a.UserID == 0 {
			continue
		}
		names[a.UserID] = a.Actor
		u, err := h.users.UserByID(ctx, a.UserID)
		switch {
		case err == nil:
			names[a.UserID] = u.Name
		case !errors.Is(err, store.ErrNotFound):
			return nil, fmt.Errorf("who acted on sale %s: %w", saleID, err)
		}
	}
	return buildTimeline(comments, events, actions, names, h.loc), nil
}

// dated is a timeline entry with the moment it sorts by.
type dated struct {
	at time.Time
	ev salespage.Event
}

// panelAct is one audit entry on the sale, with the text it sent.
type panelAct struct {
	e      store.AuditEntry
	params map[string]any
	used   bool // matched to a comment
}

// buildTimeline merges the three sources, newest first. A comment the panel
// wrote (its own create_comment, or the note mark_shipped and other writes
// leave) is shown once, under the name of the team member who wrote it, not
// the API user that 2Checkout records.
func buildTimeline(comments []salespage.Comment, events []store.INSEvent, actions []store.AuditEntry,
	names map[int64]string, loc *time.Location) []salespage.Event {
	if loc == nil {
		loc = time.UTC
	}
	acts := make([]*panelAct, 0, len(actions))
	for _, a := range actions {
		pa := &panelAct{e: a}
		_ = json.Unmarshal([]byte(a.Params), &pa.params) // not JSON: nothing to match on
		acts = append(acts, pa)
	}
	who := func(a store.AuditEntry) string {
		if n := names[a.UserID]; n != "" {
			return n
		}
		return a.Actor
	}
	var out []dated
	for _, c := range comments {
		at, err := time.ParseInLocation(apiTimeLayout, c.At, time.UTC)
		shown := c.At // as 2Checkout wrote it, when it does not read as a time
		if err == nil {
			shown = formatTimeIn(at, loc)
		}
		ev := salespage.Event{Kind: "comment", At: shown, Title: "Comment", Who: c.Author, Text: c.Text}
		if a := matchComment(acts, c.Text, at); a != nil {
			a.used = true
			ev.Who = who(a.e)
			if a.e.Action != "sales.comment" {
				ev.Title = actionTitle(a.e.Action)
			}
		}
		out = append(out, dated{at, ev})
	}
	for _, a := range acts {
		if a.used {
			continue
		}
		ev := salespage.Event{Kind: "panel", At: formatTimeIn(a.e.At, loc), Title: actionTitle(a.e.Action),
			Who: who(a.e), Text: actionText(a), Bad: a.e.Outcome != OutcomeOK}
		out = append(out, dated{a.e.At, ev})
	}
	for _, e := range events {
		out = append(out, dated{e.At, insEvent(e, loc)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.After(out[j].at) })
	list := make([]salespage.Event, len(out))
	for i, d := range out {
		list[i] = d.ev
	}
	return list
}

// commentNear is how far apart a write and the comment it left may be
// timed when no text ties them.
const commentNear = 2 * time.Minute

// matchComment finds the panel write that left this comment: one whose
// text (the comment sent, or mark_shipped's tracking number) the comment
// carries, else the write nearest in time within commentNear that carries
// no text of its own (stopping a subscription, a reauthorization).
func matchComment(acts []*panelAct, text string, at time.Time) *panelAct {
	var best *panelAct
	bestGap := time.Duration(1<<62 - 1)
	consider := func(a *panelAct) {
		gap := a.e.At.Sub(at).Abs()
		if at.IsZero() {
			gap = 0
		}
		if best == nil || gap < bestGap {
			best, bestGap = a, gap
		}
	}
	for _, a := range acts {
		if !a.used && wrote(a) && carries(a, text) {
			consider(a)
		}
	}
	if best != nil || at.IsZero() {
		return best
	}
	for _, a := range acts {
		if !a.used && wrote(a) && a.e.Action != "sales.comment" && sentText(a) == "" && a.e.At.Sub(at).Abs() <= commentNear {
			consider(a)
		}
	}
	return best
}

// wrote reports whether the entry is an API write that may have reached
// 2Checkout.
func wrote(a *panelAct) bool {
	return strings.HasPrefix(a.e.Action, "sales.") && (a.e.Outcome == OutcomeOK || a.e.Outcome == OutcomeUnknown)
}

// sentText is the text a write sent to go into the sale's history.
func sentText(a *panelAct) string {
	for _, k := range []string{"sale_comment", "comment"} {
		if s, ok := a.params[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// carries reports whether a comment holds what the write sent. The audit
// log keeps up to 500 characters of a value, cut with "…".
func carries(a *panelAct, text string) bool {
	if s := sentText(a); s != "" {
		if cut, ok := strings.CutSuffix(s, "…"); ok {
			return strings.Contains(text, cut)
		}
		return strings.Contains(text, s)
	}
	if tn, ok := a.params["tracking_number"].(string); ok && tn != "" {
		return strings.Contains(text, tn)
	}
	return false
}

// actionTitles names the panel's actions on a sale.
var actionTitles = map[string]string{
	"sales.comment":       "Comment",
	"sales.ship":          "Marked shipped",
	"sales.ship.override": "Shipped despite the fraud hold",
	"sales.reauth":        "Payment reauthorized",
	"sales.recurring":     "Recurring billing changed",
}

func actionTitle(action string) string {
	if t, ok := actionTitles[action]; ok {
		return t
	}
	if strings.HasPrefix(action, "sales.refund") {
		return "Refund"
	}
	return auditActionLabel(action)
}

// actionText says what an action did, and how it ended when not well.
func actionText(a *panelAct) string {
	var parts []string
	switch a.e.Outcome {
	case OutcomeOK:
	case OutcomeUnknown:
		parts = append(parts, "Outcome unknown: 2Checkout did not answer in time.")
	case OutcomeFailed:
		parts = append(parts, "Failed.")
	case OutcomeDenied:
		parts = append(parts, "Refused.")
	default:
		parts = append(parts, "Outcome: "+a.e.Outcome+".")
	}
	if tn, ok := a.params["tracking_number"].(string); ok && tn != "" {
		parts = append(parts, "Tracking number "+inert(tn)+".")
	}
	if s := sentText(a); s != "" {
		parts = append(parts, inert(s))
	}
	if a.e.Detail != "" && (a.e.Outcome != OutcomeOK || a.e.Action == "sales.ship.override") {
		parts = append(parts, inert(a.e.Detail))
	}
	return strings.Join(parts, " ")
}

// insEvent is one INS message as the timeline shows it.
func insEvent(e store.INSEvent, loc *time.Location) salespage.Event {
	ev := salespage.Event{Kind: "ins", At: formatTimeIn(e.At, loc), Who: "2Checkout (notification)"}
	switch e.Type {
	case ins.OrderCreated:
		ev.Title = "Order placed"
	case ins.FraudStatusChanged:
		ev.Title = "Fraud review: " + ins.ParseFraud(e.FraudStatus).String()
	case ins.ShipStatusChanged:
		ev.Title = "Shipping: " + strings.ReplaceAll(inert(e.ShipStatus), "_", " ")
	case ins.InvoiceStatusChanged:
		ev.Title = "Invoice " + inert(e.InvoiceStatus)
	case ins.RefundIssued:
		ev.Title = "Refund issued"
	default:
		ev.Title = inert(e.Description)
	}
	if ev.Title == "" {
		ev.Title = inert(e.Type)
	}
	var parts []string
	if e.InvoiceID != "" {
		parts = append(parts, "Invoice "+inert(e.InvoiceID))
	}
	if e.Refund && e.Amount != "" {
		parts = append(parts, inert(e.Amount)+" "+inert(e.Currency))
	}
	if e.TrackingNumber != "" && e.Type == ins.ShipStatusChanged {
		parts = append(parts, "tracking number "+inert(e.TrackingNumber))
	}
	if e.Description != "" && e.Type != ins.RecurringStopped && !strings.HasPrefix(e.Type, "RECURRING_") {
		parts = append(parts, inert(e.Description))
	}
	ev.Text = strings.Join(parts, " · ")
	return ev
}
