package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	s, err := New(Config{Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, js bool) {
		r := httptest.NewRequest("GET", path, nil)
		r.SetBasicAuth("u", "p")
		if js {
			r.Header.Set("Accept", "application/json")
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		b, _ := io.ReadAll(w.Result().Body)
		fmt.Fprintf(os.Stdout, "== %s %d %s\n%s\n", path, w.Code, w.Header().Get("Content-Type"), b)
	}
	fx := s.SaleFixtures()
	fmt.Printf("%+v\n", fx)
	fmt.Println(len(s.st.Sales))
	get("/api/sales/detail_sale?sale_id="+fx.Recurring, true)
	get("/api/sales/list_sales?pagesize=3", true)
	get("/api/products/list_products?pagesize=2&cur_page=3", true)
	get("/api/products/detail_product?product_id=4635212971", true)
	get("/api/products/list_coupons", true)
	get("/api/products/detail_coupon?coupon_code=APITEST002", true)
	get("/api/acct/detail_contact_info", false)
	get("/api/sales/detail_sale", false)
	_ = http.StatusOK
}
