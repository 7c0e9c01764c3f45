package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkSignedInPage serves full signed-in pages (session lookup,
// middleware, CSRF, headers, the upstream calls to the sandbox over
// loopback, templ rendering, gzip) to 100 concurrent clients on this
// machine's cores, one sub-benchmark per main page. pages/s is reported as
// a metric; issue 13's targets are 3,000 pages/s for /products and 400 µs
// of CPU for a sale page (measured under load by cmd/loadtest; these
// figures are the in-process view of the same work).
func BenchmarkSignedInPage(b *testing.B) {
	pages := []struct {
		name string
		path func(h *harness) string
	}{
		{"home", func(*harness) string { return "/" }},
		{"products", func(*harness) string { return "/products" }},
		{"product", func(h *harness) string { return "/products/" + prodHeadphones }},
		{"coupons", func(*harness) string { return "/coupons" }},
		{"sales", func(*harness) string { return "/sales" }},
		{"sale", func(h *harness) string { return "/sales/" + h.sb.SaleFixtures().TangibleTwoInvoices }},
		{"ship", func(*harness) string { return "/ship" }},
		{"audit", func(*harness) string { return "/audit" }},
	}
	for _, page := range pages {
		b.Run(page.name, func(b *testing.B) {
			h := newHarness(b)
			br, _ := h.signedInAs("admin")
			path := page.path(h)
			client := &http.Client{Jar: br.c.Jar, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
			b.SetParallelism(50) // 100 goroutines on 2 cores
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodGet, h.ts.URL+path, nil)
					req.Header.Set("Accept-Encoding", "gzip")
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("%s: status %d", path, resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkMiddleware is the cost of the middleware alone: /healthz, whose
// handler does nothing, served in process (no network, no upstream) to a
// browser without a session and to a signed-in one, whose session is
// looked up and whose CSRF token is read. Issue 13's target: 60 µs.
func BenchmarkMiddleware(b *testing.B) {
	for _, signedIn := range []bool{false, true} {
		name := "anonymous"
		if signedIn {
			name = "signed-in"
		}
		b.Run(name, func(b *testing.B) {
			h := newHarness(b)
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			if signedIn {
				br, _ := h.signedInAs("support")
				u, _ := req.URL.Parse(h.ts.URL)
				for _, c := range br.c.Jar.Cookies(u) {
					req.AddCookie(c)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.srv.Handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
