package conformance

import (
	"testing"

	"backoffice/apiclient"
)

// BenchmarkListProducts20 is one client round trip of list_products with 20
// rows against the sandbox over loopback HTTP: request, sandbox work, JSON
// decode into typed products.
func BenchmarkListProducts20(b *testing.B) {
	e := newEnv(b)
	p := apiclient.ListProductsParams{PageSize: 20}
	b.ReportAllocs()
	for b.Loop() {
		l, err := e.c.ListProducts(ctx, p)
		if err != nil || len(l.Products) != 20 {
			b.Fatalf("%v, %d rows", err, len(l.Products))
		}
	}
}

// BenchmarkDetailSale is one client round trip of detail_sale for a sale
// with two invoices.
func BenchmarkDetailSale(b *testing.B) {
	e := newEnv(b)
	p := apiclient.DetailSaleParams{SaleID: e.fx.TangibleTwoInvoices}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.c.DetailSale(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}
