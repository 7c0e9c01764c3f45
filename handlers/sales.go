package handlers

import (
	"context"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/form"
	salespage "backoffice/templates/pages/sales"
)

// salesAPI is what the sales screens need of the Admin API.
type salesAPI interface {
	shipAPI
	DetailSale(ctx context.Context, p apiclient.DetailSaleParams) (*apiclient.Sale, error)
	ListSales(ctx context.Context, p apiclient.ListSalesParams) (*apiclient.SaleList, error)
	CreateComment(ctx context.Context, p apiclient.CreateCommentParams) (*apiclient.Result, error)
}

// salesHandler serves the sales search, the sale page, and the writes made
// from it: adding a comment, marking an invoice shipped, and (sales_refunds.go,
// sales_recurring.go, sales_reauth.go) refunds, recurring billing and
// reauthorization.
type salesHandler struct {
	resource[salesAPI]
	// money is what the sale page's money sections read (issue 10).
	money saleMoney
	// history is the sale timeline (issue 11).
	history saleHistory
}

// MaxCommentLength is create_comment's limit on sale_comment, in characters.
const MaxCommentLength = 5000

// list finds sales: straight to the sale for a sale or invoice number,
// otherwise one page of list_sales for the filters.
func (h *salesHandler) list(c echo.Context) error {
	q, errs := readSalesQuery(c.QueryParams(), h.paths)
	v := q.view(errs)
	if errs.Any() {
		return h.renderSearch(c, http.StatusUnprocessableEntity, v)
	}
	if q.number != "" {
		id, err := h.findByNumber(c.Request().Context(), q.number)
		if err != nil {
			return err
		}
		if id != "" {
			return redirect(c, id)
		}
		v.Notice = "No sale with this number: " + q.number + ". Check the number, or search by customer instead."
		return h.renderSearch(c, http.StatusOK, v)
	}
	list, err := h.api.ListSales(c.Request().Context(), q.params())
	switch {
	case apiclient.IsNotFound(err) && q.list.Page > 1:
		// Past the last page: say so and lead back to the first.
		v.Notice = "There is no page " + itoa(q.list.Page) + " of these results."
		v.FirstURL = q.list.AtPage(1)
		list = &apiclient.SaleList{}
	case apiclient.IsNotFound(err):
		list = &apiclient.SaleList{}
	case err != nil:
		return err
	}
	q.fill(&v, h.paths, list, requestOf(c).Zone())
	// The address bar shows the search without the form's empty fields.
	listFragment(c, q.list, "")
	return h.renderSearch(c, http.StatusOK, v)
}

// findByNumber returns the address of the sale a number names: a sale id
// (detail_sale), else an invoice id (list_sales invoice_id); "" when neither.
func (h *salesHandler) findByNumber(ctx context.Context, number string) (string, error) {
	_, err := h.api.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: number})
	if err == nil {
		return h.paths.Sale(number), nil
	}
	if !apiclient.IsNotFound(err) {
		return "", err
	}
	list, err := h.api.ListSales(ctx, apiclient.ListSalesParams{InvoiceID: number, PageSize: 1})
	if apiclient.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if len(list.Sales) > 0 && form.IsDigits(list.Sales[0].SaleID.Value, apiIDMaxDigits) {
		return h.paths.Sale(list.Sales[0].SaleID.Value) + "#invoice-" + number, nil
	}
	return "", nil
}

func (h *salesHandler) renderSearch(c echo.Context, status int, v salespage.Search) error {
	return h.renderPrivate(c, status, "Sales", salespage.SearchPage(v), salespage.Region(v))
}

// renderPrivate renders a page that shows buyers' personal data, kept out
// of htmx's history cache.
func (h *salesHandler) renderPrivate(c echo.Context, status int, title string, page, fragment templ.Component) error {
	s := h.shell(c, title)
	s.NoHistory = true
	return h.renderShell(c, status, s, page, fragment)
}

// readSale reads a sale; a sale 2Checkout does not know is a 404 page.
func (h *salesHandler) readSale(c echo.Context, id string) (*apiclient.Sale, error) {
	sale, err := h.api.DetailSale(c.Request().Context(), apiclient.DetailSaleParams{SaleID: id})
	if apiclient.IsNotFound(err) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return sale, err
}

// saleOfPath reads the sale whose number is in the path.
func (h *salesHandler) saleOfPath(c echo.Context) (string, *apiclient.Sale, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return "", nil, err
	}
	sale, err := h.readSale(c, id)
	return id, sale, err
}

// show is the sale page.
func (h *salesHandler) show(c echo.Context) error {
	id, sale, err := h.saleOfPath(c)
	if err != nil {
		return err
	}
	return h.renderSale(c, http.StatusOK, h.detail(c, id, sale))
}

func (h *salesHandler) renderSale(c echo.Context, status int, v salespage.Detail) error {
	if err := h.addLive(c, &v); err != nil {
		return err
	}
	s := h.shell(c, "Sale "+v.ID)
	s.NoHistory = true
	s.Flash, v.CommentsFlash = placed(s.Flash, "comments")
	return h.renderShell(c, status, s, salespage.DetailPage(v), nil)
}
