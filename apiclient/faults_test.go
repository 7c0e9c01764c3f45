package apiclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// expectResponseError asserts err is a *ResponseError with the given reason
// that matches ErrUnexpectedResponse.
func expectResponseError(t *testing.T, err error, reason string) *ResponseError {
	t.Helper()
	var re *ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("err = %T %v, want *ResponseError", err, err)
	}
	if !errors.Is(err, ErrUnexpectedResponse) {
		t.Errorf("errors.Is(err, ErrUnexpectedResponse) = false")
	}
	eq(t, "Reason", re.Reason, reason)
	return re
}

func TestMalformedSuccessBodies(t *testing.T) {
	ctx := context.Background()
	full := testdata(t, "list_products.json")
	cases := []struct {
		name, ct, reason, field string
		status                  int
		body                    []byte
		wantHits                int32
	}{
		{name: "XML instead of JSON", ct: "application/xml", status: 200, reason: "not JSON",
			body: []byte(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "boom">]><response><response_code>OK</response_code></response>`), wantHits: 1},
		{name: "HTML error page on 502 (read retried)", ct: "text/html", status: 502, reason: "not JSON",
			body: []byte(`<html><body><h1>502 Bad Gateway</h1></body></html>`), wantHits: 3},
		{name: "truncated JSON", ct: "application/json", status: 200, reason: "truncated", body: full[:len(full)/2], wantHits: 1},
		{name: "mistyped JSON", ct: "application/json", status: 200, reason: "malformed JSON", body: []byte(`{"products": [}`), wantHits: 1},
		{name: "object where a list belongs", ct: "application/json", status: 200, reason: "wrong type", field: "products",
			body: []byte(`{"response_code":"OK","products": {}}`), wantHits: 1},
		{name: "object where a scalar belongs", ct: "application/json", status: 200, reason: "wrong type",
			body: []byte(`{"response_code":"OK","products": [{"price": {"amount": 1}}]}`), wantHits: 1},
		{name: "null body", ct: "application/json", status: 200, reason: "not an object", body: []byte(`null`), wantHits: 1},
		{name: "top-level array", ct: "application/json", status: 200, reason: "not an object", body: []byte(`[]`), wantHits: 1},
		{name: "empty body", ct: "application/json", status: 200, reason: "empty body", body: nil, wantHits: 1},
		{name: "no content type", ct: "", status: 200, reason: "not JSON", body: full, wantHits: 1},
		{name: "non-numeric page number", ct: "application/json", status: 200, reason: "wrong type", field: "page_info.last_page",
			body: []byte(`{"page_info":{"last_page":"many"},"products":[]}`), wantHits: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
				if tc.ct == "" {
					w.Header()["Content-Type"] = nil // stop net/http sniffing one
				}
				respond(w, tc.status, tc.ct, tc.body)
			})
			var logs syncBuffer
			list, err := newTestClient(t, f.URL, WithLogger(debugLogger(&logs))).ListProducts(ctx, ListProductsParams{})
			if list != nil {
				t.Errorf("partial result returned: %+v", list)
			}
			re := expectResponseError(t, err, tc.reason)
			eq(t, "Status", re.Status, tc.status)
			eq(t, "Size", re.Size, int64(len(tc.body)))
			if tc.field != "" {
				eq(t, "Field", re.Field, tc.field)
			}
			eq(t, "hits", f.hits.Load(), tc.wantHits)
			if len(re.BodySHA256) != 12 {
				t.Errorf("BodySHA256 = %q", re.BodySHA256)
			}
			if !strings.Contains(logs.String(), "body_sha256="+re.BodySHA256) {
				t.Errorf("log lacks the body hash: %s", logs.String())
			}
			// Neither the error nor the log quotes the body.
			for _, s := range []string{err.Error(), logs.String()} {
				if len(tc.body) > 8 && strings.Contains(s, string(tc.body[:8])) || strings.Contains(s, "Bad Gateway</h1>") || strings.Contains(s, "boom") {
					t.Errorf("body leaked: %s", s)
				}
			}
		})
	}
}

// A required payload key missing from an "OK" answer is an error, not a zero
// value shown as data.
func TestMissingPayload(t *testing.T) {
	for _, body := range []string{`{"response_code":"OK"}`, `{"response_code":"OK","sale":null}`} {
		f := newFakeAPI(t, jsonHandler(200, []byte(body)))
		s, err := newTestClient(t, f.URL).DetailSale(context.Background(), DetailSaleParams{SaleID: "1"})
		if s != nil {
			t.Errorf("%s: got a sale", body)
		}
		re := expectResponseError(t, err, "missing data")
		eq(t, "Field", re.Field, "sale")
	}
	f := newFakeAPI(t, jsonHandler(200, []byte(`{"response_code":"OK","option":[]}`)))
	_, err := newTestClient(t, f.URL).DetailOption(context.Background(), DetailOptionParams{OptionID: "1"})
	expectResponseError(t, err, "missing data")
}

func TestNonOKResponseCode(t *testing.T) {
	f := newFakeAPI(t, jsonHandler(200, []byte(`{"response_code":"FAILED","response_message":"Failed to reauthorize payment."}`)))
	_, err := newTestClient(t, f.URL).Reauth(context.Background(), ReauthParams{SaleID: "1"})
	eq(t, "Code", Code(err), "FAILED")
}

func TestBodyOverCap(t *testing.T) {
	const limit = 1 << 20
	const sent = 64 << 20
	t.Run("streamed", func(t *testing.T) {
		f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			chunk := bytes.Repeat([]byte(" "), 32<<10)
			_, _ = w.Write([]byte(`{"products":[`))
			for n := 0; n < sent; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return // the client hung up, as it should
				}
			}
		})
		c := newTestClient(t, f.URL, WithMaxBodySize(limit))
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := c.ListProducts(context.Background(), ListProductsParams{})
		runtime.ReadMemStats(&after)
		re := expectResponseError(t, err, "too large")
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("errors.Is(err, ErrTooLarge) = false")
		}
		eq(t, "Size", re.Size, int64(limit+1))
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
			t.Errorf("allocated %d bytes reading a capped body", grew)
		}
		eq(t, "hits", f.hits.Load(), int32(1))
	})
	t.Run("declared length", func(t *testing.T) {
		f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", fmt.Sprint(limit+10))
			_, _ = w.Write(bytes.Repeat([]byte(" "), limit+10))
		})
		_, err := newTestClient(t, f.URL, WithMaxBodySize(limit)).ListProducts(context.Background(), ListProductsParams{})
		expectResponseError(t, err, "too large")
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("errors.Is(err, ErrTooLarge) = false")
		}
	})
}

func TestRedirectNotFollowed(t *testing.T) {
	target := newFakeAPI(t, jsonHandler(200, testdata(t, "list_products.json")))
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/elsewhere", http.StatusFound)
	})
	_, err := newTestClient(t, f.URL).ListProducts(context.Background(), ListProductsParams{})
	re := expectResponseError(t, err, "redirect")
	eq(t, "Status", re.Status, http.StatusFound)
	eq(t, "redirect target hits", target.hits.Load(), int32(0))
	eq(t, "hits (no retry)", f.hits.Load(), int32(1))
	if strings.Contains(err.Error(), target.URL) {
		t.Errorf("error quotes the Location: %v", err)
	}

	// A caller-supplied client is forced not to follow either.
	c := newTestClient(t, f.URL, WithHTTPClient(&http.Client{}))
	_, err = c.ListProducts(context.Background(), ListProductsParams{})
	expectResponseError(t, err, "redirect")
	eq(t, "redirect target hits", target.hits.Load(), int32(0))
}

func TestUnauthorized(t *testing.T) {
	cases := []struct {
		name, ct string
		body     []byte
	}{
		{"JSON body", "application/json", testdata(t, "error_unauthorized.json")},
		{"HTML body", "text/html", []byte("<html>401 Authorization Required</html>")},
		{"empty body", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("WWW-Authenticate", `Basic realm="2CO API"`)
				respond(w, http.StatusUnauthorized, tc.ct, tc.body)
			})
			_, err := newTestClient(t, f.URL).ListProducts(context.Background(), ListProductsParams{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v, want *Error", err, err)
			}
			eq(t, "IsUnauthorized", IsUnauthorized(err), true)
			eq(t, "Status", e.Status, 401)
			eq(t, "Code", e.Code, CodeUnauthorized)
			eq(t, "hits (never retried)", f.hits.Load(), int32(1))
		})
	}
}

func TestRetryReadAfter429(t *testing.T) {
	body := testdata(t, "list_options.json")
	var n atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			respond(w, http.StatusTooManyRequests, "application/json", []byte(`{"errors":[{"code":"RATE_LIMITED","message":"slow down"}]}`))
			return
		}
		respond(w, 200, "application/json", body)
	})
	// Retry-After (1s) is capped by the max backoff (150ms): the wait is
	// exactly the cap, well above the 1ms jittered base.
	c := newTestClient(t, f.URL, WithRetry(3, time.Millisecond, 150*time.Millisecond))
	start := time.Now()
	l, err := c.ListOptions(context.Background(), ListOptionsParams{})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	eq(t, "hits", f.hits.Load(), int32(2))
	text(t, "option", l.Options[0].OptionName, "Volume")
	if elapsed < 140*time.Millisecond || elapsed > 900*time.Millisecond {
		t.Errorf("elapsed %v, want about the 150ms cap", elapsed)
	}

	// A write is never retried, even on 429.
	g := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		respond(w, http.StatusTooManyRequests, "application/json", []byte(`{"errors":[{"code":"RATE_LIMITED","message":"slow down"}]}`))
	})
	c = newTestClient(t, g.URL, WithRetry(3, time.Millisecond, 150*time.Millisecond))
	_, err = c.CreateComment(context.Background(), CreateCommentParams{SaleID: "1", SaleComment: "x"})
	eq(t, "IsRateLimited", IsRateLimited(err), true)
	eq(t, "write hits", g.hits.Load(), int32(1))
	var e *Error
	if errors.As(err, &e) {
		eq(t, "RetryAfter", e.RetryAfter, time.Second)
	}
}

func TestRetryRead500ThenSuccess(t *testing.T) {
	var logs syncBuffer
	var n atomic.Int32
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			respond(w, 500, "application/json", []byte(`{"errors":[{"code":"INTERNAL_ERROR","message":"oops"}]}`))
			return
		}
		respond(w, 200, "application/json", testdata(t, "detail_product.json"))
	})
	p, err := newTestClient(t, f.URL, WithLogger(debugLogger(&logs))).DetailProduct(context.Background(), DetailProductParams{ProductID: "4635212971"})
	if err != nil {
		t.Fatal(err)
	}
	text(t, "product_id", p.ProductID, "4635212971")
	eq(t, "attempts", f.hits.Load(), int32(2))
	if !strings.Contains(logs.String(), "attempt=2") || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("retry not visible in logs: %s", logs.String())
	}
}

func TestRetryReadGivesUp(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		respond(w, 503, "application/json", []byte(`{"errors":[{"code":"UNAVAILABLE","message":"down"}]}`))
	})
	_, err := newTestClient(t, f.URL).ListSales(context.Background(), ListSalesParams{})
	eq(t, "hits (3 attempts)", f.hits.Load(), int32(3))
	var e *Error
	if !errors.As(err, &e) || e.Status != 503 {
		t.Fatalf("err = %v", err)
	}

	// 4xx other than 429 is never retried.
	g := newFakeAPI(t, jsonHandler(404, testdata(t, "error_record_not_found.json")))
	_, err = newTestClient(t, g.URL).DetailSale(context.Background(), DetailSaleParams{SaleID: "1"})
	eq(t, "IsNotFound", IsNotFound(err), true)
	eq(t, "404 hits", g.hits.Load(), int32(1))
}

func TestWriteNeverRetried(t *testing.T) {
	f := newFakeAPI(t, jsonHandler(500, []byte(`{"errors":[{"code":"INTERNAL_ERROR","message":"Failed to marked shipped."}]}`)))
	_, err := newTestClient(t, f.URL).MarkShipped(context.Background(), MarkShippedParams{SaleID: "1", TrackingNumber: "T"})
	eq(t, "hits", f.hits.Load(), int32(1))
	eq(t, "Code", Code(err), "INTERNAL_ERROR")
	eq(t, "API answered: outcome known", IsOutcomeUnknown(err), false)

	// A gateway page instead of the API's answer: nobody knows.
	g := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		respond(w, 502, "text/html", []byte("<html>Bad Gateway</html>"))
	})
	_, err = newTestClient(t, g.URL).MarkShipped(context.Background(), MarkShippedParams{SaleID: "1", TrackingNumber: "T"})
	eq(t, "gateway hits", g.hits.Load(), int32(1))
	eq(t, "IsOutcomeUnknown", IsOutcomeUnknown(err), true)
	eq(t, "still unexpected response", errors.Is(err, ErrUnexpectedResponse), true)
}

func TestWriteHangsOutcomeUnknown(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := newTestClient(t, f.URL, WithTimeouts(time.Second, 300*time.Millisecond))
	start := time.Now()
	_, err := c.MarkShipped(context.Background(), MarkShippedParams{SaleID: "1", TrackingNumber: "T"})
	elapsed := time.Since(start)
	eq(t, "IsOutcomeUnknown", IsOutcomeUnknown(err), true)
	eq(t, "IsNotSent", IsNotSent(err), false)
	eq(t, "deadline", errors.Is(err, context.DeadlineExceeded), true)
	eq(t, "hits", f.hits.Load(), int32(1))
	if elapsed > 2*time.Second {
		t.Errorf("took %v with a 300ms write timeout", elapsed)
	}
}

// hijack answers with the status line and part of a body, then cuts the
// connection.
func hijackCut(w http.ResponseWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"response_code\":")
	_ = buf.Flush()
	_ = conn.Close()
}

func TestConnectionResetMidResponse(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) { hijackCut(w) })
	c := newTestClient(t, f.URL)
	_, err := c.CreateComment(context.Background(), CreateCommentParams{SaleID: "1", SaleComment: "x"})
	eq(t, "write: IsOutcomeUnknown", IsOutcomeUnknown(err), true)
	eq(t, "write hits", f.hits.Load(), int32(1))

	f.hits.Store(0)
	_, err = c.ListProducts(context.Background(), ListProductsParams{})
	expectResponseError(t, err, "truncated")
	eq(t, "read retried", f.hits.Load(), int32(3))
}

func TestDialRefusedNotSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c := newTestClient(t, "http://"+addr+"/api")
	_, err = c.MarkShipped(context.Background(), MarkShippedParams{SaleID: "1", TrackingNumber: "T"})
	eq(t, "IsNotSent", IsNotSent(err), true)
	eq(t, "IsOutcomeUnknown", IsOutcomeUnknown(err), false)

	// Reads retry a refused dial and say it was never sent.
	_, err = c.ListProducts(context.Background(), ListProductsParams{Name: "x"})
	eq(t, "read IsNotSent", IsNotSent(err), true)
	if strings.Contains(err.Error(), "name=x") {
		t.Errorf("error quotes the query string: %v", err)
	}
}

func TestContextCancelledMidRetry(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		respond(w, 503, "application/json", []byte(`{"errors":[{"code":"X","message":"down"}]}`))
		cancel() // the caller gives up while the client waits to retry
	})
	c := newTestClient(t, f.URL, WithRetry(5, 500*time.Millisecond, 2*time.Second))
	start := time.Now()
	_, err := c.ListProducts(ctx, ListProductsParams{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	eq(t, "hits", f.hits.Load(), int32(1))
	if time.Since(start) > 400*time.Millisecond {
		t.Errorf("took %v after cancellation", time.Since(start))
	}

	// An already cancelled context sends nothing.
	_, err = c.ListProducts(ctx, ListProductsParams{})
	eq(t, "IsNotSent", IsNotSent(err), true)
	eq(t, "hits", f.hits.Load(), int32(1))
}

func TestHangingReadTimesOutWithoutLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	release := make(chan struct{})
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c, err := New(f.URL, testUser, testPassword, WithTimeouts(200*time.Millisecond, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.ListProducts(context.Background(), ListProductsParams{})
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if elapsed > time.Second {
		t.Errorf("took %v with a 200ms read timeout", elapsed)
	}
	eq(t, "hits (no retry past the deadline)", f.hits.Load(), int32(1))

	close(release)
	c.CloseIdleConnections()
	f.Close()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// Slow headers, then a trickling body: the total deadline ends it.
func TestTricklingBodyHitsDeadline(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(50 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	start := time.Now()
	_, err := newTestClient(t, f.URL, WithTimeouts(300*time.Millisecond, time.Second)).ListProducts(context.Background(), ListProductsParams{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

// No error text and no log line carries the password, the username or the
// Authorization header, whatever goes wrong.
func TestCredentialsNeverLeak(t *testing.T) {
	var logs syncBuffer
	authHeader := base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPassword))
	handlers := []http.HandlerFunc{
		jsonHandler(401, testdata(t, "error_unauthorized.json")),
		jsonHandler(500, []byte(`{"errors":[{"code":"X","message":"x"}]}`)),
		func(w http.ResponseWriter, _ *http.Request) { respond(w, 200, "text/html", []byte("<html/>")) },
		func(w http.ResponseWriter, _ *http.Request) { respond(w, 200, "application/json", []byte("{")) },
		func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/x", http.StatusFound) },
		func(w http.ResponseWriter, _ *http.Request) { hijackCut(w) },
		jsonHandler(200, testdata(t, "detail_company_info.json")),
	}
	var errs []string
	for _, h := range handlers {
		f := newFakeAPI(t, h)
		c := newTestClient(t, f.URL, WithLogger(debugLogger(&logs)))
		if _, err := c.ListProducts(context.Background(), ListProductsParams{}); err != nil {
			errs = append(errs, err.Error())
		}
		if _, err := c.MarkShipped(context.Background(), MarkShippedParams{SaleID: "1", TrackingNumber: "T"}); err != nil {
			errs = append(errs, err.Error())
		}
		ci, err := c.CompanyInfo(context.Background())
		if err != nil {
			errs = append(errs, err.Error())
		} else {
			errs = append(errs, fmt.Sprintf("%+v %#v", ci, ci))
		}
		errs = append(errs, fmt.Sprintf("%v %+v %#v %s", c, c, c, c))
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	_ = ln.Close()
	c := newTestClient(t, "http://"+addr, WithLogger(debugLogger(&logs)))
	if _, err := c.CreateComment(context.Background(), CreateCommentParams{SaleID: "1", SaleComment: "x"}); err != nil {
		errs = append(errs, err.Error())
	}
	all := strings.Join(errs, "\n") + "\n" + logs.String()
	for _, secret := range []string{testPassword, testUser, authHeader, "Basic ", "wh1sky"} {
		if strings.Contains(all, secret) {
			t.Errorf("output contains %q:\n%s", secret, all)
		}
	}
	if len(errs) < 10 || !strings.Contains(logs.String(), "apiclient: call") {
		t.Errorf("the scenarios did not run: %d errors, logs %q", len(errs), logs.String())
	}
}

func TestNewValidatesBaseURL(t *testing.T) {
	bad := []string{
		"ftp://example.com/api",
		"//example.com/api",
		"https:///api",
		"https://user:hunter2@example.com/api",
		"https://example.com/api?x=1",
		"not a url\x7f",
	}
	for _, u := range bad {
		_, err := New(u, testUser, testPassword)
		if err == nil {
			t.Errorf("New(%q) accepted", u)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error quotes the URL's password: %v", err)
		}
	}
	if _, err := New("https://www.2checkout.com/api/", "", ""); err == nil {
		t.Error("empty credentials accepted")
	}
	c, err := New("https://www.2checkout.com/api/", testUser, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "base", c.base, "https://www.2checkout.com/api")
}

func TestRateLimitedWithoutJSON(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(30*time.Second).UTC().Format(http.TimeFormat))
		respond(w, http.StatusTooManyRequests, "text/plain", []byte("slow down"))
	})
	_, err := newTestClient(t, f.URL).DeleteCoupon(context.Background(), DeleteCouponParams{CouponCode: "C"})
	eq(t, "IsRateLimited", IsRateLimited(err), true)
	eq(t, "hits", f.hits.Load(), int32(1))
	var e *Error
	if errors.As(err, &e) && (e.RetryAfter < 25*time.Second || e.RetryAfter > 31*time.Second) {
		t.Errorf("RetryAfter = %v from an HTTP date", e.RetryAfter)
	}
	// A read gives up at once when Retry-After (capped at the max backoff)
	// would outlast the deadline.
	start := time.Now()
	c := newTestClient(t, f.URL, WithTimeouts(100*time.Millisecond, time.Second), WithRetry(3, time.Millisecond, time.Second))
	_, err = c.ListCoupons(context.Background())
	eq(t, "IsRateLimited", IsRateLimited(err), true)
	if time.Since(start) > 80*time.Millisecond {
		t.Errorf("slept %v towards a retry that could not happen", time.Since(start))
	}
}
