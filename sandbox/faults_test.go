package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("300ms", "0.1", "mark_shipped=INTERNAL_ERROR, sales/detail_sale=FORBIDDEN")
	if err != nil {
		t.Fatal(err)
	}
	if f.Latency != 300*time.Millisecond || f.FailRate != 0.1 || f.ForceError["mark_shipped"] != "INTERNAL_ERROR" ||
		f.ForceError["detail_sale"] != "FORBIDDEN" || len(f.ForceError) != 2 {
		t.Fatalf("%+v", f)
	}
	if f, err := ParseFaults("", "", ""); err != nil || f.Latency != 0 || f.FailRate != 0 || f.ForceError != nil {
		t.Fatalf("%+v %v", f, err)
	}
	for _, bad := range [][3]string{
		{"soon", "", ""}, {"-1s", "", ""}, {"", "1.5", ""}, {"", "-0.1", ""}, {"", "NaN", ""}, {"", "x", ""},
		{"", "", "mark_shipped"}, {"", "", "no_such_method=FAILED"}, {"", "", "mark_shipped=lower case"},
	} {
		if _, err := ParseFaults(bad[0], bad[1], bad[2]); err == nil {
			t.Fatalf("accepted %q", bad)
		}
	}
	if _, err := New(Config{Username: "u", Password: "p", Faults: Faults{FailRate: 2}}); err == nil {
		t.Fatal("New accepted a bad fail rate")
	}
}

func TestFaultKnobs(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()

	// Latency is added before the answer.
	s.SetFaults(Faults{Latency: 40 * time.Millisecond})
	start := time.Now()
	get(t, s, "acct/detail_company_info", nil).wantOK(t, "")
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Fatalf("answered after %v", d)
	}
	// A client that gives up is not answered.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest(http.MethodGet, "/api/acct/detail_company_info", nil).WithContext(ctx)
	r.SetBasicAuth(testUser, testPass)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Body.Len() != 0 {
		t.Fatal("answered a cancelled request")
	}

	// Every call fails.
	s.SetFaults(Faults{FailRate: 1})
	get(t, s, "products/list_products", nil).wantErrMsg(t, 500, "INTERNAL_ERROR", "An internal error occurred.")
	post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "x")).wantErr(t, 500, "INTERNAL_ERROR", "")
	s.SetFaults(Faults{FailRate: 7, Latency: -1})
	if f := s.Faults(); f.FailRate != 1 || f.Latency != 0 {
		t.Fatalf("not clamped: %+v", f)
	}

	// Forced errors use the documented message and status, and change nothing.
	s.SetFaults(Faults{ForceError: map[string]string{
		"mark_shipped": "INTERNAL_ERROR", "detail_sale": "FORBIDDEN", "create_comment": "PARAMETER_INVALID",
		"reauth": "TOO_SOON", "list_coupons": "RECORD_NOT_FOUND", "detail_company_info": "PARAMETER_MISSING",
		"detail_product": "SOMETHING_ELSE", "bogus": "FAILED",
	}})
	if _, kept := s.Faults().ForceError["bogus"]; kept {
		t.Fatal("unknown method kept")
	}
	post(t, s, "sales/mark_shipped", form("sale_id", fx.TangibleOneInvoice, "tracking_number", "T")).
		wantErrMsg(t, 500, "INTERNAL_ERROR", "Failed to marked shipped.")
	post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "x")).wantErr(t, 400, "PARAMETER_INVALID", "sale_id")
	post(t, s, "sales/reauth", form("sale_id", fx.AuthExpired)).wantErrMsg(t, 400, "TOO_SOON", "Please wait until the next day to reauthorize again.")
	get(t, s, "sales/detail_sale", form("sale_id", fx.Shipped)).wantErrMsg(t, 403, "FORBIDDEN", "Access denied to sale.")
	get(t, s, "products/list_coupons", nil).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	get(t, s, "acct/detail_company_info", nil).wantErr(t, 400, "PARAMETER_MISSING", "vendor_id")
	get(t, s, "products/detail_product", form("product_id", "1")).wantErrMsg(t, 400, "SOMETHING_ELSE", "Forced error SOMETHING_ELSE.")
	s.SetFaults(Faults{})
	if inv := sale(t, s, fx.TangibleOneInvoice)["invoices"].([]any)[0].(map[string]any); inv["date_shipped"] != nil {
		t.Fatal("forced error shipped anyway")
	}
	if s.Calls("mark_shipped") != 1 {
		t.Fatal("forced errors are calls too")
	}
}

func control(t *testing.T, s *Sandbox, method, path string, body url.Values, auth bool) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body.Encode()))
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth {
		r.SetBasicAuth(testUser, testPass)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

func TestControlEndpoints(t *testing.T) {
	s := newTestSandbox(t)
	fx := s.SaleFixtures()

	if code, _ := control(t, s, "GET", "/_sandbox/faults", nil, false); code != 401 {
		t.Fatalf("unauthenticated: %d", code)
	}
	code, f := control(t, s, "GET", "/_sandbox/faults", nil, true)
	if code != 200 || f["latency"] != "0s" || f["fail_rate"] != "0" || f["force_error"] != "" {
		t.Fatalf("%d %v", code, f)
	}
	code, f = control(t, s, "POST", "/_sandbox/faults", url.Values{"latency": {"5ms"}, "force_error": {"mark_shipped=FAILED,detail_sale=FORBIDDEN"}}, true)
	if code != 200 || f["latency"] != "5ms" || f["force_error"] != "detail_sale=FORBIDDEN,mark_shipped=FAILED" {
		t.Fatalf("%d %v", code, f)
	}
	if got := s.Faults(); got.Latency != 5*time.Millisecond || got.ForceError["mark_shipped"] != "FAILED" {
		t.Fatalf("%+v", got)
	}
	// An absent field keeps its value; an empty one clears it.
	_, f = control(t, s, "POST", "/_sandbox/faults", url.Values{"fail_rate": {"0.25"}, "latency": {""}}, true)
	if f["latency"] != "0s" || f["fail_rate"] != "0.25" || f["force_error"] == "" {
		t.Fatalf("%v", f)
	}
	if code, f = control(t, s, "POST", "/_sandbox/faults", url.Values{"fail_rate": {"2"}}, true); code != 400 || f["error"] == nil {
		t.Fatalf("%d %v", code, f)
	}
	control(t, s, "POST", "/_sandbox/faults", url.Values{"fail_rate": {"0"}, "force_error": {""}}, true)

	post(t, s, "sales/create_comment", form("sale_id", fx.Shipped, "sale_comment", "gone after reset")).wantOK(t, "")
	code, calls := control(t, s, "GET", "/_sandbox/calls", nil, true)
	if code != 200 || calls["create_comment"] != float64(1) {
		t.Fatalf("%d %v", code, calls)
	}
	if code, _ = control(t, s, "GET", "/_sandbox/reset", nil, true); code != 405 {
		t.Fatalf("GET reset: %d", code)
	}
	// A cross-site browser request cannot reset the sandbox.
	r := httptest.NewRequest("POST", "/_sandbox/reset", nil)
	r.SetBasicAuth(testUser, testPass)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != 403 {
		t.Fatalf("cross-site: %d", w.Code)
	}
	if code, _ = control(t, s, "POST", "/_sandbox/reset", nil, true); code != 200 {
		t.Fatalf("reset: %d", code)
	}
	for _, c := range comments(t, s, fx.Shipped) {
		if c == "gone after reset" {
			t.Fatal("reset kept the comment")
		}
	}
	if _, calls = control(t, s, "GET", "/_sandbox/calls", nil, true); calls["create_comment"] != nil {
		t.Fatalf("calls after reset %v", calls)
	}
	if code, _ = control(t, s, "GET", "/_sandbox/nothing", nil, true); code != 404 {
		t.Fatal(code)
	}
}
