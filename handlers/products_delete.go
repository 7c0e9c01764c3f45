package handlers

import (
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
		name, assigned, price = productName(p), shown(p.AssignedProductID, "—"), shown(p.Price, "—")
	}
	return components.Confirm{Question: "Delete " + name + "?",
		Facts:       []components.Fact{{Label: "Name", Value: name}, {Label: "2CO ID", Value: assigned}, {Label: "Price", Value: price}},
		Consequence: "The product is removed from 2Checkout and from any coupon that names it. This cannot be undone.",
		Action:      paths.ProductDelete(id), Cancel: paths.Product(id), Submit: "Delete product",
		CSRF: rq.CSRF(), Key: NewFormKey()}
}

// productRemoval is the confirmed delete of product id (p nil when it
// could not be read).
func (h *productsHandler) productRemoval(c echo.Context, id string, p *apiclient.Product) confirmed {
	page := productConfirm(requestOf(c), h.paths, id, p)
	x := confirmed{Title: "Delete " + page.Facts[0].Value, Page: page,
		Write: Write{Action: "products.delete", Permission: auth.ProductsDelete, Target: "product:" + id,
			Send: send(h.api.DeleteProduct, apiclient.DeleteProductParams{ProductID: id})},
		Done: "Deleted the product “" + page.Facts[0].Value + "”.", Next: h.paths.Products()}
	if p != nil {
		x.Write.Before = productBefore(p)
	}
	return x
}

// deletion is the product delete's confirmation page and its send.
func (h *productsHandler) deletion() deletion[apiclient.Product] {
	return deletion[apiclient.Product]{h.web, h.wr, h.productOf, h.productRemoval}
}
