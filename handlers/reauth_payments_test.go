package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backoffice/apiclient"
	"backoffice/money"
)

// A sale whose authorization is about to expire says so and offers
// "Reauthorize" to sales.reauth; 2Checkout's refusals read in plain words.
func TestReauthorize(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	fin, _ := h.signedInAs("finance")
	fin.get("/sales/" + fx.AuthExpiring)
	notice := dom(fin.body).Find("#reauth")
	if !strings.Contains(notice.Text(), "The card authorization expires on") || notice.Find("form").Length() != 1 {
		t.Fatalf("notice: %q", notice.Text())
	}
	action, f := formIn(t, fin.body, "#reauth")
	if resp := fin.post(action, f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reauthorize: %d %.300s", resp.StatusCode, fin.body)
	}
	fin.get("/sales/" + fx.AuthExpiring)
	if !strings.Contains(dom(fin.body).Find("#flash").Text(), "Payment reauthorized") || dom(fin.body).Find("#reauth").Length() != 0 {
		t.Errorf("after reauthorizing: flash %q, notice %q", dom(fin.body).Find("#flash").Text(), dom(fin.body).Find("#reauth").Text())
	}
	if got := auditRows(t, h, "sales.reauth"); len(got) != 1 || got[0].Outcome != "ok" {
		t.Errorf("audit %+v", got)
	}

	// The seeded declining card: FAILED, then TOO_SOON the same day.
	fin.get("/sales/" + fx.ReauthFailed)
	if !strings.Contains(dom(fin.body).Find("#reauth").Text(), "expired on") {
		t.Fatalf("expired notice: %q", dom(fin.body).Find("#reauth").Text())
	}
	action, f = formIn(t, fin.body, "#reauth")
	if resp := fin.post(action, f); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("declining card: %d", resp.StatusCode)
	}
	if got := dom(fin.body).Find("#reauth .err").Text(); !strings.Contains(got, "The card was not authorized again") {
		t.Errorf("FAILED in words: %q", got)
	}
	action, f = formIn(t, fin.body, "#reauth") // a fresh key: a new attempt
	fin.post(action, f)
	if got := dom(fin.body).Find("#reauth .err").Text(); !strings.Contains(got, "one attempt a day") {
		t.Errorf("TOO_SOON in words: %q", got)
	}
	// Captured already: no notice; reauth anyway says why not.
	fin.get("/sales/" + fx.ReauthTooLate)
	if dom(fin.body).Find("#reauth").Length() != 0 {
		t.Error("a captured payment is offered reauthorization")
	}
	resp := fin.post("/sales/"+fx.ReauthTooLate+"/reauth", url.Values{"_idem": {strings.Repeat("r", 40)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(dom(fin.body).Find(`[role="alert"]`).Text(), "already been collected") {
		t.Errorf("TOO_LATE: %d %q", resp.StatusCode, dom(fin.body).Find(`[role="alert"]`).Text())
	}
	// Fulfilment sees the warning, not the button; the ship form keeps
	// its reauthorize option.
	ful, _ := h.signedInAs("fulfilment")
	ful.get("/sales/" + fx.AuthExpired)
	if n := dom(ful.body).Find("#reauth form").Length(); n != 0 || dom(ful.body).Find("#reauth").Length() != 1 {
		t.Error("fulfilment: warning without the button expected")
	}
	if dom(ful.body).Find(`input[name="reauthorize"]`).Length() != 1 {
		t.Error("the ship form lost its reauthorize option")
	}
}

// /payments shows the sandbox's pending payment and the past ones, money
// as money and dates with their zone; fulfilment may not see it.
func TestPayments(t *testing.T) {
	h := newHarness(t)
	pend, err := h.api.PendingPayment(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	past, err := h.api.ListPayments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cents, ok := money.ParseAPI(pend.Amount)
	if !ok {
		t.Fatalf("pending amount %q", pend.Amount.Value)
	}
	want := money.Amount{Cents: cents, Currency: "USD"}.String()
	for _, role := range []string{"admin", "finance"} {
		b, _ := h.signedInAs(role)
		if resp := b.get("/payments"); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", role, resp.StatusCode)
		}
		if got := dom(b.body).Find("#pending-amount").Text(); got != want {
			t.Errorf("%s: pending %q, want %q", role, got, want)
		}
		if rows := dom(b.body).Find("tbody tr").Length(); rows != len(past) {
			t.Errorf("%s: %d past payments, want %d", role, rows, len(past))
		}
		if !strings.Contains(dom(b.body).Find("tbody").Text(), " UTC") {
			t.Errorf("%s: dates without their zone", role)
		}
	}
	ful, _ := h.signedInAs("fulfilment")
	if resp := ful.get("/payments"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("fulfilment: %d", resp.StatusCode)
	}
	if resp := ful.get("/payments.csv"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("fulfilment CSV: %d", resp.StatusCode)
	}
}

// The CSV download: one row per past payment, amounts as plain decimals,
// and API text that a spreadsheet would run as a formula defused.
func TestPaymentsCSV(t *testing.T) {
	up := &salesUpstream{next: apiclient.NewTransport()}
	h := newHarnessWith(t, []apiclient.ClientOption{apiclient.WithHTTPClient(&http.Client{Transport: up})})
	up.setFake(func(method string, _ url.Values) *http.Response {
		if method == "list_payments" {
			return apiAnswer(200, "application/json", `{"response_code":"OK","payments":[
				{"payment_id":"77","payment_identifier":"=HYPERLINK(\"http://evil\")","payment_type":"+wire","amount":"1234.50",
				 "date_paid":"2026-11-14 11:02:45","void":"0","total_sales":"1300.00","total_fees":"65.50"},
				{"payment_id":"78","payment_identifier":"ach_1","payment_type":"ach","amount":"10.00","void":"1","date_voided":"2026-11-01 00:00:00"}]}`)
		}
		return nil
	})
	b, _ := h.signedInAs("finance")
	resp := b.get("/payments.csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %v", resp.StatusCode, resp.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(b.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(money.PayoutsCSVHeader(), ",") {
		t.Fatalf("rows %v", rows)
	}
	r := rows[1]
	if r[0] != "77" || r[1] != `'=HYPERLINK("http://evil")` || r[2] != "'+wire" {
		t.Errorf("text columns %q", r[:3])
	}
	if r[3] != "2026-11-14T11:02:45Z" || r[7] != "USD" || r[8] != "1234.50" {
		t.Errorf("date, currency, amount %q", r[3:9])
	}
	if rows[2][4] != "yes" || rows[2][5] != "2026-11-01T00:00:00Z" {
		t.Errorf("voided %q", rows[2])
	}
}
