package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"backoffice/apiclient"
)

// lineRecurring is a line item's recurring_status in the sandbox.
func lineRecurring(t *testing.T, h *harness, sale, lineitem string) string {
	t.Helper()
	for _, inv := range saleOf(t, h, sale).Invoices {
		for _, li := range inv.Lineitems {
			if li.LineitemID.Value == lineitem {
				return li.Billing.RecurringStatus.Value
			}
		}
	}
	t.Fatalf("no line item %s in sale %s", lineitem, sale)
	return ""
}

// Stopping one item's recurring billing: the sale page links to a
// confirmation, the confirmed form stops it once (sent again, it is
// answered from the record), and the page then shows it stopped with
// 2Checkout's own note.
func TestStopRecurringBilling(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	sale, li := fx.Recurring, fx.RecurringLineitem
	support, _ := h.signedInAs("support")
	support.get("/sales/" + sale)
	stop := "/sales/" + sale + "/recurring/" + li + "/stop"
	sec := dom(support.body).Find("#recurring-" + li)
	for _, want := range []string{"Active", "Next bill date", "3 billed", "10.00 USD"} {
		if !strings.Contains(sec.Text(), want) {
			t.Errorf("subscription lacks %q: %q", want, sec.Text())
		}
	}
	if href, _ := sec.Find("a.btn").Attr("href"); href != stop {
		t.Fatalf("stop link %q, want %q", href, stop)
	}
	if resp := support.get(stop); resp.StatusCode != http.StatusOK {
		t.Fatalf("confirmation: %d", resp.StatusCode)
	}
	if q := dom(support.body).Find("h1").Text(); q != "Stop recurring billing of Example Product?" {
		t.Errorf("question %q", q)
	}
	if lineRecurring(t, h, sale, li) != "active" {
		t.Fatal("showing the question stopped the billing")
	}
	action, f := confirmForm(t, support.body)
	if resp := support.post(action, f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop: %d %.300s", resp.StatusCode, support.body)
	}
	if got := lineRecurring(t, h, sale, li); got != "stopped" {
		t.Fatalf("recurring_status %q after stopping", got)
	}
	support.get("/sales/" + sale)
	if !strings.Contains(support.body, "Recurring billing stopped for Example Product.") {
		t.Error("no message saying it stopped")
	}
	sec = dom(support.body).Find("#recurring-" + li)
	if !strings.Contains(sec.Text(), "Stopped") || !strings.Contains(sec.Text(), "2Checkout noted: Recurring billing stopped for Example Product") ||
		sec.Find("a.btn").Length() != 0 {
		t.Errorf("after stopping: %q", sec.Text())
	}
	// The same confirmation again: answered from the record, not sent.
	if resp := support.post(action, f); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sent again: %d", resp.StatusCode)
	}
	if n := h.sb.Calls("stop_lineitem_recurring"); n != 1 {
		t.Errorf("%d stop calls, want 1", n)
	}
	if got := auditRows(t, h, "sales.recurring.stop"); len(got) != 1 || got[0].Outcome != "ok" {
		t.Errorf("audit: %+v", got)
	}
	// A stopped item has nothing to stop.
	if resp := support.get("/sales/" + fx.RecurringStopped + "/recurring/" + fx.RecurringStoppedLineitem + "/stop"); resp.StatusCode != http.StatusConflict {
		t.Errorf("confirming a stopped item: %d", resp.StatusCode)
	}
	// Someone without sales.recurring sees no button.
	viewer, _ := h.signedInAs("viewer")
	viewer.get("/sales/" + fx.PayPalRecurring)
	if dom(viewer.body).Find("#recurring a.btn").Length() != 0 || dom(viewer.body).Find("#recurring").Length() != 1 {
		t.Error("a viewer is offered to stop billing, or sees no subscription")
	}
}

// "Stop all" makes one write per active item, each under its own key
// derived from the form's: the form sent again answers each from its
// record, and what 2Checkout answered for each is said.
func TestStopAllRecurring(t *testing.T) {
	up := &salesUpstream{next: apiclient.NewTransport()}
	h := newHarnessWith(t, []apiclient.ClientOption{apiclient.WithHTTPClient(&http.Client{Transport: up})})
	fx := h.sb.SaleFixtures()
	sale, live := fx.Recurring, fx.RecurringLineitem
	// The panel is told an earlier installment recurs too; the sandbox
	// knows better and answers NOTHING_TO_DO for it.
	var early string
	up.setEdit(func(method string, body []byte) []byte {
		if method != "detail_sale" || !strings.Contains(string(body), `"sale_id":"`+sale+`"`) {
			return body
		}
		var doc map[string]any
		if json.Unmarshal(body, &doc) != nil {
			return body
		}
		li := doc["sale"].(map[string]any)["invoices"].([]any)[0].(map[string]any)["lineitems"].([]any)[0].(map[string]any)
		early = li["lineitem_id"].(string)
		billing := li["billing"].(map[string]any)
		billing["recurring_status"], billing["date_next"] = "active", "2026-12-12"
		out, _ := json.Marshal(doc)
		return out
	})
	admin, _ := h.signedInAs("admin")
	admin.get("/sales/" + sale)
	href, ok := dom(admin.body).Find(`#recurring > p a.btn`).Attr("href")
	if !ok || href != "/sales/"+sale+"/recurring/stop-all" {
		t.Fatalf("stop-all link %q", href)
	}
	admin.get(href)
	action, f := confirmForm(t, admin.body)
	if got := f["lineitem_id"]; len(got) != 2 || got[0] != early || got[1] != live {
		t.Fatalf("the confirmation carries %v, want [%s %s]", got, early, live)
	}
	if resp := admin.post(action, f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop all: %d %.300s", resp.StatusCode, admin.body)
	}
	admin.get("/sales/" + sale)
	flash := dom(admin.body).Find("#flash").Text()
	if !strings.Contains(flash, "Recurring billing stopped for Example Product.") || !strings.Contains(flash, "nothing to stop") {
		t.Errorf("flash %q", flash)
	}
	if lineRecurring(t, h, sale, live) != "stopped" || h.sb.Calls("stop_lineitem_recurring") != 2 {
		t.Fatalf("after stop all: %s, %d calls", lineRecurring(t, h, sale, live), h.sb.Calls("stop_lineitem_recurring"))
	}
	if resp := admin.post(action, salesCopy(f, admin.csrf)); resp.StatusCode != http.StatusSeeOther || h.sb.Calls("stop_lineitem_recurring") != 2 {
		t.Errorf("sent again: %d, %d calls (want 2)", resp.StatusCode, h.sb.Calls("stop_lineitem_recurring"))
	}
	if got := auditRows(t, h, "sales.recurring.stop"); len(got) != 2 {
		t.Errorf("%d audit entries, want one per write", len(got))
	}
	// Something that is not a recurring item of this sale is refused.
	bad := salesCopy(f, admin.csrf)
	bad["lineitem_id"] = []string{fx.RefundableLineitem}
	if resp := admin.post(action, bad); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("foreign line item: %d", resp.StatusCode)
	}
}
