package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"backoffice/apiclient"
)

// Two seeded products (sandbox/seed.go).
const (
	ocHeadphones = "4701000007"
	ocMug        = "4701000010"
)

// TestCouponJourney: an admin creates a 12.5 % coupon for two products and
// renames it; the sandbox then knows it only under the new code, with both
// products and the percentage. Once with JavaScript, once as plain forms.
func TestCouponJourney(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	api := p.API(t)
	ctx := context.Background()
	for _, js := range []bool{true, false} {
		code := "E2E-NOJS"
		if js {
			code = "E2E-JS"
		}
		t.Run(code, func(t *testing.T) {
			page := signInAs(t, b, p, "admin", js)
			page.MustNavigate(p.URL + "/coupons").MustWaitLoad()
			openFilters(page)

			// Filter and sort the list: in place with htmx, by reloading
			// without; the address follows either way.
			if js {
				page.MustEval(`() => { window.ocInPlace = true }`)
				// From the own order (date added, newest first), Code in
				// the select starts A to Z, and the order select says so.
				page.MustElement(`#cp-filters select[name=sort]`).MustSelect("Code")
				ocWaitPath(t, page, "sort=code")
				if got := page.MustElement(`#cp-filters select[name=dir]`).MustEval(`() => this.selectedOptions[0].textContent`).String(); got != "A to Z" {
					t.Errorf("after picking Code the order select shows %q", got)
				}
				if id := focusedID(page); id != "f-sort" {
					t.Errorf("after picking Code focus is on %q, want the sort select", id)
				}
				page.MustElement(`#cp-filters select[name=sort]`).MustSelect("Date added")
				if err := page.Timeout(5 * time.Second).Wait(rod.Eval(`() => !location.search.includes("sort=")`)); err != nil {
					t.Fatalf("back to the own order: at %s", path(page))
				}
				page.MustWaitStable()
				if got := page.MustElement(`#cp-filters select[name=dir]`).MustEval(`() => this.selectedOptions[0].textContent`).String(); got != "Newest first" {
					t.Errorf("back at date added the order select shows %q", got)
				}
				page.MustElement(`#cp-filters select[name=type]`).MustSelect("Product (chosen products)")
				ocWaitPath(t, page, "type=product")
				// Column headings are for desks; phones sort with the select.
				page.MustSetViewport(1024, 768, 1, false)
				page.MustElement(`#cp-results th a[href*="sort=code"]`).MustClick()
				ocWaitPath(t, page, "sort=code")
				page.MustSetViewport(360, 740, 2, true)
				if !page.MustEval(`() => window.ocInPlace === true`).Bool() {
					t.Error("the list was reloaded instead of changed in place")
				}
				if got := page.MustElement(`#cp-filters select[name=sort]`).MustProperty("value").String(); got != "code" {
					t.Errorf("the sort select shows %q after sorting by the heading", got)
				}
			} else {
				page.MustElement(`#cp-filters select[name=type]`).MustSelect("Product (chosen products)")
				// The list's own order is descending (date added, newest
				// first); picking Code alone starts it A to Z.
				page.MustElement(`#cp-filters select[name=sort]`).MustSelect("Code")
				submit(page, `#cp-filters button[type=submit]`)
				if got := page.MustElement(`#cp-filters select[name=dir]`).MustEval(`() => this.selectedOptions[0].textContent`).String(); got != "A to Z" {
					t.Errorf("after picking Code the order select shows %q", got)
				}
			}
			if got := path(page); !strings.Contains(got, "type=product") || !strings.Contains(got, "sort=code") {
				t.Errorf("the address does not carry the list's state: %s", got)
			}
			if rows := text(page, "#cp-results"); !strings.HasPrefix(strings.TrimSpace(text(page, "#cp-results tbody")), "ALLPRODUCTS10") ||
				strings.Contains(rows, "TENOFF") {
				t.Errorf("filtered list: %q", rows)
			}

			submit(page, `main a[href="/coupons/new"]`)
			fill(page, "coupon_code", code)
			page.MustElement(`main select[name=type]`).MustSelect("Product (chosen products)")
			page.MustElement(`main input[name=discount][value=percent]`).MustClick()
			fill(page, "amount", "12.5")
			fill(page, "minimum_purchase", "5")
			page.MustElement(`main input[name=date_expire]`).MustInputTime(time.Now().AddDate(1, 0, 0))
			page.MustElement(`main input[name=applies][value=some]`).MustClick()
			page.MustElement(`main input[name=product_id][value="` + ocHeadphones + `"]`).MustClick()
			page.MustElement(`main input[name=product_id][value="` + ocMug + `"]`).MustClick()
			submit(page, `main form.stack button[type=submit]`)
			if got := path(page); got != "/coupons/"+code {
				t.Fatalf("after create the page is at %s: %s", got, text(page, "main"))
			}
			if msg := text(page, "#flash"); !strings.Contains(msg, "Coupon "+code+" created.") {
				t.Errorf("flash %q", msg)
			}
			if facts := text(page, "main dl.facts"); !strings.Contains(facts, "12.5% off") || !strings.Contains(facts, "Zürich Café Mug — 350 ml ("+ocMug+")") {
				t.Errorf("detail: %q", facts)
			}

			// Rename it.
			submit(page, `main a[href="/coupons/`+code+`/edit"]`)
			renamed := code + "-RENAMED"
			fill(page, "new_code", renamed)
			submit(page, `main form.stack button[type=submit]`)
			if got := path(page); got != "/coupons/"+renamed {
				t.Fatalf("after the rename the page is at %s: %s", got, text(page, "main"))
			}
			cp, err := api.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: renamed})
			if err != nil {
				t.Fatalf("sandbox: %v", err)
			}
			pct, _ := cp.PercentOff()
			var ids []string
			for _, pr := range cp.Products {
				ids = append(ids, pr.ProductID.Value)
			}
			if pct != "12.5" || cp.Type.Value != "product" || strings.Join(ids, ",") != ocHeadphones+","+ocMug || cp.MinimumPurchase.Value != "5.00" {
				t.Errorf("sandbox has %s %s%% for %v, minimum %s", cp.Type.Value, pct, ids, cp.MinimumPurchase.Value)
			}
			// detail_coupon answers FORBIDDEN for a code nobody has, as the
			// live API does.
			if _, err := api.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: code}); !apiclient.IsForbidden(err) {
				t.Errorf("the old code %s: %v, want FORBIDDEN", code, err)
			}
		})
	}
}

// ocWaitPath waits until the page's address contains part.
func ocWaitPath(t *testing.T, page *rod.Page, part string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(path(page), part) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(path(page), part) {
		t.Fatalf("the address %s never came to contain %s", path(page), part)
	}
	page.MustWaitStable()
}
