package apiclient

import "context"

var (
	mPendingPayment = readMethod("acct", "detail_pending_payment", "PendingPayment")
	mListPayments   = readMethod("acct", "list_payments", "ListPayments")
)

// Payment is a payout to the merchant: the pending one (detail_pending_payment)
// or a past one (list_payments). The two calls share most keys; each leaves
// the others null. All amounts are decimal text.
type Payment struct {
	PaymentID                Text `json:"payment_id"`
	Amount                   Text `json:"amount"`
	PaymentFee               Text `json:"payment_fee"`
	PaymentMethod            Text `json:"payment_method"`
	ReleaseLevel             Text `json:"release_level"`
	ReserveHeld              Text `json:"reserve_held"`
	TotalAdjustments         Text `json:"total_adjustments"`
	TotalBalanceForward      Text `json:"total_balance_forward"`
	TotalChargebackFees      Text `json:"total_chargeback_fees"`
	TotalCommissions         Text `json:"total_commissions"`
	TotalFees                Text `json:"total_fees"`
	TotalOutgoingCommissions Text `json:"total_outgoing_commissions"`
	TotalRefunds             Text `json:"total_refunds"`
	TotalReserveReleased     Text `json:"total_reserve_released"`
	TotalSales               Text `json:"total_sales"`
	// The keys below come with list_payments only.
	DatePaid            Text `json:"date_paid"`
	DateReserveReleased Text `json:"date_reserve_released"`
	DateVoided          Text `json:"date_voided"`
	PaymentIdentifier   Text `json:"payment_identifier"`
	PaymentType         Text `json:"payment_type"`
	Void                Text `json:"void"`
}

type pendingPaymentResponse struct {
	envelope
	Payment *Payment `json:"payment"`
}

func (r *pendingPaymentResponse) missing() string {
	if r.Payment == nil {
		return "payment"
	}
	return ""
}

// PendingPayment calls acct/detail_pending_payment.
func (c *Client) PendingPayment(ctx context.Context) (*Payment, error) {
	var r pendingPaymentResponse
	if err := c.call(ctx, mPendingPayment, nil, &r); err != nil {
		return nil, err
	}
	return r.Payment, nil
}

// ListPayments calls acct/list_payments. The API does not paginate it; a new
// account gets an empty list.
func (c *Client) ListPayments(ctx context.Context) ([]Payment, error) {
	var r struct {
		envelope
		Payments []Payment `json:"payments"`
	}
	if err := c.call(ctx, mListPayments, nil, &r); err != nil {
		return nil, err
	}
	return r.Payments, nil
}
