package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"backoffice/apiclient"
)

// modes runs a journey with JavaScript and without, each on a fresh panel.
func modes(t *testing.T, journey func(t *testing.T, js bool)) {
	for _, js := range []bool{true, false} {
		name := "without JavaScript"
		if js {
			name = "with JavaScript"
		}
		t.Run(name, func(t *testing.T) { journey(t, js) })
	}
}

// refundItemsIn are the refund line items the sandbox shows on an invoice.
func refundItemsIn(t *testing.T, p *panel, sale, invoice string) []string {
	t.Helper()
	s, err := p.API(t).DetailSale(context.Background(), apiclient.DetailSaleParams{SaleID: sale})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, inv := range s.Invoices {
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

// fillRefund opens the refund form inside sel and fills it.
func fillRefund(page *rod.Page, sel, amount, reason, comment string) {
	page.MustElement(sel + " summary").MustClick()
	if amount != "" {
		page.MustElement(sel + ` input[name="refund_amount"]`).MustSelectAllText().MustInput(amount)
	}
	page.MustElement(sel + ` select[name="refund_category"]`).MustSelect(reason)
	page.MustElement(sel + ` textarea[name="refund_comment"]`).MustInput(comment)
}

// TestPartialRefundRequestedAndApproved: support asks for a partial refund,
// finance approves it with the password asked again, double-clicking
// "Approve"; the sandbox shows the refund once, and support sees the
// outcome on the sale and on their home page.
func TestPartialRefundRequestedAndApproved(t *testing.T) {
	b := newBrowser(t)
	fx := fixtures(t)
	sale, inv := fx.Intangible, fx.Invoices[fx.Intangible][0]
	modes(t, func(t *testing.T, js bool) {
		p := startPanel(t, nil) // every refund needs approval
		support := signInAs(t, b, p, "support", js)
		support.MustNavigate(p.URL + "/sales/" + sale).MustWaitLoad()
		fillRefund(support, "#refund-"+inv, "12.50", "The buyer did not like the item", "Scratched lid; the buyer keeps it")
		submit(support, "#refund-"+inv+` button[type=submit]`)
		q := text(support, "h1")
		if !strings.HasPrefix(q, "Refund 12.50 USD to ") || !strings.HasSuffix(q, "?") {
			t.Fatalf("confirmation %q", q)
		}
		submit(support, `main form button[type=submit]`)
		if msg := text(support, "#flash"); !strings.Contains(msg, "Refund request sent") {
			t.Fatalf("after asking: %q", msg)
		}
		if !strings.Contains(text(support, "#refunds"), "Waiting for approval") {
			t.Error("the sale page does not show the request waiting")
		}
		if got := refundItemsIn(t, p, sale, inv); len(got) != 0 {
			t.Fatalf("refunded before approval: %v", got)
		}

		finance := signInAs(t, b, p, "finance", js)
		finance.MustNavigate(p.URL + "/approvals").MustWaitLoad()
		card := finance.MustElement("main section.card")
		if !strings.Contains(card.MustText(), "12.50 USD") || !strings.Contains(card.MustText(), "Scratched lid") {
			t.Fatalf("approvals: %q", card.MustText())
		}
		card.MustElement(`input[name="password"]`).MustInput("e2e passphrase for finance")
		// A double click that gets through: the same form posted twice at
		// the same moment (the second as fetch would, since a browser may
		// drop a second click while the first navigates).
		wait := finance.MustWaitNavigation()
		card.MustElement(`button[type=submit]`).MustEval(`function () {
			const f = this.form;
			fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f)), credentials: "same-origin"});
			this.click();
		}`)
		wait()
		finance.MustWaitLoad()
		// Both posts are answered before the sandbox is asked.
		posts := func() int {
			n := 0
			for _, l := range strings.Split(p.Logs.String(), "\n") {
				if strings.Contains(l, "method=POST") && strings.Contains(l, "/approve ") {
					n++
				}
			}
			return n
		}
		deadline := time.Now().Add(30 * time.Second)
		for posts() < 2 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if n := posts(); n != 2 {
			t.Errorf("%d approve posts reached the panel, want the 2 of the double click", n)
		}
		if got := refundItemsIn(t, p, sale, inv); len(got) != 1 || got[0] != "12.50" {
			t.Fatalf("the sandbox shows refunds %v, want one of 12.50", got)
		}
		// The page shown is the answer to one of the two posts: the refund
		// (after a redirect to the queue), or that the other post decided
		// it first.
		if got := text(finance, "main"); !strings.Contains(got, "2Checkout refunded 12.50 USD") && !strings.Contains(got, "decided already") {
			t.Errorf("approver's page: %q", got)
		}

		support.MustNavigate(p.URL + "/sales/" + sale).MustWaitLoad()
		if got := text(support, "#refunds"); !strings.Contains(got, "Approved and refunded") || !strings.Contains(got, "12.50 USD") {
			t.Errorf("the sale page: %q", got)
		}
		support.MustNavigate(p.URL + "/").MustWaitLoad()
		if got := text(support, "main"); !strings.Contains(got, "Your refunds") || !strings.Contains(got, "Approved and refunded") {
			t.Errorf("home page: %q", got)
		}
	})
}

// TestAdminStopsRecurringBilling: an admin stops a subscription from the
// sale page through its confirmation.
func TestAdminStopsRecurringBilling(t *testing.T) {
	b := newBrowser(t)
	fx := fixtures(t)
	sale, li := fx.Recurring, fx.RecurringLineitem
	modes(t, func(t *testing.T, js bool) {
		p := startPanel(t, nil)
		admin := signInAs(t, b, p, "admin", js)
		admin.MustNavigate(p.URL + "/sales/" + sale).MustWaitLoad()
		if got := text(admin, "#recurring-"+li); !strings.Contains(got, "Active") || !strings.Contains(got, "Next bill date") {
			t.Fatalf("subscription: %q", got)
		}
		submit(admin, "#recurring-"+li+" a.btn")
		if q := text(admin, "h1"); q != "Stop recurring billing of Example Product?" {
			t.Fatalf("question %q", q)
		}
		submit(admin, `main form button[type=submit]`)
		if msg := text(admin, "#flash"); !strings.Contains(msg, "Recurring billing stopped for Example Product.") {
			t.Errorf("flash %q", msg)
		}
		if got := text(admin, "#recurring-"+li); !strings.Contains(got, "Stopped") || !strings.Contains(got, "2Checkout noted") {
			t.Errorf("after stopping: %q", got)
		}
		s, err := p.API(t).DetailSale(context.Background(), apiclient.DetailSaleParams{SaleID: sale})
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range s.Invoices {
			for _, l := range inv.Lineitems {
				if l.LineitemID.Value == li && l.Billing.RecurringStatus.Value != "stopped" {
					t.Errorf("the sandbox says %q", l.Billing.RecurringStatus.Value)
				}
			}
		}
	})
}

// TestRefundsOnlyRole: an admin creates the custom role "Refunds only" by
// ticking permissions; a person with it refunds a sale and cannot ship.
func TestRefundsOnlyRole(t *testing.T) {
	b := newBrowser(t)
	fx := fixtures(t)
	sale, inv := fx.Intangible, fx.Invoices[fx.Intangible][0]
	modes(t, func(t *testing.T, js bool) {
		// Refunds up to 100.00 need nobody's approval here.
		p := startPanel(t, map[string]string{"BACKOFFICE_REFUND_APPROVAL_OVER": "100"})
		admin := signInAs(t, b, p, "admin", js)
		admin.MustNavigate(p.URL + "/roles/new").MustWaitLoad()
		fill(admin, "label", "Refunds only")
		for _, perm := range []string{"sales.view", "sales.refund"} {
			admin.MustElement(`input[name="permissions"][value="` + perm + `"]`).MustClick()
		}
		submit(admin, `main form button[type=submit]`)
		if err := admin.Timeout(30 * time.Second).Wait(rod.Eval(`() => location.pathname === "/roles/refunds-only"`)); err != nil {
			t.Fatalf("after saving the role: at %s (%s)", path(admin), text(admin, "main"))
		}

		clerk := signInAs(t, b, p, "refunds-only", js)
		if nav := text(clerk, "header"); strings.Contains(nav, "Ship") {
			t.Errorf("the navigation offers shipping: %q", nav)
		}
		clerk.MustNavigate(p.URL + "/sales/" + sale).MustWaitLoad()
		fillRefund(clerk, "#refund-"+inv, "5.00", "Billed in error", "Charged twice")
		submit(clerk, "#refund-"+inv+` button[type=submit]`)
		if q := text(clerk, "h1"); !strings.HasPrefix(q, "Refund 5.00 USD to ") {
			t.Fatalf("confirmation %q", q)
		}
		submit(clerk, `main form button[type=submit]`)
		if msg := text(clerk, "#flash"); !strings.Contains(msg, "Refunded 5.00 USD") {
			t.Fatalf("after refunding: %q", msg)
		}
		if got := refundItemsIn(t, p, sale, inv); len(got) != 1 || got[0] != "5.00" {
			t.Fatalf("the sandbox shows refunds %v", got)
		}
		clerk.MustNavigate(p.URL + "/sales/" + fx.TangibleOneInvoice).MustWaitLoad()
		if has, _, _ := clerk.Has(`form[action$="/ship"]`); has {
			t.Error("the sale page offers to mark it shipped")
		}
		clerk.MustNavigate(p.URL + "/ship").MustWaitLoad()
		if h1 := text(clerk, "h1"); !strings.Contains(strings.ToLower(h1), "not allowed") && !strings.Contains(h1, "403") {
			t.Errorf("/ship for the refunds-only role: %q", h1)
		}
	})
}
