package handlers

// PLACEHOLDER: replaced by the coupons implementation (issue 4).

import (
	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
)

type couponsHandler struct {
	*web
	wr  *writer
	api *apiclient.Client
}

func newCouponsHandler(w *web, wr *writer, api *apiclient.Client) *couponsHandler {
	return &couponsHandler{web: w, wr: wr, api: api}
}

func (h *couponsHandler) list(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *couponsHandler) newForm(c echo.Context) error       { return echo.ErrNotImplemented }
func (h *couponsHandler) create(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *couponsHandler) show(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *couponsHandler) editForm(c echo.Context) error      { return echo.ErrNotImplemented }
func (h *couponsHandler) update(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *couponsHandler) confirmDelete(c echo.Context) error { return echo.ErrNotImplemented }
func (h *couponsHandler) delete(c echo.Context) error        { return echo.ErrNotImplemented }
