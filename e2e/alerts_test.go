package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/tracking/trackingtest"
)

// setSandboxFaults changes the running sandbox's faults through its control
// endpoint (fields as ParseFaults reads them; an empty value clears one).
func setSandboxFaults(t *testing.T, p *panel, faults url.Values) {
	t.Helper()
	user, pass := p.creds(t)
	req, _ := http.NewRequest(http.MethodPost, p.URL+"/sandbox/_sandbox/faults", strings.NewReader(faults.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("set sandbox faults: %d", resp.StatusCode)
	}
}

// TestShipEveryProblemIsAnAlert goes through every problem a packer meets
// on the scan-to-ship screen at 360×740 (issue 12, item 2): letters in the
// number, an unknown sale, nothing to ship, already shipped, a reused
// tracking number and 2Checkout not answering. Each is a role=alert
// message, the scan answers within a second, and each buzzes the problem
// pattern, never the success one. The reused-tracking confirmation is a
// full-size control that then ships the parcel.
func TestShipEveryProblemIsAnAlert(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	asPhone(t, page)
	page.MustEvalOnNewDocument(`navigator.vibrate = (p) => { (window.buzz = window.buzz || []).push(JSON.stringify(p)); return true; }`)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	const problem, success = "[250,100,250,100,250]", "[120]"
	lastBuzz := func() string { return page.MustEval(`() => (window.buzz || []).slice(-1)[0] || ""`).String() }
	forget := func() { page.MustEval(`() => { window.buzz = []; }`) }
	// alertWithin waits for a role=alert element in the screen containing
	// want, and for the problem buzz.
	alertWithin := func(what, want string, within time.Duration) {
		t.Helper()
		start := time.Now()
		waitEval(t, page, `() => Array.from(document.querySelectorAll('#ship [role="alert"]')).some(e => e.offsetParent !== null && e.textContent.includes(`+
			jsString(want)+`))`, within, what)
		t.Logf("%s: alert after %v", what, time.Since(start).Round(time.Millisecond))
		waitEval(t, page, `() => (window.buzz || []).length > 0`, time.Second, what+": vibration")
		if got := lastBuzz(); got != problem {
			t.Errorf("%s: vibration %s, want the problem pattern %s", what, got, problem)
		}
	}
	scanSale := func(sale string) {
		page.MustElement("#f-sale").MustSelectAllText().MustInput("")
		forget()
		scan(page, sale)
	}

	for _, tc := range []struct{ what, sale, want string }{
		{"letters in the number", "12AB34", "A sale number has only digits"},
		{"unknown sale", "1234567890123", "No sale has the number"},
		{"nothing to ship", fx.Intangible, "Nothing to ship"},
		{"already shipped", fx.Shipped, "already shipped"},
	} {
		scanSale(tc.sale)
		alertWithin(tc.what, tc.want, time.Second)
	}

	// A tracking number used on another sale: the confirmation is an
	// alert, and its tick is a large target filling the card's width.
	label := trackingtest.UPS(t, 800)
	first, second := fx.ScanToShip[3], fx.ScanToShip[4]
	scanSale(first)
	waitFor(t, page, "#card-title", first)
	waitFocus(page, "f-tracking")
	scan(page, label)
	waitFor(t, page, ".result-ok", "Shipped: sale "+first)
	scanSale(second)
	waitFor(t, page, "#card-title", second)
	waitFocus(page, "f-tracking")
	forget()
	scan(page, label)
	alertWithin("reused tracking", "was already used on sale "+first, 2*time.Second)
	size := page.MustEval(`() => { const l = document.querySelector(".reuse label.check"), i = l.querySelector("input"), c = l.closest("section").getBoundingClientRect();
		const r = l.getBoundingClientRect(), b = i.getBoundingClientRect();
		return [Math.round(r.height), Math.round(r.width), Math.round(b.width), Math.round(b.height), Math.round(c.width)].join(" "); }`).String()
	var h, w, bw, bh, cw int
	if _, err := fmt.Sscan(size, &h, &w, &bw, &bh, &cw); err != nil {
		t.Fatal(err)
	}
	t.Logf("reused-tracking confirmation: label %d×%d px, box %d×%d px, card %d px wide", w, h, bw, bh, cw)
	if h < 44 || bw < 24 || bh < 24 || w < cw*3/4 {
		t.Errorf("reused-tracking confirmation: label %d×%d px, box %d×%d px in a %d px card; want a full-size control", w, h, bw, bh, cw)
	}
	page.MustElement(".reuse label.check").MustClick()
	if !page.MustEval(`() => document.querySelector('[name="confirm_reuse"]').checked`).Bool() {
		t.Fatal("a tap on the confirmation's label does not tick it")
	}
	forget()
	page.MustElement(`[data-ship-form] button[type=submit]`).MustClick()
	waitFor(t, page, ".result-ok", "Shipped: sale "+second)
	if got := lastBuzz(); got != success {
		t.Errorf("success vibration %s", got)
	}

	// 2Checkout not answering.
	setSandboxFaults(t, p, url.Values{"fail_rate": {"1"}})
	scanSale(fx.ScanToShip[6])
	alertWithin("2Checkout not answering", "2Checkout is not answering", 20*time.Second)
	setSandboxFaults(t, p, url.Values{"fail_rate": {""}})
}

// jsString quotes s for a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
