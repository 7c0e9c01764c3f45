package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchCall measures one API call through ServeHTTP, JSON encoding included.
func benchCall(b *testing.B, s *Sandbox, path string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Accept", "application/json")
		r.SetBasicAuth(testUser, testPass)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		_, _ = io.Copy(io.Discard, w.Body)
	}
}

func benchSandbox(b *testing.B, large int) *Sandbox {
	s, err := New(Config{Username: testUser, Password: testPass, LargeCatalog: large})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkListProducts20(b *testing.B) {
	benchCall(b, benchSandbox(b, 5000), "/api/products/list_products?cur_page=3")
}

func BenchmarkListProductsSortedByName(b *testing.B) {
	benchCall(b, benchSandbox(b, 5000), "/api/products/list_products?sort_col=name&cur_page=3")
}

func BenchmarkDetailSale(b *testing.B) {
	s := benchSandbox(b, 0)
	benchCall(b, s, "/api/sales/detail_sale?sale_id="+s.SaleFixtures().Recurring)
}

func BenchmarkListSales(b *testing.B) {
	benchCall(b, benchSandbox(b, 0), "/api/sales/list_sales")
}
