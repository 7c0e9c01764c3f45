package apiclient

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

// BenchmarkDecodeListProducts measures decoding alone, the part that
// dominated CPU in the prototype of the products page.
func BenchmarkDecodeListProducts(b *testing.B) {
	data := testdata(b, "list_products.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var r struct {
			envelope
			ProductList
		}
		if err := json.Unmarshal(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListProducts is one full call over loopback: request, body read,
// decode.
func BenchmarkListProducts(b *testing.B) {
	data := testdata(b, "list_products.json")
	f := newFakeAPI(b, func(w http.ResponseWriter, _ *http.Request) { respond(w, 200, "application/json", data) })
	c := newTestClient(b, f.URL)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.ListProducts(context.Background(), ListProductsParams{}); err != nil {
			b.Fatal(err)
		}
	}
}
