package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"backoffice/apiclient"
	"backoffice/sandbox"
	"backoffice/tracking/trackingtest"
)

// salesFixtures are the seeded sales' ids: the panel's sandbox is seeded
// deterministically, so a fresh in-memory sandbox holds the same ones.
func salesFixtures(t *testing.T) sandbox.Fixtures {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	return sb.SaleFixtures()
}

// salesWait polls until ok holds, for htmx swaps that do not navigate.
func salesWait(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// saleRows are the sale numbers listed in the results table.
func saleRows(page *rod.Page) []string {
	var ids []string
	for _, el := range page.MustElements(`#sales td[data-label="Sale"] a`) {
		ids = append(ids, strings.TrimSpace(el.MustText()))
	}
	return ids
}

// TestSupportFindsASaleAndComments: a support user searches by customer
// name, opens one of the customer's sales and adds a comment, with
// JavaScript and without.
func TestSupportFindsASaleAndComments(t *testing.T) {
	b := newBrowser(t)
	fx := salesFixtures(t)
	for _, js := range []bool{true, false} {
		name := "without JavaScript"
		if js {
			name = "with JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			p := startPanel(t, nil)
			page := signInAs(t, b, p, "support", js)
			page.MustNavigate(p.URL + "/sales").MustWaitLoad()
			openFilters(page)
			fill(page, "customer_name", fx.RepeatCustomer)
			if js {
				// htmx swaps the results in place and puts the search in the URL.
				page.MustElement(`#sales form button[type=submit]`).MustClick()
				salesWait(t, "the filtered results", func() bool {
					return strings.Contains(path(page), "customer_name="+fx.RepeatCustomer) && len(saleRows(page)) == len(fx.RepeatCustomerSales)
				})
			} else {
				submit(page, `#sales form button[type=submit]`)
				if !strings.Contains(path(page), "customer_name="+fx.RepeatCustomer) {
					t.Fatalf("search went to %s", path(page))
				}
			}
			rows := saleRows(page)
			if len(rows) != len(fx.RepeatCustomerSales) {
				t.Fatalf("%d sales listed for %s, want %d", len(rows), fx.RepeatCustomer, len(fx.RepeatCustomerSales))
			}
			for _, id := range rows {
				if !strings.Contains(strings.Join(fx.RepeatCustomerSales, " "), id) {
					t.Errorf("sale %s listed for %s is not theirs", id, fx.RepeatCustomer)
				}
			}
			sale := rows[0]
			submit(page, `#sales td[data-label="Sale"] a`)
			if got := path(page); got != "/sales/"+sale {
				t.Fatalf("opened %s, want /sales/%s", got, sale)
			}
			if !strings.Contains(text(page, "main"), "Okonkwo") {
				t.Error("the sale page does not show the customer")
			}
			comment := "Called the customer <re: parcel> & agreed to resend — " + name
			fill(page, "comment", comment)
			page.MustElement(`input[name="cc_customer"]`).MustClick()
			submit(page, `form[action="/sales/`+sale+`/comments"] button[type=submit]`)
			if got := path(page); !strings.HasPrefix(got, "/sales/"+sale) {
				t.Fatalf("after commenting the page is %s", got)
			}
			// The confirmation is where the page lands: at the comments.
			if hash := page.MustEval(`() => location.hash`).String(); hash != "#comments" {
				t.Errorf("after commenting the page lands at %q", hash)
			}
			if msg := text(page, "#comments .flash"); !strings.Contains(msg, "Comment added to sale "+sale+".") {
				t.Errorf("flash at the comments %q", msg)
			}
			if got := text(page, "ol.timeline li:last-child .note"); got != comment {
				t.Errorf("the newest comment reads %q", got)
			}
			s, err := p.API(t).DetailSale(context.Background(), apiclient.DetailSaleParams{SaleID: sale})
			if err != nil {
				t.Fatal(err)
			}
			if last := s.Comments[len(s.Comments)-1]; last.Comment.Value != comment {
				t.Errorf("the sandbox's last comment is %q", last.Comment.Value)
			}
		})
	}
}

// TestFulfilmentShipsOneOfTwoInvoices: a fulfilment user finds a sale of two
// invoices by its number and marks one of them shipped from the sale page.
func TestFulfilmentShipsOneOfTwoInvoices(t *testing.T) {
	b := newBrowser(t)
	fx := salesFixtures(t)
	sale := fx.TangibleTwoInvoices
	inv := fx.Invoices[sale]
	for _, js := range []bool{true, false} {
		name := "without JavaScript"
		if js {
			name = "with JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			p := startPanel(t, nil)
			page := signInAs(t, b, p, "fulfilment", js)
			page.MustNavigate(p.URL + "/sales").MustWaitLoad()
			openFilters(page)
			fill(page, "number", sale)
			// Found by number: straight to the sale (an htmx redirect with JS).
			submit(page, `#sales form button[type=submit]`)
			if got := path(page); got != "/sales/"+sale {
				t.Fatalf("the sale number led to %s", got)
			}
			tracking := trackingtest.UPS(t, map[bool]int{true: 200, false: 201}[js])
			page.MustElement(`select[name="invoice_id"]`).MustSelect("Invoice " + inv[0])
			fill(page, "tracking", tracking)
			submit(page, `form[action="/sales/`+sale+`/ship"] button[type=submit]`)
			if got := path(page); got != "/sales/"+sale {
				t.Fatalf("after shipping the page is %s", got)
			}
			want := "Invoice " + inv[0] + " of sale " + sale + " marked shipped with tracking number " + tracking + "."
			if msg := text(page, "#flash"); !strings.Contains(msg, want) {
				t.Errorf("flash %q, want %q", msg, want)
			}
			first, second := text(page, "#invoice-"+inv[0]), text(page, "#invoice-"+inv[1])
			if !strings.Contains(first, "Shipped") || !strings.Contains(first, tracking) {
				t.Errorf("the shipped invoice reads %q", first)
			}
			if !strings.Contains(second, "Not shipped") {
				t.Errorf("the other invoice reads %q", second)
			}
			s, err := p.API(t).DetailSale(context.Background(), apiclient.DetailSaleParams{SaleID: sale})
			if err != nil {
				t.Fatal(err)
			}
			for _, iv := range s.Invoices {
				switch iv.InvoiceID.Value {
				case inv[0]:
					if iv.DateShipped.Blank() || iv.Shipping == nil || iv.Shipping.TrackingNumber.Value != tracking {
						t.Errorf("invoice %s in the sandbox: shipped %q, tracking %+v", inv[0], iv.DateShipped.Value, iv.Shipping)
					}
				case inv[1]:
					if !iv.DateShipped.Blank() {
						t.Errorf("invoice %s was shipped too", inv[1])
					}
				}
			}
		})
	}
}
