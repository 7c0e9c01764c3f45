package handlers

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/form"
	couponspage "backoffice/templates/pages/coupons"
)

// couponForm is the create and edit form of a coupon: the raw input for
// showing it again, and the checked values for sending.
type couponForm struct {
	codeField                                               string // "coupon_code" on create, "new_code" on edit
	Code, Type, Discount, Amount, Minimum, Expires, Applies string
	Ticked                                                  []string
	Errors                                                  form.Errors

	code, typ, percent, value, minimum, expires string
	all                                         bool
	ids                                         []string
}

func readCouponForm(vals url.Values, codeField string) *couponForm {
	return &couponForm{codeField: codeField, Code: vals.Get(codeField), Type: vals.Get("type"), Discount: vals.Get("discount"),
		Amount: vals.Get("amount"), Minimum: vals.Get("minimum_purchase"), Expires: vals.Get("date_expire"),
		Applies: vals.Get("applies"), Ticked: vals["product_id"], Errors: form.Errors{}}
}

// wantsChosenProducts reports whether the form asks for a product coupon on
// chosen products, whose ids must be checked against the catalogue.
func (f *couponForm) wantsChosenProducts() bool { return f.Type == "product" && f.Applies == "some" }

// couponCheck is what validation needs besides the form.
type couponCheck struct {
	today time.Time
	// keepExpiry is the stored expiry on edit: keeping it is allowed even
	// when it has passed.
	keepExpiry string
	// known reports whether a product id is in the catalogue (nil: not
	// checked, the form does not ask for chosen products).
	known map[string]bool
}

// validate checks the form with the API's rules: a code of letters, digits,
// - and _ (at most 255); a type of sale, product or shipping; percentage
// off (above 0, at most 100, two decimals) or an amount off (money above 0),
// never both, and neither for shipping; a minimum purchase of 0 or more; an
// expiry date that exists and is not in the past; a product coupon applies
// to all products or to at least one chosen product.
func (f *couponForm) validate(vals url.Values, chk couponCheck) {
	in := form.NewReader(vals)
	edit := f.codeField == "new_code"
	f.code = in.Text(f.codeField, form.Text{Label: "Coupon code", Required: edit, Max: 255})
	if f.code != "" && in.Errors.Get(f.codeField) == "" && !couponCodePattern.MatchString(f.code) {
		in.Errors.Add(f.codeField, "A coupon code may contain only letters, digits, - and _ (no spaces or other signs).")
	}
	f.typ = in.Choice("type", "Type", true, "sale", "product", "shipping")
	amount := in.Text("amount", form.Text{Label: "The percentage or amount", Max: 20})
	discount := in.Choice("discount", "Discount", false, "percent", "value")
	switch {
	case in.Errors.Get("type") != "":
	case f.typ == "shipping":
		if amount != "" {
			in.Errors.Add("amount", "Shipping coupons give free shipping and take no discount: leave this empty.")
		}
	case discount == "" && in.Errors.Get("discount") == "":
		in.Errors.Add("discount", "Choose percentage off or amount off.")
	case amount == "" && in.Errors.Get("amount") == "":
		in.Errors.Add("amount", "Enter the percentage or the amount off.")
	case discount == "percent" && in.Errors.Get("amount") == "":
		bp, err := form.ParseCents(amount)
		switch {
		case err != nil:
			in.Errors.Add("amount", "The percentage "+err.Error())
		case bp == 0:
			in.Errors.Add("amount", "The percentage must be more than 0.")
		case bp > 10000:
			in.Errors.Add("amount", "The percentage can be at most 100.")
		default:
			f.percent = couponPercentText(bp)
		}
	case discount == "value":
		f.value = in.Money("amount", form.Money{Label: "The amount off", Required: true})
	}
	f.minimum = in.Money("minimum_purchase", form.Money{Label: "Minimum purchase", Required: true, AllowZero: true})
	opts := form.Date{Label: "Expiry date", Required: true}
	if !edit || vals.Get("date_expire") != chk.keepExpiry {
		opts.NotBefore = chk.today
	}
	f.expires, _ = in.Date("date_expire", opts)
	if f.typ == "product" {
		switch in.Choice("applies", "Applies to", false, "all", "some") {
		case "all":
			f.all = true
		case "some":
			f.ids = in.List("product_id", "Products", 1000)
			switch {
			case in.Errors.Get("product_id") != "":
			case len(f.ids) == 0:
				in.Errors.Add("product_id", "Tick at least one product, or choose All products.")
			case chk.known != nil && slices.ContainsFunc(f.ids, func(id string) bool { return !chk.known[id] }):
				in.Errors.Add("product_id", "A ticked product is no longer in the catalogue. Reload the page and tick again.")
			}
		default:
			in.Errors.Add("applies", "Choose whether the coupon applies to all products or only to the ones ticked.")
		}
	}
	for k, v := range in.Errors {
		f.Errors.Add(k, v)
	}
}

// couponPercentText writes hundredths of a percent as the API takes a
// percent: 1500 → "15", 1250 → "12.5".
func couponPercentText(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if frac := bp % 100; frac != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(100+frac, 10)[1:], "0")
	}
	return s
}

// products puts the coupon's products on the params sent: select_all, or
// the chosen ids (only product coupons name products).
func (f *couponForm) products() (selectAll *bool, ids []string) {
	switch {
	case f.typ != "product":
		return nil, nil
	case f.all:
		return apiclient.Bool(true), nil
	}
	return nil, f.ids
}

// couponFormPage says where a coupon form posts and what it is called.
type couponFormPage struct {
	title, action, cancel, submit, key string
}

// couponProducts reads the whole catalogue for the form's checkboxes,
// sorted by name.
func (h *couponsHandler) couponProducts(ctx context.Context) ([]apiclient.Product, error) {
	all, err := h.api.AllProducts(ctx, apiclient.ListProductsParams{}, 4)
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(p apiclient.Product) bool { return !form.IsDigits(p.ProductID.Value, apiIDMaxDigits) })
	slices.SortStableFunc(all, func(a, b apiclient.Product) int {
		return strings.Compare(strings.ToLower(a.Name.Value), strings.ToLower(b.Name.Value))
	})
	return all, nil
}

func couponKnownProducts(ps []apiclient.Product) map[string]bool {
	m := make(map[string]bool, len(ps))
	for _, p := range ps {
		m[p.ProductID.Value] = true
	}
	return m
}

func (h *couponsHandler) renderCouponForm(c echo.Context, status int, f *couponForm, p couponFormPage, products []apiclient.Product) error {
	v := couponFormView(requestOf(c), f, p, products)
	return h.render(c, status, p.title, couponspage.FormPage(v), nil)
}

// couponFormView draws coupon form f as page p asks, with the catalogue's
// products to tick.
func couponFormView(rq *request, f *couponForm, p couponFormPage, products []apiclient.Product) couponspage.Form {
	v := couponspage.Form{Title: p.title, Action: p.action, Cancel: p.cancel, Submit: p.submit, CSRF: rq.CSRF(), Key: p.key,
		Edit: f.codeField == "new_code", Code: f.Code, Types: couponTypeOptions(f.Type, false), Discount: f.Discount,
		Amount: f.Amount, Minimum: f.Minimum, Expires: f.Expires, Today: rq.Now().UTC().Format("2006-01-02"), Applies: f.Applies, Errors: f.Errors}
	ticked := map[string]bool{}
	for _, id := range f.Ticked {
		ticked[id] = true
	}
	for _, pr := range products {
		v.Products = append(v.Products, couponspage.Pick{ID: pr.ProductID.Value, Name: shown(pr.Name, "Product "+pr.ProductID.Value),
			Checked: ticked[pr.ProductID.Value]})
	}
	return v
}
