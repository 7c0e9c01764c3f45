package sandbox

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	// The keys of the seed list_products example entries.
	productListKeys = []string{"approved_url", "assigned_product_id", "categories", "commission", "commission_type",
		"description", "duration", "handling", "images", "long_description", "name", "options", "pending_url",
		"price", "product_id", "recurrence", "startup_fee", "tangible", "vendor_id", "vendor_product_id", "weight"}
	// The keys of the seed detail_product example.
	productDetailKeys = []string{"approved_url", "assigned_product_id", "categories", "commission", "commission_amount",
		"commission_type", "description", "duration", "handling", "images", "long_description", "name", "options",
		"pending_url", "price", "product_id", "recurrence", "recurrence_p", "recurring", "startup_fee", "tangible",
		"vendor_id", "vendor_product_id", "weight"}
	optionKeys      = []string{"option_id", "option_name", "option_values"}
	optionValueKeys = []string{"option_value_id", "option_value_name", "option_value_surcharge"}
	categoryKeys    = []string{"category_id", "description", "name", "parent_id", "parent_name"}
)

func product(t *testing.T, s *Sandbox, id string) map[string]any {
	t.Helper()
	r := get(t, s, "products/detail_product", form("product_id", id))
	r.wantOK(t, "Product detail information retrieved successfully")
	return obj(r.body["product"])
}

func TestProductReadsMatchRecordings(t *testing.T) {
	s := newTestSandbox(t)

	// detail_product of the recorded "API product", value for value.
	p := product(t, s, "4635212971")
	wantKeys(t, "product", p, productDetailKeys...)
	if p["commission"] != json.Number("0") || p["assigned_product_id"] != "2559" || p["vendor_id"] != "606917" ||
		p["price"] != "10.00" || p["recurring"] != "0" || p["tangible"] != "0" || p["vendor_product_id"] != "" ||
		p["handling"] != nil || p["recurrence_p"] != nil {
		t.Fatalf("API product %v", p)
	}
	opts := arr(p["options"])
	if len(opts) != 2 || obj(opts[0])["option_name"] != "extra benefit" || obj(opts[1])["option_id"] != "4688355343" {
		t.Fatalf("options %v", opts)
	}
	for _, o := range opts {
		wantKeys(t, "option", obj(o), optionKeys...)
		for _, v := range arr(obj(o)["option_values"]) {
			wantKeys(t, "option value", obj(v), optionValueKeys...)
		}
	}

	// list_products sorted as in the recording.
	res := get(t, s, "products/list_products", form("sort_col", "assigned_product_id", "sort_dir", "desc", "pagesize", "100"))
	res.wantOK(t, "Product list successfully retrieved.")
	rows := arr(res.body["products"])
	if obj(rows[0])["name"] != "API product" {
		t.Fatal("order")
	}
	var sawCategory bool
	for _, r := range rows {
		e := obj(r)
		wantKeys(t, "list entry", e, productListKeys...)
		for _, c := range arr(e["categories"]) {
			sawCategory = true
			wantKeys(t, "category", obj(c), categoryKeys...)
		}
	}
	if !sawCategory {
		t.Fatal("no categories")
	}
	optionTest := map[string]any{}
	for _, r := range rows {
		if obj(r)["product_id"] == "4274737762" {
			optionTest = obj(r)
		}
	}
	cat := obj(arr(optionTest["categories"])[0])
	if optionTest["name"] != "OPTION TEST" || cat["name"] != "Photography" || cat["parent_name"] != "Art & Antiques" ||
		cat["parent_id"] != "1" || cat["description"] != nil || optionTest["commission"] != nil {
		t.Fatalf("OPTION TEST %v", optionTest)
	}

	// Forbidden and missing.
	get(t, s, "products/detail_product", nil).wantErr(t, 400, "PARAMETER_MISSING", "product_id")
	get(t, s, "products/detail_product", form("product_id", "abc")).wantErr(t, 400, "PARAMETER_INVALID", "product_id")
	get(t, s, "products/detail_product", form("product_id", "1234567890")).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	get(t, s, "products/detail_product", form("product_id", s.SaleFixtures().ForbiddenProduct)).
		wantErrMsg(t, 403, "FORBIDDEN", "Access denied to product.")
}

func TestListProducts(t *testing.T) {
	s := newTestSandbox(t)
	all := len(s.st.Products)

	res := get(t, s, "products/list_products", nil)
	pi := obj(res.body["page_info"])
	wantKeys(t, "page_info", pi, pageInfoKeys...)
	if pi["total_entries"] != itoa(all) || pi["pagesize"] != "20" || len(arr(res.body["products"])) != 20 {
		t.Fatalf("page_info %v", pi)
	}
	res = get(t, s, "products/list_products", form("cur_page", "2"))
	if n := len(arr(res.body["products"])); n != all-20 {
		t.Fatalf("page 2: %d", n)
	}
	get(t, s, "products/list_products", form("cur_page", "3")).wantErr(t, 400, "RECORD_NOT_FOUND", "")

	names := func(r resp) []string {
		var out []string
		for _, p := range arr(r.body["products"]) {
			out = append(out, obj(p)["name"].(string))
		}
		return out
	}
	if got := names(get(t, s, "products/list_products", form("name", "HEXAGONAL"))); len(got) != 2 {
		t.Fatalf("name filter %v", got)
	}
	if got := names(get(t, s, "products/list_products", form("vendor_product_id", "hex-001"))); len(got) != 1 || got[0] != "Hexagonal aluminum extrusion" {
		t.Fatalf("vendor_product_id filter %v", got)
	}
	if got := names(get(t, s, "products/list_products", form("assigned_product_id", "23"))); len(got) != 1 || got[0] != "Casino Royale - Double Room" {
		t.Fatalf("assigned_product_id filter %v", got)
	}
	get(t, s, "products/list_products", form("assigned_product_id", "x")).wantErr(t, 400, "PARAMETER_INVALID", "assigned_product_id")
	// No match: RECORD_NOT_FOUND, as the live API answers every empty list.
	get(t, s, "products/list_products", form("name", "no such thing")).wantErrMsg(t, 400, "RECORD_NOT_FOUND", "Unable to find record.")

	// Every documented sort column works both ways; others are invalid.
	for _, col := range productSortCols {
		for _, dir := range []string{"asc", "DESC"} {
			get(t, s, "products/list_products", form("sort_col", strings.ToUpper(col), "sort_dir", dir)).wantOK(t, "")
		}
	}
	get(t, s, "products/list_products", form("sort_col", "vendor_id")).wantErr(t, 400, "PARAMETER_INVALID", "sort_col")
	prices := arr(get(t, s, "products/list_products", form("sort_col", "price", "sort_dir", "desc")).body["products"])
	if obj(prices[0])["price"] != "3490.00" || obj(prices[1])["price"] != "100.00" {
		t.Fatalf("price DESC: %v %v", obj(prices[0])["price"], obj(prices[1])["price"])
	}
	// Nulls first in ASC, ties by id: stable across calls.
	a := names(get(t, s, "products/list_products", form("sort_col", "weight", "pagesize", "100")))
	b := names(get(t, s, "products/list_products", form("sort_col", "weight", "pagesize", "100")))
	if strings.Join(a, "|") != strings.Join(b, "|") || a[len(a)-1] != "Hexagonal aluminum extrusion" {
		t.Fatalf("weight ASC %v", a)
	}
}

func TestCreateProduct(t *testing.T) {
	s := newTestSandbox(t)
	create := func(kv ...string) resp { return post(t, s, "products/create_product", form(kv...)) }

	create("price", "1.00").wantErr(t, 400, "PARAMETER_MISSING", "name")
	create("name", "x").wantErr(t, 400, "PARAMETER_MISSING", "price")
	create("name", strings.Repeat("ü", 256), "price", "1").wantErr(t, 400, "PARAMETER_INVALID", "name")
	for _, bad := range []string{"1.005", "-1", "1e3", "1,00", " 1", "0x10", "1.", ".5", "12345678901"} {
		create("name", "x", "price", bad).wantErr(t, 400, "PARAMETER_INVALID", "price")
	}
	create("name", "x", "price", "1", "tangible", "yes").wantErr(t, 400, "PARAMETER_INVALID", "tangible")
	create("name", "x", "price", "1", "tangible", "1").wantErr(t, 400, "PARAMETER_MISSING", "weight")
	create("name", "x", "price", "1", "tangible", "1", "weight", "1").wantErr(t, 400, "PARAMETER_MISSING", "handling")
	create("name", "x", "price", "1", "tangible", "1", "weight", "heavy", "handling", "1").wantErr(t, 400, "PARAMETER_INVALID", "weight")
	create("name", "x", "price", "1", "recurring", "1").wantErr(t, 400, "PARAMETER_MISSING", "recurrence")
	create("name", "x", "price", "1", "recurring", "1", "recurrence", "1 Month").wantErr(t, 400, "PARAMETER_MISSING", "duration")
	create("name", "x", "price", "1", "recurring", "1", "recurrence", "Monthly", "duration", "Forever").wantErr(t, 400, "PARAMETER_INVALID", "recurrence")
	create("name", "x", "price", "1", "recurring", "1", "recurrence", "0 Month", "duration", "Forever").wantErr(t, 400, "PARAMETER_INVALID", "recurrence")
	create("name", "x", "price", "1", "recurring", "1", "recurrence", "1 Month", "duration", "always").wantErr(t, 400, "PARAMETER_INVALID", "duration")
	create("name", "x", "price", "1", "recurring", "1", "recurrence", "1 Month", "duration", "Forever", "startup_fee", "x").wantErr(t, 400, "PARAMETER_INVALID", "startup_fee")
	create("name", "x", "price", "1", "commission", "1").wantErr(t, 400, "PARAMETER_MISSING", "commission_type")
	create("name", "x", "price", "1", "commission", "1", "commission_type", "flat").wantErr(t, 400, "PARAMETER_INVALID", "commission_type")
	create("name", "x", "price", "1", "commission", "1", "commission_type", "amount").wantErr(t, 400, "PARAMETER_MISSING", "commission_amount")
	create("name", "x", "price", "1", "commission", "1", "commission_type", "percentage", "commission_amount", "100.01").wantErr(t, 400, "PARAMETER_INVALID", "commission_amount")
	create("name", "x", "price", "1", "option_id", "1111111111").wantErr(t, 400, "PARAMETER_INVALID", "option_id")
	create("name", "x", "price", "1", "category_id", "9999").wantErr(t, 400, "PARAMETER_INVALID", "category_id")
	create("name", "x", "price", "1", "approved_url", "javascript:alert(1)").wantErr(t, 400, "PARAMETER_INVALID", "approved_url")
	create("name", "x", "price", "1", "pending_url", "/relative").wantErr(t, 400, "PARAMETER_INVALID", "pending_url")
	create("name", "x", "price", "1", "description", strings.Repeat("d", 256)).wantErr(t, 400, "PARAMETER_INVALID", "description")
	if n := len(s.st.Products); n != 21 {
		t.Fatalf("failed creates added products: %d", n)
	}

	res := post(t, s, "products/create_product", url.Values{
		"name": {"Poster <Limited>"}, "price": {"19.9"}, "tangible": {"1"}, "weight": {"0.3"}, "handling": {"2"},
		"recurring": {"1"}, "recurrence": {"3 month"}, "duration": {"forever"}, "startup_fee": {"5"},
		"commission": {"1"}, "commission_type": {"percentage"}, "commission_amount": {"12.5"},
		"option_id": {"4688550010", colorOptionID, "4688550010"}, "category_id": {"17", "2"},
		"approved_url": {"https://shop.example.com/thanks"}, "description": {"Short"}, "vendor_product_id": {"POS-1"},
	})
	res.wantOK(t, "Product successfully created.")
	wantKeys(t, "create_product", res.body, "assigned_product_id", "product_id", "response_code", "response_message")
	id := res.body["product_id"].(string)
	if !regexp.MustCompile(`^\d{10}$`).MatchString(id) || res.body["assigned_product_id"] != "2560" {
		t.Fatalf("ids %v", res.body)
	}
	p := product(t, s, id)
	want := map[string]any{"name": "Poster <Limited>", "price": "19.90", "tangible": "1", "weight": "0.30", "handling": "2.00",
		"recurring": "1", "recurrence": "3 Month", "recurrence_p": "3 Month", "duration": "Forever", "startup_fee": "5.00",
		"commission": json.Number("1"), "commission_type": "percentage", "commission_amount": "12.50",
		"approved_url": "https://shop.example.com/thanks", "pending_url": nil, "description": "Short",
		"long_description": nil, "vendor_product_id": "POS-1", "vendor_id": defaultVendorID}
	for k, v := range want {
		if p[k] != v {
			t.Fatalf("%s = %v, want %v", k, p[k], v)
		}
	}
	if len(arr(p["options"])) != 2 || len(arr(p["categories"])) != 2 {
		t.Fatal("options/categories")
	}
	// A second product gets the next assigned id; a minimal one has the
	// intangible defaults.
	res = create("name", "Minimal", "price", "0")
	if res.body["assigned_product_id"] != "2561" {
		t.Fatal(res.body["assigned_product_id"])
	}
	p = product(t, s, res.body["product_id"].(string))
	if p["weight"] != nil || p["handling"] != "0.00" || p["recurrence"] != nil || p["commission"] != json.Number("0") ||
		len(arr(p["options"])) != 0 || p["description"] != nil {
		t.Fatalf("minimal %v", p)
	}
	// In the list, commission is null or "1".
	res = get(t, s, "products/list_products", form("vendor_product_id", "POS-1"))
	if obj(arr(res.body["products"])[0])["commission"] != "1" {
		t.Fatal("list commission")
	}
}

func TestUpdateDeleteProduct(t *testing.T) {
	s := newTestSandbox(t)
	upd := func(kv ...string) resp { return post(t, s, "products/update_product", form(kv...)) }
	const id = "4297595302" // Buddha Painting, tangible

	upd("name", "x", "price", "1").wantErr(t, 400, "PARAMETER_MISSING", "product_id")
	upd("product_id", id, "name", "   ").wantErr(t, 400, "PARAMETER_INVALID", "name")
	upd("product_id", id, "price", "1.234").wantErr(t, 400, "PARAMETER_INVALID", "price")
	upd("product_id", "1234567890", "name", "x", "price", "1").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	upd("product_id", s.SaleFixtures().ForbiddenProduct, "name", "x", "price", "1").wantErr(t, 403, "FORBIDDEN", "")
	upd("product_id", id, "name", "x", "price", "1", "recurring", "1").wantErr(t, 400, "PARAMETER_MISSING", "recurrence")
	if product(t, s, id)["name"] != "Buddha Painting (5x5)" {
		t.Fatal("failed update changed the product")
	}
	// Partial updates change only what is sent: name alone, as the vendor's
	// own tests do it, then price alone (an empty value counts as not sent,
	// as PHP's client sends unset fields).
	upd("product_id", id, "name", "Buddha Painting (5x5), framed").wantOK(t, "Product successfully updated")
	if p := product(t, s, id); p["name"] != "Buddha Painting (5x5), framed" || p["price"] != "39.95" || p["weight"] != "2.00" || p["tangible"] != "1" {
		t.Fatalf("name only: %v", p)
	}
	upd("product_id", id, "price", "41", "name", "").wantOK(t, "")
	if p := product(t, s, id); p["name"] != "Buddha Painting (5x5), framed" || p["price"] != "41.00" || p["description"] != "Authentic painting." {
		t.Fatalf("price only: %v", p)
	}

	// The recorded answer shape.
	res := upd("product_id", id, "name", "Buddha Painting (6x6)", "price", "44.5")
	res.wantOK(t, "Product successfully updated")
	wantKeys(t, "update_product", res.body, "assigned_product_id", "product_id", "response_code", "response_message")
	if res.body["assigned_product_id"] != "11" || res.body["product_id"] != id {
		t.Fatal(res.body)
	}
	p := product(t, s, id)
	if p["name"] != "Buddha Painting (6x6)" || p["price"] != "44.50" || p["weight"] != "2.00" || p["description"] != "Authentic painting." {
		t.Fatalf("fields not kept: %v", p)
	}
	// Lists replace the set; an empty value clears it; text can be emptied.
	upd("product_id", id, "name", "B", "price", "1", "option_id", colorOptionID, "category_id", "1", "description", "").wantOK(t, "")
	p = product(t, s, id)
	if len(arr(p["options"])) != 1 || len(arr(p["categories"])) != 1 || p["description"] != "" {
		t.Fatalf("after set: %v", p)
	}
	upd("product_id", id, "name", "B", "price", "1", "option_id", "", "tangible", "0").wantOK(t, "")
	p = product(t, s, id)
	if len(arr(p["options"])) != 0 || len(arr(p["categories"])) != 1 || p["tangible"] != "0" || p["weight"] != nil {
		t.Fatalf("after clear: %v", p)
	}
	// Finding it by its new name uses the refreshed lower-case key.
	if n := len(arr(get(t, s, "products/list_products", form("name", "b")).body["products"])); n == 0 {
		t.Fatal("renamed product not found")
	}

	// Delete also drops it from coupons.
	post(t, s, "products/delete_product", nil).wantErr(t, 400, "PARAMETER_MISSING", "product_id")
	post(t, s, "products/delete_product", form("product_id", "1234567890")).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	post(t, s, "products/delete_product", form("product_id", optionTestID)).wantOK(t, "Product successfully deleted.")
	get(t, s, "products/detail_product", form("product_id", optionTestID)).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	c := obj(get(t, s, "products/detail_coupon", form("coupon_code", "TESTPERCENT")).body["coupon"])
	if ps := arr(c["product"]); len(ps) != 1 || obj(ps[0])["product_id"] != jarOfAirID {
		t.Fatalf("coupon products %v", ps)
	}
}
