package handlers

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/templates/components"
	couponspage "backoffice/templates/pages/coupons"
)

// couponsAPI is what the coupon pages need of the Admin API.
type couponsAPI interface {
	ListCoupons(ctx context.Context) ([]apiclient.CouponSummary, error)
	DetailCoupon(ctx context.Context, p apiclient.DetailCouponParams) (*apiclient.Coupon, error)
	CreateCoupon(ctx context.Context, p apiclient.CreateCouponParams) (*apiclient.CouponResult, error)
	UpdateCoupon(ctx context.Context, p apiclient.UpdateCouponParams) (*apiclient.CouponResult, error)
	DeleteCoupon(ctx context.Context, p apiclient.DeleteCouponParams) (*apiclient.Result, error)
	AllProducts(ctx context.Context, p apiclient.ListProductsParams, concurrency int) ([]apiclient.Product, error)
}

// couponsHandler serves the coupon pages: list and detail (coupons.view),
// create and edit (coupons.edit), delete (coupons.delete). Every write goes
// through the write path.
type couponsHandler struct {
	resource[couponsAPI]
	// names names the products a coupon applies to; currency the
	// account's currency its amounts are in.
	names    *productNames
	currency *accountCurrency
}

// couponCodePattern is the API's rule for coupon codes.
var couponCodePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// couponTypes are the API's coupon types with the words the panel uses.
var couponTypes = []struct{ value, label string }{
	{"sale", "Sale (whole order)"},
	{"product", "Product (chosen products)"},
	{"shipping", "Shipping (free shipping)"},
}

func couponTypeOptions(selected string, withAll bool) []components.Option {
	var out []components.Option
	if withAll {
		out = append(out, components.Option{Value: "", Label: "All types", Selected: selected == ""})
	}
	for _, t := range couponTypes {
		out = append(out, components.Option{Value: t.value, Label: t.label, Selected: t.value == selected})
	}
	return out
}

// couponDiscount puts a coupon's discount in words: "15% off", "10.00 off",
// "free shipping".
func couponDiscount(typ, percent string, hasPercent bool, value apiclient.Text, currency string) string {
	switch {
	case hasPercent:
		return inert(percent) + "% off"
	case !value.Blank():
		return priceText(value, currency, "") + " off"
	case typ == "shipping":
		return "free shipping"
	}
	return "none"
}

// couponDiscountKey orders discounts: percentages, then amounts, then none,
// each by size.
func couponDiscountKey(c apiclient.CouponSummary) (int, int64) {
	if p, ok := c.PercentOff(); ok {
		if n, err := form.ParseCents(p); err == nil {
			return 0, n
		}
	}
	if n, err := form.ParseCents(c.ValueOff.Value); err == nil && !c.ValueOff.Blank() {
		return 1, n
	}
	return 2, 0
}

func (h *couponsHandler) today() string { return h.now().UTC().Format("2006-01-02") }

// couponOrderWords are the coupon columns that do not read A to Z.
var couponOrderWords = map[string]orderWords{"": byDate, "expiry": {"Earliest first", "Latest first"}, "discount": byNumber}

func (h *couponsHandler) list(c echo.Context) error {
	qv := c.QueryParams()
	q, _ := readList(qv, listSpec{path: h.paths.Coupons(), sorts: []string{"code", "type", "expiry", "discount"}, defDesc: true,
		words: couponOrderWords})
	code := textFilter(qv, "code")
	typ := qv.Get("type")
	if !slices.ContainsFunc(couponTypes, func(t struct{ value, label string }) bool { return t.value == typ }) {
		typ = ""
	}
	q = q.withFilters([2]string{"code", code}, [2]string{"type", typ})
	withOrder := listFragment(c, q, couponspage.FiltersID)
	all, err := h.api.ListCoupons(c.Request().Context())
	if apiclient.IsNotFound(err) {
		// The live API answers an account without coupons with
		// RECORD_NOT_FOUND: an empty list, not an error.
		all, err = nil, nil
	}
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur := h.currency.Label(ctx, h.log)
	var names map[string]string
	if slices.ContainsFunc(all, func(cp apiclient.CouponSummary) bool {
		return strings.EqualFold(cp.Type.Value, "product") || len(couponProductIDs(cp.ProductID)) > 0
	}) {
		if names, err = h.names.Names(ctx); err != nil {
			h.log.Warn("coupon list shows product ids without names", "request_id", RequestIDOf(c), "error", err)
		}
	}
	v := couponListView(requestOf(c), h.paths, q, code, typ, all, h.today(), cur, names)
	h.nameProducts(ctx, v.Rows, names)
	return h.render(c, http.StatusOK, "Coupons", couponspage.ListPage(v), couponspage.ResultsFragment(v, withOrder))
}

// couponListView filters, sorts and pages the account's coupons (the API
// sends them all at once) for state q.
// currency is the account's currency ("" when unknown); names the
// catalogue's product names by id (nil when unknown).
func couponListView(rq *request, p paths, q listState, code, typ string, all []apiclient.CouponSummary, today, currency string,
	names map[string]string) couponspage.List {
	needle := strings.ToLower(code)
	rows := make([]apiclient.CouponSummary, 0, len(all))
	for _, cp := range all {
		if needle != "" && !strings.Contains(strings.ToLower(cp.CouponCode.Value), needle) {
			continue
		}
		if typ != "" && !strings.EqualFold(cp.Type.Value, typ) {
			continue
		}
		rows = append(rows, cp)
	}
	sortCoupons(rows, q.Sort, q.Desc)
	total := len(rows)
	last := max((total+q.Size-1)/q.Size, 1)
	q.Page = min(q.Page, last)
	start := (q.Page - 1) * q.Size
	page := rows[start:min(start+q.Size, total)]

	target := "#" + couponspage.ResultsID
	v := couponspage.List{Path: p.Coupons(), NewURL: p.CouponNew(), Code: code, Types: couponTypeOptions(typ, true),
		Sizes: q.SizeOptions(), Dirs: q.DirOptions(),
		Sorts: q.SortOptions([2]string{"", "Date added"}, [2]string{"code", "Code"}, [2]string{"type", "Type"},
			[2]string{"expiry", "Expiry date"}, [2]string{"discount", "Discount"}),
		CanEdit: rq.Can(auth.CouponsEdit), Pager: q.Pager(total, last, target)}
	v.Heads = []components.SortHeader{q.Head("Code", "code", false, target), q.Head("Type", "type", false, target),
		q.Head("Expires", "expiry", false, target), q.Head("Discount", "discount", true, target)}
	for _, cp := range page {
		pct, hasPct := cp.PercentOff()
		r := couponspage.Row{Code: text(cp.CouponCode), Type: text(cp.Type), Discount: couponDiscount(cp.Type.Value, pct, hasPct, cp.ValueOff, currency),
			Minimum: couponMinimum(cp.MinimumPurchase, currency), Expires: text(cp.DateExpire),
			Expired: !cp.DateExpire.Blank() && cp.DateExpire.Value < today, Products: couponProductWords(cp, names)}
		if couponCodePattern.MatchString(cp.CouponCode.Value) {
			r.Href = p.Coupon(cp.CouponCode.Value)
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

// sortCoupons sorts by a column, the code breaking ties; without a column
// it is by date added: descending (the list's own order) keeps the API's
// order, newest first, and ascending reverses it. "Sort by: Date added" and
// "Order" then name one order together, never two that disagree.
func sortCoupons(rows []apiclient.CouponSummary, col string, desc bool) {
	if col == "" {
		if !desc {
			slices.Reverse(rows)
		}
		return
	}
	slices.SortStableFunc(rows, func(a, b apiclient.CouponSummary) int {
		r := 0
		switch col {
		case "type":
			r = cmp.Compare(strings.ToLower(a.Type.Value), strings.ToLower(b.Type.Value))
		case "expiry":
			r = cmp.Compare(a.DateExpire.Value, b.DateExpire.Value)
		case "discount":
			ka, na := couponDiscountKey(a)
			kb, nb := couponDiscountKey(b)
			r = cmp.Or(cmp.Compare(ka, kb), cmp.Compare(na, nb))
		}
		if r == 0 {
			r = cmp.Compare(strings.ToLower(a.CouponCode.Value), strings.ToLower(b.CouponCode.Value))
		}
		if desc {
			r = -r
		}
		return r
	})
}

// couponCode reads the code from the path: the API's coupon-code charset
// only, else 404 without asking the API.
func couponCode(c echo.Context) (string, error) {
	code := c.Param("code")
	if !couponCodePattern.MatchString(code) {
		return "", echo.NewHTTPError(http.StatusNotFound)
	}
	return code, nil
}

// coupon fetches the coupon named by the path; one the API does not know is
// a 404. The live detail_coupon answers FORBIDDEN for a code nobody has, the
// same as for another merchant's, so both read as "not found" here.
func (h *couponsHandler) coupon(c echo.Context) (*apiclient.Coupon, string, error) {
	code, err := couponCode(c)
	if err != nil {
		return nil, "", err
	}
	cp, err := h.api.DetailCoupon(c.Request().Context(), apiclient.DetailCouponParams{CouponCode: code})
	if apiclient.IsNotFound(err) || apiclient.IsForbidden(err) {
		return nil, code, echo.NewHTTPError(http.StatusNotFound)
	}
	return cp, code, err
}

// couponAllProducts reports whether a coupon applies to every product: the
// API lists product "0" then.
func couponAllProducts(cp *apiclient.Coupon) bool {
	for _, p := range cp.Products {
		if p.ProductID.Value == "0" {
			return true
		}
	}
	return false
}

func couponDiscountOf(cp *apiclient.Coupon, currency string) string {
	pct, hasPct := cp.PercentOff()
	return couponDiscount(cp.Type.Value, pct, hasPct, cp.ValueOff, currency)
}

// nameProducts fills in the products of the page's product coupons that
// list_coupons left out: it names no products (admin-api.md 4.5), so each
// such row on this page costs one detail_coupon, a few at a time; the
// names come from the catalogue read once (productNames). A coupon that
// cannot be read says so rather than failing the list.
func (h *couponsHandler) nameProducts(ctx context.Context, rows []couponspage.Row, names map[string]string) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	for i := range rows {
		r := &rows[i]
		if r.Products != "" || !strings.EqualFold(r.Type, "product") || !couponCodePattern.MatchString(r.Code) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			cp, err := h.api.DetailCoupon(ctx, apiclient.DetailCouponParams{CouponCode: r.Code})
			if err != nil {
				h.log.Warn("coupon products for the list", "coupon", r.Code, "error", err)
				r.Products = "(could not be read)"
				return
			}
			if couponAllProducts(cp) {
				r.Products = "All products"
				return
			}
			out := make([]string, 0, len(cp.Products))
			for _, p := range cp.Products {
				out = append(out, couponProductName(p.ProductID.Value, names))
			}
			r.Products = strings.Join(out, ", ")
		}()
	}
	wg.Wait()
}

// couponMinimum is a coupon's minimum purchase with its currency; none
// reads as 0.00.
func couponMinimum(t apiclient.Text, currency string) string {
	if t.Blank() {
		t = apiclient.NewText("0.00")
	}
	return priceText(t, currency, "")
}

// couponProductIDs are the products a listed coupon names, without the
// API's "0" (every product).
func couponProductIDs(ids apiclient.TextList) []string {
	var out []string
	for _, id := range ids {
		if !id.Blank() && id.Value != "0" {
			out = append(out, id.Value)
		}
	}
	return out
}

// couponProductWords names a listed coupon's products: "All products" for
// one on every product, the names (or "product ID" for one the catalogue
// does not name) for the rest, "" when it names none.
func couponProductWords(cp apiclient.CouponSummary, names map[string]string) string {
	for _, id := range cp.ProductID {
		if id.Value == "0" {
			return "All products"
		}
	}
	ids := couponProductIDs(cp.ProductID)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = couponProductName(id, names)
	}
	return strings.Join(out, ", ")
}

// couponProductName is a product's name from the catalogue, or its id.
func couponProductName(id string, names map[string]string) string {
	if n := names[id]; n != "" {
		return n
	}
	return "product " + inert(id)
}

func (h *couponsHandler) show(c echo.Context) error {
	cp, code, err := h.coupon(c)
	if err != nil {
		return err
	}
	rq := requestOf(c)
	ctx := c.Request().Context()
	cur := h.currency.Label(ctx, h.log)
	v := couponspage.Detail{Code: shown(cp.CouponCode, code), Type: text(cp.Type), Discount: couponDiscountOf(cp, cur),
		Minimum: couponMinimum(cp.MinimumPurchase, cur), Expires: text(cp.DateExpire),
		Expired:     !cp.DateExpire.Blank() && cp.DateExpire.Value < h.today(),
		AllProducts: couponAllProducts(cp), EditURL: h.paths.CouponEdit(code), DeleteURL: h.paths.CouponConfirm(code),
		ListURL: h.paths.Coupons(), CanEdit: rq.Can(auth.CouponsEdit), CanDelete: rq.Can(auth.CouponsDelete)}
	if !v.AllProducts {
		var names map[string]string
		if len(cp.Products) > 0 {
			if names, err = h.names.Names(ctx); err != nil {
				h.log.Warn("coupon page shows product ids without names", "request_id", rq.ID, "error", err)
			}
		}
		for _, p := range cp.Products {
			id := p.ProductID.Value
			pr := couponspage.Product{ID: inert(id), Name: couponProductName(id, names)}
			if form.IsDigits(id, apiIDMaxDigits) {
				pr.Href = h.paths.Product(id)
			}
			v.Products = append(v.Products, pr)
		}
	}
	return h.render(c, http.StatusOK, "Coupon "+v.Code, couponspage.DetailPage(v), nil)
}

// couponConfirm is the delete confirmation of coupon cp (nil when it could
// not be read).
func couponConfirm(rq *request, p paths, code string, cp *apiclient.Coupon, currency string) components.Confirm {
	name, typ, discount := code, "—", "—"
	if cp != nil {
		name, typ, discount = shown(cp.CouponCode, code), text(cp.Type), couponDiscountOf(cp, currency)
	}
	return components.Confirm{Question: "Delete coupon " + name + "?",
		Facts: []components.Fact{{Label: "Code", Value: name}, {Label: "Type", Value: typ},
			{Label: "Discount", Value: discount}},
		Consequence: "The coupon will be deleted; buyers can no longer use it. This cannot be undone.",
		Action:      p.CouponDelete(code), Cancel: p.Coupon(code), Submit: "Delete coupon", CSRF: rq.CSRF(), Key: NewFormKey()}
}

// couponRemoval is the confirmed delete of coupon code (cp nil when it
// could not be read).
func (h *couponsHandler) couponRemoval(c echo.Context, code string, cp *apiclient.Coupon) confirmed {
	x := confirmed{Title: "Delete coupon", Page: couponConfirm(requestOf(c), h.paths, code, cp, h.currency.Label(c.Request().Context(), h.log)),
		Write: Write{Action: "coupons.delete", Permission: auth.CouponsDelete, Target: "coupon:" + code,
			Send: send(h.api.DeleteCoupon, apiclient.DeleteCouponParams{CouponCode: code})},
		Done: "Coupon " + code + " deleted.", Next: h.paths.Coupons()}
	if cp != nil {
		x.Write.Before = couponBefore(cp)
	}
	return x
}

// couponBefore is a coupon's state for the audit log.
func couponBefore(cp *apiclient.Coupon) url.Values {
	v := url.Values{"coupon_code": {cp.CouponCode.Value}, "type": {cp.Type.Value}, "date_expire": {cp.DateExpire.Value},
		"minimum_purchase": {cp.MinimumPurchase.Value}}
	if p, ok := cp.PercentOff(); ok {
		v.Set("percentage_off", p)
	}
	if !cp.ValueOff.Blank() {
		v.Set("value_off", cp.ValueOff.Value)
	}
	for _, p := range cp.Products {
		v.Add("product_id", p.ProductID.Value)
	}
	return v
}

// deletion is the coupon delete's confirmation page and its send.
func (h *couponsHandler) deletion() deletion[apiclient.Coupon] {
	return deletion[apiclient.Coupon]{h.web, h.wr, h.coupon, h.couponRemoval}
}
