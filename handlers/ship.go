package handlers

// PLACEHOLDER: replaced by the scan-to-ship implementation (issue 5).

import (
	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/store"
)

type shipHandler struct {
	*web
	wr  *writer
	api *apiclient.Client
	st  *store.Store
}

func newShipHandler(w *web, wr *writer, api *apiclient.Client, st *store.Store) *shipHandler {
	return &shipHandler{web: w, wr: wr, api: api, st: st}
}

func (h *shipHandler) screen(c echo.Context) error { return echo.ErrNotImplemented }
func (h *shipHandler) send(c echo.Context) error   { return echo.ErrNotImplemented }
