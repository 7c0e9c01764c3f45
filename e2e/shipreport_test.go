package e2e

import (
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/proto"

	"backoffice/tracking/trackingtest"
)

// TestShipReportOnSlowMobileNetwork measures, for the record rather than as
// a pass/fail budget, what a parcel costs on the warehouse floor: the sandbox
// answers after 300 ms and the browser is throttled to a slow mobile network
// (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, as Lighthouse's mobile
// profile). It reports the time from the tracking number's Enter to the
// screen ready for the next parcel, and the bytes each parcel moves.
// Run with -v to read the numbers.
func TestShipReportOnSlowMobileNetwork(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, map[string]string{"BACKOFFICE_SANDBOX_LATENCY": "300ms"})
	fx := fixtures(t)
	page := signInAs(t, b, p, "fulfilment", true)
	if err := (proto.NetworkEnable{}).Call(page); err != nil {
		t.Fatal(err)
	}
	if err := (proto.NetworkEmulateNetworkConditions{Latency: 150, DownloadThroughput: 1.6e6 / 8, UploadThroughput: 750e3 / 8}).Call(page); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var bytes float64
	go page.EachEvent(func(e *proto.NetworkLoadingFinished) {
		mu.Lock()
		bytes += e.EncodedDataLength
		mu.Unlock()
	})()

	if err := (proto.NetworkClearBrowserCache{}).Call(page); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	page.MustNavigate(p.URL + "/ship").MustWaitLoad()
	firstLoad := time.Since(start)
	mu.Lock()
	loadBytes := bytes
	mu.Unlock()

	var ready []time.Duration
	var perParcel []float64
	for i, sale := range fx.ScanToShip[:5] {
		mu.Lock()
		bytes = 0
		mu.Unlock()
		scan(page, sale)
		waitFor(t, page, "#card-title", sale)
		if !waitFocus(page, "f-tracking") {
			t.Fatal("focus did not reach the tracking number")
		}
		page.Keyboard.MustType([]input.Key(trackingtest.UPS(t, 400+i))...)
		enter := time.Now()
		page.Keyboard.MustType(input.Enter)
		waitFor(t, page, ".result-ok", "Shipped: sale "+sale)
		if !waitFocus(page, "f-sale") {
			t.Fatal("not ready for the next parcel")
		}
		ready = append(ready, time.Since(enter))
		time.Sleep(200 * time.Millisecond) // let the last response's accounting arrive
		mu.Lock()
		perParcel = append(perParcel, bytes)
		mu.Unlock()
	}
	sort.Slice(ready, func(i, j int) bool { return ready[i] < ready[j] })
	sort.Float64s(perParcel)
	t.Logf("first load of /ship with an empty cache: %v, %.1f KB over the network (gzipped)", firstLoad.Round(time.Millisecond), loadBytes/1024)
	t.Logf("tracking Enter → ready for the next parcel: median %v (min %v, max %v) over %d parcels",
		ready[len(ready)/2].Round(time.Millisecond), ready[0].Round(time.Millisecond), ready[len(ready)-1].Round(time.Millisecond), len(ready))
	t.Logf("bytes per parcel (lookup + ship, both responses): median %.1f KB (min %.1f, max %.1f)",
		perParcel[len(perParcel)/2]/1024, perParcel[0]/1024, perParcel[len(perParcel)-1]/1024)
}
