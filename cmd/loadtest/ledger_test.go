package main

import (
	"net/http"
	"strings"
	"testing"
)

func newWrite(kind, key, target, tag string, sends ...send) *write {
	w := &write{kind: kindNamed(kind), key: key, target: target, tag: tag, effect: -1}
	w.sends = sends
	return w
}

func done(id string) send { return send{requestID: id, status: http.StatusSeeOther} }

func TestAccountCleanRun(t *testing.T) {
	writes := []*write{
		newWrite("comment", "k1", "sale:1", "LTA1", done("r1")),
		// A double click: two sends, one call, one entry made by either.
		newWrite("comment", "k2", "sale:1", "LTA2", done("r2"), done("r3")),
		// The first send lost its answer; the replay answered.
		newWrite("product.create", "k3", "", "LTA3", send{}, done("r5")),
		// Refused by 2Checkout: one call, audited as failed.
		newWrite("coupon.create", "k4", "", "LTA4", send{requestID: "r6", status: http.StatusUnprocessableEntity}),
	}
	writes[0].stale = []send{{requestID: "r7", status: http.StatusConflict}}
	writes[0].effect, writes[1].effect = 1, 1
	rows := []auditRow{
		{action: "sales.comment", target: "sale:1", outcome: "ok", params: `{"sale_comment":"LTA1"}`, requestID: "r1"},
		{action: "sales.comment", target: "sale:1", outcome: "denied", requestID: "r7"},
		{action: "sales.comment", target: "sale:1", outcome: "ok", params: `{"sale_comment":"LTA2"}`, requestID: "r3"},
		{action: "products.create", target: "product:9", outcome: "ok", params: `{"name":"Load test product LTA3"}`, requestID: "r4"},
		{action: "coupons.create", target: "coupon:LTA4", outcome: "failed", params: `{"coupon_code":"LTA4"}`, requestID: "r6"},
		{action: "login", outcome: "ok", requestID: "r0"}, // not a write: ignored
	}
	calls := map[string]int{"create_comment": 2, "create_product": 1, "create_coupon": 1, "list_products": 40}
	by, all := account(writes, rows, calls)
	if all.lost != 0 || all.doubled != 0 {
		t.Fatalf("lost %d, doubled %d, want none: %v", all.lost, all.doubled, all.problems)
	}
	if all.attempted != 4 || all.sends != 7 || all.seen != 4 || all.audited != 4 || all.refused != 1 {
		t.Errorf("attempted %d sends %d seen %d audited %d refused %d, want 4 7 4 4 1",
			all.attempted, all.sends, all.seen, all.audited, all.refused)
	}
	if c := by["comment"]; c.attempted != 2 || c.seen != 2 || c.auditedOK != 2 {
		t.Errorf("comments: %+v", c)
	}
}

func TestAccountFindsLossesAndDoubles(t *testing.T) {
	cases := []struct {
		name          string
		writes        []*write
		rows          []auditRow
		calls         map[string]int
		lost, doubled int
		problem       string
	}{{
		name:    "told done, never audited",
		writes:  []*write{newWrite("comment", "k1", "sale:1", "LTB1", done("r1"))},
		calls:   map[string]int{"create_comment": 1},
		lost:    1,
		doubled: 1, // and the call has no entry behind it
		problem: "not in the audit log",
	}, {
		name:   "one form, two entries",
		writes: []*write{newWrite("comment", "k1", "sale:1", "LTB1", done("r1"), done("r2"))},
		rows: []auditRow{
			{action: "sales.comment", outcome: "ok", params: "LTB1", requestID: "r1"},
			{action: "sales.comment", outcome: "ok", params: "LTB1", requestID: "r2"},
		},
		calls:   map[string]int{"create_comment": 2},
		doubled: 1,
		problem: "has 2 audit entries",
	}, {
		name:   "a repeat reached 2Checkout unrecorded",
		writes: []*write{newWrite("ship", "k1", "", "LTB1", done("r1"), done("r2"))},
		rows: []auditRow{
			{action: "sales.ship", outcome: "ok", params: "LTB1", requestID: "r1"},
		},
		calls:   map[string]int{"mark_shipped": 2},
		doubled: 1,
		problem: "no audit entry behind them",
	}, {
		name:   "audited ok but 2Checkout never saw it",
		writes: []*write{newWrite("coupon.delete", "k1", "coupon:X", "", done("r1"))},
		rows: []auditRow{
			{action: "coupons.delete", target: "coupon:X", outcome: "ok", requestID: "r1"},
		},
		calls:   map[string]int{},
		lost:    1,
		problem: "never saw the call",
	}, {
		name: "an edited resend accepted",
		writes: []*write{func() *write {
			w := newWrite("product.update", "k1", "product:1", "LTB1", done("r1"))
			w.stale = []send{{requestID: "r2", status: http.StatusSeeOther}}
			return w
		}()},
		rows: []auditRow{
			{action: "products.update", target: "product:1", outcome: "ok", params: "LTB1", requestID: "r1"},
			{action: "products.update", target: "product:1", outcome: "ok", params: "LTB1 edited", requestID: "r2"},
		},
		calls:   map[string]int{"update_product": 2},
		doubled: 2, // two entries for one form, and the resend accepted
		problem: "accepted again with other values",
	}, {
		name: "told done, audited, missing upstream",
		writes: []*write{func() *write {
			w := newWrite("comment", "k1", "sale:1", "LTB1", done("r1"))
			w.effect = 0
			return w
		}()},
		rows:    []auditRow{{action: "sales.comment", outcome: "ok", params: "LTB1", requestID: "r1"}},
		calls:   map[string]int{"create_comment": 1},
		lost:    1,
		problem: "not found in 2Checkout",
	}, {
		name: "shown twice upstream",
		writes: []*write{func() *write {
			w := newWrite("comment", "k1", "sale:1", "LTB1", done("r1"))
			w.effect = 2
			return w
		}()},
		rows:    []auditRow{{action: "sales.comment", outcome: "ok", params: "LTB1", requestID: "r1"}},
		calls:   map[string]int{"create_comment": 1},
		doubled: 1,
		problem: "found 2 times",
	}, {
		name:    "an entry no form explains",
		rows:    []auditRow{{action: "products.delete", target: "product:5", outcome: "ok", requestID: "r9"}},
		calls:   map[string]int{"delete_product": 1},
		doubled: 1,
		problem: "matches no form",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, all := account(c.writes, c.rows, c.calls)
			if all.lost != c.lost || all.doubled != c.doubled {
				t.Errorf("lost %d doubled %d, want %d %d (%v)", all.lost, all.doubled, c.lost, c.doubled, all.problems)
			}
			if !strings.Contains(strings.Join(all.problems, "\n"), c.problem) {
				t.Errorf("problems %q do not say %q", all.problems, c.problem)
			}
		})
	}
}

// A send that got no answer, then no repeat: the entry is found by its tag.
func TestAccountMatchesUnansweredByTag(t *testing.T) {
	writes := []*write{
		newWrite("comment", "k1", "sale:1", "LTC1", send{}),
		newWrite("comment", "k2", "sale:1", "LTC2", send{}),
	}
	rows := []auditRow{
		{action: "sales.comment", target: "sale:1", outcome: "unknown", params: `"LTC2"`, requestID: "x"},
	}
	_, all := account(writes, rows, map[string]int{"create_comment": 1})
	if all.lost != 0 || all.doubled != 0 || all.audited != 1 {
		t.Fatalf("lost %d doubled %d audited %d: %v", all.lost, all.doubled, all.audited, all.problems)
	}
}
