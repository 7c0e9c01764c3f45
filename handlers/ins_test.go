package handlers_test

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/config"
	"backoffice/sandbox"
	"backoffice/store"
)

// insMessage makes the sandbox record one INS message, signed with its
// secret word exactly as it would post it, and returns it (the harness's
// sandbox has no INS URL, so nothing is sent by itself).
func insMessage(t *testing.T, h *harness, ev sandbox.INSEvent) sandbox.INSDelivery {
	t.Helper()
	d, err := h.sb.SendINS(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// deliver posts an INS body to the panel as 2Checkout does: form-encoded,
// no cookie, no CSRF token.
func deliver(t *testing.T, h *harness, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	_, _ = bufio.NewReader(resp.Body).WriteTo(b)
	return resp.StatusCode, b.String()
}

func storedMessage(t *testing.T, h *harness, id int64) bool {
	t.Helper()
	_, err := h.st.INSMessage(context.Background(), id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// withHash replaces md5_hash in a form-encoded body.
func withHash(body, hash string) string {
	v, _ := url.ParseQuery(body)
	v.Set("md5_hash", hash)
	return v.Encode()
}

// oneCharChanged changes the last character of a hash.
func oneCharChanged(hash string) string {
	last := hash[len(hash)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return hash[:len(hash)-1] + string(repl)
}

func TestINSReceiverThroughTheRouter(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	sale := fx.ScanToShip[0]
	msg := insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSShipStatusChanged, SaleID: sale})

	t.Run("one character of the hash changed is refused and stored nowhere", func(t *testing.T) {
		forged := withHash(msg.Body, oneCharChanged(msg.Param("md5_hash")))
		if code, _ := deliver(t, h, "/ins", forged); code != http.StatusForbidden {
			t.Fatalf("forged hash: %d, want 403", code)
		}
		if storedMessage(t, h, msg.MessageID) {
			t.Error("a message with a wrong hash was stored")
		}
		if _, err := h.st.INSSale(context.Background(), sale); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a refused message changed the sale's state: %v", err)
		}
		if code, _ := deliver(t, h, "/ins", withHash(msg.Body, "")); code != http.StatusForbidden {
			t.Errorf("missing hash: %d, want 403", code)
		}
		entries, err := h.st.ListAudit(context.Background(), store.AuditFilter{Action: "ins.refused"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Outcome != "denied" || !strings.Contains(entries[1].Detail, "hash_wrong") {
			t.Errorf("refusals audited as %+v", entries)
		}
	})

	t.Run("a signed message is stored and shows on the timeline", func(t *testing.T) {
		code, body := deliver(t, h, "/ins", msg.Body)
		if code != http.StatusOK {
			t.Fatalf("signed message: %d %s", code, body)
		}
		if !storedMessage(t, h, msg.MessageID) {
			t.Fatal("accepted message not stored")
		}
		b, _ := h.signedInAs("support")
		b.get("/sales/" + sale)
		if !strings.Contains(b.body, `data-kind="ins"`) || !strings.Contains(b.body, "Shipping: not shipped") ||
			!strings.Contains(b.body, "2Checkout (notification)") {
			t.Errorf("the message is not on the sale's timeline: %.2000s", between(b.body, `id="comments"`, "</section>"))
		}
	})

	t.Run("a replay is answered 200 and stored once", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			if code, _ := deliver(t, h, "/ins", msg.Body); code != http.StatusOK {
				t.Fatalf("replay %d: %d", i, code)
			}
		}
		stats, err := h.st.INSStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if stats.Accepted != 1 || stats.Duplicates != 3 {
			t.Errorf("accepted %d, duplicates %d; want 1 and 3", stats.Accepted, stats.Duplicates)
		}
		evs, err := h.st.INSTimeline(context.Background(), sale, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 {
			t.Errorf("%d messages stored for the sale, want 1", len(evs))
		}
	})

	t.Run("oversize and malformed bodies get 400", func(t *testing.T) {
		big := msg.Body + "&pad=" + strings.Repeat("x", 64<<10)
		for name, body := range map[string]string{"oversize": big, "broken encoding": "message_type=%zz&md5_hash=AB",
			"no parameters": "hello"} {
			if code, _ := deliver(t, h, "/ins", body); code != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", name, code)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/ins", strings.NewReader(msg.Body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("JSON content type: %d, want 400", resp.StatusCode)
		}
		stats, _ := h.st.INSStats(context.Background())
		reasons := map[string]int64{}
		for _, r := range stats.Refused {
			reasons[r.Reason] = r.Count
		}
		if reasons["oversize"] != 1 || reasons["malformed"] != 3 || reasons["hash_wrong"] != 1 || reasons["hash_missing"] != 1 {
			t.Errorf("refusals counted %v", reasons)
		}
	})

	t.Run("metrics count each result", func(t *testing.T) {
		b, _ := h.signedInAs("viewer")
		b.get("/metrics")
		for _, want := range []string{`backoffice_ins_messages_total{reason="",result="accepted"} 1`,
			`backoffice_ins_messages_total{reason="",result="duplicate"} 3`,
			`backoffice_ins_messages_total{reason="hash_wrong",result="refused"} 1`,
			`backoffice_ins_messages_total{reason="oversize",result="refused"} 1`} {
			if !strings.Contains(b.body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

// TestINSOutOfOrderNeverMovesBack delivers a sale's fraud review result
// before the message that put it in review: the later message wins.
func TestINSOutOfOrderNeverMovesBack(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	sale := fx.ScanToShip[1]
	wait := insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSFraudStatusChanged, SaleID: sale, FraudStatus: "wait"})
	pass := insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSFraudStatusChanged, SaleID: sale, FraudStatus: "pass"})
	for _, m := range []sandbox.INSDelivery{pass, wait} {
		if code, body := deliver(t, h, "/ins", m.Body); code != http.StatusOK {
			t.Fatalf("message %d: %d %s", m.MessageID, code, body)
		}
	}
	b, _ := h.signedInAs("fulfilment")
	b.get("/ship?sale="+sale, hx, "true")
	if strings.Contains(b.body, "data-hold") || strings.Contains(b.body, "data-fraud-unknown") {
		t.Fatalf("the late 'wait' put the sale back on hold: %.600s", between(b.body, `id="card-title"`, "</form>"))
	}
	resp := b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {sale}, "tracking": {"1ZORDER0000000001"}, "_idem": {formKey(t, b.body)}}, hx, "true")
	if resp.StatusCode != http.StatusOK || shippedWith(t, h, sale, "") != "1ZORDER0000000001" {
		t.Errorf("a sale that passed review was not shipped: %d", resp.StatusCode)
	}
}

// TestFraudHoldRefusesToShip: a sale in fraud review cannot be marked
// shipped from /ship or the sale page; an admin may, with a tick and a
// reason, which the audit log keeps; a sale without any message says its
// status is unknown and is not blocked.
func TestFraudHoldRefusesToShip(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	held := fx.FraudReview
	m := insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSFraudStatusChanged, SaleID: held, FraudStatus: "wait"})
	if code, _ := deliver(t, h, "/ins", m.Body); code != http.StatusOK {
		t.Fatalf("deliver: %d", code)
	}
	packer, _ := h.signedInAs("fulfilment")

	packer.get("/ship?sale="+held, hx, "true")
	if !strings.Contains(packer.body, "On hold, do not ship.") || strings.Contains(packer.body, `name="override_hold"`) {
		t.Fatalf("the card does not show the hold (or offers the packer an override): %.800s", packer.body)
	}
	resp := packer.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {held}, "tracking": {"1ZHELD00000000001"}, "override_hold": {"1"},
		"override_reason": {"trust me"}, "_idem": {formKey(t, packer.body)}}, hx, "true")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(packer.body, "fraud review has not passed") {
		t.Errorf("/ship: %d, %.600s", resp.StatusCode, packer.body)
	}

	admin, _ := h.signedInAs("admin")
	key := openSale(t, admin, held, "ship")
	if !strings.Contains(admin.body, `name="override_hold"`) {
		t.Fatal("the sale page offers the admin no override")
	}
	resp = admin.post("/sales/"+held+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZHELD00000000002"}, "_idem": {key}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(admin.body, "Do not ship sale "+held) {
		t.Errorf("sale page without the tick: %d", resp.StatusCode)
	}
	if n := h.sb.Calls("mark_shipped"); n != 0 {
		t.Fatalf("%d mark_shipped calls reached 2Checkout for a held sale", n)
	}
	resp = admin.post("/sales/"+held+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZHELD00000000003"}, "override_hold": {"1"},
		"_idem": {saleFormKey(t, admin.body, "/sales/"+held+"/ship")}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(admin.body, "say why") {
		t.Errorf("override without a reason: %d", resp.StatusCode)
	}
	resp = admin.post("/sales/"+held+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1ZHELD00000000004"}, "override_hold": {"1"},
		"override_reason": {"Called the buyer, identity checked"}, "_idem": {saleFormKey(t, admin.body, "/sales/"+held+"/ship")}})
	if resp.StatusCode != http.StatusSeeOther || shippedWith(t, h, held, "") != "1ZHELD00000000004" {
		t.Fatalf("override with a reason: %d", resp.StatusCode)
	}
	entries, err := h.st.ListAudit(context.Background(), store.AuditFilter{Action: "sales.ship.override"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "Called the buyer") || !strings.Contains(entries[0].Detail, "wait") {
		t.Errorf("override audited as %+v", entries)
	}

	unknown := fx.ScanToShip[2]
	packer.get("/ship?sale="+unknown, hx, "true")
	if !strings.Contains(packer.body, "status unknown") || strings.Contains(packer.body, "data-hold") {
		t.Errorf("a sale with no message does not say its status is unknown")
	}
	resp = packer.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {unknown}, "tracking": {"1ZUNKN00000000001"}, "_idem": {formKey(t, packer.body)}}, hx, "true")
	if resp.StatusCode != http.StatusOK || shippedWith(t, h, unknown, "") == "" {
		t.Errorf("an unknown fraud status blocked shipping: %d", resp.StatusCode)
	}
}

func TestINSPathToken(t *testing.T) {
	const token = "ins-token-0123456789abcdef"
	h := newHarness(t, func(c *config.Config) { c.INSPathToken = token })
	fx := h.sb.SaleFixtures()
	msg := insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSOrderCreated, SaleID: fx.ScanToShip[0]})
	for _, p := range []string{"/ins", "/ins/wrong-token-0123456789"} {
		if code, _ := deliver(t, h, p, msg.Body); code != http.StatusNotFound {
			t.Errorf("%s with a token set: %d, want 404", p, code)
		}
	}
	if storedMessage(t, h, msg.MessageID) {
		t.Fatal("stored from the wrong path")
	}
	if code, _ := deliver(t, h, "/ins/"+token, msg.Body); code != http.StatusOK || !storedMessage(t, h, msg.MessageID) {
		t.Errorf("/ins/<token>: %d", code)
	}
	admin, _ := h.signedInAs("admin")
	admin.get("/settings")
	if !strings.Contains(admin.body, h.ts.URL+"/ins/"+token) {
		t.Errorf("settings do not give the address with its token")
	}
	h.assertNoSecretsInLogs(token)
}

// TestPickListFromINS: a new tangible order appears on the pick list, a
// held one apart, and a shipped one leaves; the event stream sends the
// change while the page is open.
func TestPickListFromINS(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	ready, held := fx.ScanToShip[3], fx.FraudReview
	b, _ := h.signedInAs("fulfilment")
	b.get("/ship/queue")
	if !strings.Contains(b.body, "Nothing has filled this list lately") || !strings.Contains(b.body, `sse-connect="/ship/queue/events?v=`) {
		t.Fatalf("empty pick list: %.1500s", b.body)
	}
	version := between(b.body, `sse-connect="/ship/queue/events?v=`, `"`)

	req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/ship/queue/events?v="+version, nil)
	req.Header.Set("Accept", "text/event-stream")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := b.c.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, ct)
	}
	events := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev strings.Builder
		for sc.Scan() {
			if line := sc.Text(); line == "" {
				if ev.Len() > 0 {
					events <- ev.String()
				}
				ev.Reset()
			} else {
				ev.WriteString(line + "\n")
			}
		}
		close(events)
	}()
	next := func(want string) string {
		t.Helper()
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					t.Fatalf("stream ended before %q", want)
				}
				if strings.Contains(ev, "event: queue") && strings.Contains(ev, want) {
					return ev
				}
			case <-ctx.Done():
				t.Fatalf("no event with %q", want)
			}
		}
	}

	for _, m := range []sandbox.INSDelivery{
		insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSOrderCreated, SaleID: ready}),
		insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSFraudStatusChanged, SaleID: ready, FraudStatus: "pass"}),
		insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSOrderCreated, SaleID: held}),
		insMessage(t, h, sandbox.INSEvent{Type: sandbox.INSFraudStatusChanged, SaleID: held, FraudStatus: "wait"}),
	} {
		if code, _ := deliver(t, h, "/ins", m.Body); code != http.StatusOK {
			t.Fatalf("deliver %s: %d", m.Type, code)
		}
	}
	ev := next(`data-sale="` + held + `"`)
	if !strings.Contains(ev, `data-sale="`+ready+`"`) || !strings.Contains(ev, "Filled by 2Checkout") {
		t.Errorf("event: %.1500s", ev)
	}
	b.get("/ship/queue")
	readyPart, holdPart := between(b.body, `id="h-ready"`, `id="on-hold"`), between(b.body, `id="on-hold"`, "</section>")
	if !strings.Contains(readyPart, `data-sale="`+ready+`"`) || strings.Contains(readyPart, `data-sale="`+held+`"`) ||
		!strings.Contains(holdPart, `data-sale="`+held+`"`) {
		t.Errorf("ready %q / on hold %q", readyPart, holdPart)
	}
	if !strings.Contains(readyPart, `href="/ship?sale=`+ready+`"`) {
		t.Error("an entry does not open its sale on /ship")
	}

	// Shipped through the panel: it leaves the list at once.
	b.get("/ship?sale="+ready, hx, "true")
	b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {ready}, "tracking": {"1ZQUEUE0000000001"}, "_idem": {formKey(t, b.body)}}, hx, "true")
	ev = next(`data-sale="` + held + `"`)
	if strings.Contains(ev, `data-sale="`+ready+`"`) {
		t.Error("a shipped parcel is still on the list")
	}
}

// TestTimelineShowsTheTeamMember: a comment written through the panel
// shows who wrote it, never the API user 2Checkout records; 2Checkout's
// own comments keep their author; newest first.
func TestTimelineShowsTheTeamMember(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	id := fx.WithComments
	b, u := h.signedInAs("support")
	key := openSale(t, b, id, "comments")
	text := "Buyer asked to leave the parcel with a neighbour " + itoa(time.Now().UnixNano())
	if resp := b.post("/sales/"+id+"/comments", url.Values{"comment": {text}, "_idem": {key}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", resp.StatusCode)
	}
	b.get("/sales/" + id)
	list := between(b.body, `<ol class="timeline">`, "</ol>")
	first := between(list, "<li", "</li>")
	if !strings.Contains(first, text) || !strings.Contains(first, u.Name) {
		t.Errorf("newest entry %q, want the comment by %s", first, u.Name)
	}
	if strings.Contains(first, apiUser) {
		t.Error("the panel's comment shows the API username")
	}
	if strings.Count(list, text) != 1 {
		t.Error("the comment is listed twice (as a comment and as a panel action)")
	}
	old := saleOf(t, h, id).Comments
	if last := old[len(old)-1]; !strings.Contains(list, last.Username.Value) {
		t.Errorf("a comment made outside the panel lost its author %q", last.Username.Value)
	}
}

// between returns the text after the first from and before the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
