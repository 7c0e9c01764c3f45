package handlers

import (
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
)

func (h *couponsHandler) newCouponPage(key string) couponFormPage {
	return couponFormPage{title: "New coupon", action: h.paths.Coupons(), cancel: h.paths.Coupons(), submit: "Create coupon", key: key}
}

func (h *couponsHandler) newForm(c echo.Context) error {
	products, err := h.couponProducts(c.Request().Context())
	if err != nil {
		return err
	}
	f := &couponForm{codeField: "coupon_code", Type: "sale", Discount: "percent", Minimum: "0.00", Applies: "all", Errors: form.Errors{}}
	return h.renderCouponForm(c, http.StatusOK, f, h.newCouponPage(NewFormKey()), products)
}

// couponAPIError puts a failed write's error on the form, next to the field
// the API names.
func couponAPIError(f *couponForm, out Outcome) {
	fields := map[string]string{"date_expire": "date_expire", "type": "type", "percentage_off": "amount", "value_off": "amount",
		"minimum_purchase": "minimum_purchase", "product_id": "product_id", "select_all": "applies", f.codeField: f.codeField}
	var ae *apiclient.Error
	if !out.Unknown() && errors.As(out.Err, &ae) && ae.Parameter == f.codeField && ae.Code == apiclient.CodeParameterInvalid {
		f.Errors.Add(f.codeField, "2Checkout refused this code: another coupon already has it (codes are unique whatever the case). Choose another.")
		return
	}
	out.ApplyTo(f.Errors, fields)
}

func (h *couponsHandler) create(c echo.Context) error {
	ctx := c.Request().Context()
	vals, err := posted(c)
	if err != nil {
		return err
	}
	f := readCouponForm(vals, "coupon_code")
	var products []apiclient.Product
	chk := couponCheck{today: h.now().UTC()}
	if f.wantsChosenProducts() {
		if products, err = h.couponProducts(ctx); err != nil {
			return err
		}
		chk.known = couponKnownProducts(products)
	}
	f.validate(vals, chk)
	page := h.newCouponPage(keepFormKey(formKeyOf(c)))
	rerender := func(status int) error {
		if products == nil {
			if products, err = h.couponProducts(ctx); err != nil {
				// Keep the form even when the catalogue cannot be read
				// (the upstream that just failed the write may be down):
				// the ticked products stay ticked, by id.
				products = nil
				for _, id := range f.Ticked {
					if form.IsDigits(id, apiIDMaxDigits) {
						products = append(products, apiclient.Product{ProductID: apiclient.NewText(id)})
					}
				}
				f.Errors[""] = strings.TrimSpace(f.Errors[""] + " The product list could not be read just now; only the products you ticked are listed.")
			}
		}
		return h.renderCouponForm(c, status, f, page, products)
	}
	if f.Errors.Any() {
		return rerender(http.StatusUnprocessableEntity)
	}
	p := apiclient.CreateCouponParams{CouponCode: f.code, DateExpire: f.expires, Type: f.typ, PercentageOff: f.percent,
		ValueOff: f.value, MinimumPurchase: f.minimum}
	p.SelectAll, p.ProductIDs = f.products()
	target := "coupon:new"
	if f.code != "" {
		target = "coupon:" + f.code
	}
	out, err := h.wr.Do(ctx, requestOf(c), Write{Action: "coupons.create", Permission: auth.CouponsEdit, Target: target, Key: formKeyOf(c),
		Send: sendID(h.api.CreateCoupon, p, couponCodeOf)})
	if err != nil {
		return err
	}
	if !out.Succeeded() {
		couponAPIError(f, out)
		page.key = NewFormKey()
		return rerender(out.Status())
	}
	code := couponOr(out.ID, f.code)
	if !couponCodePattern.MatchString(code) {
		h.flash(c, "ok", "Coupon created.")
		return redirect(c, h.paths.Coupons())
	}
	h.flash(c, "ok", "Coupon "+code+" created.")
	return redirect(c, h.paths.Coupon(code))
}

func couponCodeOf(r *apiclient.CouponResult) string { return r.CouponCode.Value }

func couponOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (h *couponsHandler) editCouponPage(code, key string) couponFormPage {
	return couponFormPage{title: "Edit coupon " + code, action: h.paths.Coupon(code), cancel: h.paths.Coupon(code), submit: "Save changes", key: key}
}

// couponAndProducts reads the coupon of the path and the catalogue at once.
func (h *couponsHandler) couponAndProducts(c echo.Context) (*apiclient.Coupon, string, []apiclient.Product, error) {
	if _, err := couponCode(c); err != nil {
		return nil, "", nil, err
	}
	var (
		wg       sync.WaitGroup
		products []apiclient.Product
		perr     error
	)
	wg.Go(func() { products, perr = h.couponProducts(c.Request().Context()) })
	cp, code, err := h.coupon(c)
	wg.Wait()
	if err == nil {
		err = perr
	}
	return cp, code, products, err
}

func (h *couponsHandler) editForm(c echo.Context) error {
	cp, code, products, err := h.couponAndProducts(c)
	if err != nil {
		return err
	}
	f := &couponForm{codeField: "new_code", Code: cp.CouponCode.Or(code), Type: strings.ToLower(cp.Type.Value),
		Minimum: cp.MinimumPurchase.Or("0.00"), Expires: cp.DateExpire.Value, Applies: "all", Errors: form.Errors{}}
	if pct, ok := cp.PercentOff(); ok {
		f.Discount, f.Amount = "percent", pct
	} else if !cp.ValueOff.Blank() {
		f.Discount, f.Amount = "value", cp.ValueOff.Value
	}
	if f.Type == "product" && !couponAllProducts(cp) {
		f.Applies = "some"
		for _, p := range cp.Products {
			f.Ticked = append(f.Ticked, p.ProductID.Value)
		}
	}
	return h.renderCouponForm(c, http.StatusOK, f, h.editCouponPage(code, NewFormKey()), products)
}

func (h *couponsHandler) update(c echo.Context) error {
	cp, code, products, err := h.couponAndProducts(c)
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusNotFound {
		// No coupon has this code any more. When this very form renamed it
		// (the back button, or a resend after a lost answer), its first
		// outcome is the answer, not a 404.
		if done, err := h.replayUpdate(c); done || err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	vals, err := posted(c)
	if err != nil {
		return err
	}
	f := readCouponForm(vals, "new_code")
	f.validate(vals, couponCheck{today: h.now().UTC(), keepExpiry: cp.DateExpire.Value, known: couponKnownProducts(products)})
	page := h.editCouponPage(code, keepFormKey(formKeyOf(c)))
	if f.Errors.Any() {
		return h.renderCouponForm(c, http.StatusUnprocessableEntity, f, page, products)
	}
	p := apiclient.UpdateCouponParams{CouponCode: code, Type: f.typ, MinimumPurchase: &f.minimum}
	if f.code != code && f.code != cp.CouponCode.Value {
		p.NewCode = &f.code
	}
	if f.expires != cp.DateExpire.Value {
		p.DateExpire = &f.expires
	}
	switch {
	case f.percent != "":
		p.PercentageOff = &f.percent
	case f.value != "":
		p.ValueOff = &f.value
	}
	p.SelectAll, p.ProductIDs = f.products()
	out, err := h.wr.Do(c.Request().Context(), requestOf(c), Write{Action: "coupons.update", Permission: auth.CouponsEdit,
		Target: "coupon:" + code, Key: formKeyOf(c), Before: couponBefore(cp), Send: sendID(h.api.UpdateCoupon, p, couponCodeOf)})
	if err != nil {
		return err
	}
	if !out.Succeeded() {
		couponAPIError(f, out)
		page.key = NewFormKey()
		return h.renderCouponForm(c, out.Status(), f, page, products)
	}
	now := couponOr(out.ID, f.code)
	if !couponCodePattern.MatchString(now) {
		now = f.code
	}
	msg := "Coupon " + now + " saved."
	if p.NewCode != nil {
		msg = "Coupon " + code + " renamed to " + now + " and saved."
	}
	h.flash(c, "ok", msg)
	return redirect(c, h.paths.Coupon(now))
}

// replayUpdate answers an edit form sent again after its coupon left the
// code it was opened under, with the outcome of its first sending. It
// reports false when this form was never sent.
func (h *couponsHandler) replayUpdate(c echo.Context) (bool, error) {
	code, err := couponCode(c)
	if err != nil {
		return false, err
	}
	out, found, err := h.wr.Replay(c.Request().Context(), requestOf(c), "coupons.update", formKeyOf(c))
	if err != nil || !found {
		return false, err
	}
	if !out.Succeeded() {
		// The form cannot be shown again: its coupon is not under this code.
		h.flash(c, "warn", "This form was already sent. "+out.Message())
		return true, redirect(c, h.paths.Coupons())
	}
	now := couponOr(out.ID, code)
	if !couponCodePattern.MatchString(now) {
		h.flash(c, "ok", "This form was already sent: coupon "+code+" was saved.")
		return true, redirect(c, h.paths.Coupons())
	}
	msg := "This form was already sent: coupon " + code + " was saved."
	if now != code {
		msg = "This form was already sent: coupon " + code + " was renamed to " + now + " and saved."
	}
	h.flash(c, "ok", msg)
	return true, redirect(c, h.paths.Coupon(now))
}
