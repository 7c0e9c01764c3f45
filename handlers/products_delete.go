package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/templates/components"
)

// productConfirm is the delete confirmation of product id (p nil when it
// could not be read).
func productConfirm(rq *request, paths paths, id string, p *apiclient.Product) components.Confirm {
	name, assigned, price := "product "+id, "—", "—"
	if p != nil {
		name, assigned, price = productName(p), p.AssignedProductID.Or("—"), p.Price.Or("—")
	}
	return components.Confirm{Question: "Delete " + name + "?",
		Facts:       []components.Fact{{Label: "Name", Value: name}, {Label: "2CO ID", Value: assigned}, {Label: "Price", Value: price}},
		Consequence: "The product is removed from 2Checkout and from any coupon that names it. This cannot be undone.",
		Action:      paths.ProductDelete(id), Cancel: paths.Product(id), Submit: "Delete product",
		CSRF: rq.CSRF(), Key: NewFormKey()}
}

func (h *productsHandler) confirmDelete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.product(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := productConfirm(requestOf(c), h.paths, id, p)
	return h.render(c, http.StatusOK, "Delete "+productName(p), components.ConfirmPage(v), nil)
}

func (h *productsHandler) delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx, rq := c.Request().Context(), requestOf(c)
	if _, err := c.FormParams(); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	// The product as it was, for the audit log and the messages. A repeat of
	// a delete that went through finds nothing, which is fine: the write
	// path answers it from the first outcome.
	p, err := h.api.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id})
	var before url.Values
	if err != nil {
		p = nil
	} else {
		before = productBefore(p)
	}
	v := productConfirm(rq, h.paths, id, p)
	out, err := h.wr.Do(ctx, rq, Write{Action: "products.delete", Permission: auth.ProductsDelete, Target: "product:" + id,
		Key: formKeyOf(c), Before: before,
		Send: send(h.api.DeleteProduct, apiclient.DeleteProductParams{ProductID: id})})
	if err != nil {
		return err
	}
	name := v.Facts[0].Value
	if out.Succeeded() {
		h.flash(c, "ok", "Deleted the product “"+name+"”.")
		return redirect(c, h.paths.Products())
	}
	v.Error = out.Message()
	return h.render(c, out.Status(), "Delete "+name, components.ConfirmPage(v), nil)
}
