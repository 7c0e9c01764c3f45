package handlers

// PLACEHOLDER: replaced by the options implementation (issue 4).

import (
	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
)

type optionsHandler struct {
	*web
	wr  *writer
	api *apiclient.Client
}

func newOptionsHandler(w *web, wr *writer, api *apiclient.Client) *optionsHandler {
	return &optionsHandler{web: w, wr: wr, api: api}
}

func (h *optionsHandler) list(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *optionsHandler) newForm(c echo.Context) error       { return echo.ErrNotImplemented }
func (h *optionsHandler) create(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *optionsHandler) show(c echo.Context) error          { return echo.ErrNotImplemented }
func (h *optionsHandler) editForm(c echo.Context) error      { return echo.ErrNotImplemented }
func (h *optionsHandler) update(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *optionsHandler) confirmDelete(c echo.Context) error { return echo.ErrNotImplemented }
func (h *optionsHandler) delete(c echo.Context) error        { return echo.ErrNotImplemented }
func (h *optionsHandler) valueRow(c echo.Context) error      { return echo.ErrNotImplemented }
