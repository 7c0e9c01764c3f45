package handlers

import (
	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/money"
	salespage "backoffice/templates/pages/sales"
)

// reauthSection warns that a tangible sale's payment authorization is
// about to expire (or has) and offers "Reauthorize" to holders of
// sales.reauth; nil when there is nothing to say.
func reauthSection(rq *request, p paths, id string, sale *apiclient.Sale) *salespage.Reauth {
	a := money.AuthorizationOf(sale, rq.Now())
	if !a.Offer() {
		return nil
	}
	v := &salespage.Reauth{Words: a.Words(rq.Now()), Kind: "warn"}
	if a.State == money.AuthExpired {
		v.Kind = "error"
	}
	if rq.Can(auth.SalesReauth) {
		v.Action, v.Key, v.CSRF = p.SaleReauth(id), NewFormKey(), rq.CSRF()
	}
	return v
}

// reauthorize renews the sale's payment authorization (reauth).
func (h *salesHandler) reauthorize(c echo.Context) error {
	id, _, err := saleForm(c)
	if err != nil {
		return err
	}
	out, err := h.wr.Do(c.Request().Context(), requestOf(c), Write{Action: "sales.reauth", Permission: auth.SalesReauth,
		Target: "sale:" + id, Key: formKeyOf(c), Send: send(h.money.api.Reauth, apiclient.ReauthParams{SaleID: id})})
	if err != nil {
		return err
	}
	switch {
	case out.Succeeded():
		h.flash(c, "ok", "Payment reauthorized: 2Checkout holds it again (7 days for a card, 28 for PayPal).")
		return redirect(c, h.paths.Sale(id)+"#reauth")
	case out.Unknown():
		return h.afterUnknown(c, id, "Outcome unknown: 2Checkout did not answer in time, so it is not known whether the payment was reauthorized. "+
			"Look for \"Payment reauthorized\" in the comments below before trying again.", func(*salespage.Detail) {})
	}
	msg, ok := money.ReauthRefusal(out.Err)
	if !ok {
		msg = out.Message()
	}
	return h.rerender(c, id, out.Status(), func(v *salespage.Detail) {
		if v.Reauth != nil {
			v.Reauth.Error = msg
			return
		}
		v.Alert, v.AlertKind = msg, "error"
	})
}
