package handlers

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"backoffice/auth"
	"backoffice/ins"
	"backoffice/pickqueue"
	homepage "backoffice/templates/pages/home"
)

// dayAtAGlance is what the home page's "today" reads: the stored INS
// events, in the team's time zone.
type dayAtAGlance struct {
	ledger *ins.Ledger
	loc    *time.Location
}

// today builds the day at a glance for the person of rq: only the figures
// whose list they may open, each a link to it. nil when none.
func (d dayAtAGlance) today(ctx context.Context, rq *request, p paths) (*homepage.Today, error) {
	now := rq.Now()
	counts, err := d.ledger.Today(ctx, now, d.loc)
	if err != nil {
		return nil, err
	}
	day := counts.From.Format("2006-01-02")
	// The audit log's dates are UTC days; the team's day may straddle two.
	auditDays := url.Values{"from": {counts.From.UTC().Format("2006-01-02")},
		"to": {counts.To.Add(-time.Nanosecond).UTC().Format("2006-01-02")}}
	audit := func(action string) string {
		q := url.Values{"action": {action}}
		for k, v := range auditDays {
			q[k] = v
		}
		return withQuery(p.Audit(), q)
	}
	tiles := []struct {
		label string
		n     int
		href  string
		perm  auth.Permission
		kind  string
	}{
		{"orders today", counts.Orders, withQuery(p.Sales(), url.Values{"sale_date_begin": {day}, "sale_date_end": {day}}), auth.SalesView, ""},
		{"parcels waiting", counts.Waiting, p.ShipQueue(), auth.SalesShip, ""},
		{"on hold, do not ship", counts.OnHold, p.ShipQueue() + "#on-hold", auth.SalesShip, "hold"},
		{"shipped today", counts.Shipped, audit("sales.ship"), auth.AuditView, ""},
		{"refunds today", counts.Refunds, audit("sales.refund*"), auth.AuditView, ""},
	}
	t := &homepage.Today{Day: counts.From.Format("Monday 2 January") + " (" + d.loc.String() + ")"}
	for _, tl := range tiles {
		if rq.Can(tl.perm) {
			kind := tl.kind
			if tl.n == 0 {
				kind = ""
			}
			t.Tiles = append(t.Tiles, homepage.Count{Label: tl.label, Value: strconv.Itoa(tl.n), Href: tl.href, Kind: kind})
		}
	}
	if len(t.Tiles) == 0 {
		return nil, nil
	}
	stats, err := d.ledger.Stats(ctx)
	if err != nil {
		return nil, err
	}
	if stats.LastReceived.IsZero() || now.Sub(stats.LastReceived) > pickqueue.DefaultINSFresh {
		t.Note = "No notification from 2Checkout has arrived in the last day, so these counts may be short. " +
			"The Settings page has the address to give 2Checkout."
	}
	return t, nil
}
