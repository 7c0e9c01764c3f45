package e2e

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"backoffice/tracking/trackingtest"
)

// setOffline switches the page's network off or on, as a dead zone in the
// warehouse does (navigator.onLine and the online/offline events follow).
func setOffline(t *testing.T, page *rod.Page, off bool) {
	t.Helper()
	_ = proto.NetworkEnable{}.Call(page)
	if err := (proto.NetworkEmulateNetworkConditions{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}).Call(page); err != nil {
		t.Fatalf("network emulation: %v", err)
	}
}

// asPhone makes the page a 360×740 phone, the warehouse floor's screen.
func asPhone(t *testing.T, page *rod.Page) {
	t.Helper()
	if err := (proto.EmulationSetDeviceMetricsOverride{Width: 360, Height: 740, DeviceScaleFactor: 2, Mobile: true}).Call(page); err != nil {
		t.Fatal(err)
	}
}

// TestScanningTheSaleTwiceShipsNothing is the worst mistake on the floor:
// the packer scans the sale's barcode, then scans it again instead of the
// carrier's label. The number is refused in an alert before anything is
// sent, so the customer is never e-mailed a sale number as tracking.
func TestScanningTheSaleTwiceShipsNothing(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	api := p.API(t)
	page := signInAs(t, b, p, "fulfilment", true)
	asPhone(t, page)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	sale := fx.ScanToShip[7]
	scan(page, sale)
	waitFor(t, page, "#card-title", sale)
	if !waitFocus(page, "f-tracking") {
		t.Fatal("focus did not reach the tracking number")
	}
	scan(page, sale)
	waitFor(t, page, `#f-tracking-err[role="alert"]`, "That is the sale number: scan the carrier's label.")
	if got := shippedTracking(t, api, sale, ""); got != "" {
		t.Fatalf("the sale was shipped with tracking %q", got)
	}
	// The right label then ships it.
	label := trackingtest.UPS(t, 600)
	page.MustElement("#f-tracking").MustSelectAllText().MustInput("")
	scan(page, label)
	waitFor(t, page, ".result-ok", "Shipped: sale "+sale)
	if got := shippedTracking(t, api, sale, ""); got != label {
		t.Errorf("sandbox tracking %q, want %q", got, label)
	}
}

// waitEval waits until the JavaScript condition holds on the page.
func waitEval(t *testing.T, page *rod.Page, js string, within time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if v, err := page.Eval(js); err == nil && v.Value.Bool() {
			return
		}
		time.Sleep(40 * time.Millisecond)
	}
	t.Fatalf("%s: not within %v; page: %.800s", what, within, page.MustElement("main").MustText())
}

func queueCount(page *rod.Page) string {
	return page.MustEval(`() => document.getElementById("queue-count").textContent`).String()
}

// TestShipOfflineQueueSendsEachParcelOnce is the dead zone: the phone loses
// its connection, the packer ships three parcels anyway, the screen keeps
// them in a visible queue that survives a reload while 2Checkout still
// cannot be reached, and when the connection is back each parcel reaches
// the sandbox exactly once, in order, under its own form key.
func TestShipOfflineQueueSendsEachParcelOnce(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	api := p.API(t)
	page := signInAs(t, b, p, "fulfilment", true)
	asPhone(t, page)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	waitFocus(page, "f-sale")

	setOffline(t, page, true)
	waitEval(t, page, `() => !document.getElementById("ship-net").hidden`, 5*time.Second, "offline banner")
	sales := fx.ScanToShip[4:7]
	var numbers []string
	for i, sale := range sales {
		numbers = append(numbers, trackingtest.UPS(t, i))
		page.MustElement("#f-sale").MustSelectAllText().MustInput("")
		scan(page, sale)
		waitFor(t, page, "#offline-title", sale)
		if !waitFocus(page, "f-off-tracking") {
			t.Fatalf("parcel %d: focus on %q, want the tracking number", i, focusedID(page))
		}
		scan(page, numbers[i])
		waitFor(t, page, ".result-warn", "Kept on this phone: sale "+sale)
		if !waitFocus(page, "f-sale") {
			t.Fatalf("parcel %d: not ready for the next sale (focus on %q)", i, focusedID(page))
		}
	}
	// Scanning the sale barcode twice is refused on the phone too.
	scan(page, fx.ScanToShip[7])
	waitFor(t, page, "#offline-title", fx.ScanToShip[7])
	waitFocus(page, "f-off-tracking")
	scan(page, fx.ScanToShip[7])
	waitFor(t, page, "[data-offline] [data-err]", "That is the sale number")
	if got := queueCount(page); got != "3" {
		t.Fatalf("queue shows %s parcels, want 3", got)
	}
	for _, sale := range sales {
		waitFor(t, page, "#queue-list", sale)
	}

	// The connection returns but 2Checkout's side is still unreachable (every
	// send fails on the way): nothing is lost, and a reload keeps the queue.
	router := page.HijackRequests()
	router.MustAdd("*/ship", func(h *rod.Hijack) {
		if h.Request.Method() == "POST" {
			h.Response.Fail(proto.NetworkErrorReasonConnectionRefused)
			return
		}
		h.ContinueRequest(&proto.FetchContinueRequest{})
	})
	go router.Run()
	setOffline(t, page, false)
	time.Sleep(time.Second)
	page.MustReload().MustWaitLoad()
	waitFor(t, page, "#queue-title", "(3)")
	for _, sale := range sales {
		waitFor(t, page, "#queue-list", sale)
	}
	if n := sandboxCalls(t, p, "mark_shipped"); n != 0 {
		t.Fatalf("%d mark_shipped calls while every send failed", n)
	}

	// Now the sends go through: the queue empties on its own.
	if err := router.Stop(); err != nil {
		t.Fatal(err)
	}
	waitEval(t, page, `() => document.getElementById("ship-queue").hidden`, 30*time.Second, "queue sent")
	for i, sale := range sales {
		if got := shippedTracking(t, api, sale, ""); got != numbers[i] {
			t.Errorf("sandbox: sale %s has tracking %q, want %q", sale, got, numbers[i])
		}
	}
	if n := sandboxCalls(t, p, "mark_shipped"); n != 3 {
		t.Errorf("%d mark_shipped calls for three parcels", n)
	}
	waitFor(t, page, "#shift-title", "(3)")
}

// TestShipLostAnswerIsNotSentTwice loses the answer to a parcel that did
// reach the server (the phone drops off the network as 2Checkout answers):
// the phone keeps the parcel under the form key it was sent with and sends
// it again; the server recognises the key and does not call 2Checkout twice.
func TestShipLostAnswerIsNotSentTwice(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	sale := fx.ScanToShip[0]
	scan(page, sale)
	waitFor(t, page, "#card-title", sale)
	waitFocus(page, "f-tracking")

	var first atomic.Int32
	router := page.HijackRequests()
	router.MustAdd("*/ship", func(h *rod.Hijack) {
		if h.Request.Method() != "POST" || first.Add(1) != 1 {
			h.ContinueRequest(&proto.FetchContinueRequest{})
			return
		}
		// Deliver the request (with the page's cookies, which the browser
		// adds only later), then drop the answer.
		var jar []string
		for _, c := range page.MustCookies() {
			jar = append(jar, c.Name+"="+c.Value)
		}
		h.Request.Req().Header.Set("Cookie", strings.Join(jar, "; "))
		if err := h.LoadResponse(http.DefaultClient, true); err != nil {
			t.Errorf("deliver the first send: %v", err)
		}
		h.Response.Fail(proto.NetworkErrorReasonConnectionReset)
	})
	go router.Run()
	t.Cleanup(func() { _ = router.Stop() })

	number := trackingtest.UPS(t, 9)
	scan(page, number)
	waitFor(t, page, ".result-warn", "Kept on this phone: sale "+sale)
	waitEval(t, page, `() => document.getElementById("ship-queue").hidden`, 30*time.Second, "queue sent")
	if first.Load() < 2 {
		t.Fatalf("%d sends reached the router, want the lost one and the resend", first.Load())
	}
	if got := shippedTracking(t, p.API(t), sale, ""); got != number {
		t.Errorf("sandbox: tracking %q, want %q", got, number)
	}
	if n := sandboxCalls(t, p, "mark_shipped"); n != 1 {
		t.Errorf("%d mark_shipped calls, want 1", n)
	}
	waitFor(t, page, "#shift-title", "(1)")
}

// TestShipShowsBusyWhileSending: with 2Checkout slow, the screen says at
// once that it is working: the button is disabled and reads "Looking up…"
// or "Sending…", and the region is aria-busy.
func TestShipShowsBusyWhileSending(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, map[string]string{"BACKOFFICE_SANDBOX_LATENCY": "1500ms"})
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	busy := func(form, label string) string {
		return `() => { const b = document.querySelector("` + form + ` button[type=submit]");
			return b.disabled && b.innerText.trim() === "` + label + `" && document.getElementById("ship").getAttribute("aria-busy") === "true"; }`
	}
	sale := fx.ScanToShip[1]
	scan(page, sale)
	waitEval(t, page, busy("[data-lookup-form]", "Looking up…"), 400*time.Millisecond, "busy lookup")
	waitFor(t, page, "#card-title", sale)
	waitFocus(page, "f-tracking")
	scan(page, trackingtest.UPS(t, 7))
	waitEval(t, page, busy("[data-ship-form]", "Sending…"), 400*time.Millisecond, "busy send")
	waitFor(t, page, ".result-ok", "Shipped: sale "+sale)
	if page.MustEval(`() => document.getElementById("ship").hasAttribute("aria-busy")`).Bool() {
		t.Error("still aria-busy after the answer")
	}
}

// TestShipProblemsAlertAndBuzz: a problem is a role=alert message within a
// second, with the problem vibration (not the success one) and, once the
// packer switched it on, a sound setting that survives a reload.
func TestShipProblemsAlertAndBuzz(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	// Record vibrations: headless Chromium has no motor.
	page.MustEvalOnNewDocument(`navigator.vibrate = (p) => { (window.buzz = window.buzz || []).push(JSON.stringify(p)); return true; }`)
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	lastBuzz := func() string {
		return page.MustEval(`() => (window.buzz || []).slice(-1)[0] || ""`).String()
	}

	page.MustElement("#f-sound").MustClick()
	page.MustReload().MustWaitLoad()
	if !page.MustEval(`() => document.getElementById("f-sound").checked`).Bool() {
		t.Error("the sound setting was not remembered on the device")
	}

	page.MustElement("#f-sale").MustClick()
	start := time.Now()
	scan(page, "1234567890123")
	waitFor(t, page, `[role="alert"]`, "No sale has the number")
	if d := time.Since(start); d > time.Second {
		t.Errorf("the alert took %v", d)
	}
	if got := lastBuzz(); got != "[250,100,250,100,250]" {
		t.Errorf("problem vibration %q", got)
	}
	page.MustElement("#f-sale").MustSelectAllText().MustInput("")
	sale := fx.ScanToShip[2]
	scan(page, sale)
	waitFor(t, page, "#card-title", sale)
	waitFocus(page, "f-tracking")
	scan(page, trackingtest.UPS(t, 5))
	waitFor(t, page, ".result-ok", "Shipped: sale "+sale)
	if got := lastBuzz(); got != "[120]" {
		t.Errorf("success vibration %q", got)
	}
}
