package sandbox

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestOptions(t *testing.T) {
	s := newTestSandbox(t)

	// detail_option as recorded: a one-element array.
	res := get(t, s, "products/detail_option", form("option_id", "4688355343"))
	res.wantOK(t, "Option detail retrieved successfully.")
	wantKeys(t, "detail_option", res.body, "option", "response_code", "response_message")
	opts := arr(res.body["option"])
	if len(opts) != 1 || obj(opts[0])["option_name"] != "decibels" || len(arr(obj(opts[0])["option_values"])) != 3 {
		t.Fatalf("%s", res.raw)
	}
	get(t, s, "products/detail_option", nil).wantErr(t, 400, "PARAMETER_MISSING", "option_id")
	get(t, s, "products/detail_option", form("option_id", "1")).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	get(t, s, "products/detail_option", form("option_id", s.SaleFixtures().ForbiddenOption)).wantErrMsg(t, 403, "FORBIDDEN", "Access denied to option.")

	// The recorded list call: sort by name descending.
	res = get(t, s, "products/list_options", form("sort_col", "option_name", "sort_dir", "desc"))
	res.wantOK(t, "Option information retrieved successfully.")
	wantKeys(t, "list_options", res.body, "options", "page_info", "response_code", "response_message")
	rows := arr(res.body["options"])
	if obj(rows[0])["option_name"] != "Volume" {
		t.Fatalf("first %v", obj(rows[0])["option_name"])
	}
	pi := obj(res.body["page_info"])
	if pi["first_page_url"] != "https://www.2checkout.com/api/products/list_options?cur_page=1" || pi["next_page"] != nil {
		t.Fatalf("page_info %v", pi)
	}
	res = get(t, s, "products/list_options", form("option_value_name", "MEDIUM"))
	if rows = arr(res.body["options"]); len(rows) != 1 || obj(rows[0])["option_id"] != "4688550010" ||
		obj(res.body["page_info"])["total_entries"] != "1" {
		t.Fatalf("value filter %s", res.raw)
	}
	if n := len(arr(get(t, s, "products/list_options", form("option_name", "dec")).body["options"])); n != 1 {
		t.Fatal("name filter")
	}
	get(t, s, "products/list_options", form("sort_col", "option_values")).wantErr(t, 400, "PARAMETER_INVALID", "sort_col")

	// create_option.
	create := func(v url.Values) resp { return post(t, s, "products/create_option", v) }
	create(url.Values{"option_value_name": {"a"}, "option_value_surcharge": {"1"}}).wantErr(t, 400, "PARAMETER_MISSING", "option_name")
	create(url.Values{"option_name": {"Size"}, "option_value_surcharge": {"1"}}).wantErr(t, 400, "PARAMETER_MISSING", "option_value_name")
	create(url.Values{"option_name": {"Size"}, "option_value_name": {"S"}}).wantErr(t, 400, "PARAMETER_MISSING", "option_value_surcharge")
	create(url.Values{"option_name": {"Size"}, "option_value_name": {"S", "M"}, "option_value_surcharge": {"1"}}).
		wantErr(t, 400, "PARAMETER_INVALID", "option_value_surcharge")
	create(url.Values{"option_name": {"Size"}, "option_value_name": {"S"}, "option_value_surcharge": {"-1"}}).
		wantErr(t, 400, "PARAMETER_INVALID", "option_value_surcharge")
	create(url.Values{"option_name": {"Size", "Size"}, "option_value_name": {"S"}, "option_value_surcharge": {"1"}}).
		wantErr(t, 400, "PARAMETER_INVALID", "option_name")
	res = create(url.Values{"option_name": {"Size"}, "option_value_name": {"S", "M"}, "option_value_surcharge": {"0", "1.5"}})
	res.wantOK(t, "Option created successfully")
	wantKeys(t, "create_option", res.body, "option_id", "response_code", "response_message")
	id := res.body["option_id"].(string)
	if !regexp.MustCompile(`^\d{10}$`).MatchString(id) {
		t.Fatal(id)
	}

	// update_option: rename, add, change, delete values.
	upd := func(kv ...string) resp { return post(t, s, "products/update_option", form(kv...)) }
	detail := func() map[string]any {
		return obj(arr(get(t, s, "products/detail_option", form("option_id", id)).body["option"])[0])
	}
	upd("option_id", id).wantErr(t, 400, "PARAMETER_MISSING", "option_name")
	upd("option_name", "x").wantErr(t, 400, "PARAMETER_MISSING", "option_id")
	upd("option_id", "5", "option_name", "x").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	upd("option_id", id, "option_name", "Size", "option_value_name", "L").wantErr(t, 400, "PARAMETER_MISSING", "option_value_surcharge")
	upd("option_id", id, "option_name", "Size", "option_value_surcharge", "2").wantErr(t, 400, "PARAMETER_MISSING", "option_value_name")
	upd("option_id", id, "option_name", "Size", "option_value_id", "4688355346").wantErr(t, 400, "PARAMETER_INVALID", "option_value_id")
	upd("option_id", id, "option_name", "Sizes", "option_value_name", "L", "option_value_surcharge", "2").wantOK(t, "Option updated successfully")
	vals := arr(detail()["option_values"])
	if detail()["option_name"] != "Sizes" || len(vals) != 3 || obj(vals[2])["option_value_name"] != "L" {
		t.Fatalf("after add %v", vals)
	}
	firstID := obj(vals[0])["option_value_id"].(string)
	upd("option_id", id, "option_name", "Sizes", "option_value_id", firstID, "option_value_surcharge", "0.25").wantOK(t, "")
	if v := obj(arr(detail()["option_values"])[0]); v["option_value_surcharge"] != "0.25" || v["option_value_name"] != "S" {
		t.Fatalf("after change %v", v)
	}
	upd("option_id", id, "option_name", "Sizes", "option_value_id", firstID).wantOK(t, "")
	if vals = arr(detail()["option_values"]); len(vals) != 2 || obj(vals[0])["option_value_name"] != "M" {
		t.Fatalf("after delete %v", vals)
	}
	// The option shows up updated inside products that use it.
	post(t, s, "products/update_option", form("option_id", "4688550010", "option_name", "Loudness")).wantOK(t, "")
	if obj(arr(product(t, s, optionTestID)["options"])[0])["option_name"] != "Loudness" {
		t.Fatal("product does not show the renamed option")
	}

	// delete_option removes it from products.
	post(t, s, "products/delete_option", form("option_id", "4688550010")).wantOK(t, "Option deleted successfully")
	get(t, s, "products/detail_option", form("option_id", "4688550010")).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	if n := len(arr(product(t, s, optionTestID)["options"])); n != 0 {
		t.Fatalf("product keeps %d options", n)
	}
	post(t, s, "products/delete_option", form("option_id", "4688550010")).wantErr(t, 400, "RECORD_NOT_FOUND", "")
}

func coupon(t *testing.T, s *Sandbox, code string) map[string]any {
	t.Helper()
	r := get(t, s, "products/detail_coupon", form("coupon_code", code))
	r.wantOK(t, "Coupon detail retrieved successfully.")
	return obj(r.body["coupon"])
}

func TestCouponReads(t *testing.T) {
	s := newTestSandbox(t)
	// detail_coupon exactly as recorded.
	res := get(t, s, "products/detail_coupon", form("coupon_code", "APITEST002"))
	want := `{"coupon":{"coupon_code":"APITEST002","date_expire":"2012-12-31","minimum_purchase":"5.00","percentage_off":"5",` +
		`"product":[{"product_id":"0","product_url":"https://www.2checkout.com/api/products/detail_product?product_id=0"}],` +
		`"type":"sale","value_off":null},"response_code":"OK","response_message":"Coupon detail retrieved successfully."}`
	if string(res.raw) != strings.ReplaceAll(want, "&", `\u0026`) && string(res.raw) != want {
		t.Fatalf("got  %s\nwant %s", res.raw, want)
	}
	// list_coupons: singular key, fractions, recorded entries first.
	res = get(t, s, "products/list_coupons", nil)
	res.wantOK(t, "Coupon list retrieved successfully.")
	list := arr(res.body["coupon"])
	first, second := obj(list[0]), obj(list[1])
	wantKeys(t, "list coupon", first, "coupon_code", "date_expire", "minimum_purchase", "percentage_off", "type", "value_off")
	if first["coupon_code"] != "TESTPERCENT" || first["percentage_off"] != "0.10" || first["minimum_purchase"] != "1.00" ||
		second["coupon_code"] != "APITEST002" || second["percentage_off"] != "0.05" || second["value_off"] != nil {
		t.Fatalf("list %v %v", first, second)
	}
	get(t, s, "products/detail_coupon", nil).wantErr(t, 400, "PARAMETER_MISSING", "coupon_code")
	// An unknown code answers as one of another merchant's does (issue 9).
	get(t, s, "products/detail_coupon", form("coupon_code", "NOPE")).wantErrMsg(t, 403, "FORBIDDEN", "Access denied to coupon.")
	get(t, s, "products/detail_coupon", form("coupon_code", s.SaleFixtures().ForbiddenCoupon)).wantErrMsg(t, 403, "FORBIDDEN", "Access denied to coupon.")
	if c := coupon(t, s, "apitest002"); c["coupon_code"] != "APITEST002" {
		t.Fatal("lookup is not case-insensitive")
	}
	if p := arr(coupon(t, s, "TESTPERCENT")["product"]); len(p) != 2 || obj(p[0])["product_id"] != optionTestID {
		t.Fatalf("products %v", p)
	}
}

func TestCreateCoupon(t *testing.T) {
	s := newTestSandbox(t)
	create := func(kv ...string) resp { return post(t, s, "products/create_coupon", form(kv...)) }

	create("type", "sale", "value_off", "5").wantErr(t, 400, "PARAMETER_MISSING", "date_expire")
	create("date_expire", "2099-12-22", "value_off", "5").wantErr(t, 400, "PARAMETER_MISSING", "type")
	create("date_expire", "2026-02-30", "type", "sale", "value_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "date_expire")
	create("date_expire", "2099/12/22", "type", "sale", "value_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "date_expire")
	create("date_expire", "2099-12-22", "type", "order", "value_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "type")
	create("date_expire", "2099-12-22", "type", "sale").wantErr(t, 400, "PARAMETER_MISSING", "percentage_off")
	create("date_expire", "2099-12-22", "type", "sale", "value_off", "5", "percentage_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "value_off")
	create("date_expire", "2099-12-22", "type", "shipping", "value_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "value_off")
	create("date_expire", "2099-12-22", "type", "shipping", "percentage_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "percentage_off")
	for _, bad := range []string{"0", "100.01", "abc", "5.555"} {
		create("date_expire", "2099-12-22", "type", "sale", "percentage_off", bad).wantErr(t, 400, "PARAMETER_INVALID", "percentage_off")
	}
	for _, bad := range []string{"0", "0.00", "1.234", "-5"} {
		create("date_expire", "2099-12-22", "type", "sale", "value_off", bad).wantErr(t, 400, "PARAMETER_INVALID", "value_off")
	}
	create("date_expire", "2099-12-22", "type", "sale", "value_off", "5", "minimum_purchase", "-1").wantErr(t, 400, "PARAMETER_INVALID", "minimum_purchase")
	create("date_expire", "2099-12-22", "type", "product", "value_off", "5").wantErr(t, 400, "PARAMETER_MISSING", "product_id")
	create("date_expire", "2099-12-22", "type", "product", "value_off", "5", "product_id", "1234567890").wantErr(t, 400, "PARAMETER_INVALID", "product_id")
	create("coupon_code", "has space", "date_expire", "2099-12-22", "type", "sale", "value_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "coupon_code")
	create("coupon_code", "testpercent", "date_expire", "2099-12-22", "type", "sale", "value_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "coupon_code")
	create("coupon_code", strings.Repeat("A", 256), "date_expire", "2099-12-22", "type", "sale", "value_off", "5").wantErr(t, 400, "PARAMETER_INVALID", "coupon_code")

	// The recorded example.
	res := create("coupon_code", "APITEST004", "date_expire", "2099-12-22", "type", "sale", "value_off", "5.00", "minimum_purchase", "10.00")
	res.wantOK(t, "Coupon successfully created")
	if res.body["coupon_code"] != "APITEST004" {
		t.Fatal(res.body)
	}
	c := coupon(t, s, "APITEST004")
	if c["value_off"] != "5.00" || c["percentage_off"] != nil || c["minimum_purchase"] != "10.00" || c["type"] != "sale" {
		t.Fatalf("%v", c)
	}

	// Generated code; shipping coupon with neither discount.
	res = create("date_expire", "2099-01-01", "type", "shipping")
	res.wantOK(t, "")
	code := res.body["coupon_code"].(string)
	if !regexp.MustCompile(`^2CO-[A-Z0-9]{10}$`).MatchString(code) {
		t.Fatal(code)
	}
	if c = coupon(t, s, code); c["minimum_purchase"] != "0.00" || c["percentage_off"] != nil || c["value_off"] != nil {
		t.Fatalf("%v", c)
	}

	// Product coupons: ids, or select_all, which overrides ids.
	create("coupon_code", "P1", "date_expire", "2099-01-01", "type", "product", "percentage_off", "12.5",
		"product_id", headphonesID, "product_id", mugID).wantOK(t, "")
	c = coupon(t, s, "P1")
	if p := arr(c["product"]); len(p) != 2 || obj(p[1])["product_url"] != "https://www.2checkout.com/api/products/detail_product?product_id="+mugID ||
		c["percentage_off"] != "12.5" {
		t.Fatalf("%v", c)
	}
	create("coupon_code", "P2", "date_expire", "2099-01-01", "type", "product", "percentage_off", "100",
		"product_id", headphonesID, "select_all", "1").wantOK(t, "")
	if p := arr(coupon(t, s, "P2")["product"]); len(p) != 1 || obj(p[0])["product_id"] != "0" {
		t.Fatalf("%v", p)
	}
	for _, e := range arr(get(t, s, "products/list_coupons", nil).body["coupon"]) {
		switch obj(e)["coupon_code"] {
		case "P1":
			if obj(e)["percentage_off"] != "0.125" {
				t.Fatal(obj(e))
			}
		case "P2":
			if obj(e)["percentage_off"] != "1.00" {
				t.Fatal(obj(e))
			}
		}
	}
}

func TestUpdateDeleteCoupon(t *testing.T) {
	s := newTestSandbox(t)
	upd := func(kv ...string) resp { return post(t, s, "products/update_coupon", form(kv...)) }

	upd("type", "sale").wantErr(t, 400, "PARAMETER_MISSING", "coupon_code")
	upd("coupon_code", "NOPE", "type", "sale").wantErr(t, 400, "RECORD_NOT_FOUND", "")
	upd("coupon_code", "APIMODIFY002", "type", "gift").wantErr(t, 400, "PARAMETER_INVALID", "type")
	upd("coupon_code", "APIMODIFY002", "date_expire", "2099-02-30").wantErr(t, 400, "PARAMETER_INVALID", "date_expire")
	// A partial update, as the vendor's own tests send it: only the expiry
	// changes, the type and the discount stay.
	before := coupon(t, s, "APIMODIFY002")
	upd("coupon_code", "APIMODIFY002", "date_expire", "2099-12-23").wantOK(t, "Coupon updated successfully")
	after := coupon(t, s, "APIMODIFY002")
	if after["date_expire"] != "2099-12-23" || after["type"] != before["type"] || after["value_off"] != before["value_off"] ||
		after["minimum_purchase"] != before["minimum_purchase"] {
		t.Fatalf("partial update: before %v after %v", before, after)
	}
	upd("coupon_code", "APIMODIFY002", "minimum_purchase", "12.5").wantOK(t, "")
	if c := coupon(t, s, "APIMODIFY002"); c["minimum_purchase"] != "12.50" || c["value_off"] != "5.00" || c["date_expire"] != "2099-12-23" {
		t.Fatalf("minimum only: %v", c)
	}
	upd("coupon_code", "APIMODIFY002", "type", "sale", "percentage_off", "5").wantErr(t, 400, "PARAMETER_MISSING", "minimum_purchase")
	upd("coupon_code", "APIMODIFY002", "type", "sale", "new_code", "TESTPERCENT").wantErr(t, 400, "PARAMETER_INVALID", "new_code")
	// A sale coupon applies to all products, and stays so as a product coupon.
	upd("coupon_code", "APIMODIFY002", "type", "product").wantOK(t, "")
	if p := arr(coupon(t, s, "APIMODIFY002")["product"]); len(p) != 1 || obj(p[0])["product_id"] != "0" {
		t.Fatalf("%v", p)
	}

	// The recorded example.
	res := upd("coupon_code", "APIMODIFY002", "date_expire", "2099-12-22", "type", "sale")
	res.wantOK(t, "Coupon updated successfully")
	wantKeys(t, "update_coupon", res.body, "coupon_code", "response_code", "response_message")
	if c := coupon(t, s, "APIMODIFY002"); c["value_off"] != "5.00" || c["minimum_purchase"] != "12.50" {
		t.Fatalf("fields not kept: %v", c)
	}
	// Switch the discount kind; rename.
	upd("coupon_code", "APIMODIFY002", "type", "sale", "percentage_off", "7", "minimum_purchase", "0", "new_code", "SEVEN").wantOK(t, "")
	get(t, s, "products/detail_coupon", form("coupon_code", "APIMODIFY002")).wantErr(t, 403, "FORBIDDEN", "")
	if c := coupon(t, s, "SEVEN"); c["percentage_off"] != "7" || c["value_off"] != nil {
		t.Fatalf("%v", c)
	}
	// To a product coupon, then select_all=0 clears its products.
	upd("coupon_code", "SEVEN", "type", "product", "product_id", mugID).wantOK(t, "")
	if p := arr(coupon(t, s, "SEVEN")["product"]); len(p) != 1 || obj(p[0])["product_id"] != mugID {
		t.Fatalf("%v", p)
	}
	upd("coupon_code", "SEVEN", "type", "product", "select_all", "0").wantErr(t, 400, "PARAMETER_MISSING", "product_id")
	upd("coupon_code", "SEVEN", "type", "product", "select_all", "0", "product_id", headphonesID).wantOK(t, "")
	if p := arr(coupon(t, s, "SEVEN")["product"]); len(p) != 1 || obj(p[0])["product_id"] != headphonesID {
		t.Fatalf("%v", p)
	}
	// Shipping drops the discount.
	upd("coupon_code", "SEVEN", "type", "shipping").wantOK(t, "")
	if c := coupon(t, s, "SEVEN"); c["percentage_off"] != nil || c["type"] != "shipping" {
		t.Fatalf("%v", c)
	}

	post(t, s, "products/delete_coupon", nil).wantErr(t, 400, "PARAMETER_MISSING", "coupon_code")
	post(t, s, "products/delete_coupon", form("coupon_code", "SEVEN")).wantOK(t, "Coupon successfully deleted.")
	post(t, s, "products/delete_coupon", form("coupon_code", "SEVEN")).wantErr(t, 400, "RECORD_NOT_FOUND", "")
	// The code is free again.
	post(t, s, "products/create_coupon", form("coupon_code", "seven", "date_expire", "2099-01-01", "type", "shipping")).wantOK(t, "")
}
