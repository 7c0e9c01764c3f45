package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backoffice/apiclient"
	"backoffice/config"
	"backoffice/store"
)

// withApprovalOver sets BACKOFFICE_REFUND_APPROVAL_OVER to cents.
func withApprovalOver(cents int64) harnessOpt {
	return func(c *config.Config) { c.RefundApprovals, c.RefundApprovalOverCents = true, cents }
}

// withoutApprovals is BACKOFFICE_REFUND_APPROVAL_OVER=none.
func withoutApprovals(c *config.Config) { c.RefundApprovals, c.RefundApprovalOverCents = false, 0 }

// formIn is the form inside the element sel: where it posts and its hidden
// fields, as a browser would send them before anything is typed.
func formIn(t *testing.T, body, sel string) (action string, vals url.Values) {
	t.Helper()
	f := dom(body).Find(sel).Find("form").First()
	if f.Length() == 0 {
		t.Fatalf("no form in %s: %.600s", sel, body)
	}
	action, _ = f.Attr("action")
	vals = url.Values{}
	f.Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		v, _ := s.Attr("value")
		vals.Add(n, v)
	})
	return action, vals
}

// confirmForm is the confirmation page's form, as its button sends it.
func confirmForm(t *testing.T, body string) (string, url.Values) {
	t.Helper()
	return formIn(t, body, "main section.card")
}

// refundItems are the refund line items the sandbox shows on an invoice.
func refundItems(t *testing.T, h *harness, sale, invoice string) []string {
	t.Helper()
	var out []string
	for _, inv := range saleOf(t, h, sale).Invoices {
		if inv.InvoiceID.Value != invoice {
			continue
		}
		for _, li := range inv.Lineitems {
			if li.Type.Value == "refund" {
				out = append(out, li.VendorAmount.Value)
			}
		}
	}
	return out
}

func onlyRequest(t *testing.T, h *harness, sale string) store.RefundRequest {
	t.Helper()
	reqs, err := h.st.ListRefundRequestsBySale(context.Background(), sale, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 {
		t.Fatalf("%d refund records for sale %s, want 1: %+v", len(reqs), sale, reqs)
	}
	return reqs[0]
}

// The journey of issue 10: support asks for a partial refund, which waits;
// finance approves it with the password asked again; approving twice at
// once refunds once; the requester sees the outcome on the sale and at
// home; the audit log has the request, the approval and the write.
func TestRefundRequestApprovedOnce(t *testing.T) {
	h := newHarness(t) // default policy: every refund needs approval
	fx := h.sb.SaleFixtures()
	sale, inv := fx.Intangible, fx.Invoices[fx.Intangible][0]
	customer := saleOf(t, h, sale).Invoices[0].CustomerName.Value

	support, _ := h.signedInAs("support")
	support.get("/sales/" + sale)
	if !strings.Contains(dom(support.body).Find("#refunds").Text(), "Your refunds need a second person's approval") {
		t.Error("the sale page does not say support's refunds need approval")
	}
	action, f := formIn(t, support.body, "#refund-"+inv)
	if action != "/sales/"+sale+"/refund-requests" {
		t.Fatalf("support's refund form posts to %q", action)
	}
	f.Set("refund_amount", "12.5")
	f.Set("refund_category", "2")
	f.Set("refund_comment", "Wrong colour; the buyer keeps it at a discount")
	if resp := support.post(action, f); resp.StatusCode != http.StatusOK {
		t.Fatalf("refund form: %d %.500s", resp.StatusCode, support.body)
	}
	if got, want := dom(support.body).Find("h1").Text(), "Refund 12.50 USD to "+customer+"?"; got != want {
		t.Errorf("confirmation %q, want %q", got, want)
	}
	if h.sb.Calls("refund_invoice") != 0 {
		t.Fatal("the form alone sent a refund")
	}
	confirmAction, confirm := confirmForm(t, support.body)
	if resp := support.post(confirmAction, confirm); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %.400s", resp.StatusCode, support.body)
	}
	// The confirmation sent again (a double click) makes no second request.
	if resp := support.post(confirmAction, confirm); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm again: %d", resp.StatusCode)
	}
	req := onlyRequest(t, h, sale)
	if req.State != store.RefundPending || req.AmountCents != 1250 || req.Direct || req.Category != 2 {
		t.Fatalf("stored request %+v", req)
	}
	if h.sb.Calls("refund_invoice") != 0 {
		t.Fatal("a request sent a refund before anyone approved it")
	}
	support.get("/sales/" + sale)
	if !strings.Contains(support.body, "Waiting for approval") {
		t.Error("the sale page does not show the request waiting")
	}

	finance, _ := h.signedInAs("finance")
	finance.get("/approvals")
	row := dom(finance.body).Find("#request-" + itoa(req.ID)).Text()
	for _, want := range []string{sale, "12.50 USD", customer, "Wrong colour", "Support Person", "The buyer did not like the item"} {
		if !strings.Contains(row, want) {
			t.Errorf("approvals row lacks %q: %s", want, row)
		}
	}
	approve := "/approvals/" + itoa(req.ID) + "/approve"
	if resp := finance.post(approve, url.Values{"password": {"not my password"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if got := fieldError(finance.body, "password-"+itoa(req.ID)); got != "That is not your password." {
		t.Errorf("wrong password message %q", got)
	}
	if h.sb.Calls("refund_invoice") != 0 {
		t.Fatal("a wrong password sent the refund")
	}
	finance.get("/approvals")
	resps := finance.postTwiceAtOnce(t, approve, url.Values{"password": {"correct horse battery finance"}, "_csrf": {finance.csrf}})
	for _, r := range resps {
		if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusConflict {
			t.Errorf("double-clicked approve answered %d", r.StatusCode)
		}
	}
	if n := h.sb.Calls("refund_invoice"); n != 1 {
		t.Fatalf("approve double-clicked sent %d refunds, want 1", n)
	}
	if got := refundItems(t, h, sale, inv); len(got) != 1 || got[0] != "12.50" {
		t.Fatalf("the sandbox shows refunds %v, want one of 12.50", got)
	}
	if got := onlyRequest(t, h, sale); got.State != store.RefundApproved || got.Outcome != "2Checkout refunded 12.50 USD." {
		t.Errorf("after approval: %+v", got)
	}

	support.get("/sales/" + sale)
	if !strings.Contains(support.body, "Approved and refunded") || !strings.Contains(support.body, "Approved by Finance Person") {
		t.Error("the sale page does not show the outcome")
	}
	support.get("/")
	if home := dom(support.body).Find("#h-my-refunds").Parent().Text(); !strings.Contains(home, "Approved and refunded") || !strings.Contains(home, "12.50 USD") {
		t.Errorf("home page: %q", home)
	}
	outcomes := map[string]int{}
	for _, a := range []string{"refunds.request", "refunds.approve", "sales.refund"} {
		for _, e := range auditRows(t, h, a) {
			outcomes[a+" "+e.Outcome]++
		}
	}
	// The wrong password is on record too.
	want := map[string]int{"refunds.request ok": 1, "refunds.approve failed": 1, "refunds.approve ok": 1, "sales.refund ok": 1}
	if len(outcomes) != len(want) {
		t.Errorf("audit log: %v, want %v", outcomes, want)
	}
	for k, n := range want {
		if outcomes[k] != n {
			t.Errorf("audit log: %d × %s, want %d", outcomes[k], k, n)
		}
	}
	if e := auditRows(t, h, "sales.refund"); len(e) == 1 && (e[0].Outcome != "ok" || !strings.Contains(e[0].Params, "12.50")) {
		t.Errorf("the write's audit entry: %+v", e[0])
	}
	h.assertNoSecretsInLogs("correct horse battery finance")
}

// Two approvers clicking at once: one claims the request, the other is
// told it was decided; the refund is sent once.
func TestTwoApproversRefundOnce(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	sale, inv := fx.PartiallyRefunded, fx.Invoices[fx.PartiallyRefunded][0]
	before := len(refundItems(t, h, sale, inv))
	support, _ := h.signedInAs("support")
	sendRefundForm(t, support, sale, inv, "5.00", "11", "Billed twice for shipping")
	a, confirm := confirmForm(t, support.body)
	support.post(a, confirm)
	req := onlyRequest(t, h, sale)

	var approvers []*browser
	for i := 0; i < 2; i++ {
		b, _ := h.signedInAs("finance")
		b.get("/approvals")
		approvers = append(approvers, b)
	}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, b := range approvers {
		wg.Go(func() {
			codes[i] = b.post("/approvals/"+itoa(req.ID)+"/approve", url.Values{"password": {"correct horse battery finance"}}).StatusCode
		})
	}
	wg.Wait()
	if got := len(refundItems(t, h, sale, inv)) - before; got != 1 || h.sb.Calls("refund_invoice") != 1 {
		t.Fatalf("two approvers made %d refunds (%d calls), want 1 (answers %v)", got, h.sb.Calls("refund_invoice"), codes)
	}
	if !(codes[0] == http.StatusSeeOther && codes[1] == http.StatusConflict || codes[1] == http.StatusSeeOther && codes[0] == http.StatusConflict) {
		t.Errorf("answers %v: want one success and one \"decided already\"", codes)
	}
}

// Nobody approves their own request; rejecting needs a reason, which the
// requester then reads.
func TestOwnRequestAndRejection(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	sale, inv := fx.Intangible, fx.Invoices[fx.Intangible][0]
	// Finance may refund, but every refund needs approval here: their own
	// becomes a request they cannot approve.
	fin, _ := h.signedInAs("finance")
	fin.get("/sales/" + sale)
	action, f := formIn(t, fin.body, "#refund-"+inv)
	if action != "/sales/"+sale+"/refunds" {
		t.Fatalf("finance's form posts to %q", action)
	}
	f.Set("refund_category", "5")
	f.Set("refund_comment", "Goodwill")
	fin.post(action, f)
	if !strings.Contains(fin.body, "Ask for approval") {
		t.Fatalf("the confirmation does not say it asks for approval: %.400s", fin.body)
	}
	a, confirm := confirmForm(t, fin.body)
	fin.post(a, confirm)
	req := onlyRequest(t, h, sale)
	total := saleOf(t, h, sale).Invoices[0].VendorTotal.Value
	if !strings.HasSuffix(formatUSD(req.AmountCents), total) {
		t.Errorf("a refund with no amount asks for all that is left (%s): %d", total, req.AmountCents)
	}
	fin.get("/approvals")
	if !strings.Contains(dom(fin.body).Find("#request-"+itoa(req.ID)).Text(), "This is your own request") ||
		dom(fin.body).Find("#request-"+itoa(req.ID)+" form").Length() != 0 {
		t.Error("one's own request offers a decision")
	}
	if resp := fin.post("/approvals/"+itoa(req.ID)+"/approve", url.Values{"password": {"correct horse battery finance"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("approving one's own request: %d", resp.StatusCode)
	}
	if resp := fin.post("/approvals/"+itoa(req.ID)+"/reject", url.Values{"reason": {"no"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("rejecting one's own request: %d", resp.StatusCode)
	}

	other, _ := h.signedInAs("finance")
	other.get("/approvals")
	reject := "/approvals/" + itoa(req.ID) + "/reject"
	if resp := other.post(reject, url.Values{"reason": {"  "}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("reject without a reason: %d", resp.StatusCode)
	}
	if got := fieldError(other.body, "reason-"+itoa(req.ID)); got != "The reason is required." {
		t.Errorf("reason message %q", got)
	}
	if resp := other.post(reject, url.Values{"reason": {"Goodwill refunds go through the manager"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d %.300s", resp.StatusCode, other.body)
	}
	if got := onlyRequest(t, h, sale); got.State != store.RefundRejected || got.Reason != "Goodwill refunds go through the manager" {
		t.Errorf("rejected: %+v", got)
	}
	if h.sb.Calls("refund_invoice") != 0 {
		t.Error("a rejected request was refunded")
	}
	fin.get("/")
	if home := dom(fin.body).Find("#h-my-refunds").Parent().Text(); !strings.Contains(home, "Rejected") || !strings.Contains(home, "go through the manager") {
		t.Errorf("home page: %q", home)
	}
	if len(auditRows(t, h, "refunds.reject")) != 1 {
		t.Error("no audit entry for the rejection")
	}
	// Decided: approving it now does nothing.
	if resp := other.post("/approvals/"+itoa(req.ID)+"/approve", url.Values{"password": {"correct horse battery finance"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("approving a rejected request: %d", resp.StatusCode)
	}
	if h.sb.Calls("refund_invoice") != 0 {
		t.Error("a rejected request was refunded")
	}
}

func formatUSD(cents int64) string {
	return itoa(cents/100) + "." + string(rune('0'+cents%100/10)) + string(rune('0'+cents%10))
}

// Every rule the API applies is checked first, next to the field, with what
// was typed kept; nothing is sent.
func TestRefundRulesCheckedFirst(t *testing.T) {
	h := newHarness(t, withoutApprovals)
	fx := h.sb.SaleFixtures()
	admin, _ := h.signedInAs("admin")
	sale, inv := fx.PartiallyRefunded, fx.Invoices[fx.PartiallyRefunded][0]
	admin.get("/sales/" + sale)
	left := dom(admin.body).Find("#refund-" + inv + " dd strong").Text()
	if !strings.HasSuffix(left, " USD") {
		t.Fatalf("what is left: %q", left)
	}
	action, base := formIn(t, admin.body, "#refund-"+inv)
	for _, tc := range []struct {
		amount, category, comment string
		field, want               string
	}{
		{"100000.00", "1", "x", "amount-inv-" + inv, "The amount is more than what is left to refund on this invoice: " + left + "."},
		{"0.00", "1", "x", "amount-inv-" + inv, "The amount must be at least 0.01."},
		{"12.345", "1", "x", "amount-inv-" + inv, ""},
		{"5.00", "7", "x", "category-inv-" + inv, "2Checkout keeps reason 7 for its own use; choose another."},
		{"5.00", "", "x", "category-inv-" + inv, "Reason is required."},
		{"5.00", "1", "", "comment-inv-" + inv, "Comment is required."},
		{"5.00", "1", "a <b> tag", "comment-inv-" + inv, `Comment may not contain "<" or ">".`},
	} {
		f := salesCopy(base, admin.csrf)
		f.Set("refund_amount", tc.amount)
		f.Set("refund_category", tc.category)
		f.Set("refund_comment", tc.comment)
		if resp := admin.post(action, f); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%+v: status %d", tc, resp.StatusCode)
			continue
		}
		got := fieldError(admin.body, tc.field)
		if got == "" || tc.want != "" && got != tc.want {
			t.Errorf("%+v: message %q", tc, got)
		}
		if v, _ := fieldValue(admin.body, "refund_amount"); dom(admin.body).Find("#f-amount-inv-"+inv).AttrOr("value", "") != tc.amount {
			t.Errorf("%+v: amount not kept (%q)", tc, v)
		}
		if dom(admin.body).Find("#refund-"+inv+" details[open]").Length() == 0 {
			t.Errorf("%+v: the form is folded away with its error", tc)
		}
	}
	// Invoices that cannot be refunded offer no form and say why.
	for sale, why := range map[string]string{
		fx.Refunded: "This invoice has been refunded in full already.",
		fx.OldSale:  "This invoice was placed more than 180 days ago; 2Checkout no longer refunds it.",
	} {
		admin.get("/sales/" + sale)
		sec := dom(admin.body).Find("#refund-" + fx.Invoices[sale][0])
		if sec.Find("form").Length() != 0 || !strings.Contains(sec.Text(), why) {
			t.Errorf("sale %s: %q", sale, sec.Text())
		}
	}
	// A refunded line item says so, with no form of its own.
	admin.get("/sales/" + fx.LineitemRefunded)
	line := dom(admin.body).Find("#refund-line-" + fx.RefundedLineitem)
	if line.Find("form").Length() != 0 || !strings.Contains(line.Text(), "This line has been refunded already.") {
		t.Errorf("refunded line: %q", line.Text())
	}
	// The refund line items show as deductions.
	if !strings.Contains(admin.body, "−") || !strings.Contains(admin.body, "After refunds") {
		t.Error("refund items are not shown as deductions with what is left")
	}
	if n := h.sb.Calls("refund_invoice") + h.sb.Calls("refund_lineitem"); n != 0 {
		t.Errorf("%d refunds sent while checking", n)
	}
}

// A holder of sales.refund refunds up to the limit at once (the
// confirmation sent twice refunds once), a line item too; above the limit
// the refund becomes a request.
func TestDirectRefundUpToTheLimit(t *testing.T) {
	h := newHarness(t, withApprovalOver(5000))
	fx := h.sb.SaleFixtures()
	sale, inv := fx.IntangibleTwoItems, fx.Invoices[fx.IntangibleTwoItems][0]
	fin, _ := h.signedInAs("finance")
	fin.get("/sales/" + sale)
	if !strings.Contains(fin.body, "You refund up to 50.00 USD at once") {
		t.Error("the page does not state the limit")
	}
	action, f := formIn(t, fin.body, "#refund-"+inv)
	f.Set("refund_amount", "3.00")
	f.Set("refund_category", "11")
	f.Set("refund_comment", "Double charge")
	fin.post(action, f)
	if !strings.Contains(fin.body, "Refund 3.00 USD") || !strings.Contains(fin.body, "at once") {
		t.Fatalf("direct confirmation: %.500s", fin.body)
	}
	a, confirm := confirmForm(t, fin.body)
	resps := fin.postTwiceAtOnce(t, a, salesCopy(confirm, fin.csrf))
	for _, r := range resps {
		if r.StatusCode != http.StatusSeeOther {
			t.Errorf("confirmation sent twice answered %d", r.StatusCode)
		}
	}
	if got := refundItems(t, h, sale, inv); len(got) != 1 || got[0] != "3.00" || h.sb.Calls("refund_invoice") != 1 {
		t.Fatalf("refunds %v, %d calls; want one of 3.00", got, h.sb.Calls("refund_invoice"))
	}
	if r := onlyRequest(t, h, sale); !r.Direct || r.State != store.RefundApproved {
		t.Errorf("direct refund record %+v", r)
	}

	// A line item refund: the question names the item.
	fin.get("/sales/" + sale)
	action, f = formIn(t, fin.body, "#refund-line-"+fx.RefundableLineitem)
	f.Set("refund_category", "16")
	f.Set("refund_comment", "Out of stock")
	fin.post(action, f)
	q := dom(fin.body).Find("h1").Text()
	if !strings.HasPrefix(q, "Refund ") || !strings.Contains(q, " USD for ") {
		t.Errorf("line question %q", q)
	}
	a, confirm = confirmForm(t, fin.body)
	if resp := fin.post(a, confirm); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("line refund: %d %.400s", resp.StatusCode, fin.body)
	}
	if h.sb.Calls("refund_lineitem") != 1 {
		t.Fatal("the line item was not refunded")
	}
	fin.get("/sales/" + sale)
	if line := dom(fin.body).Find("#refund-line-" + fx.RefundableLineitem); line.Find("form").Length() != 0 {
		t.Error("a refunded line still offers its form")
	}

	// Above the limit: a request, even for finance.
	sale, inv = fx.PartiallyRefunded, fx.Invoices[fx.PartiallyRefunded][0]
	fin.get("/sales/" + sale)
	action, f = formIn(t, fin.body, "#refund-"+inv)
	f.Set("refund_amount", "50.01")
	f.Set("refund_category", "11")
	f.Set("refund_comment", "Big one")
	if resp := fin.post(action, f); resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %.300s", resp.StatusCode, fin.body)
	}
	if !strings.Contains(dom(fin.body).Text(), "Refunds over 50.00 USD need a second person's approval") {
		t.Errorf("above the limit: %.500s", fin.body)
	}
	a, confirm = confirmForm(t, fin.body)
	fin.post(a, confirm)
	if h.sb.Calls("refund_invoice") != 1 {
		t.Error("a refund above the limit was sent")
	}
	pending, _ := h.st.ListPendingRefundRequests(context.Background(), h.clock.Now(), 0)
	if len(pending) != 1 || pending[0].AmountCents != 5001 {
		t.Errorf("pending %+v", pending)
	}
}

// What 2Checkout still refuses shows in plain words next to the field it
// concerns, and the record says it failed.
func TestRefundRefusedUpstream(t *testing.T) {
	up := &salesUpstream{next: apiclient.NewTransport()}
	h := newHarnessWith(t, []apiclient.ClientOption{apiclient.WithHTTPClient(&http.Client{Transport: up})}, withoutApprovals)
	fx := h.sb.SaleFixtures()
	sale, inv := fx.Intangible, fx.Invoices[fx.Intangible][0]
	admin, _ := h.signedInAs("admin")
	sendRefundForm(t, admin, sale, inv, "4.00", "1", "Lost parcel")
	a, confirm := confirmForm(t, admin.body)
	up.setFake(func(method string, _ url.Values) *http.Response {
		if method == "refund_invoice" {
			return apiAnswer(400, "application/json", `{"errors":[{"code":"TOO_HIGH","message":"Amount greater than remaining balance on invoice."}]}`)
		}
		return nil
	})
	if resp := admin.post(a, confirm); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused refund: %d", resp.StatusCode)
	}
	if got := fieldError(admin.body, "amount-inv-"+inv); !strings.Contains(got, "more than what is left to refund") || !strings.Contains(got, "outside the panel") {
		t.Errorf("message %q", got)
	}
	if r := onlyRequest(t, h, sale); r.State != store.RefundFailed {
		t.Errorf("record %+v", r)
	}
}

// With approvals off, someone who may only ask cannot refund at all, and
// the page says so instead of offering a form.
func TestNoApprovalsNoRequests(t *testing.T) {
	h := newHarness(t, withoutApprovals)
	fx := h.sb.SaleFixtures()
	support, _ := h.signedInAs("support")
	support.get("/sales/" + fx.Intangible)
	sec := dom(support.body).Find("#refunds")
	if sec.Find("form").Length() != 0 || !strings.Contains(sec.Text(), "Refund requests are switched off here") {
		t.Errorf("support with approvals off: %q", sec.Text())
	}
	inv := fx.Invoices[fx.Intangible][0]
	resp := support.post("/sales/"+fx.Intangible+"/refund-requests", url.Values{"_idem": {strings.Repeat("k", 40)},
		"refund_invoice": {inv}, "refund_category": {"1"}, "refund_comment": {"x"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("posting anyway: %d", resp.StatusCode)
	}
	// A viewer sees no refund section at all.
	viewer, _ := h.signedInAs("viewer")
	viewer.get("/sales/" + fx.Intangible)
	if dom(viewer.body).Find("#refunds").Length() != 0 {
		t.Error("a viewer is shown refunds")
	}
}

// askRefund has support ask for a refund of amount on the sale's first
// invoice and returns the stored request.
func askRefund(t *testing.T, h *harness, sale, amount string) store.RefundRequest {
	t.Helper()
	support, _ := h.signedInAs("support")
	sendRefundForm(t, support, sale, h.sb.SaleFixtures().Invoices[sale][0], amount, "1", "Never arrived")
	a, confirm := confirmForm(t, support.body)
	if resp := support.post(a, confirm); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d %.300s", resp.StatusCode, support.body)
	}
	return onlyRequest(t, h, sale)
}

// Guessing the password at approval is throttled like any step-up, and a
// request nobody decided within 7 days can no longer be approved.
func TestApprovalThrottleAndExpiry(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	req := askRefund(t, h, fx.Intangible, "2.00")
	fin, _ := h.signedInAs("finance")
	approve := "/approvals/" + itoa(req.ID) + "/approve"
	for i := 0; i < 5; i++ {
		fin.post(approve, url.Values{"password": {"guess " + itoa(int64(i))}})
	}
	fin.post(approve, url.Values{"password": {"correct horse battery finance"}})
	if got := fieldError(fin.body, "password-"+itoa(req.ID)); !strings.HasPrefix(got, "Too many wrong passwords. For your safety this is paused until") {
		t.Errorf("after 5 wrong passwords the right one got %q", got)
	}
	if h.sb.Calls("refund_invoice") != 0 {
		t.Fatal("a locked step-up sent the refund")
	}

	h.clock.Advance(7*24*time.Hour + time.Minute)
	other, _ := h.signedInAs("finance")
	other.get("/approvals")
	if dom(other.body).Find("#request-"+itoa(req.ID)).Length() != 0 {
		t.Error("an expired request is still listed")
	}
	if resp := other.post(approve, url.Values{"password": {"correct horse battery finance"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("approving an expired request: %d", resp.StatusCode)
	}
	if h.sb.Calls("refund_invoice") != 0 {
		t.Error("an expired request was refunded")
	}
	admin, _ := h.signedInAs("admin")
	admin.get("/sales/" + fx.Intangible)
	if !strings.Contains(dom(admin.body).Find("#refunds").Text(), "Expired: nobody decided within 7 days") {
		t.Error("the sale page does not say the request expired")
	}
}

// sendRefundForm opens the sale page as b and sends invoice inv's refund
// form; b's page is then the confirmation, or the form with its errors.
func sendRefundForm(t *testing.T, b *browser, sale, inv, amount, category, comment string) {
	t.Helper()
	b.get("/sales/" + sale)
	action, f := formIn(t, b.body, "#refund-"+inv)
	f.Set("refund_amount", amount)
	f.Set("refund_category", category)
	f.Set("refund_comment", comment)
	b.post(action, f)
}
