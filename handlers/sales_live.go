package handlers

import (
	"github.com/labstack/echo/v4"

	salespage "backoffice/templates/pages/sales"
)

// addLive adds to the sale page what the panel knows beyond the sale's
// detail: the fraud review notice on the ship form (INS is its only
// source) and the timeline.
func (h *salesHandler) addLive(c echo.Context, v *salespage.Detail) error {
	ctx := c.Request().Context()
	if v.Ship != nil {
		st, err := h.api.FraudState(ctx, v.ID)
		if err != nil {
			return err
		}
		v.Ship.Hold = fraudView(requestOf(c), st, v.ID, v.Ship.Override, v.Ship.OverrideReason)
	}
	tl, err := h.history.timeline(ctx, v.ID, v.Comments)
	if err != nil {
		return err
	}
	v.Timeline = tl
	return nil
}
