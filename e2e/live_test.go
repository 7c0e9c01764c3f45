package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/sandbox"
	"backoffice/tracking/trackingtest"
)

// sandboxPost calls one of the sandbox's control endpoints (under /sandbox/
// in the panel) with its Basic credentials.
func sandboxPost(t *testing.T, p *panel, endpoint string, form url.Values) {
	t.Helper()
	user, pass := p.creds(t)
	req, _ := http.NewRequest(http.MethodPost, p.URL+"/sandbox/_sandbox/"+endpoint, strings.NewReader(form.Encode()))
	req.SetBasicAuth(user, pass)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_sandbox/%s: %d", endpoint, resp.StatusCode)
	}
}

// sandboxINS lists the INS messages the sandbox recorded and how their
// delivery to the panel went.
func sandboxINS(t *testing.T, p *panel) []sandbox.INSDelivery {
	t.Helper()
	user, pass := p.creds(t)
	var out struct {
		Messages []sandbox.INSDelivery `json:"messages"`
	}
	getJSON(t, p.URL+"/sandbox/_sandbox/ins", user, pass, &out)
	return out.Messages
}

// TestFraudReviewSaleCannotBeShipped: the sandbox tells the panel (INS, as
// 2Checkout would) that a sale is in fraud review; on /ship, with and
// without JavaScript, the packer is told not to ship it, and scanning a
// tracking number anyway sends nothing to 2Checkout.
func TestFraudReviewSaleCannotBeShipped(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	sale := fx.FraudReview
	sandboxPost(t, p, "ins", url.Values{"message_type": {sandbox.INSFraudStatusChanged}, "sale_id": {sale}, "fraud_status": {"wait"}})
	delivered := false
	for _, d := range sandboxINS(t, p) {
		delivered = delivered || (d.SaleID == sale && d.Type == sandbox.INSFraudStatusChanged && d.Status == "sent")
	}
	if !delivered {
		t.Fatalf("the sandbox did not deliver the fraud review message to the panel: %+v", sandboxINS(t, p))
	}
	for _, js := range []bool{true, false} {
		name := "with JavaScript"
		if !js {
			name = "without JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			page := signInAs(t, b, p, "fulfilment", js)
			page.MustNavigate(p.URL + "/ship").MustWaitLoad()
			scan(page, sale)
			waitFor(t, page, "[data-hold]", "On hold, do not ship.")
			if js && !waitFocus(page, "f-tracking") {
				page.MustElement("#f-tracking").MustFocus()
			}
			scan(page, trackingtest.UPS(t, 300+len(name)))
			waitFor(t, page, ".alert-error[role=alert]", "fraud review has not passed")
			if n := sandboxCalls(t, p, "mark_shipped"); n != 0 {
				t.Fatalf("%d mark_shipped calls reached 2Checkout for a sale in fraud review", n)
			}
			if got := shippedTracking(t, p.API(t), sale, ""); got != "" {
				t.Fatalf("the held sale was shipped with %q", got)
			}
		})
	}
}

// TestPickListLive opens the pick list on a phone while the sandbox places
// an order every two seconds: new orders appear without a reload, and a
// parcel shipped elsewhere (straight through the API) leaves within seconds.
func TestPickListLive(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, map[string]string{"BACKOFFICE_SANDBOX_ORDERS_EVERY": "2s"})
	page := signInAs(t, b, p, "fulfilment", true)
	page.MustNavigate(p.URL + "/ship/queue").MustWaitLoad()
	page.MustEval(`() => { window.notReloaded = true }`)
	still := func() bool { return page.MustEval(`() => window.notReloaded === true`).Bool() }
	listed := func() map[string]string {
		out := map[string]string{}
		for _, el := range page.MustElements("#h-ready ~ .queue-list [data-sale]") {
			if s := el.MustAttribute("data-sale"); s != nil {
				inv := el.MustAttribute("data-invoice")
				out[*s] = *inv
			}
		}
		return out
	}
	seen := listed()

	// A generated order (ORDER_CREATED from the sandbox) shows up.
	var fresh string
	deadline := time.Now().Add(90 * time.Second)
	for fresh == "" && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		now := listed()
		for _, d := range sandboxINS(t, p) {
			if _, ok := now[d.SaleID]; ok && d.Type == sandbox.INSOrderCreated && seen[d.SaleID] == "" {
				fresh = d.SaleID
			}
		}
	}
	if fresh == "" {
		t.Fatalf("no new order appeared on the open pick list; it shows: %.1500s", page.MustElement("main").MustText())
	}
	if !still() {
		t.Fatal("the page was reloaded to show the new order")
	}

	// Shipped elsewhere: 2Checkout's SHIP_STATUS_CHANGED takes it off.
	invoice := listed()[fresh]
	if _, err := p.API(t).MarkShipped(context.Background(), apiclient.MarkShippedParams{SaleID: fresh, InvoiceID: invoice,
		TrackingNumber: "1ZELSEWHERE0000001"}); err != nil {
		t.Fatal(err)
	}
	shippedAt := time.Now()
	for {
		if _, on := listed()[fresh]; !on {
			break
		}
		if time.Since(shippedAt) > 15*time.Second {
			t.Fatalf("sale %s shipped elsewhere is still on the pick list after 15 s", fresh)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("new order %s appeared live; shipped elsewhere, it left the list after %v", fresh, time.Since(shippedAt).Round(10*time.Millisecond))
	if !still() {
		t.Fatal("the page was reloaded to take the parcel off")
	}
	// Tapping an entry opens it on /ship.
	entry := page.MustElement("#h-ready ~ .queue-list .queue-open")
	want := *entry.MustAttribute("href")
	wait := page.MustWaitNavigation()
	entry.MustClick()
	wait()
	if got := path(page); got != want || !strings.HasPrefix(got, "/ship?sale=") {
		t.Errorf("tapping an entry opened %s, want %s", got, want)
	}
	waitFor(t, page, "#card-title", "Sale ")
}
