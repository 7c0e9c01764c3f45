package handlers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"backoffice/auth"
	"backoffice/store"
	"backoffice/templates/components"
)

// auditNames turns the e-mails and user ids an audit entry holds into the
// names people know each other by.
type auditNames struct {
	byEmail map[string]string
	byID    map[int64]string
}

// namesOf indexes the team for auditSentence.
func namesOf(users []store.User) auditNames {
	n := auditNames{byEmail: make(map[string]string, len(users)), byID: make(map[int64]string, len(users))}
	for _, u := range users {
		name := u.Name
		if name == "" {
			name = u.Email
		}
		n.byEmail[u.Email] = name
		n.byID[u.ID] = name
	}
	return n
}

// actor is who did it, as the start of a sentence.
func (n auditNames) actor(e store.AuditEntry) string {
	switch e.Actor {
	case "", "anonymous":
		return "Someone not signed in"
	case "system":
		return "The panel"
	}
	if name := n.byID[e.UserID]; name != "" && e.UserID != 0 {
		return name
	}
	if name := n.byEmail[e.Actor]; name != "" {
		return name
	}
	return e.Actor
}

// user is the team member a "user:ID" target names.
func (n auditNames) user(target string) string {
	id, ok := strings.CutPrefix(target, "user:")
	if !ok {
		return target
	}
	if v, err := strconv.ParseInt(id, 10, 64); err == nil && n.byID[v] != "" {
		return n.byID[v]
	}
	return "team member " + id
}

// auditValues are the parameters an entry recorded (its JSON Params) or the
// "before" its detail begins with: one value or a list per key.
type auditValues map[string]any

func parseAuditValues(s string) auditValues {
	v := auditValues{}
	_ = json.NewDecoder(strings.NewReader(s)).Decode(&v) // not JSON: nothing to say
	return v
}

// beforeOf reads the "before: {...}" a change's detail starts with (the
// write path and the team and role pages write it so).
func beforeOf(detail string) auditValues {
	rest, ok := strings.CutPrefix(detail, "before: ")
	if !ok {
		return auditValues{}
	}
	// Decode reads the first JSON value and ignores what the answer added.
	return parseAuditValues(rest)
}

func (v auditValues) get(k string) string {
	switch x := v[k].(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			s, _ := x[0].(string)
			return s
		}
	}
	return ""
}

func (v auditValues) all(k string) []string {
	switch x := v[k].(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (v auditValues) has(k string) bool { _, ok := v[k]; return ok }

// deed is what an entry says someone did, in two forms: done ("changed
// the price of ...") and to be done ("change the price of ..."), so a
// refused or failed attempt reads "tried to change the price of ...".
type deed struct {
	done, do string
	// whole is a sentence that already says how it ended (a refused
	// sign-in): the outcome adds nothing to it.
	whole string
}

func did(done, do, rest string) deed { return deed{done: done + rest, do: do + rest} }

// auditEntry is what an entry's action, target and parameters describe.
type auditEntry struct {
	e       store.AuditEntry
	names   auditNames
	params  auditValues
	before  auditValues
	subject string // the actor, as the sentence starts
}

// id is the part of the target after "kind:", up to any sub-target.
func (a auditEntry) id() string {
	_, id, _ := strings.Cut(a.e.Target, ":")
	id, _, _ = strings.Cut(id, "/")
	return id
}

// first is the first non-empty value of k in the parameters, then in the
// before values.
func (a auditEntry) first(k string) string {
	if s := a.params.get(k); s != "" {
		return s
	}
	return a.before.get(k)
}

func quoted(s string) string { return "“" + truncate(s, 80) + "”" }

// auditDeeds describes every action the panel records. A test checks that
// each action the code records has an entry here.
var auditDeeds = map[string]func(a auditEntry) deed{
	"products.create": func(a auditEntry) deed {
		rest := " the product " + a.first("name")
		if p := a.params.get("price"); p != "" {
			rest += " at " + p
		}
		return did("added", "add", rest)
	},
	"products.update": productChange,
	"products.delete": func(a auditEntry) deed { return did("deleted", "delete", " the product "+a.product()) },

	"options.create": func(a auditEntry) deed {
		rest := " the option " + a.first("option_name")
		if vals := a.params.all("option_value_name"); len(vals) > 0 {
			rest += " with " + plainList(vals)
		}
		return did("added", "add", rest)
	},
	"options.update": func(a auditEntry) deed {
		rest := " the option " + a.option()
		if name := a.params.get("option_value_name"); name != "" {
			if a.params.get("option_value_id") == "" {
				return did("added", "add", " the value "+name+" to the option "+a.option())
			}
			rest += ", value " + name
		}
		if s := a.params.get("option_value_surcharge"); s != "" {
			rest += " (surcharge " + s + ")"
		}
		return did("changed", "change", rest)
	},
	"options.delete": func(a auditEntry) deed { return did("deleted", "delete", " the option "+a.option()) },

	"coupons.create": func(a auditEntry) deed {
		return did("added", "add", " the coupon "+a.coupon()+couponTerms(a.params))
	},
	"coupons.update": couponChange,
	"coupons.delete": func(a auditEntry) deed { return did("deleted", "delete", " the coupon "+a.coupon()) },

	"sales.ship": func(a auditEntry) deed {
		rest := " shipped"
		if tn := a.params.get("tracking_number"); tn != "" {
			rest += " (tracking " + tn + ")"
		}
		return did("marked "+a.sale(), "mark "+a.sale(), rest)
	},
	"sales.ship.override": func(a auditEntry) deed {
		return did("shipped", "ship", " "+a.sale()+" despite the fraud hold")
	},
	"sales.comment": func(a auditEntry) deed {
		return did("commented on", "comment on", " "+a.sale()+": "+quoted(a.params.get("sale_comment")))
	},
	"sales.refund": func(a auditEntry) deed {
		if amt := a.params.get("amount"); amt != "" {
			return did("refunded", "refund", " "+amt+" of "+a.sale())
		}
		return did("refunded", "refund", " "+a.sale()+" in full")
	},
	"sales.refund_lineitem": func(a auditEntry) deed {
		return did("refunded", "refund", " line item "+a.params.get("lineitem_id")+" of "+a.sale())
	},
	"sales.reauth": func(a auditEntry) deed {
		return did("reauthorized", "reauthorize", " the payment of "+a.sale())
	},
	"sales.recurring.stop": func(a auditEntry) deed {
		return did("stopped", "stop", " the recurring billing of line item "+a.params.get("lineitem_id")+" on "+a.sale())
	},
	"refunds.request": func(a auditEntry) deed {
		return did("asked for", "ask for", " "+refundWhatOf(a.params)+" of "+a.sale())
	},
	"refunds.approve": func(a auditEntry) deed {
		return did("approved", "approve", " "+refundWhatOf(a.params)+" of "+a.sale())
	},
	"refunds.reject": func(a auditEntry) deed {
		rest := " " + refundWhatOf(a.params) + " of " + a.sale()
		if r := a.params.get("reason"); r != "" {
			rest += ": " + quoted(r)
		}
		return did("turned down", "turn down", rest)
	},

	"users.create": func(a auditEntry) deed {
		rest := " " + a.member() + " to the team"
		if r := a.params.get("role"); r != "" {
			rest += " as " + auth.Role(r).Label()
		}
		return did("added", "add", rest)
	},
	"users.update": func(a auditEntry) deed {
		var parts []string
		if b, n := a.before.get("name"), a.params.get("name"); a.before.has("name") && b != n {
			parts = append(parts, "name from "+b+" to "+n)
		}
		if b, n := a.before.get("role"), a.params.get("role"); a.before.has("role") && b != n {
			parts = append(parts, "role from "+auth.Role(b).Label()+" to "+auth.Role(n).Label())
		}
		if len(parts) == 0 {
			return did("saved", "save", " "+a.member()+"'s details")
		}
		return did("changed", "change", " "+a.member()+"'s "+strings.Join(parts, " and "))
	},
	"users.disable":        func(a auditEntry) deed { return did("disabled", "disable", " "+a.member()+"'s account") },
	"users.enable":         func(a auditEntry) deed { return did("enabled", "enable", " "+a.member()+"'s account") },
	"users.reset_password": func(a auditEntry) deed { return did("reset", "reset", " "+a.member()+"'s password") },
	"users.reset_2fa":      func(a auditEntry) deed { return did("reset", "reset", " "+a.member()+"'s second factor") },
	"users.sessions.end": func(a auditEntry) deed {
		return did("signed", "sign", " "+a.member()+" out everywhere")
	},
	"users.badge.remove": func(a auditEntry) deed {
		return did("removed", "remove", " "+a.member()+"'s sign-in badge")
	},

	"roles.create": func(a auditEntry) deed { return did("added", "add", " the role "+a.role()) },
	"roles.update": func(a auditEntry) deed {
		return did("changed", "change", " what the role "+a.role()+" may do")
	},
	"roles.delete": func(a auditEntry) deed { return did("deleted", "delete", " the role "+a.role()) },

	"me.password.change":     func(a auditEntry) deed { return did("changed", "change", " their password") },
	"me.2fa.enrol":           func(a auditEntry) deed { return did("turned on", "turn on", " a second sign-in factor") },
	"me.2fa.recovery":        func(a auditEntry) deed { return did("made", "make", " new recovery codes") },
	"me.sessions.end":        func(a auditEntry) deed { return did("ended", "end", " one of their sessions") },
	"me.sessions.end_others": func(a auditEntry) deed { return did("signed out", "sign out", " everywhere else") },
	"me.badge.set": func(a auditEntry) deed {
		if a.params.get("replaced") == "1" {
			return did("changed", "change", " their sign-in badge and PIN")
		}
		return did("set up", "set up", " a sign-in badge")
	},
	"me.badge.remove": func(a auditEntry) deed { return did("removed", "remove", " their sign-in badge") },

	"account.secret.reveal": func(a auditEntry) deed {
		return did("revealed", "reveal", " the account's INS secret word")
	},

	"login":          func(a auditEntry) deed { return did("signed in", "sign in", "") },
	"login.password": func(a auditEntry) deed { return did("entered their password", "enter their password", "") },
	"logout":         func(a auditEntry) deed { return did("signed out", "sign out", "") },
	"login.badge":    func(a auditEntry) deed { return did("signed in with their badge", "sign in with their badge", "") },
	"login.badge.failed": func(a auditEntry) deed {
		if a.e.UserID == 0 {
			return deed{whole: "A badge sign-in was refused"}
		}
		return deed{whole: "A badge sign-in as " + a.subject + " was refused"}
	},
	"login.badge.locked": func(a auditEntry) deed {
		if a.e.UserID == 0 && (a.e.Actor == "" || a.e.Actor == "anonymous") {
			return deed{whole: "Badge sign-ins were locked after too many refusals"}
		}
		return deed{whole: "Badge sign-ins as " + a.subject + " were locked after too many refusals"}
	},
	"login.failed": func(a auditEntry) deed {
		return deed{whole: "A sign-in as " + a.e.Actor + " was refused"}
	},
	"login.2fa.failed": func(a auditEntry) deed {
		return deed{whole: a.subject + "'s second-factor code was refused"}
	},
	"login.locked": func(a auditEntry) deed {
		return deed{whole: "Sign-ins as " + a.e.Actor + " were locked after too many refusals"}
	},
	"login.2fa.locked": func(a auditEntry) deed {
		return deed{whole: "Second-factor codes for " + a.e.Actor + " were locked after too many refusals"}
	},
	"stepup.locked": func(a auditEntry) deed {
		return deed{whole: "Password checks for " + a.e.Actor + " were locked after too many refusals"}
	},
	"access.denied": func(a auditEntry) deed {
		return deed{whole: a.subject + " was refused the page " + strings.TrimPrefix(a.e.Target, "route:")}
	},
	"ins.refused": func(a auditEntry) deed {
		return deed{whole: "A notification claiming to be from 2Checkout was refused"}
	},
	"setup.refused": func(a auditEntry) deed {
		return deed{whole: "An attempt to create the first admin account was refused"}
	},
	"setup.admin_created": func(a auditEntry) deed { return did("created", "create", " the first admin account") },
}

// auditNouns name the repeatable events a "suppressed" summary counts.
var auditNouns = map[string]string{
	"login.failed":          "refused sign-ins",
	"login.2fa.failed":      "refused second-factor codes",
	"login.locked":          "sign-in locks",
	"login.2fa.locked":      "second-factor locks",
	"stepup.locked":         "password-check locks",
	"login.badge.failed":    "refused badge sign-ins",
	"login.badge.locked":    "badge sign-in locks",
	"me.badge.set":          "refused badge set-ups",
	"access.denied":         "refused page visits",
	"ins.refused":           "refused notifications",
	"me.password.change":    "refused password changes",
	"me.2fa.recovery":       "refused recovery-code requests",
	"account.secret.reveal": "refused secret-word reveals",
}

// auditActionLabels name each recorded action in the audit log's filter
// menu, where a sentence about one entry would not fit.
var auditActionLabels = map[string]string{
	"access.denied":          "Pages refused",
	"account.secret.reveal":  "INS secret word revealed",
	"coupons.create":         "Coupon added",
	"coupons.delete":         "Coupon deleted",
	"coupons.update":         "Coupon changed",
	"ins.refused":            "Notifications refused",
	"login":                  "Signed in",
	"login.2fa.failed":       "Second-factor codes refused",
	"login.2fa.locked":       "Second-factor locks",
	"login.badge":            "Signed in with a badge",
	"login.badge.failed":     "Badge sign-ins refused",
	"login.badge.locked":     "Badge sign-in locks",
	"login.failed":           "Sign-ins refused",
	"login.locked":           "Sign-in locks",
	"login.password":         "Password entered (second factor next)",
	"logout":                 "Signed out",
	"me.2fa.enrol":           "Second factor turned on",
	"me.2fa.recovery":        "Recovery codes made",
	"me.badge.remove":        "Own badge removed",
	"me.badge.set":           "Own badge set up or changed",
	"me.password.change":     "Own password changed",
	"me.sessions.end":        "Own session ended",
	"me.sessions.end_others": "Signed out everywhere else",
	"options.create":         "Option added",
	"options.delete":         "Option deleted",
	"options.update":         "Option changed",
	"products.create":        "Product added",
	"products.delete":        "Product deleted",
	"products.update":        "Product changed",
	"refunds.approve":        "Refund approved",
	"refunds.reject":         "Refund turned down",
	"refunds.request":        "Refund asked for",
	"roles.create":           "Role added",
	"roles.delete":           "Role deleted",
	"roles.update":           "Role changed",
	"sales.comment":          "Sale commented on",
	"sales.reauth":           "Payment reauthorized",
	"sales.recurring.stop":   "Recurring billing stopped",
	"sales.refund":           "Sale refunded in full",
	"sales.refund_lineitem":  "Line item refunded",
	"sales.ship":             "Sale marked shipped",
	"sales.ship.override":    "Shipped despite a fraud hold",
	"setup.admin_created":    "First admin created",
	"setup.refused":          "First-admin set-up refused",
	"stepup.locked":          "Password-check locks",
	"users.create":           "Team member added",
	"users.disable":          "Team member disabled",
	"users.enable":           "Team member enabled",
	"users.reset_2fa":        "Team member's second factor reset",
	"users.reset_password":   "Team member's password reset",
	"users.badge.remove":     "Team member's badge removed",
	"users.sessions.end":     "Team member signed out everywhere",
	"users.update":           "Team member's details saved",
}

// auditActionLabel is the filter menu's name for an action; an action this
// build does not know (recorded by a newer one) shows as recorded.
func auditActionLabel(action string) string {
	if l, ok := auditActionLabels[action]; ok {
		return l
	}
	return action
}

// auditSentence says in plain words what one audit entry records: who
// did what to what, and how it ended when not well. It is the one
// description the audit log, the home page and the team pages show; the raw
// values stay next to it (auditEvent).
func auditSentence(e store.AuditEntry, n auditNames) string {
	// The values come from forms and the API: hidden control characters
	// are shown, not obeyed.
	return inert(sentenceOf(e, n))
}

func sentenceOf(e store.AuditEntry, n auditNames) string {
	a := auditEntry{e: e, names: n, params: parseAuditValues(e.Params), before: beforeOf(e.Detail), subject: n.actor(e)}
	if e.Outcome == OutcomeSuppressed {
		noun := auditNouns[e.Action]
		if noun == "" {
			noun = "“" + e.Action + "” events"
		}
		return fmt.Sprintf("%s more %s were counted but not logged one by one.", numberOf(a.params["suppressed"]), noun)
	}
	describe, ok := auditDeeds[e.Action]
	if !ok {
		s := a.subject + " did “" + e.Action + "”"
		if e.Target != "" {
			s += " on " + e.Target
		}
		return s + outcomeWords(e.Outcome)
	}
	d := describe(a)
	if d.whole != "" {
		return d.whole + "."
	}
	switch e.Outcome {
	case OutcomeOK:
		return a.subject + " " + d.done + "."
	case OutcomeFailed:
		return a.subject + " tried to " + d.do + ", but it failed."
	case OutcomeDenied:
		return a.subject + " tried to " + d.do + ", but was refused."
	case OutcomeUnknown:
		return a.subject + " tried to " + d.do + "; 2Checkout did not answer, so it is not known whether it happened."
	case OutcomeSent:
		return a.subject + " asked 2Checkout to " + d.do + "; no answer is recorded yet."
	}
	return a.subject + " " + d.done + " (outcome “" + e.Outcome + "”)."
}

// numberOf is a JSON number's text ("" for anything else): the summary's
// counts are numbers, not strings.
func numberOf(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatInt(int64(f), 10)
	}
	return ""
}

func outcomeWords(outcome string) string {
	switch outcome {
	case OutcomeOK:
		return "."
	case OutcomeFailed:
		return ", which failed."
	case OutcomeDenied:
		return ", which was refused."
	case OutcomeUnknown:
		return "; whether it happened is not known."
	}
	return " (outcome “" + outcome + "”)."
}

// auditEvent is an entry as the pages show it: the sentence, with the raw
// values one click away.
func auditEvent(e store.AuditEntry, n auditNames) components.AuditEvent {
	return components.AuditEvent{Sentence: auditSentence(e, n), Action: e.Action, Target: e.Target,
		Params: e.Params, Detail: e.Detail, Outcome: e.Outcome}
}

func (a auditEntry) sale() string {
	id := a.id()
	if id == "" {
		id = a.params.get("sale_id")
	}
	return "sale " + id
}

func (a auditEntry) product() string {
	if name := a.first("name"); name != "" {
		return name
	}
	return a.id()
}

func (a auditEntry) option() string {
	if name := a.first("option_name"); name != "" {
		return name
	}
	return a.id()
}

func (a auditEntry) coupon() string {
	if code := a.params.get("coupon_code"); code != "" {
		return code
	}
	return a.id()
}

func (a auditEntry) role() string {
	if l := a.first("label"); l != "" {
		return l
	}
	return a.id()
}

func (a auditEntry) member() string {
	if a.e.Target == "" {
		return "a team member"
	}
	if a.names.byID != nil {
		if name := a.names.user(a.e.Target); !strings.HasPrefix(name, "team member ") {
			return name
		}
	}
	if name := a.params.get("name"); name != "" {
		return name
	}
	return a.names.user(a.e.Target)
}

// productChangeFields name a product's parameters in a change; long texts are
// named without their values.
var productChangeFields = []struct {
	key, label string
	long       bool
}{
	{"name", "name", false}, {"price", "price", false}, {"vendor_product_id", "your product ID", false},
	{"description", "description", true}, {"long_description", "long description", true},
	{"pending_url", "pending URL", true}, {"approved_url", "approved URL", true},
	{"tangible", "tangible", false}, {"weight", "weight", false}, {"handling", "handling", false},
	{"recurring", "recurring", false}, {"startup_fee", "startup fee", false}, {"recurrence", "recurrence", false},
	{"duration", "duration", false}, {"commission", "commission", false}, {"commission_type", "commission type", false},
	{"commission_amount", "commission amount", false}, {"option_id", "options", true}, {"category_id", "categories", true},
}

// productChange names what an update changed, against the before values
// the write path recorded.
func productChange(a auditEntry) deed {
	name := a.before.get("name")
	if name == "" {
		name = a.product()
	}
	if len(a.before) == 0 {
		return did("changed", "change", " the product "+name)
	}
	var changes []string
	var only string
	for _, f := range productChangeFields {
		if !a.params.has(f.key) {
			continue
		}
		b, n := strings.Join(a.before.all(f.key), ","), strings.Join(a.params.all(f.key), ",")
		if b == n {
			continue
		}
		if f.long {
			changes = append(changes, f.label)
			only = "the " + f.label + " of " + name
			continue
		}
		from := b
		if from == "" {
			from = "nothing"
		}
		changes = append(changes, f.label+" from "+from+" to "+n)
		only = "the " + f.label + " of " + name + " from " + from + " to " + n
	}
	switch len(changes) {
	case 0:
		return did("saved", "save", " the product "+name+" unchanged")
	case 1:
		if a.params.get("name") != name && a.params.has("name") {
			return did("renamed", "rename", " the product "+name+" to "+a.params.get("name"))
		}
		return did("changed", "change", " "+only)
	}
	return did("changed", "change", " the product "+name+": "+strings.Join(changes, "; "))
}

// couponTerms is a coupon's discount as its parameters give it.
func couponTerms(p auditValues) string {
	var parts []string
	if v := p.get("percentage_off"); v != "" {
		parts = append(parts, v+"% off")
	}
	if v := p.get("value_off"); v != "" {
		parts = append(parts, v+" off")
	}
	if v := p.get("minimum_purchase"); v != "" && v != "0" && v != "0.00" {
		parts = append(parts, "minimum purchase "+v)
	}
	if v := p.get("date_expire"); v != "" {
		parts = append(parts, "until "+v)
	}
	if ids := p.all("product_id"); len(ids) > 0 {
		parts = append(parts, "on "+plural(len(ids), "product"))
	} else if p.get("select_all") == "1" {
		parts = append(parts, "on every product")
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// couponChange names what a coupon update changed.
func couponChange(a auditEntry) deed {
	code := a.coupon()
	var changes []string
	if nc := a.params.get("new_code"); nc != "" && nc != code {
		changes = append(changes, "code to "+nc)
	}
	for _, f := range []struct{ key, label string }{{"percentage_off", "percentage off"}, {"value_off", "value off"},
		{"minimum_purchase", "minimum purchase"}, {"date_expire", "expiry date"}} {
		if !a.params.has(f.key) {
			continue
		}
		b, n := a.before.get(f.key), a.params.get(f.key)
		if len(a.before) > 0 && b == n {
			continue
		}
		if b == "" {
			changes = append(changes, f.label+" to "+n)
		} else {
			changes = append(changes, f.label+" from "+b+" to "+n)
		}
	}
	ids, was := a.params.all("product_id"), a.before.all("product_id")
	sort.Strings(ids)
	sort.Strings(was)
	if a.params.has("product_id") && strings.Join(ids, ",") != strings.Join(was, ",") {
		changes = append(changes, "products to "+plural(len(ids), "product"))
	}
	if len(changes) == 0 {
		return did("saved", "save", " the coupon "+code)
	}
	return did("changed", "change", " the coupon "+code+": "+strings.Join(changes, "; "))
}

// refundWhatOf is how much a refund's parameters ask for.
func refundWhatOf(p auditValues) string {
	if li := p.get("lineitem_id"); li != "" {
		return "a refund of line item " + li
	}
	if amt := p.get("amount"); amt != "" {
		return "a refund of " + amt
	}
	return "a refund"
}

// plainList is "S, M and L".
func plainList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
