package handlers

import (
	"context"

	"backoffice/apiclient"
	"backoffice/ins"
	"backoffice/pickqueue"
)

// fillLive builds the INS parts of Deps that were not given, over the store
// and the API client: everything but the warmed verifier and the
// reconciler is a plain view of the store.
func fillLive(d *Deps) {
	if d.Verifier == nil {
		d.Verifier = ins.NewVerifier(d.API, ins.VerifierOptions{})
	}
	if d.Queue == nil {
		d.Queue = pickqueue.New(d.Store, pickqueue.Options{Now: d.Now, Logger: d.Logger})
	}
	if d.Live == nil {
		d.Live = context.Background()
	}
}

// liveAPI is the Admin API as the sales and ship screens use it: every
// call goes to 2Checkout, except that mark_shipped also takes the parcel
// off the pick list (pickqueue.Queue.Shipping), and the fraud review status,
// which the API does not report, comes from the INS messages stored.
type liveAPI struct {
	*apiclient.Client
	ship   pickqueue.ShipAPI
	ledger *ins.Ledger
}

func (a liveAPI) MarkShipped(ctx context.Context, p apiclient.MarkShippedParams) (*apiclient.Result, error) {
	return a.ship.MarkShipped(ctx, p)
}

func (a liveAPI) FraudState(ctx context.Context, saleID string) (ins.SaleState, error) {
	return a.ledger.Sale(ctx, saleID)
}
