package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"backoffice/apiclient"
)

// Two of the options the sandbox seeds (sandbox/seed.go).
const (
	e2eOptColor    = "4701000100" // Color
	e2eOptGiftWrap = "4701000112" // Gift wrap
)

// TestProductCatalogueJourney: a catalogue user creates a product with two
// options, changes its price, then deletes it, checking the sandbox after
// each step; once with JavaScript and once as plain HTML forms.
func TestProductCatalogueJourney(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	api := p.API(t)
	for _, js := range []bool{true, false} {
		name := "E2E Teapot (no JS)"
		if js {
			name = "E2E Teapot (JS)"
		}
		t.Run(name, func(t *testing.T) {
			page := signInAs(t, b, p, "catalogue", js)
			ctx := context.Background()

			// Create, from the list's "New product" button.
			page.MustNavigate(p.URL + "/products").MustWaitLoad()
			submit(page, `main a[href="/products/new"]`)
			// Weight and handling appear only once "This product is
			// shipped" is ticked, with and without JavaScript (CSS :has).
			shown := func() bool {
				return page.MustEval(`() => document.querySelector("input[name=weight]").offsetParent !== null`).Bool()
			}
			if shown() {
				t.Error("weight is shown before the box is ticked")
			}
			page.MustElement(`main input[name=tangible]`).MustClick()
			if !shown() {
				t.Error("weight is not shown once the box is ticked")
			}
			if page.MustEval(`() => document.querySelector(".when-note").offsetParent !== null`).Bool() {
				t.Error("the 'applies only when' note shows in a browser that hides the fields")
			}
			page.MustElement(`main input[name=tangible]`).MustClick()
			fill(page, "name", name)
			fill(page, "price", "19.90")
			fill(page, "vendor_product_id", "E2E-TEAPOT")
			page.MustElement(`main input[name=option_id][value="` + e2eOptColor + `"]`).MustClick()
			page.MustElement(`main input[name=option_id][value="` + e2eOptGiftWrap + `"]`).MustClick()
			submit(page, `main form.pform button[type=submit]`)
			id := strings.TrimPrefix(path(page), "/products/")
			if id == path(page) || strings.Contains(id, "/") {
				t.Fatalf("after create the page is at %s: %s", path(page), text(page, "main"))
			}
			if h1 := text(page, "h1"); h1 != name {
				t.Errorf("detail heading %q", h1)
			}
			if msg := text(page, "#flash"); !strings.Contains(msg, "Created the product") {
				t.Errorf("flash %q", msg)
			}
			prod, err := api.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id})
			if err != nil {
				t.Fatalf("sandbox: %v", err)
			}
			if prod.Price.Value != "19.90" || prod.Name.Value != name || !e2eHasOptions(prod, e2eOptColor, e2eOptGiftWrap) {
				t.Errorf("created: %q %q, %d options", prod.Name.Value, prod.Price.Value, len(prod.Options))
			}

			// Change the price.
			submit(page, `main a[href="/products/`+id+`/edit"]`)
			fill(page, "price", "24.00")
			submit(page, `main form.pform button[type=submit]`)
			if got := path(page); got != "/products/"+id {
				t.Fatalf("after saving the page is at %s: %s", got, text(page, "main"))
			}
			if msg := text(page, "#flash"); !strings.Contains(msg, "Saved") {
				t.Errorf("flash %q", msg)
			}
			prod, err = api.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id})
			if err != nil {
				t.Fatalf("sandbox: %v", err)
			}
			if prod.Price.Value != "24.00" || !e2eHasOptions(prod, e2eOptColor, e2eOptGiftWrap) || prod.VendorProductID.Value != "E2E-TEAPOT" {
				t.Errorf("updated: price %q, %d options, vendor id %q", prod.Price.Value, len(prod.Options), prod.VendorProductID.Value)
			}

			// Find it with the list's filter: in place with htmx, as a plain
			// GET without; either way the address carries the filter.
			page.MustNavigate(p.URL + "/products").MustWaitLoad()
			openFilters(page)
			fill(page, "vendor_product_id", "E2E-TEAPOT")
			if js {
				page.MustElement(`main form.filters button[type=submit]`).MustClick()
				e2eWaitFor(t, func() bool { return strings.Contains(path(page), "vendor_product_id=E2E-TEAPOT") })
				page.MustWaitStable()
			} else {
				submit(page, `main form.filters button[type=submit]`)
			}
			if !strings.Contains(path(page), "vendor_product_id=E2E-TEAPOT") {
				t.Errorf("filtered address %s", path(page))
			}
			if rows := page.MustElements("#product-results tbody tr"); len(rows) != 1 || !strings.Contains(rows[0].MustText(), name) {
				t.Errorf("filtered list: %d rows: %s", len(rows), text(page, "#product-results"))
			}

			// Delete it, through the confirmation page.
			submit(page, `#product-results a[href="/products/`+id+`"]`)
			submit(page, `main a[href="/products/`+id+`/delete"]`)
			if h1 := text(page, "h1"); h1 != "Delete "+name+"?" {
				t.Errorf("confirmation heading %q", h1)
			}
			submit(page, `main button.btn-danger`)
			if got := path(page); got != "/products" {
				t.Errorf("after delete the page is at %s", got)
			}
			if msg := text(page, "#flash"); !strings.Contains(msg, "Deleted the product") {
				t.Errorf("flash %q", msg)
			}
			if _, err := api.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id}); !apiclient.IsNotFound(err) {
				t.Errorf("after delete, detail_product says %v, want RECORD_NOT_FOUND", err)
			}
		})
	}
}

func e2eHasOptions(p *apiclient.Product, ids ...string) bool {
	if len(p.Options) != len(ids) {
		return false
	}
	for _, id := range ids {
		found := false
		for _, o := range p.Options {
			found = found || o.OptionID.Value == id
		}
		if !found {
			return false
		}
	}
	return true
}

func e2eWaitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
}
