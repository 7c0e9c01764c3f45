package handlers

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"backoffice/auth"
	"backoffice/store"
)

// Audit outcomes. A write's entry says OutcomeSent from just before the
// call until its answer is recorded; OutcomeSuppressed is a summary of
// repeated events not logged one by one (see Auditor.RecordRepeatable).
const (
	OutcomeOK         = "ok"
	OutcomeFailed     = "failed"
	OutcomeUnknown    = "unknown"
	OutcomeDenied     = "denied"
	OutcomeSent       = store.AuditSent
	OutcomeSuppressed = store.AuditSuppressed
)

// AuditEntry is what a handler says about one action; the Auditor adds who,
// when, from where and the request ID.
type AuditEntry struct {
	Action  string
	Target  string
	Params  url.Values // scrubbed of secrets before storing
	Outcome string
	Detail  string
	// Actor overrides the signed-in user, e.g. the e-mail typed on a failed
	// sign-in. UserID is taken from the viewer unless set.
	Actor  string
	UserID int64
}

type auditStore interface {
	AppendAudit(ctx context.Context, e *store.AuditEntry) error
}

// auditLimiter decides whether a repeatable event gets its own entry
// (auth.AuditLimiter).
type auditLimiter interface {
	Allow(ctx context.Context, action, key string) (bool, error)
}

// Auditor is the one helper every state-changing action calls. Entries are
// only ever appended; the panel offers no way to change or delete them.
type Auditor struct {
	st  auditStore
	log *slog.Logger
	now func() time.Time
	// limit bounds the entries of repeatable events; nil writes them all.
	limit auditLimiter
}

// NewAuditor builds the auditor. limit, when not nil, bounds the entries
// of events anyone can repeat at will (RecordRepeatable).
func NewAuditor(st auditStore, log *slog.Logger, now func() time.Time, limit *auth.AuditLimiter) *Auditor {
	a := &Auditor{st: st, log: log, now: now}
	if limit != nil {
		a.limit = limit
	}
	return a
}

// Record appends one entry for the request rq. A failure to write it is
// logged loudly but does not undo what already happened upstream: the log
// line then carries the whole entry so nothing is lost.
func (a *Auditor) Record(ctx context.Context, rq *request, e AuditEntry) {
	a.store(ctx, a.Entry(rq, e))
}

// RecordRepeatable is Record for events anyone can repeat as fast as they
// can send requests: refused sign-ins and codes, 403s. Each is counted, per
// person when one is signed in and per address otherwise, but only the
// first few of each minute become entries; housekeeping writes one
// "suppressed" summary per action and minute for the rest
// (store.RollUpAuditCounts), so a flood cannot grow the log without limit
// and the log still says how many there were. Never for writes.
func (a *Auditor) RecordRepeatable(ctx context.Context, rq *request, e AuditEntry) {
	if a.limit != nil {
		key := "ip:" + rq.IP
		if u := rq.User(); u != nil {
			key = "user:" + itoa64(u.ID)
		}
		ok, err := a.limit.Allow(context.WithoutCancel(ctx), e.Action, key)
		if err != nil {
			a.log.Warn("audit rate not counted; writing the entry", "request_id", rq.ID, "action", e.Action, "error", err)
		}
		if !ok && err == nil {
			return
		}
	}
	a.Record(ctx, rq, e)
}

// Entry builds the stored entry for rq without storing it: who, when, from
// where, the request id and the scrubbed parameters. The write path stores
// it itself, with the idempotency record, before sending.
func (a *Auditor) Entry(rq *request, e AuditEntry) *store.AuditEntry {
	entry := &store.AuditEntry{
		At:        a.now().UTC(),
		IP:        rq.IP,
		Action:    e.Action,
		Target:    e.Target,
		Params:    ScrubParams(e.Params),
		Outcome:   e.Outcome,
		Detail:    truncate(e.Detail, 1000),
		RequestID: rq.ID,
		Actor:     e.Actor,
		UserID:    e.UserID,
	}
	if u := rq.User(); u != nil {
		if entry.UserID == 0 {
			entry.UserID = u.ID
		}
		if entry.Actor == "" {
			entry.Actor = u.Email
		}
	}
	if entry.Actor == "" {
		entry.Actor = "anonymous"
	}
	return entry
}

func (a *Auditor) store(ctx context.Context, entry *store.AuditEntry) {
	// The browser may have gone; the record of what happened must not.
	if err := a.st.AppendAudit(context.WithoutCancel(ctx), entry); err != nil {
		a.log.Error("audit entry not stored", "request_id", entry.RequestID, "error", err,
			"action", entry.Action, "target", entry.Target, "actor", entry.Actor, "outcome", entry.Outcome)
	}
}

// secretKeys are parameter names whose values never reach the audit log.
var secretKeys = map[string]bool{
	"password": true, "new_password": true, "current_password": true, "password_confirm": true,
	"_csrf": true, "csrf": true, "token": true, "secret": true, "secret_word": true,
	"code": true, "totp": true, "recovery_code": true, "otp": true, formKeyField: true,
}

// ScrubParams turns form values into the JSON stored in the audit log, with
// secret values replaced by "[removed]".
func ScrubParams(v url.Values) string {
	if len(v) == 0 {
		return "{}"
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]any, len(v))
	for _, k := range keys {
		lk := strings.ToLower(k)
		if secretKeys[lk] || strings.HasSuffix(lk, "_password") || strings.HasSuffix(lk, "_secret") || strings.HasSuffix(lk, "_token") {
			out[k] = "[removed]"
			continue
		}
		vals := make([]string, len(v[k]))
		for i, s := range v[k] {
			vals[i] = truncate(s, 500)
		}
		if len(vals) == 1 {
			out[k] = vals[0]
		} else {
			out[k] = vals
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// cut on a rune boundary
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
