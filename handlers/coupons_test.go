package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/sandbox"
)

// ocCouponForm is a valid create form: a 10 % sale coupon.
func ocCouponForm(key string, kv ...string) url.Values {
	v := url.Values{"_idem": {key}, "coupon_code": {"NEW10"}, "type": {"sale"}, "discount": {"percent"}, "amount": {"10"},
		"minimum_purchase": {"0"}, "date_expire": {"2027-01-31"}, "applies": {"all"}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00" {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func ocCoupon(t *testing.T, api *apiclient.Client, code string) *apiclient.Coupon {
	t.Helper()
	cp, err := api.DetailCoupon(context.Background(), apiclient.DetailCouponParams{CouponCode: code})
	if err != nil {
		t.Fatalf("detail_coupon %s: %v", code, err)
	}
	return cp
}

func ocCouponProducts(cp *apiclient.Coupon) string {
	var ids []string
	for _, p := range cp.Products {
		ids = append(ids, p.ProductID.Value)
	}
	return strings.Join(ids, ",")
}

// ocCodes lists the coupon codes of the list page's rows, in order.
func ocCodes(body string) []string {
	return texts(body, `td[data-label="Code"] a[href^="/coupons/"]`)
}

const (
	headphonesID = "4701000007"
	mugID        = "4701000010"
)

func TestCouponPagesByRole(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		role                string
		view, edit, buttons bool
	}{
		{"admin", true, true, true},
		{"catalogue", true, true, true},
		{"support", true, false, false},
		{"viewer", true, false, false},
		{"fulfilment", false, false, false},
	} {
		t.Run(tc.role, func(t *testing.T) {
			b, _ := h.signedInAs(tc.role)
			for _, p := range []string{"/coupons", "/coupons/HEADPHONES-20"} {
				if resp := b.get(p); (resp.StatusCode == http.StatusOK) != tc.view {
					t.Fatalf("%s: %d", p, resp.StatusCode)
				}
			}
			if tc.view {
				if got := strings.Contains(b.body, `href="/coupons/HEADPHONES-20/edit"`) && strings.Contains(b.body, `href="/coupons/HEADPHONES-20/delete"`); got != tc.buttons {
					t.Errorf("edit and delete buttons shown: %v", got)
				}
			}
			for _, p := range []string{"/coupons/new", "/coupons/HEADPHONES-20/edit", "/coupons/HEADPHONES-20/delete"} {
				if resp := b.get(p); (resp.StatusCode == http.StatusOK) != tc.edit {
					t.Errorf("%s: %d", p, resp.StatusCode)
				}
			}
			if !tc.edit {
				b.get("/")
				for _, p := range []string{"/coupons", "/coupons/HEADPHONES-20", "/coupons/HEADPHONES-20/delete"} {
					if resp := b.post(p, ocCouponForm(strings.Repeat("k", 40))); resp.StatusCode != http.StatusForbidden {
						t.Errorf("POST %s by %s: %d", p, tc.role, resp.StatusCode)
					}
				}
			}
		})
	}
	for _, m := range []string{"create_coupon", "update_coupon", "delete_coupon"} {
		if n := h.sb.Calls(m); n != 0 {
			t.Errorf("%s called %d times", m, n)
		}
	}
}

func TestCouponListFilterSortAndPage(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("support")
	b.get("/coupons")
	if got := strings.Join(ocCodes(b.body), ","); !strings.HasPrefix(got, "TESTPERCENT,APITEST002") || len(ocCodes(b.body)) != 10 {
		t.Fatalf("default order is the API's, newest first: %s", got)
	}
	// list_coupons gives percentages as fractions; the page shows percents.
	if !strings.Contains(b.body, "15% off") || strings.Contains(b.body, "0.15") || !strings.Contains(b.body, "10.00 USD off") {
		t.Error("discounts are not shown as percents and amounts in the account's currency")
	}
	// Product coupons name their products, read from the catalogue once.
	if got := texts(b.body, `td[data-label="Products"]`); !slices.Contains(got, "Studio Headphones") {
		t.Errorf("no coupon names Studio Headphones: %q", got)
	}
	if !regexp.MustCompile(`SPRING_SALE</a></td><td data-label="Type">sale</td><td data-label="Expires"><span>2026-05-31 <span class="badge badge-bad">expired`).MatchString(b.body) {
		t.Error("an expired coupon is not marked")
	}
	for _, tc := range []struct{ query, want string }{
		{"type=product&sort=discount", "ALLPRODUCTS10,TESTPERCENT,HEADPHONES-20,MUG_5OFF"},
		{"type=product&sort=discount&dir=desc", "MUG_5OFF,HEADPHONES-20,TESTPERCENT,ALLPRODUCTS10"},
		{"code=SHIP&sort=code", "FREESHIP50,SHIPFREE-JUNE"},
		{"code=ship&sort=expiry&dir=desc", "FREESHIP50,SHIPFREE-JUNE"},
		{"type=product&sort=&dir=asc", "HEADPHONES-20,MUG_5OFF,ALLPRODUCTS10,TESTPERCENT"},
		{"type=product&sort=&dir=desc", "TESTPERCENT,ALLPRODUCTS10,MUG_5OFF,HEADPHONES-20"},
		{"type=shipping&sort=type", "FREESHIP50,SHIPFREE-JUNE"},
		{"type=sale&sort=expiry", "APITEST002,SPRING_SALE,TENOFF,APIMODIFY002"},
		{"code=nothing-like-this", ""},
		{"type=gift&sort=code&size=10", "ALLPRODUCTS10,APIMODIFY002,APITEST002,FREESHIP50,HEADPHONES-20,MUG_5OFF,SHIPFREE-JUNE,SPRING_SALE,TENOFF,TESTPERCENT"},
	} {
		b.get("/coupons?" + tc.query)
		if got := strings.Join(ocCodes(b.body), ","); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
		}
	}
	// Paging: 15 coupons at 10 a page.
	for _, code := range []string{"ZZ-1", "ZZ-2", "ZZ-3", "ZZ-4", "ZZ-5"} {
		if _, err := h.api.CreateCoupon(context.Background(), apiclient.CreateCouponParams{CouponCode: code, DateExpire: "2027-01-01",
			Type: "sale", ValueOff: "1.00"}); err != nil {
			t.Fatal(err)
		}
	}
	b.get("/coupons?sort=code&size=10")
	if !strings.Contains(b.body, "Page 1 of 2 · 15 results") {
		t.Fatal("pager summary")
	}
	next := regexp.MustCompile(`rel="next" href="([^"]+)"`).FindStringSubmatch(b.body)
	if next == nil {
		t.Fatal("no next link")
	}
	resp := b.get(html.UnescapeString(next[1]), "HX-Request", "true")
	if strings.Contains(b.body, "<html") || strings.Contains(b.body, "<form") || !regexp.MustCompile(`<div id="cp-sort"[^>]*hx-swap-oob="true"`).MatchString(b.body) ||
		!strings.Contains(b.body, `<option value="code" selected>`) {
		t.Fatalf("htmx page 2 is not the fragment: %.300s", b.body)
	}
	if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "HX-Request") {
		t.Error("no Vary: HX-Request")
	}
	if got := strings.Join(ocCodes(b.body), ","); got != "ZZ-1,ZZ-2,ZZ-3,ZZ-4,ZZ-5" {
		t.Errorf("page 2: %s", got)
	}
	// A page past the end shows the last page.
	b.get("/coupons?sort=code&size=10&page=99")
	if !strings.Contains(b.body, "Page 2 of 2") {
		t.Error("page past the end not clamped")
	}
	if n := h.sb.Calls("list_coupons"); n != 14 {
		t.Errorf("%d list_coupons calls for 14 pages", n)
	}
}

func TestCouponDetail(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("viewer")
	b.get("/coupons/HEADPHONES-20")
	for _, want := range []string{"<h1>Coupon HEADPHONES-20</h1>", "20% off", `<a href="/products/` + headphonesID + `">Studio Headphones</a> <span class="muted">(` + headphonesID + `)</span>`, "2026-12-31"} {
		if !strings.Contains(b.body, want) {
			t.Errorf("HEADPHONES-20 lacks %s", want)
		}
	}
	b.get("/coupons/TESTPERCENT")
	if strings.Count(b.body, `<a href="/products/`) != 2 || !strings.Contains(b.body, "expired") {
		t.Error("TESTPERCENT should list two products and be expired")
	}
	b.get("/coupons/FREESHIP50")
	if !strings.Contains(b.body, "All products") || !strings.Contains(b.body, "free shipping") || strings.Contains(b.body, `href="/products/0"`) {
		t.Error("FREESHIP50 should apply to all products with free shipping")
	}
	// Codes are case-insensitive upstream.
	if resp := b.get("/coupons/headphones-20"); resp.StatusCode != http.StatusOK {
		t.Errorf("lower-case code: %d", resp.StatusCode)
	}
}

func TestCouponBadCodesNeverReachTheAPI(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("admin")
	for _, code := range []string{"bad%20code", "a.b", "a%2Fb", "..%2F..%2Fusers", "%C3%A9t%C3%A9", strings.Repeat("A", 256), "A%00", "%3Cscript%3E"} {
		for _, p := range []string{"/coupons/" + code, "/coupons/" + code + "/edit", "/coupons/" + code + "/delete"} {
			if resp := b.get(p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
		}
		for _, p := range []string{"/coupons/" + code, "/coupons/" + code + "/delete"} {
			if resp := b.post(p, ocCouponForm(strings.Repeat("k", 40))); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d", p, resp.StatusCode)
			}
		}
	}
	for _, m := range []string{"detail_coupon", "update_coupon", "delete_coupon", "list_products"} {
		if n := h.sb.Calls(m); n != 0 {
			t.Errorf("%s called %d times", m, n)
		}
	}
	if resp := b.get("/coupons/" + strings.Repeat("A", 255)); resp.StatusCode != http.StatusNotFound || h.sb.Calls("detail_coupon") != 1 {
		t.Errorf("a 255-character code is asked for: %d", resp.StatusCode)
	}
	// detail_coupon answers FORBIDDEN for unknown codes and other merchants'
	// alike, so the panel cannot (and need not) tell them apart.
	if resp := b.get("/coupons/" + h.sb.SaleFixtures().ForbiddenCoupon); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another merchant's coupon: %d", resp.StatusCode)
	}
}

func TestCouponFormValidation(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/coupons/new")
	key := ocFormKey(t, b)
	twice := ocCouponForm(key)
	twice.Add("discount", "value")
	cases := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"percentage and value both", twice, "discount", "sent more than once"},
		{"no discount chosen", ocCouponForm(key, "discount", "\x00"), "discount", "Choose percentage off or amount off."},
		{"no amount", ocCouponForm(key, "amount", ""), "amount", "Enter the percentage or the amount off."},
		{"shipping with an amount", ocCouponForm(key, "type", "shipping"), "amount", "leave this empty"},
		{"percentage 0", ocCouponForm(key, "amount", "0"), "amount", "must be more than 0"},
		{"percentage 100.01", ocCouponForm(key, "amount", "100.01"), "amount", "at most 100"},
		{"percentage -5", ocCouponForm(key, "amount", "-5"), "amount", "digits and a dot only"},
		{"percentage 12.345", ocCouponForm(key, "amount", "12.345"), "amount", "at most two decimals"},
		{"value 0", ocCouponForm(key, "discount", "value", "amount", "0"), "amount", "must be more than 0"},
		{"value 12,34", ocCouponForm(key, "discount", "value", "amount", "12,34"), "amount", "digits and a dot only"},
		{"value 1e3", ocCouponForm(key, "discount", "value", "amount", "1e3"), "amount", "digits and a dot only"},
		{"value NaN", ocCouponForm(key, "discount", "value", "amount", "NaN"), "amount", "digits and a dot only"},
		{"value -1", ocCouponForm(key, "discount", "value", "amount", "-1"), "amount", "digits and a dot only"},
		{"value 12.345", ocCouponForm(key, "discount", "value", "amount", "12.345"), "amount", "at most two decimals"},
		{"minimum -1", ocCouponForm(key, "minimum_purchase", "-1"), "minimum_purchase", "digits and a dot only"},
		{"minimum empty", ocCouponForm(key, "minimum_purchase", ""), "minimum_purchase", "Minimum purchase is required."},
		{"expiry 2026-02-30", ocCouponForm(key, "date_expire", "2026-02-30"), "date_expire", "must be a real date"},
		{"expiry 13/01/2026", ocCouponForm(key, "date_expire", "13/01/2026"), "date_expire", "must be a real date"},
		{"expiry in the past", ocCouponForm(key, "date_expire", "2026-11-19"), "date_expire", "is in the past"},
		{"expiry empty", ocCouponForm(key, "date_expire", ""), "date_expire", "Expiry date is required."},
		{"code with a space", ocCouponForm(key, "coupon_code", "NEW 10"), "coupon_code", "only letters, digits, - and _"},
		{"code multi-byte", ocCouponForm(key, "coupon_code", "ÉTÉ26"), "coupon_code", "only letters, digits, - and _"},
		{"code 256", ocCouponForm(key, "coupon_code", strings.Repeat("A", 256)), "coupon_code", "256 characters long; at most 255"},
		{"code 10000", ocCouponForm(key, "coupon_code", strings.Repeat("A", 10000)), "coupon_code", "at most 255"},
		{"unknown type", ocCouponForm(key, "type", "gift"), "type", "Choose one of the offered values"},
		{"product coupon without products", ocCouponForm(key, "type", "product", "applies", "some"), "product_id", "Tick at least one product"},
		{"product coupon without a scope", ocCouponForm(key, "type", "product", "applies", "\x00"), "applies", "all products or only"},
		{"product id not an id", ocCouponForm(key, "type", "product", "applies", "some", "product_id", "../1"), "product_id", "not an id"},
		{"product id unknown", ocCouponForm(key, "type", "product", "applies", "some", "product_id", "123"), "product_id", "no longer in the catalogue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := b.post("/coupons", tc.form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := ocFieldErr(b.body, tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("error next to %s = %q, want %q", tc.field, got, tc.want)
			}
			// The input is kept.
			if v := tc.form.Get("coupon_code"); len(v) < 300 && !strings.Contains(b.body, `value="`+html.EscapeString(v)+`"`) {
				t.Errorf("code %q not kept", v)
			}
		})
	}
	if n := h.sb.Calls("create_coupon"); n != 0 {
		t.Fatalf("%d create_coupon calls for invalid forms", n)
	}
	// The edges that are allowed: 100 %, expiring today, a 255-character
	// code, a shipping coupon without a discount.
	for i, f := range []url.Values{
		ocCouponForm("", "coupon_code", "FULL", "amount", "100"),
		ocCouponForm("", "coupon_code", "TODAY", "date_expire", "2026-11-20"),
		ocCouponForm("", "coupon_code", strings.Repeat("L", 255)),
		ocCouponForm("", "coupon_code", "SHIPIT", "type", "shipping", "discount", "\x00", "amount", ""),
	} {
		b.get("/coupons/new")
		f.Set("_idem", ocFormKey(t, b))
		if resp := b.post("/coupons", f); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("allowed form %d refused: %d %s %s", i, resp.StatusCode, ocTopErr(b.body), b.body[strings.Index(b.body, "<form"):][:200])
		}
	}
	if cp := ocCoupon(t, h.api, "FULL"); cp.PercentageOff.Value != "100" {
		t.Errorf("FULL has %q %%", cp.PercentageOff.Value)
	}
	if cp := ocCoupon(t, h.api, "SHIPIT"); cp.Type.Value != "shipping" || !cp.PercentageOff.Blank() || !cp.ValueOff.Blank() {
		t.Errorf("SHIPIT: %+v", cp)
	}
}

func TestCouponCreateIgnoresExtraFieldsAndFlagsDuplicateCode(t *testing.T) {
	h, up := newOCHarness(t)
	b, _ := h.signedInAs("admin")
	b.get("/coupons/new")
	f := ocCouponForm(ocFormKey(t, b), "coupon_code", "SUMMER-26", "type", "product", "amount", "12.5", "minimum_purchase", "5",
		"applies", "some", "value_off", "99", "percentage_off", "50", "select_all", "1", "vendor_id", "1")
	f["product_id"] = []string{headphonesID, mugID}
	resp := b.post("/coupons", f)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/coupons/SUMMER-26" {
		t.Fatalf("create: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), ocTopErr(b.body))
	}
	sent := up.lastSent("create_coupon")
	if sent.Get("percentage_off") != "12.5" || sent.Has("value_off") || sent.Has("select_all") || sent.Has("vendor_id") ||
		strings.Join(sent["product_id"], ",") != headphonesID+","+mugID || sent.Get("minimum_purchase") != "5.00" {
		t.Errorf("sent upstream: %v", sent)
	}
	cp := ocCoupon(t, h.api, "SUMMER-26")
	if p, _ := cp.PercentOff(); p != "12.5" || ocCouponProducts(cp) != headphonesID+","+mugID || cp.MinimumPurchase.Value != "5.00" {
		t.Errorf("sandbox: %+v", cp)
	}
	b.get("/coupons/SUMMER-26")
	if !strings.Contains(b.body, "Coupon SUMMER-26 created.") {
		t.Error("no flash")
	}
	// The same code again (in another case): the API refuses it, and the
	// message lands on the code field with the input kept.
	b.get("/coupons/new")
	key := ocFormKey(t, b)
	resp = b.post("/coupons", ocCouponForm(key, "coupon_code", "summer-26"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate: %d", resp.StatusCode)
	}
	if got := ocFieldErr(b.body, "coupon_code"); !strings.Contains(got, "another coupon already has it") {
		t.Errorf("error on the code field: %q (top: %q)", got, ocTopErr(b.body))
	}
	if !strings.Contains(b.body, `value="summer-26"`) || ocFormKey(t, b) == key {
		t.Error("input not kept or key not renewed")
	}
	if n := h.sb.Calls("create_coupon"); n != 2 {
		t.Errorf("%d create_coupon calls", n)
	}
	// No code: 2Checkout makes one up and the panel goes there.
	b.get("/coupons/new")
	resp = b.post("/coupons", ocCouponForm(ocFormKey(t, b), "coupon_code", ""))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/coupons/2CO-") {
		t.Fatalf("generated code: %d %q", resp.StatusCode, loc)
	}
	ocCoupon(t, h.api, strings.TrimPrefix(loc, "/coupons/"))
}

func TestCouponUpdate(t *testing.T) {
	h, up := newOCHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/coupons/HEADPHONES-20/edit")
	for _, want := range []string{`name="new_code" type="text" value="HEADPHONES-20"`, `value="percent" checked`, `value="20"`,
		`value="some" checked`, `value="` + headphonesID + `" checked`, `value="2026-12-31"`} {
		if !strings.Contains(b.body, want) {
			t.Errorf("edit form lacks %s", want)
		}
	}
	key := ocFormKey(t, b)
	// Rename, switch to an amount off, two products; the expiry stays.
	f := url.Values{"_idem": {key}, "new_code": {"HP-SALE"}, "type": {"product"}, "discount": {"value"}, "amount": {"7.5"},
		"minimum_purchase": {"10"}, "date_expire": {"2026-12-31"}, "applies": {"some"}, "product_id": {headphonesID, mugID},
		"coupon_code": {"TENOFF"}}
	resp := b.post("/coupons/HEADPHONES-20", f)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/coupons/HP-SALE" {
		t.Fatalf("update: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), ocTopErr(b.body))
	}
	sent := up.lastSent("update_coupon")
	if sent.Get("coupon_code") != "HEADPHONES-20" || sent.Get("new_code") != "HP-SALE" || sent.Has("date_expire") ||
		sent.Get("value_off") != "7.50" || sent.Has("percentage_off") || sent.Get("minimum_purchase") != "10.00" {
		t.Errorf("sent upstream: %v", sent)
	}
	cp := ocCoupon(t, h.api, "HP-SALE")
	if cp.ValueOff.Value != "7.50" || !cp.PercentageOff.Blank() || ocCouponProducts(cp) != headphonesID+","+mugID {
		t.Errorf("sandbox: %+v", cp)
	}
	if _, err := h.api.DetailCoupon(context.Background(), apiclient.DetailCouponParams{CouponCode: "HEADPHONES-20"}); !apiclient.IsForbidden(err) {
		t.Errorf("the old code still answers: %v", err)
	}
	b.get("/coupons/HP-SALE")
	if !strings.Contains(b.body, "Coupon HEADPHONES-20 renamed to HP-SALE and saved.") {
		t.Error("no flash")
	}
	if a := ocAuditText(t, h); !strings.Contains(a, "coupons.update coupon:HEADPHONES-20 ok") || !strings.Contains(a, `"percentage_off":"20"`) {
		t.Errorf("audit lacks the change with its before: %.600s", a)
	}
	// The back button: the same form again answers from its first sending;
	// edited first, it is refused, and nothing changes at 2Checkout.
	if resp := b.post("/coupons/HEADPHONES-20", f); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/coupons/HP-SALE" {
		t.Errorf("resend: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	edited := url.Values{}
	for k, v := range f {
		edited[k] = v
	}
	edited.Set("amount", "1")
	if resp := b.post("/coupons/HEADPHONES-20", edited); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(b.body, "already used for a different change") {
		t.Errorf("edited resend: %d %s", resp.StatusCode, ocTopErr(b.body))
	}
	if cp := ocCoupon(t, h.api, "HP-SALE"); cp.ValueOff.Value != "7.50" {
		t.Errorf("the edited resend changed the coupon: %+v", cp)
	}
	// Renaming onto a taken code: the API's refusal lands on the code field.
	b.get("/coupons/HP-SALE/edit")
	f.Set("_idem", ocFormKey(t, b))
	f.Set("new_code", "TENOFF")
	if resp := b.post("/coupons/HP-SALE", f); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(ocFieldErr(b.body, "new_code"), "another coupon already has it") {
		t.Errorf("taken code: %d %q", resp.StatusCode, ocFieldErr(b.body, "new_code"))
	}
	// An expired coupon can be edited without moving its expiry, but not
	// moved to another past date.
	b.get("/coupons/APITEST002/edit")
	g := url.Values{"_idem": {ocFormKey(t, b)}, "new_code": {"APITEST002"}, "type": {"sale"}, "discount": {"percent"}, "amount": {"6"},
		"minimum_purchase": {"5.00"}, "date_expire": {"2012-12-31"}}
	if resp := b.post("/coupons/APITEST002", g); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("expired coupon edit: %d %s", resp.StatusCode, ocFieldErr(b.body, "date_expire"))
	}
	if p, _ := ocCoupon(t, h.api, "APITEST002").PercentOff(); p != "6" {
		t.Errorf("APITEST002 at %s %%", p)
	}
	b.get("/coupons/APITEST002/edit")
	g.Set("_idem", ocFormKey(t, b))
	g.Set("date_expire", "2026-01-01")
	if resp := b.post("/coupons/APITEST002", g); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ocFieldErr(b.body, "date_expire"), "in the past") {
		t.Errorf("moved into the past: %d", resp.StatusCode)
	}
}

func TestCouponUpstreamFailures(t *testing.T) {
	h, up := newOCHarness(t)
	b, _ := h.signedInAs("catalogue")
	checkReadFaults(t, h, up, b, readFaults(h, up, "list_coupons", "detail_coupon"), "/coupons?type=sale", "/coupons", "/coupons/TENOFF")
	for _, tc := range writeFaults(h, up, "create_coupon") {
		t.Run("write create "+tc.name, func(t *testing.T) {
			checkWriteFault(t, h, up, b, tc, writeCase{formPage: "/coupons/new", post: "/coupons", method: "create_coupon",
				form: ocCouponForm("", "coupon_code", "FAILS-"+tc.name), kept: []string{"coupon_code"}})
		})
	}
	// An update reads the coupon and the catalogue first, so only a fault of
	// the write itself reaches the write.
	for _, tc := range writeFaults(h, up, "update_coupon")[:1] {
		t.Run("write update "+tc.name, func(t *testing.T) {
			checkWriteFault(t, h, up, b, tc, writeCase{formPage: "/coupons/TENOFF/edit", post: "/coupons/TENOFF", method: "update_coupon",
				form: ocCouponForm("", "coupon_code", "\x00", "new_code", "TENOFF-2", "discount", "value", "amount", "11"), kept: []string{"new_code"}})
		})
	}
	h.assertNoSecretsInLogs()
}

func TestCouponParallelCreatesMakeOneCall(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/coupons/new")
	f := ocCouponForm(ocFormKey(t, b), "coupon_code", "ONCE")
	f.Set("_csrf", b.csrf)
	h.sb.SetFaults(sandbox.Faults{Latency: 200 * time.Millisecond})
	resps := b.postTwiceAtOnce(t, "/coupons", f)
	h.sb.SetFaults(sandbox.Faults{})
	status := []int{resps[0].StatusCode, resps[1].StatusCode}
	if n := h.sb.Calls("create_coupon"); n != 1 {
		t.Fatalf("%d create_coupon calls", n)
	}
	if status[0] != http.StatusSeeOther || status[1] != http.StatusSeeOther {
		t.Errorf("statuses %v: the repeat should get the first one's result", status)
	}
	// Same key, other values: refused.
	if resp := b.post("/coupons", ocCouponForm(f.Get("_idem"), "coupon_code", "OTHER")); resp.StatusCode != http.StatusConflict {
		t.Errorf("key reuse: %d", resp.StatusCode)
	}
}

func TestCouponDeleteNeedsConfirmation(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/coupons/TENOFF/delete")
	if !strings.Contains(b.body, `action="/coupons/TENOFF/delete"`) || !strings.Contains(b.body, "10.00 USD off") {
		t.Fatalf("confirmation: %.300s", b.body)
	}
	if h.sb.Calls("delete_coupon") != 0 {
		t.Fatal("GET deleted")
	}
	if resp := b.post("/coupons/TENOFF/delete", url.Values{"_idem": {ocFormKey(t, b)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if _, err := h.api.DetailCoupon(context.Background(), apiclient.DetailCouponParams{CouponCode: "TENOFF"}); !apiclient.IsForbidden(err) {
		t.Fatalf("TENOFF still there: %v", err)
	}
	b.get("/coupons")
	if !strings.Contains(b.body, "Coupon TENOFF deleted.") || strings.Contains(b.body, ">TENOFF</a>") {
		t.Error("list after delete")
	}
	// A delete that fails keeps the page with a message and a new key.
	b.get("/coupons/MUG_5OFF/delete")
	key := ocFormKey(t, b)
	h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{"delete_coupon": "INTERNAL_ERROR"}})
	resp := b.post("/coupons/MUG_5OFF/delete", url.Values{"_idem": {key}})
	h.sb.SetFaults(sandbox.Faults{})
	if resp.StatusCode != http.StatusBadGateway || ocTopErr(b.body) == "" || ocFormKey(t, b) == key {
		t.Errorf("failed delete: %d %q", resp.StatusCode, ocTopErr(b.body))
	}
}

func TestCouponFormShowsHostileProductAsText(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	hostile := h.sb.SaleFixtures().HostileProduct
	for _, p := range []string{"/coupons/new", "/coupons/ALLPRODUCTS10/edit"} {
		b.get(p)
		if !strings.Contains(b.body, `value="`+hostile+`">&lt;script&gt;alert(1)&lt;/script&gt;`) {
			t.Errorf("%s: the hostile product is not listed as text", p)
		}
		if strings.Contains(b.body, "<script>alert") || strings.Contains(b.body, "<b>bold") {
			t.Errorf("%s: raw markup", p)
		}
	}
	// Ticking it works like any product.
	b.get("/coupons/new")
	f := ocCouponForm(ocFormKey(t, b), "coupon_code", "EVIL-OK", "type", "product", "applies", "some", "product_id", hostile)
	if resp := b.post("/coupons", f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%d %s", resp.StatusCode, ocTopErr(b.body))
	}
	b.get("/coupons/EVIL-OK")
	if !strings.Contains(b.body, `<a href="/products/`+hostile+`">`) {
		t.Error("product link missing")
	}
}
