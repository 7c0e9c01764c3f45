package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/store"
	"backoffice/templates/components"
	auditpage "backoffice/templates/pages/audit"
)

type auditReader interface {
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error)
	EachAudit(ctx context.Context, f store.AuditFilter, fn func(*store.AuditEntry) error) error
	CountAudit(ctx context.Context, f store.AuditFilter) (int, error)
	AuditActions(ctx context.Context) ([]string, error)
}

// auditHandler serves the audit log (audit.view): read-only, filtered, paged
// by entry id so any number of entries pages quickly, and downloadable as a
// CSV that is streamed row by row.
type auditHandler struct {
	*web
	entries auditReader
	users   userStore
}

const auditPageSize = 50

// auditQuery is the filter as the URL carries it.
type auditQuery struct {
	actor, action, from, to string
	before                  int64
}

func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"actor": q.actor, "action": q.action, "from": q.from, "to": q.to} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func (h *auditHandler) parse(c echo.Context) (auditQuery, store.AuditFilter, map[string]string) {
	q := auditQuery{actor: c.QueryParam("actor"), action: c.QueryParam("action"), from: c.QueryParam("from"), to: c.QueryParam("to")}
	errs := map[string]string{}
	f := store.AuditFilter{Actor: q.actor, Action: q.action, Limit: auditPageSize}
	// A day is the team's day, as every time on the page is shown in it.
	zone := requestOf(c).Zone()
	if q.from != "" {
		t, err := time.ParseInLocation("2006-01-02", q.from, zone)
		if err != nil {
			errs["from"] = "Enter a date as YYYY-MM-DD."
		} else {
			f.From = t
		}
	}
	if q.to != "" {
		t, err := time.ParseInLocation("2006-01-02", q.to, zone)
		if err != nil {
			errs["to"] = "Enter a date as YYYY-MM-DD."
		} else {
			f.To = t.AddDate(0, 0, 1) // the whole of the last day
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		errs["to"] = "The end date is before the start date."
	}
	if b, err := strconv.ParseInt(c.QueryParam("before"), 10, 64); err == nil && b > 0 {
		q.before, f.BeforeID = b, b
	}
	if len(errs) > 0 {
		// Show nothing rather than a misleadingly unfiltered list.
		f.From, f.To = time.Unix(0, 0), time.Unix(0, 0)
	}
	return q, f, errs
}

func (h *auditHandler) list(c echo.Context) error {
	if c.QueryParam("format") == "csv" {
		return h.csv(c)
	}
	ctx := c.Request().Context()
	q, f, errs := h.parse(c)
	rows, err := h.entries.ListAudit(ctx, f)
	if err != nil {
		return err
	}
	count := f
	count.BeforeID = 0
	total, err := h.entries.CountAudit(ctx, count)
	if err != nil {
		return err
	}
	view := auditpage.List{Path: h.paths.Audit(), Actor: q.actor, Action: q.action, From: q.from, To: q.to, Errors: errs, Total: total}
	if view.Actions, view.People, err = h.options(ctx, q); err != nil {
		return err
	}
	team, err := h.users.ListUsers(ctx)
	if err != nil {
		return err
	}
	names := namesOf(team)
	for _, e := range rows {
		view.Rows = append(view.Rows, auditpage.Row{At: requestOf(c).When(e.At), Actor: e.Actor, IP: e.IP,
			Outcome: e.Outcome, Event: auditEvent(e, names)})
	}
	base := q.values()
	if len(rows) == auditPageSize {
		next := q.values()
		next.Set("before", itoa64(rows[len(rows)-1].ID))
		view.NextURL = withQuery(h.paths.Audit(), next)
	}
	if q.before > 0 {
		view.FirstURL = withQuery(h.paths.Audit(), base)
	}
	csvq := q.values()
	csvq.Set("format", "csv")
	view.CSVURL = withQuery(h.paths.Audit(), csvq)
	return h.render(c, http.StatusOK, "Audit log", auditpage.Page(view), auditpage.Results(view))
}

func (h *auditHandler) options(ctx context.Context, q auditQuery) (actions, people []components.Option, err error) {
	names, err := h.entries.AuditActions(ctx)
	if err != nil {
		return nil, nil, err
	}
	actions = append(actions, components.Option{Value: "", Label: "All actions"})
	for _, a := range names {
		actions = append(actions, components.Option{Value: a, Label: auditActionLabel(a), Selected: a == q.action})
	}
	users, err := h.users.ListUsers(ctx)
	if err != nil {
		return nil, nil, err
	}
	people = append(people, components.Option{Value: "", Label: "Everyone"})
	for _, u := range users {
		people = append(people, components.Option{Value: u.Email, Label: u.Name + " (" + u.Email + ")", Selected: u.Email == q.actor})
	}
	people = append(people, components.Option{Value: "anonymous", Label: "Not signed in", Selected: q.actor == "anonymous"})
	return actions, people, nil
}

// csv streams the filtered log. Rows are written as they are read, so the
// memory used does not grow with the number of entries.
func (h *auditHandler) csv(c echo.Context) error {
	_, f, errs := h.parse(c)
	if len(errs) > 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "Fix the date filter before downloading.")
	}
	team, err := h.users.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	names := namesOf(team)
	f.BeforeID = 0
	res := c.Response()
	res.Header().Set("Content-Type", "text/csv; charset=utf-8")
	res.Header().Set("Content-Disposition", `attachment; filename="backoffice-audit-`+time.Now().UTC().Format("20060102-150405")+`.csv"`)
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	_ = w.Write([]string{"id", "time_utc", "actor", "user_id", "ip", "action", "target", "outcome", "params", "detail", "request_id", "in_words"})
	n := 0
	err = h.entries.EachAudit(c.Request().Context(), f, func(e *store.AuditEntry) error {
		n++
		if err := w.Write([]string{itoa64(e.ID), e.At.UTC().Format(time.RFC3339), cell(e.Actor), itoa64(e.UserID), cell(e.IP),
			cell(e.Action), cell(e.Target), cell(e.Outcome), cell(e.Params), cell(e.Detail), cell(e.RequestID),
			cell(auditSentence(*e, names))}); err != nil {
			return err
		}
		if n%500 == 0 {
			w.Flush()
			res.Flush()
		}
		return w.Error()
	})
	w.Flush()
	if err != nil {
		// Headers are gone; the truncated file ends with a marker line so it
		// is not mistaken for a complete export.
		_ = w.Write([]string{"", "", "", "", "", "export interrupted: " + err.Error()})
		w.Flush()
		h.log.Error("audit export interrupted", "request_id", RequestIDOf(c), "error", err)
	}
	return nil
}

// cell keeps a spreadsheet from reading a value as a formula (CSV injection):
// text starting with = + - @ or a control character gets a leading quote.
func cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
