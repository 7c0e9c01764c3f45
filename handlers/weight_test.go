package handlers_test

import (
	"io"
	"net/http"
	"regexp"
	"sort"
	"testing"
	"time"
)

// mainPages are the pages a person opens first; each must load within the
// first-load budget.
func mainPages(h *harness) []string {
	fx := h.sb.SaleFixtures()
	return []string{
		"/", "/me", "/products", "/products/4635212971", "/products/new",
		"/options", "/options/4688355343", "/options/new",
		"/coupons", "/coupons/APITEST002", "/coupons/new",
		"/sales", "/sales?customer_name=Okonkwo", "/sales/" + fx.TangibleTwoInvoices,
		"/ship", "/account", "/users", "/audit",
	}
}

var assetRe = regexp.MustCompile(`(?:<link rel="stylesheet" href|<script nonce="[^"]+" src)="([^"]+)"`)

// gzSize fetches a URL asking for gzip and returns the bytes on the wire.
func gzSize(t *testing.T, b *browser, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.ts.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	if len(raw) > 1024 && resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("%s: %d bytes sent without gzip", path, len(raw))
	}
	return len(raw), resp.Header.Get("Content-Encoding")
}

// TestFirstLoadWeight measures, for each main page, every byte a first visit
// downloads (HTML, CSS, JS; gzipped), against the 30 KB budget, and the HTML
// of a 20-row list against 3 KB.
func TestFirstLoadWeight(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("admin")
	const budget = 30 * 1024
	for _, page := range mainPages(h) {
		html, _ := gzSize(t, b, page)
		b.get(page) // the plain body, to find its assets
		total := html
		for _, m := range assetRe.FindAllStringSubmatch(b.body, -1) {
			n, _ := gzSize(t, b, m[1])
			total += n
		}
		t.Logf("%-40s HTML %5.1f KB, first load %5.1f KB", page, float64(html)/1024, float64(total)/1024)
		if total > budget {
			t.Errorf("%s: first load is %d bytes gzipped; the budget is %d", page, total, budget)
		}
	}
	html, _ := gzSize(t, b, "/products?pagesize=20")
	t.Logf("20-row product list: HTML %.1f KB gzipped", float64(html)/1024)
	if html > 3*1024 {
		t.Errorf("a 20-row list page is %d bytes gzipped; the budget is 3072", html)
	}
}

// TestServerTimeReport records the server time of each main page against the
// in-process sandbox, for the record (not a timed assertion).
func TestServerTimeReport(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("admin")
	for _, page := range mainPages(h) {
		b.get(page) // warm up
		var ds []time.Duration
		for i := 0; i < 15; i++ {
			start := time.Now()
			if resp := b.get(page); resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", page, resp.StatusCode)
			}
			ds = append(ds, time.Since(start))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("%-40s median %v", page, ds[len(ds)/2].Round(10*time.Microsecond))
	}
}
