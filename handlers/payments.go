package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/money"
	paymentspage "backoffice/templates/pages/payments"
)

// paymentsAPI is what the payouts page needs of the Admin API.
type paymentsAPI interface {
	PendingPayment(ctx context.Context) (*apiclient.Payment, error)
	ListPayments(ctx context.Context) ([]apiclient.Payment, error)
}

// paymentsHandler serves /payments (payments.view): the pending payment
// (detail_pending_payment) and the past ones (list_payments), and the past
// ones as a CSV file.
type paymentsHandler struct {
	*web
	api      paymentsAPI
	currency *accountCurrency
}

// payouts reads the pending payment, the past payments and the account's
// currency at once. pending is nil when no payment is pending.
func (h *paymentsHandler) payouts(ctx context.Context, withPending bool) (pending *money.Payout, past []money.Payout, err error) {
	var (
		wg               sync.WaitGroup
		pend             *apiclient.Payment
		list             []apiclient.Payment
		cur              string
		errP, errL, errC error
	)
	wg.Add(2)
	go func() { defer wg.Done(); list, errL = h.api.ListPayments(ctx) }()
	go func() { defer wg.Done(); cur, errC = h.currency.Code(ctx) }()
	if withPending {
		wg.Add(1)
		go func() { defer wg.Done(); pend, errP = h.api.PendingPayment(ctx) }()
	}
	wg.Wait()
	if apiclient.IsNotFound(errP) {
		pend, errP = nil, nil
	}
	for _, e := range []error{errC, errP, errL} {
		if e != nil {
			return nil, nil, e
		}
	}
	if pend != nil {
		p := money.PayoutOf(pend, cur)
		pending = &p
	}
	for i := range list {
		past = append(past, money.PayoutOf(&list[i], cur))
	}
	return pending, past, nil
}

func (h *paymentsHandler) show(c echo.Context) error {
	pending, past, err := h.payouts(c.Request().Context(), true)
	if err != nil {
		return err
	}
	v := paymentspage.Page{CSVURL: h.paths.PaymentsCSV(),
		PendingNote: "2Checkout does not say which sales a payment covers; it pays what was deposited since the last payment, less refunds and fees."}
	if pending == nil {
		v.PendingNote = "No payment is pending: 2Checkout has nothing to pay out yet."
	} else {
		pv := payoutView(*pending)
		v.Pending = &pv
	}
	for _, p := range past {
		v.Past = append(v.Past, payoutView(p))
	}
	return h.render(c, http.StatusOK, "Payouts", paymentspage.PayoutsPage(v), nil)
}

// payoutView is a payment for the page: API text made inert, money as
// money, dates with their zone.
func payoutView(p money.Payout) paymentspage.Payout {
	v := paymentspage.Payout{ID: inert(orDash(p.ID)), Identifier: inert(orDash(p.Identifier)), Method: inert(orDash(p.Method)),
		ReleaseLevel: inert(orDash(p.ReleaseLevel)), Amount: inert(p.Amount.String()), Void: p.Void}
	for _, l := range p.Lines {
		v.Lines = append(v.Lines, paymentspage.Line{Label: l.Label, Amount: inert(l.Figure.String())})
		switch l.Label {
		case "Fees":
			v.Fees = inert(l.Figure.String())
		case "Payment fee":
			v.PaymentFee = inert(l.Figure.String())
		}
	}
	if !p.Paid.IsZero() {
		v.Paid = formatTime(p.Paid)
	}
	if !p.Voided.IsZero() {
		v.Voided = formatTime(p.Voided)
	}
	if !p.ReserveReleased.IsZero() {
		v.ReserveReleased = formatTime(p.ReserveReleased)
	}
	return v
}

// csv downloads the past payments. The text columns are the API's, so they
// pass the same guard against spreadsheet formulas as the audit log's
// export; amounts and dates are the panel's own plain figures.
func (h *paymentsHandler) csv(c echo.Context) error {
	_, past, err := h.payouts(c.Request().Context(), false)
	if err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set("Content-Type", "text/csv; charset=utf-8")
	res.Header().Set("Content-Disposition", `attachment; filename="backoffice-payments-`+h.now().UTC().Format("20060102-150405")+`.csv"`)
	res.Header().Set("Cache-Control", "no-store")
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	_ = w.Write(money.PayoutsCSVHeader())
	for _, p := range past {
		row := p.CSVRecord()
		for i := 0; i < 3; i++ {
			row[i] = cell(row[i])
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
