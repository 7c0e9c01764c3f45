package handlers

// PLACEHOLDER: replaced by the products implementation (issue 4).

import (
	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
)

type productsHandler struct {
	*web
	wr  *writer
	api *apiclient.Client
}

func newProductsHandler(w *web, wr *writer, api *apiclient.Client) *productsHandler {
	return &productsHandler{web: w, wr: wr, api: api}
}

func (h *productsHandler) list(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *productsHandler) newForm(c echo.Context) error       { return echo.ErrNotImplemented }
func (h *productsHandler) create(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *productsHandler) show(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *productsHandler) editForm(c echo.Context) error      { return echo.ErrNotImplemented }
func (h *productsHandler) update(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *productsHandler) confirmDelete(c echo.Context) error { return echo.ErrNotImplemented }
func (h *productsHandler) delete(c echo.Context) error        { return echo.ErrNotImplemented }
