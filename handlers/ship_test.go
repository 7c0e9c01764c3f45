package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backoffice/apiclient"
	"backoffice/sandbox"
	"backoffice/tracking/trackingtest"
)

func formKey(t *testing.T, body string) string {
	t.Helper()
	return mustFormKey(t, body)
}

const hx = "HX-Request"

// lookupAndShip scans a sale, then a tracking number, as the htmx screen does.
func lookupAndShip(t *testing.T, b *browser, sale, invoice, tracking string) *http.Response {
	t.Helper()
	b.get("/ship?sale="+sale+"&notify=1", hx, "true")
	// The packer ticks that the label is right: these tests ship with
	// labels of their own making, not carriers' numbers.
	form := url.Values{"sale": {sale}, "tracking": {tracking}, "confirm_tracking": {"1"}, "notify": {"1"}, "_idem": {formKey(t, b.body)}}
	if invoice != "" {
		form.Set("invoice_id", invoice)
	}
	return b.post("/ship", form, hx, "true")
}

func shippedWith(t *testing.T, h *harness, sale, invoice string) string {
	t.Helper()
	s, err := h.api.DetailSale(context.Background(), apiclient.DetailSaleParams{SaleID: sale})
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

func TestShipScannerFlow(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	if resp := b.get("/ship"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, `id="f-sale"`) {
		t.Fatalf("screen: %d", resp.StatusCode)
	}
	for i, sale := range fx.ScanToShip[:3] {
		tracking := trackingtest.UPS(t, i)
		b.get("/ship?sale="+sale, hx, "true")
		if !strings.Contains(b.body, `id="f-tracking"`) || !strings.Contains(b.body, "data-focus autofocus") {
			t.Fatalf("lookup of %s did not offer the tracking field: %.400s", sale, b.body)
		}
		// The fragment, not a whole page.
		if strings.Contains(b.body, "<html") {
			t.Fatal("htmx lookup returned a whole page")
		}
		resp := b.post("/ship", url.Values{"sale": {sale}, "tracking": {tracking}, "notify": {"1"}, "_idem": {formKey(t, b.body)}}, hx, "true")
		if resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "Shipped: sale "+sale) || !strings.Contains(b.body, "data-vibrate") {
			t.Fatalf("parcel %d: %d %.400s", i, resp.StatusCode, b.body)
		}
		// Ready for the next parcel: the sale field is empty and focused.
		if !regexp.MustCompile(`id="f-sale" name="sale" value=""[^>]*data-focus`).MatchString(b.body) {
			t.Errorf("after parcel %d the sale field is not empty and focused", i)
		}
		if got := shippedWith(t, h, sale, ""); got != tracking {
			t.Errorf("sandbox shows tracking %q for %s", got, sale)
		}
	}
	// The shift list, newest first.
	b.get("/ship")
	list := b.body[strings.Index(b.body, "Shipped this shift"):]
	if !strings.Contains(list, "(3)") || strings.Index(list, fx.ScanToShip[2]) > strings.Index(list, fx.ScanToShip[0]) {
		t.Errorf("shift list: %.600s", list)
	}
	if n := h.sb.Calls("mark_shipped"); n != 3 {
		t.Errorf("mark_shipped called %d times", n)
	}
}

func TestShipWithoutJavaScript(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	sale := h.sb.SaleFixtures().ScanToShip[0]
	b.get("/ship?sale=" + sale + "&notify=0")
	if !strings.Contains(b.body, "<html") || !strings.Contains(b.body, `id="f-tracking"`) {
		t.Fatal("plain lookup did not render the page with the card")
	}
	if strings.Contains(b.body, `name="notify" value="1" checked`) {
		t.Error("the notify option was not remembered as off")
	}
	resp := b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {sale}, "tracking": {"TRACK-PLAIN-1"}, "_idem": {formKey(t, b.body)}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/ship?") {
		t.Fatalf("plain post: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	b.get(resp.Header.Get("Location"))
	if !strings.Contains(b.body, "Shipped: sale "+sale) || !strings.Contains(b.body, "result-ok") {
		t.Fatalf("after redirect: %.500s", b.body)
	}
	if got := shippedWith(t, h, sale, ""); got != "TRACK-PLAIN-1" {
		t.Errorf("sandbox: %q", got)
	}
}

func TestShipMessages(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	for _, tc := range []struct{ name, sale, want string }{
		{"intangible", fx.Intangible, "Nothing to ship"},
		{"already shipped", fx.Shipped, "already shipped"},
		{"unknown number", "1234567890123", "No sale has the number 1234567890123"},
		{"not a number", "12ab", "only digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := h.sb.Calls("detail_sale")
			b.get("/ship?sale="+url.QueryEscape(tc.sale), hx, "true")
			if !strings.Contains(b.body, tc.want) {
				t.Fatalf("want %q in %.600s", tc.want, b.body)
			}
			if !strings.Contains(b.body, `value="`+tc.sale+`"`) {
				t.Error("the scanned number was not kept")
			}
			if strings.Contains(b.body, `id="f-tracking"`) {
				t.Error("offered to ship something that cannot be shipped")
			}
			if tc.name == "not a number" && h.sb.Calls("detail_sale") != before {
				t.Error("a malformed number was sent upstream")
			}
		})
	}
	if n := h.sb.Calls("mark_shipped"); n != 0 {
		t.Errorf("mark_shipped called %d times", n)
	}
}

func TestShipAsksWhichInvoice(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	two := fx.TangibleTwoInvoices
	b.get("/ship?sale="+two, hx, "true")
	if !strings.Contains(b.body, "Which invoice is in this parcel?") || strings.Count(b.body, `name="invoice_id"`) != 2 {
		t.Fatalf("no invoice question: %.600s", b.body)
	}
	if strings.Contains(b.body, "checked") && regexp.MustCompile(`name="invoice_id" value="\d+" checked`).MatchString(b.body) {
		t.Error("an invoice was preselected although two are unshipped")
	}
	// Sending without choosing: the API's answer lands on the question.
	resp := b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {two}, "tracking": {"TWO-1"}, "_idem": {formKey(t, b.body)}}, hx, "true")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, "several invoices") && !strings.Contains(b.body, "2Checkout needs this value") {
		t.Fatalf("without an invoice: %d %.600s", resp.StatusCode, b.body)
	}
	if !strings.Contains(b.body, `value="TWO-1"`) {
		t.Error("the tracking number was not kept")
	}
	second := fx.Invoices[two][1]
	resp = b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {two}, "invoice_id": {second}, "tracking": {"TWO-1"}, "_idem": {formKey(t, b.body)}}, hx, "true")
	if !strings.Contains(b.body, "Shipped: sale "+two) {
		t.Fatalf("with the invoice: %d %.400s", resp.StatusCode, b.body)
	}
	if shippedWith(t, h, two, second) != "TWO-1" || shippedWith(t, h, two, fx.Invoices[two][0]) != "" {
		t.Error("the wrong invoice was shipped")
	}
	// One left: it is preselected.
	b.get("/ship?sale="+two, hx, "true")
	if !regexp.MustCompile(`value="` + fx.Invoices[two][0] + `" checked`).MatchString(b.body) {
		t.Errorf("the last unshipped invoice is not preselected: %.600s", b.body)
	}
}

func TestShipDoubleSubmitSendsOnce(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	sale := h.sb.SaleFixtures().ScanToShip[1]
	b.get("/ship?sale="+sale, hx, "true")
	key := formKey(t, b.body)
	h.sb.SetFaults(sandbox.Faults{Latency: 150 * time.Millisecond})
	var wg sync.WaitGroup
	bodies := make([]string, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			form := url.Values{"confirm_tracking": {"1"}, "sale": {sale}, "tracking": {"DOUBLE-1"}, "_idem": {key}, "_csrf": {b.csrf}}
			req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/ship", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(hx, "true")
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			buf := new(strings.Builder)
			_, _ = io.Copy(buf, resp.Body)
			bodies[i] = buf.String()
		}(i)
	}
	wg.Wait()
	if n := h.sb.Calls("mark_shipped"); n != 1 {
		t.Fatalf("two identical submits made %d mark_shipped calls", n)
	}
	for i, body := range bodies {
		if !strings.Contains(body, "Shipped: sale "+sale) {
			t.Errorf("submit %d did not show the first outcome: %.300s", i, body)
		}
	}
	// The back button and a resubmission of the same form: still one call.
	b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {sale}, "tracking": {"DOUBLE-1"}, "_idem": {key}}, hx, "true")
	if n := h.sb.Calls("mark_shipped"); n != 1 || !strings.Contains(b.body, "nothing was sent twice") {
		t.Fatalf("resubmission: %d calls, %.300s", n, b.body)
	}
	// The same key with another tracking number is refused.
	resp := b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {sale}, "tracking": {"OTHER-2"}, "_idem": {key}}, hx, "true")
	if resp.StatusCode == http.StatusOK && strings.Contains(b.body, "Shipped:") || h.sb.Calls("mark_shipped") != 1 {
		t.Fatalf("a reused key with other values was accepted: %d", resp.StatusCode)
	}
}

func TestShipFlagsReusedTrackingNumber(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	lookupAndShip(t, b, fx.ScanToShip[0], "", "REUSE-1")
	resp := lookupAndShip(t, b, fx.ScanToShip[1], "", "reuse-1")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, "already used on sale "+fx.ScanToShip[0]) {
		t.Fatalf("reuse not flagged: %d %.500s", resp.StatusCode, b.body)
	}
	if n := h.sb.Calls("mark_shipped"); n != 1 {
		t.Fatalf("sent despite the flag: %d calls", n)
	}
	b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {fx.ScanToShip[1]}, "tracking": {"reuse-1"}, "confirm_reuse": {"1"}, "_idem": {formKey(t, b.body)}}, hx, "true")
	if !strings.Contains(b.body, "Shipped: sale "+fx.ScanToShip[1]) {
		t.Fatalf("confirmed reuse not sent: %.400s", b.body)
	}
}

func TestShipBadTrackingNumbers(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	sale := h.sb.SaleFixtures().ScanToShip[0]
	for _, tr := range []string{"", "   ", strings.Repeat("9", 65), `1Z<b>"'`, "1Z\x01", "1Z\n2"} {
		b.get("/ship?sale="+sale, hx, "true")
		resp := b.post("/ship", url.Values{"sale": {sale}, "tracking": {tr}, "_idem": {formKey(t, b.body)}}, hx, "true")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, `id="f-tracking-err"`) {
			t.Errorf("tracking %q: %d", tr, resp.StatusCode)
		}
	}
	if n := h.sb.Calls("mark_shipped"); n != 0 {
		t.Fatalf("bad tracking numbers were sent: %d", n)
	}
}

func TestShipUpstreamFailures(t *testing.T) {
	h := newHarnessWith(t, []apiclient.ClientOption{apiclient.WithTimeouts(2*time.Second, 300*time.Millisecond)})
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	// An error code: explained, scans kept, one call, no retry.
	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"mark_shipped": "INTERNAL_ERROR"}})
	lookupAndShip(t, b, fx.ScanToShip[0], "", "FAIL-1")
	if !strings.Contains(b.body, "internal error") || !strings.Contains(b.body, `value="FAIL-1"`) || h.sb.Calls("mark_shipped") != 1 {
		t.Fatalf("INTERNAL_ERROR: calls %d, %.500s", h.sb.Calls("mark_shipped"), b.body)
	}
	// No answer in time: outcome unknown, the sale is checked, a check is offered.
	h.sb.SetFaults(sandbox.Faults{Latency: time.Second})
	b.get("/ship?sale="+fx.ScanToShip[1], hx, "true")
	key := formKey(t, b.body)
	h.sb.SetFaults(sandbox.Faults{})
	h.sb.SetFaults(sandbox.Faults{Latency: 600 * time.Millisecond})
	b.post("/ship", url.Values{"confirm_tracking": {"1"}, "sale": {fx.ScanToShip[1]}, "tracking": {"SLOW-1"}, "_idem": {key}}, hx, "true")
	h.sb.SetFaults(sandbox.Faults{})
	// The sandbox did ship it (the answer was only late), so the check that
	// follows the unknown outcome finds it shipped.
	if !strings.Contains(b.body, "Shipped: sale "+fx.ScanToShip[1]) && !strings.Contains(b.body, "Outcome unknown") {
		t.Fatalf("slow upstream: %.600s", b.body)
	}
	// The upstream down on lookup: a clear message, the scan kept.
	h.sb.SetFaults(sandbox.Faults{FailRate: 1})
	b.get("/ship?sale="+fx.ScanToShip[2], hx, "true")
	if !strings.Contains(b.body, "not answering") || !strings.Contains(b.body, `value="`+fx.ScanToShip[2]+`"`) {
		t.Fatalf("upstream down: %.500s", b.body)
	}
}

func TestShipIsForFulfilment(t *testing.T) {
	h := newHarness(t)
	for role, want := range map[string]int{"support": 403, "catalogue": 403, "viewer": 403, "fulfilment": 200, "admin": 200} {
		b, _ := h.signedInAs(role)
		if resp := b.get("/ship"); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", role, resp.StatusCode, want)
		}
	}
}

// The card lists what goes in the parcel: the goods, never the tax or
// shipping fee lines that the API types "product" like goods.
func TestShipCardListsGoodsNotFees(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	for _, sale := range fx.ScanToShip[:3] {
		b.get("/ship?sale=" + sale)
		items := dom(b.body).Find("ul.items li")
		if items.Length() == 0 {
			t.Fatalf("sale %s: the card lists no items", sale)
		}
		items.Each(func(_ int, li *goquery.Selection) {
			if name := li.Text(); strings.Contains(name, "Shipping Fee") || strings.Contains(name, "Tax Fee") {
				t.Errorf("sale %s: the card lists the fee line %q as an item", sale, name)
			}
		})
	}
}

// Scanning the sale's own barcode twice (or an invoice's, or the next
// slip's) puts a sale number in the tracking field: it is refused before
// anything is sent, in words next to the field, with the scan kept. A shape
// no carrier uses needs the packer's tick; a carrier's number is named.
func TestShipRefusesOwnNumbersAsTracking(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	sale := fx.ScanToShip[0]
	inv := fx.Invoices[sale][0]
	next := fx.ScanToShip[1]
	ship := func(tr string, tick bool) *http.Response {
		b.get("/ship?sale="+sale, hx, "true")
		f := url.Values{"sale": {sale}, "tracking": {tr}, "_idem": {formKey(t, b.body)}}
		if tick {
			f.Set("confirm_tracking", "1")
		}
		return b.post("/ship", f, hx, "true")
	}
	for _, c := range []struct{ tracking, want string }{
		{sale, "That is the sale number: scan the carrier's label."},
		// The scan screen has not read the sale's invoices; the invoice
		// number is refused for its shape.
		{inv, "scan the carrier's label"},
		{next, "looks like a sale number"},
	} {
		// Ticking the box does not let a sale number through.
		resp := ship(c.tracking, true)
		d := dom(b.body)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#f-tracking-err").Text(), c.want) {
			t.Errorf("tracking %s: %d, message %q; want %q", c.tracking, resp.StatusCode, d.Find("#f-tracking-err").Text(), c.want)
		}
		if v, _ := d.Find("#f-tracking").Attr("value"); v != c.tracking {
			t.Errorf("tracking %s: the field kept %q", c.tracking, v)
		}
	}
	if n := h.sb.Calls("mark_shipped"); n != 0 {
		t.Fatalf("%d mark_shipped calls for refused numbers", n)
	}
	// An unknown shape: the tick is offered, and nothing is sent without it.
	if resp := ship("PARCEL-77", false); resp.StatusCode != http.StatusUnprocessableEntity || dom(b.body).Find(`input[name=confirm_tracking]`).Length() != 1 {
		t.Fatalf("unknown shape: %d, no tick offered: %.400s", resp.StatusCode, b.body)
	}
	if n := h.sb.Calls("mark_shipped"); n != 0 {
		t.Fatalf("an unticked unknown number was sent (%d calls)", n)
	}
	// A carrier's number goes through at once, named.
	ups := trackingtest.UPS(t, 9)
	if resp := ship(ups, false); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "Tracking "+ups+" (UPS") {
		t.Fatalf("UPS number: %d %.400s", resp.StatusCode, b.body)
	}
	if got := shippedWith(t, h, sale, ""); got != ups {
		t.Errorf("sandbox has tracking %q, want %q", got, ups)
	}
	// The sale page links the carrier's tracking page.
	admin, _ := h.signedInAs("admin")
	admin.get("/sales/" + sale)
	link := dom(admin.body).Find("a.track")
	if href, _ := link.Attr("href"); link.Text() != ups || !strings.HasPrefix(href, "https://") || !strings.Contains(href, ups) {
		t.Errorf("sale page tracking link: %q → %q", link.Text(), href)
	}
}

// The sale page's ship form refuses the sale's own numbers too.
func TestSaleShipRefusesOwnNumbers(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("fulfilment")
	fx := h.sb.SaleFixtures()
	id := fx.TangibleOneInvoice
	b.get("/sales/" + id)
	key := saleFormKey(t, b.body, "/sales/"+id+"/ship")
	resp := b.post("/sales/"+id+"/ship", url.Values{"tracking": {fx.Invoices[id][0]}, "confirm_tracking": {"1"}, "_idem": {key}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b.body, "That is the invoice number") {
		t.Fatalf("invoice number as tracking: %d %.300s", resp.StatusCode, b.body)
	}
	if n := h.sb.Calls("mark_shipped"); n != 0 {
		t.Fatalf("%d mark_shipped calls", n)
	}
}
