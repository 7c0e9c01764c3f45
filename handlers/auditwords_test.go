package handlers

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/store"
)

var wordsTeam = namesOf([]store.User{
	{ID: 1, Email: "ana@example.com", Name: "Ana"},
	{ID: 2, Email: "ben@example.com", Name: "Ben"},
	{ID: 3, Email: "carl@example.com", Name: "Carl"},
})

// paramsJSON is what the write path stores for typed params: the same
// encoding (apiclient.EncodeParams) and scrubbing.
func paramsJSON(t *testing.T, p any) string {
	t.Helper()
	v, err := apiclient.EncodeParams(p)
	if err != nil {
		t.Fatal(err)
	}
	return ScrubParams(v)
}

func ptr[T any](v T) *T { return &v }

// TestAuditSentenceEveryAction says every action kind the panel records in
// words, from the values recorded with it.
func TestAuditSentenceEveryAction(t *testing.T) {
	ana := store.AuditEntry{UserID: 1, Actor: "ana@example.com", Outcome: OutcomeOK}
	ben := store.AuditEntry{UserID: 2, Actor: "ben@example.com", Outcome: OutcomeOK}
	with := func(base store.AuditEntry, action, target, params, detail string) store.AuditEntry {
		base.Action, base.Target, base.Params, base.Detail = action, target, params, detail
		return base
	}
	productBefore := "before: " + ScrubParams(url.Values{"name": {"Brass Ring"}, "price": {"10.00"}, "tangible": {"0"}}) + "; id 17"
	couponBefore := "before: " + ScrubParams(url.Values{"coupon_code": {"SPRING"}, "type": {"sale"}, "percentage_off": {"10"},
		"date_expire": {"2026-12-31"}, "minimum_purchase": {"0.00"}})
	cases := []struct {
		e    store.AuditEntry
		want string
	}{
		{with(ana, "products.create", "product:new", paramsJSON(t, apiclient.CreateProductParams{Name: "Brass Ring", Price: "10.00"}), "id 17"),
			"Ana added the product Brass Ring at 10.00."},
		{with(ana, "products.update", "product:17", paramsJSON(t, apiclient.UpdateProductParams{ProductID: "17", Name: "Brass Ring", Price: "12.00",
			Tangible: ptr(false)}), productBefore),
			"Ana changed the price of Brass Ring from 10.00 to 12.00."},
		{with(ana, "products.update", "product:17", paramsJSON(t, apiclient.UpdateProductParams{ProductID: "17", Name: "Gold Ring", Price: "10.00"}), productBefore),
			"Ana renamed the product Brass Ring to Gold Ring."},
		{with(ana, "products.update", "product:17", paramsJSON(t, apiclient.UpdateProductParams{ProductID: "17", Name: "Gold Ring", Price: "12.00",
			Description: ptr("Shiny")}), productBefore),
			"Ana changed the product Brass Ring: name from Brass Ring to Gold Ring; price from 10.00 to 12.00; description."},
		{with(ana, "products.delete", "product:17", paramsJSON(t, apiclient.DeleteProductParams{ProductID: "17"}), productBefore),
			"Ana deleted the product Brass Ring."},
		{with(ana, "options.create", "option:new", paramsJSON(t, apiclient.CreateOptionParams{OptionName: "Size",
			OptionValueNames: []string{"S", "M", "L"}, OptionValueSurcharges: []string{"0", "0", "1.00"}}), ""),
			"Ana added the option Size with S, M and L."},
		{with(ana, "options.update", "option:5", paramsJSON(t, apiclient.UpdateOptionParams{OptionID: "5", OptionName: "Size",
			OptionValueID: "9", OptionValueName: ptr("XL"), OptionValueSurcharge: ptr("2.00")}), ""),
			"Ana changed the option Size, value XL (surcharge 2.00)."},
		{with(ana, "options.update", "option:5", paramsJSON(t, apiclient.UpdateOptionParams{OptionID: "5", OptionName: "Size",
			OptionValueName: ptr("XXL"), OptionValueSurcharge: ptr("3.00")}), ""),
			"Ana added the value XXL to the option Size."},
		{with(ana, "options.delete", "option:5", paramsJSON(t, apiclient.DeleteOptionParams{OptionID: "5"}),
			"before: "+ScrubParams(url.Values{"option_name": {"Size"}})),
			"Ana deleted the option Size."},
		{with(ana, "coupons.create", "coupon:SPRING", paramsJSON(t, apiclient.CreateCouponParams{CouponCode: "SPRING", Type: "sale",
			PercentageOff: "10", DateExpire: "2026-12-31"}), ""),
			"Ana added the coupon SPRING (10% off, until 2026-12-31)."},
		{with(ana, "coupons.update", "coupon:SPRING", paramsJSON(t, apiclient.UpdateCouponParams{CouponCode: "SPRING", Type: "sale",
			PercentageOff: ptr("15"), DateExpire: ptr("2026-12-31"), ProductIDs: []string{"17", "18"}}), couponBefore),
			"Ana changed the coupon SPRING: percentage off from 10 to 15; products to 2 products."},
		{with(ana, "coupons.delete", "coupon:SPRING", paramsJSON(t, apiclient.DeleteCouponParams{CouponCode: "SPRING"}), couponBefore),
			"Ana deleted the coupon SPRING."},
		{with(ben, "sales.ship", "sale:123", paramsJSON(t, apiclient.MarkShippedParams{SaleID: "123", TrackingNumber: "1Z999AA10123456784"}), ""),
			"Ben marked sale 123 shipped (tracking 1Z999AA10123456784)."},
		{with(ben, "sales.ship", "sale:123/invoice:9", paramsJSON(t, apiclient.MarkShippedParams{SaleID: "123", InvoiceID: "9", TrackingNumber: "1Z1"}), ""),
			"Ben marked sale 123 shipped (tracking 1Z1)."},
		{with(ben, "sales.ship.override", "sale:123", "{}", "shipped despite fraud status wait; reason: known buyer"),
			"Ben shipped sale 123 despite the fraud hold."},
		{with(ben, "sales.comment", "sale:123", paramsJSON(t, apiclient.CreateCommentParams{SaleID: "123", SaleComment: "Called the buyer"}), ""),
			"Ben commented on sale 123: “Called the buyer”."},
		{with(ana, "sales.refund", "sale:123", paramsJSON(t, apiclient.RefundInvoiceParams{SaleID: "123", Amount: "5.00", Currency: "vendor",
			Comment: "x", Category: 5}), ""),
			"Ana refunded 5.00 of sale 123."},
		{with(ana, "sales.refund", "sale:123", paramsJSON(t, apiclient.RefundInvoiceParams{SaleID: "123", Comment: "x", Category: 5}), ""),
			"Ana refunded sale 123 in full."},
		{with(ana, "sales.refund_lineitem", "sale:123", paramsJSON(t, apiclient.RefundLineitemParams{LineitemID: "77", Comment: "x", Category: 5}), ""),
			"Ana refunded line item 77 of sale 123."},
		{with(ana, "sales.reauth", "sale:123", paramsJSON(t, apiclient.ReauthParams{SaleID: "123"}), ""),
			"Ana reauthorized the payment of sale 123."},
		{with(ana, "sales.recurring.stop", "sale:123", paramsJSON(t, apiclient.StopLineitemRecurringParams{LineitemID: "77"}), ""),
			"Ana stopped the recurring billing of line item 77 on sale 123."},
		{with(ben, "refunds.request", "sale:123", ScrubParams(url.Values{"sale_id": {"123"}, "amount": {"5.00"}, "currency": {"vendor"}}), "request 4: 5.00 USD"),
			"Ben asked for a refund of 5.00 of sale 123."},
		{with(ana, "refunds.approve", "sale:123", ScrubParams(url.Values{"sale_id": {"123"}, "amount": {"5.00"}}), "request 4, asked by user 2"),
			"Ana approved a refund of 5.00 of sale 123."},
		{with(ana, "refunds.reject", "sale:123", ScrubParams(url.Values{"sale_id": {"123"}, "lineitem_id": {"77"}, "reason": {"Already refunded"}}), ""),
			"Ana turned down a refund of line item 77 of sale 123: “Already refunded”."},
		{with(ana, "users.create", "user:3", ScrubParams(url.Values{"email": {"carl@example.com"}, "name": {"Carl"}, "role": {"fulfilment"}}), ""),
			"Ana added Carl to the team as Fulfilment."},
		{with(ana, "users.update", "user:3", ScrubParams(url.Values{"name": {"Carl"}, "role": {"admin"}}),
			"before: "+ScrubParams(url.Values{"name": {"Carl"}, "role": {"fulfilment"}})),
			"Ana changed Carl's role from Fulfilment to Admin."},
		{with(ana, "users.disable", "user:3", "{}", ""), "Ana disabled Carl's account."},
		{with(ana, "users.enable", "user:3", "{}", ""), "Ana enabled Carl's account."},
		{with(ana, "users.reset_password", "user:3", "{}", ""), "Ana reset Carl's password."},
		{with(ana, "users.reset_2fa", "user:3", "{}", ""), "Ana reset Carl's second factor."},
		{with(ana, "users.sessions.end", "user:3", "{}", ""), "Ana signed Carl out everywhere."},
		{with(ana, "users.badge.remove", "user:3", "{}", ""), "Ana removed Carl's sign-in badge."},
		{with(ana, "roles.create", "role:packer", ScrubParams(url.Values{"label": {"Packer"}}), ""), "Ana added the role Packer."},
		{with(ana, "roles.update", "role:packer", ScrubParams(url.Values{"label": {"Packer"}}), ""), "Ana changed what the role Packer may do."},
		{with(ana, "roles.delete", "role:packer", "{}", ""), "Ana deleted the role packer."},
		{with(ana, "me.password.change", "user:1", "{}", ""), "Ana changed their password."},
		{with(ana, "me.2fa.enrol", "user:1", "{}", ""), "Ana turned on a second sign-in factor."},
		{with(ana, "me.2fa.recovery", "user:1", "{}", ""), "Ana made new recovery codes."},
		{with(ana, "me.sessions.end", "user:1", "{}", ""), "Ana ended one of their sessions."},
		{with(ana, "me.sessions.end_others", "user:1", "{}", "ended: 2"), "Ana signed out everywhere else."},
		{with(ana, "account.secret.reveal", "account:250111206876", "{}", ""), "Ana revealed the account's INS secret word."},
		{with(ana, "login", "", "{}", ""), "Ana signed in."},
		{with(ana, "login.password", "", "{}", ""), "Ana entered their password."},
		{with(ana, "logout", "", "{}", ""), "Ana signed out."},
		{store.AuditEntry{Actor: "eve@example.com", Action: "login.failed", Outcome: OutcomeFailed}, "A sign-in as eve@example.com was refused."},
		{store.AuditEntry{Actor: "eve@example.com", Action: "login.locked", Outcome: OutcomeDenied},
			"Sign-ins as eve@example.com were locked after too many refusals."},
		{with(ana, "login.2fa.failed", "", "{}", "wrong code"), "Ana's second-factor code was refused."},
		{store.AuditEntry{Actor: "ana@example.com", UserID: 1, Action: "login.2fa.locked", Outcome: OutcomeDenied},
			"Second-factor codes for ana@example.com were locked after too many refusals."},
		{store.AuditEntry{Actor: "ana@example.com", UserID: 1, Action: "stepup.locked", Outcome: OutcomeDenied},
			"Password checks for ana@example.com were locked after too many refusals."},
		{with(ben, "access.denied", "route:/users", "{}", ""), "Ben was refused the page /users."},
		{store.AuditEntry{Actor: "anonymous", Action: "ins.refused", Target: "ins", Outcome: OutcomeDenied},
			"A notification claiming to be from 2Checkout was refused."},
		{store.AuditEntry{Actor: "anonymous", Action: "setup.refused", Outcome: OutcomeDenied},
			"An attempt to create the first admin account was refused."},
		{with(ana, "setup.admin_created", "user:1", "{}", ""), "Ana created the first admin account."},
		{with(ana, "me.badge.set", "user:1", ScrubParams(url.Values{"replaced": {"0"}}), ""), "Ana set up a sign-in badge."},
		{with(ana, "me.badge.set", "user:1", ScrubParams(url.Values{"replaced": {"1"}}), ""), "Ana changed their sign-in badge and PIN."},
		{with(ana, "me.badge.remove", "user:1", "", ""), "Ana removed their sign-in badge."},
		{with(ana, "login.badge", "", "", ""), "Ana signed in with their badge."},
		{store.AuditEntry{Actor: "anonymous", Action: "login.badge.failed", Outcome: OutcomeFailed, Detail: "unknown badge"},
			"A badge sign-in was refused."},
		{store.AuditEntry{UserID: 1, Actor: "ana@example.com", Action: "login.badge.failed", Outcome: OutcomeFailed, Detail: "wrong PIN"},
			"A badge sign-in as Ana was refused."},
		{store.AuditEntry{Actor: "anonymous", Action: "login.badge.locked", Outcome: OutcomeDenied}, "Badge sign-ins were locked after too many refusals."},
		{store.AuditEntry{Actor: "ana@example.com", Action: "login.badge.locked", Outcome: OutcomeDenied}, "Badge sign-ins as Ana were locked after too many refusals."},
		{store.AuditEntry{Actor: "system", Action: "users.disable", Target: "user:3", Outcome: OutcomeOK, Detail: "disabled from the command line"},
			"The panel disabled Carl's account."},
	}
	described := map[string]bool{}
	for _, c := range cases {
		described[c.e.Action] = true
		if got := auditSentence(c.e, wordsTeam); got != c.want {
			t.Errorf("%s %s:\n got %q\nwant %q", c.e.Action, c.e.Target, got, c.want)
		}
	}
	for action := range auditDeeds {
		if !described[action] {
			t.Errorf("action %q has words but no case here", action)
		}
	}
}

// TestAuditSentenceOutcomes: how an attempt ended is part of the sentence.
func TestAuditSentenceOutcomes(t *testing.T) {
	e := store.AuditEntry{UserID: 1, Actor: "ana@example.com", Action: "users.disable", Target: "user:3"}
	for outcome, want := range map[string]string{
		OutcomeOK:      "Ana disabled Carl's account.",
		OutcomeFailed:  "Ana tried to disable Carl's account, but it failed.",
		OutcomeDenied:  "Ana tried to disable Carl's account, but was refused.",
		OutcomeUnknown: "Ana tried to disable Carl's account; 2Checkout did not answer, so it is not known whether it happened.",
		OutcomeSent:    "Ana asked 2Checkout to disable Carl's account; no answer is recorded yet.",
	} {
		e.Outcome = outcome
		if got := auditSentence(e, wordsTeam); got != want {
			t.Errorf("%s: got %q, want %q", outcome, got, want)
		}
	}
	sum := store.AuditEntry{Actor: "system", Action: "login.failed", Outcome: OutcomeSuppressed,
		Params: `{"minute":"2026-12-03T14:05:00Z","seen":40,"written":10,"suppressed":30,"keys":3}`}
	if got, want := auditSentence(sum, wordsTeam), "30 more refused sign-ins were counted but not logged one by one."; got != want {
		t.Errorf("summary: got %q, want %q", got, want)
	}
	odd := store.AuditEntry{Actor: "someone@else.example", Action: "future.thing", Target: "thing:1", Outcome: OutcomeOK}
	if got, want := auditSentence(odd, auditNames{}), "someone@else.example did “future.thing” on thing:1."; got != want {
		t.Errorf("unknown action: got %q, want %q", got, want)
	}
}

// TestAuditWordsCoverRecordedActions reads the code for the actions it
// records, so a new action cannot reach the log without words.
func TestAuditWordsCoverRecordedActions(t *testing.T) {
	literal := regexp.MustCompile(`(?:Action:\s*|accessChange\(c,\s*|audit\(ctx, st,\s*)"([a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)
	found := map[string]bool{}
	for _, dir := range []string{".", "../cli"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
				found[m[1]] = true
			}
		}
	}
	for _, a := range lockActions {
		found[a] = true
	}
	if len(found) < 40 {
		t.Fatalf("found only %d recorded actions; the pattern no longer matches the code", len(found))
	}
	var missing, unlabelled []string
	for a := range found {
		if auditDeeds[a] == nil {
			missing = append(missing, a)
		}
		if auditActionLabels[a] == "" {
			unlabelled = append(unlabelled, a)
		}
	}
	sort.Strings(missing)
	sort.Strings(unlabelled)
	if len(missing) > 0 {
		t.Errorf("actions recorded without words in auditDeeds: %v", missing)
	}
	if len(unlabelled) > 0 {
		t.Errorf("actions recorded without a name in the audit filter (auditActionLabels): %v", unlabelled)
	}
}

// TestTimesNameTheirZone: every time shown carries its zone.
func TestTimesNameTheirZone(t *testing.T) {
	at := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		loc  *time.Location
		want string
	}{
		{nil, "3 Dec 2026 14:05 UTC"},
		{time.UTC, "3 Dec 2026 14:05 UTC"},
		{time.FixedZone("CET", 3600), "3 Dec 2026 15:05 CET"},
	} {
		if got := formatTimeIn(at, c.loc); got != c.want {
			t.Errorf("%v: got %q, want %q", c.loc, got, c.want)
		}
	}
	if got := formatTimeIn(time.Time{}, nil); got != "never" {
		t.Errorf("zero time: %q", got)
	}
}

// TestAuditSentenceShowsHiddenCharacters: a product renamed with a
// right-to-left override cannot turn the sentence around.
func TestAuditSentenceShowsHiddenCharacters(t *testing.T) {
	e := store.AuditEntry{UserID: 1, Actor: "ana@example.com", Action: "products.create", Outcome: OutcomeOK,
		Params: ScrubParams(url.Values{"name": {"Ring\u202Egnir"}, "price": {"1.00"}})}
	if got, want := auditSentence(e, wordsTeam), "Ana added the product Ring[U+202E]gnir at 1.00."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
