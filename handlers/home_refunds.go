package handlers

import (
	"context"
	"time"

	"backoffice/store"
	homepage "backoffice/templates/pages/home"
)

// requesterRefunds lists a person's own refunds and refund requests.
type requesterRefunds interface {
	ListRefundRequestsByRequester(ctx context.Context, userID int64, limit int) ([]store.RefundRequest, error)
}

// homeRefundsShown is how many of their latest refunds the home page shows;
// homeRefundsAge how far back it looks.
const (
	homeRefundsShown = 5
	homeRefundsAge   = 30 * 24 * time.Hour
)

// myRefunds is the home page's list of the person's latest refunds and
// requests, with their outcomes (issue 10).
func (h *homeHandler) myRefunds(ctx context.Context, rq *request) ([]homepage.Refund, error) {
	list, err := h.refunds.ListRefundRequestsByRequester(ctx, rq.User().ID, homeRefundsShown)
	if err != nil {
		return nil, err
	}
	return homeRefunds(h.paths, list, rq.Now()), nil
}

func homeRefunds(p paths, list []store.RefundRequest, now time.Time) []homepage.Refund {
	var out []homepage.Refund
	for i := range list {
		r := &list[i]
		if now.Sub(r.RequestedAt) > homeRefundsAge {
			continue
		}
		state, kind := refundStateWords(r, now)
		out = append(out, homepage.Refund{What: refundWhat(r), SaleID: r.SaleID, SaleURL: p.Sale(r.SaleID) + "#refunds",
			State: state, Kind: kind, At: formatTime(r.RequestedAt), Reason: r.Reason, Outcome: r.Outcome})
	}
	return out
}
