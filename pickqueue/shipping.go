package pickqueue

import (
	"context"

	"backoffice/apiclient"
)

// ShipAPI is the Admin API's mark_shipped, as the ship handlers call it.
type ShipAPI interface {
	MarkShipped(ctx context.Context, p apiclient.MarkShippedParams) (*apiclient.Result, error)
}

// Shipping returns api with one addition: once mark_shipped succeeds, or
// answers that the sale already was shipped, the parcel leaves the pick list
// on every instance. Handlers keep making their one call, through it.
func (q *Queue) Shipping(api ShipAPI) ShipAPI { return shipping{q: q, api: api} }

type shipping struct {
	q   *Queue
	api ShipAPI
}

func (s shipping) MarkShipped(ctx context.Context, p apiclient.MarkShippedParams) (*apiclient.Result, error) {
	res, err := s.api.MarkShipped(ctx, p)
	if err != nil && !apiclient.IsAlreadyShipped(err) {
		return res, err
	}
	// The parcel is shipped whatever happens here: a failure must not
	// turn the write into a failed one (the packer would ship it again).
	// The entry then leaves at the next INS message or reconciler pass.
	if lerr := s.q.Shipped(context.WithoutCancel(ctx), p.SaleID, p.InvoiceID); lerr != nil {
		s.q.log.Warn("pick list: shipped parcel still listed", "sale_id", p.SaleID, "invoice_id", p.InvoiceID,
			"error", lerr)
	}
	return res, err
}
