package handlers

// PLACEHOLDER: replaced by the sales implementation (issue 4).

import (
	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
)

type salesHandler struct {
	*web
	wr  *writer
	api *apiclient.Client
}

func newSalesHandler(w *web, wr *writer, api *apiclient.Client) *salesHandler {
	return &salesHandler{web: w, wr: wr, api: api}
}

func (h *salesHandler) list(c echo.Context) error    { return echo.ErrNotImplemented }
func (h *salesHandler) show(c echo.Context) error    { return echo.ErrNotImplemented }
func (h *salesHandler) comment(c echo.Context) error { return echo.ErrNotImplemented }
func (h *salesHandler) ship(c echo.Context) error    { return echo.ErrNotImplemented }
