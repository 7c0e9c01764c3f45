package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backoffice/panelclient"
)

// auditRows downloads the audit log as the auditor and keeps the entries of
// this run: made by its users since it began.
func auditRows(ctx context.Context, t *target, r *run) ([]auditRow, error) {
	since := r.began.Add(-time.Second)
	p, err := t.auditor.br.Get(ctx, "/audit?format=csv&from="+since.UTC().Format("2006-01-02"))
	if err != nil {
		return nil, fmt.Errorf("audit CSV: %w", err)
	}
	if p.Status != http.StatusOK {
		return nil, fmt.Errorf("audit CSV: status %d", p.Status)
	}
	recs, err := csv.NewReader(strings.NewReader(string(p.Body))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("audit CSV: %w", err)
	}
	if len(recs) == 0 || len(recs[0]) < 11 || recs[0][5] != "action" || recs[0][10] != "request_id" {
		return nil, fmt.Errorf("audit CSV: unexpected header %v", recs[:min(1, len(recs))])
	}
	ours := map[string]bool{}
	for _, u := range t.users {
		ours[u.email] = true
	}
	var rows []auditRow
	for _, rec := range recs[1:] {
		if len(rec) < 11 {
			return nil, fmt.Errorf("audit CSV: short line %v (an interrupted export?)", rec)
		}
		at, err := time.Parse(time.RFC3339, rec[1])
		if err != nil || at.Before(since) || !ours[uncell(rec[2])] {
			continue
		}
		rows = append(rows, auditRow{action: uncell(rec[5]), target: uncell(rec[6]), outcome: rec[7],
			params: uncell(rec[8]), detail: uncell(rec[9]), requestID: uncell(rec[10])})
	}
	return rows, nil
}

// uncell undoes the quote the export puts before a cell a spreadsheet would
// read as a formula (request ids may start with "-").
func uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// verify looks in 2Checkout, through the panel, for what the changes did:
// each comment and parcel is counted on its sale page; each product and
// coupon a user still has must show its last change, and each one deleted
// (or renamed away) must be gone.
func verify(ctx context.Context, t *target, r *run) {
	br := t.auditor.br
	pages := map[string]*panelclient.Page{}
	load := func(path string) *panelclient.Page {
		if p, ok := pages[path]; ok {
			return p
		}
		p, err := br.Get(ctx, path)
		if err != nil {
			p = &panelclient.Page{}
		}
		pages[path] = p
		return p
	}
	text := func(path string) (string, int) {
		p := load(path)
		return p.Text("main"), p.Status
	}
	for _, w := range r.ledger.writes {
		if w.check == "" || w.tag == "" {
			continue
		}
		p := load(w.check)
		if p.Status != http.StatusOK {
			continue
		}
		switch w.kind.name {
		case "ship":
			// The tracking number field of the invoice; the sandbox also
			// notes it in a comment, which does not count.
			w.effect = 0
			p.Doc().Find(".track").Each(func(_ int, s *goquery.Selection) {
				if strings.TrimSpace(s.Text()) == w.tag {
					w.effect++
				}
			})
		case "comment":
			// The comments in the sale's history. The history also lists
			// the panel's refused attempts (an edited resend), whose text
			// carries the tag too but left nothing at 2Checkout.
			w.effect = 0
			p.Doc().Find(`[data-kind="comment"]`).Each(func(_ int, s *goquery.Selection) {
				w.effect += strings.Count(s.Text(), w.tag)
			})
		default:
			w.effect = strings.Count(p.Text("main"), w.tag)
		}
	}
	settle := func(w *write, ok bool) {
		v := 0
		if ok {
			v = 1
		}
		if w.effect < 0 || v < w.effect {
			w.effect = v
		}
	}
	for _, u := range t.users {
		for _, p := range u.products {
			if p.uncertain {
				continue
			}
			s, status := text("/products/" + p.id)
			settle(p.last, status == http.StatusOK && strings.Contains(s, p.tag))
		}
		for _, c := range u.coupons {
			if c.uncertain {
				continue
			}
			_, status := text("/coupons/" + c.code)
			settle(c.last, status == http.StatusOK)
		}
	}
	for _, g := range r.goneList {
		_, status := text(g.path)
		settle(g.w, status == http.StatusNotFound)
	}
}
