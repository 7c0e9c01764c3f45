package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/proto"

	"backoffice/apiclient"
	"backoffice/sandbox"
	"backoffice/tracking/trackingtest"
)

// fixtures reads the sandbox's seeded sales through its control endpoint-free
// API: the panel's sandbox is seeded deterministically, so a fresh in-memory
// sandbox has the same ids.
func fixtures(t *testing.T) sandbox.Fixtures {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	return sb.SaleFixtures()
}

// scan types like a hand-held scanner: the characters, then Enter, into
// whatever has focus.
func scan(page *rod.Page, code string) {
	page.Keyboard.MustType([]input.Key(code)...)
	page.Keyboard.MustType(input.Enter)
}

// waitFor waits until the element matching selector contains text.
func waitFor(t *testing.T, page *rod.Page, selector, text string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if els, err := page.Elements(selector); err == nil {
			for _, el := range els {
				if s, err := el.Text(); err == nil && strings.Contains(s, text) {
					return
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%q never appeared in %s; page: %.600s", text, selector, page.MustElement("main").MustText())
}

func focusedID(page *rod.Page) string {
	return page.MustEval(`() => document.activeElement ? document.activeElement.id : ""`).String()
}

// waitFocus waits briefly for the focus to reach the field with id.
func waitFocus(page *rod.Page, id string) bool {
	for i := 0; i < 40; i++ {
		if focusedID(page) == id {
			return true
		}
		time.Sleep(25 * time.Millisecond)
	}
	return false
}

func shippedTracking(t *testing.T, api *apiclient.Client, sale, invoice string) string {
	t.Helper()
	s, err := api.DetailSale(context.Background(), apiclient.DetailSaleParams{SaleID: sale})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range s.Invoices {
		if (invoice == "" || inv.InvoiceID.Value == invoice) && !inv.DateShipped.Blank() && inv.Shipping != nil {
			return inv.Shipping.TrackingNumber.Value
		}
	}
	return ""
}

// TestScannerShipsThreeParcelsWithoutAClick is the warehouse flow: a scanner
// types the sale number and Enter, then the tracking number and Enter,
// three parcels in a row, on a phone, with no click or tap.
func TestScannerShipsThreeParcelsWithoutAClick(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	if !waitFocus(page, "f-sale") {
		t.Fatalf("focus is on %q, want the sale number", focusedID(page))
	}
	api := p.API(t)
	for i, sale := range fx.ScanToShip[:3] {
		tracking := trackingtest.UPS(t, 100+i)
		scan(page, sale)
		waitFor(t, page, "#card-title", sale)
		if !waitFocus(page, "f-tracking") {
			t.Fatalf("parcel %d: focus on %q after the sale scan", i, focusedID(page))
		}
		scan(page, tracking)
		waitFor(t, page, ".result-ok", "Shipped: sale "+sale)
		if !waitFocus(page, "f-sale") {
			t.Fatalf("parcel %d: not ready for the next parcel (focus on %q)", i, focusedID(page))
		}
		if got := shippedTracking(t, api, sale, ""); got != tracking {
			t.Errorf("sandbox: sale %s tracking %q, want %q", sale, got, tracking)
		}
	}
	waitFor(t, page, "#shift-title", "(3)")
}

// TestDoubleEnterShipsOnce presses Enter twice quickly on the tracking
// number: one mark_shipped reaches the sandbox.
func TestDoubleEnterShipsOnce(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, map[string]string{"BACKOFFICE_SANDBOX_LATENCY": "200ms"})
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	sale := fx.ScanToShip[3]
	scan(page, sale)
	waitFor(t, page, "#card-title", sale)
	if !waitFocus(page, "f-tracking") {
		t.Fatal("focus did not reach the tracking number")
	}
	page.Keyboard.MustType([]input.Key(trackingtest.UPS(t, 500))...)
	page.Keyboard.MustType(input.Enter)
	page.Keyboard.MustType(input.Enter)
	waitFor(t, page, ".result-ok", "Shipped: sale "+sale)
	time.Sleep(500 * time.Millisecond)
	if n := sandboxCalls(t, p, "mark_shipped"); n != 1 {
		t.Fatalf("two Enters made %d mark_shipped calls", n)
	}
}

// sandboxCalls reads the sandbox's call counter through its control endpoint.
func sandboxCalls(t *testing.T, p *panel, method string) int {
	t.Helper()
	user, pass := p.creds(t)
	var counts map[string]int
	getJSON(t, p.URL+"/sandbox/_sandbox/calls", user, pass, &counts)
	for k, v := range counts {
		if k == method || strings.HasSuffix(k, "/"+method) {
			return v
		}
	}
	return 0
}

// TestShipMessagesAndInvoiceChoice scans the sales that cannot simply be
// shipped and checks each message, then the two-invoice question.
func TestShipMessagesAndInvoiceChoice(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	for _, tc := range []struct{ sale, sel, want string }{ // each scan starts from an emptied sale field
		{fx.Intangible, ".result-warn", "Nothing to ship"},
		{fx.Shipped, ".result-warn", "already shipped"},
		{"1234567890123", "#f-sale-err", "No sale has the number"},
	} {
		page.MustElement("#f-sale").MustSelectAllText().MustInput("")
		scan(page, tc.sale)
		waitFor(t, page, tc.sel, tc.want)
	}
	two := fx.TangibleTwoInvoices
	page.MustElement("#f-sale").MustSelectAllText().MustInput("")
	scan(page, two)
	waitFor(t, page, "legend", "Which invoice")
	waitFocus(page, "f-tracking")
	radios := page.MustElements(`input[name=invoice_id]`)
	if len(radios) != 2 {
		t.Fatalf("%d invoice choices", len(radios))
	}
	second := fx.Invoices[two][1]
	page.MustElement(`input[name=invoice_id][value="` + second + `"]`).MustClick()
	page.MustElement("#f-tracking").MustClick()
	label := trackingtest.UPS(t, 501)
	scan(page, label)
	waitFor(t, page, ".result-ok", "Shipped: sale "+two)
	api := p.API(t)
	if shippedTracking(t, api, two, second) != label || shippedTracking(t, api, two, fx.Invoices[two][0]) != "" {
		t.Error("the sandbox does not show exactly the chosen invoice shipped")
	}
}

// TestShipFitsSmallAndLandscapeScreens opens the screen with a sale card at
// 320 px wide and in landscape: nothing may need sideways scrolling, the
// inputs keep a 16 px font (no zoom on focus) and targets stay 44 px tall.
func TestShipFitsSmallAndLandscapeScreens(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	for _, vp := range []struct{ w, h int }{{320, 568}, {740, 360}} {
		if err := (proto.EmulationSetDeviceMetricsOverride{Width: vp.w, Height: vp.h, DeviceScaleFactor: 2, Mobile: true}).Call(page); err != nil {
			t.Fatal(err)
		}
		page.MustNavigate(p.URL + "/ship?sale=" + fx.TangibleTwoInvoices).MustWaitLoad()
		if w := page.MustEval(`() => document.documentElement.scrollWidth`).Int(); w > vp.w {
			t.Errorf("%dx%d: the page is %d px wide", vp.w, vp.h, w)
		}
		small := page.MustEval(`() => Array.from(document.querySelectorAll("main input:not([type=hidden]), main button, main select"))
			.filter(e => e.offsetParent !== null)
			.filter(e => parseFloat(getComputedStyle(e).fontSize) < 16 || (e.type !== "radio" && e.type !== "checkbox" && e.getBoundingClientRect().height < 44))
			.map(e => (e.id || e.name || e.textContent.trim()) + " " + getComputedStyle(e).fontSize + " " + Math.round(e.getBoundingClientRect().height) + "px")`).Arr()
		for _, s := range small {
			t.Errorf("%dx%d: too small for the floor: %s", vp.w, vp.h, s.String())
		}
	}
}
