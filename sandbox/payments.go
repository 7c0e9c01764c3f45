package sandbox

import (
	"fmt"
	"strconv"
	"time"
)

// Payouts: 2Checkout pays the merchant every two weeks what its deposited
// invoices brought in, less refunds, 2Checkout's fees and commissions, and
// holding back a reserve it releases some months later. The seed builds the
// past payments (list_payments) from the seeded invoices, and
// detail_pending_payment adds up, at each call, what the next payment will
// hold: so both agree with the sales to the cent, and a refund issued now
// shows in the pending payment at once.
//
// Every payment adds up as
//
//	amount = total_sales - total_refunds - total_fees - total_chargeback_fees
//	         - total_outgoing_commissions + total_commissions - reserve_held
//	         + total_reserve_released + total_adjustments + total_balance_forward
//
// (payment_fee is charged on top by the bank, not taken from amount).

const (
	payoutEvery     = 14 // days between payments
	reservePermille = 50 // 5% of sales held back
	reservePeriods  = 7  // released 7 payments (98 days) later
	// Ids of the payment records: the recorded ones (admin-api.md 4.7)
	// for the pending payment and the latest past payment.
	pendingPaymentID = "2436561667"
	latestPaymentID  = 4681565342
	wireThreshold    = 1000000 // payments of 10,000.00 or more go by wire
)

// payoutTotals are the money figures of one payment, in cents.
type payoutTotals struct {
	sales, refunds, fees, chargebacks, outgoing, reserveHeld, reserveReleased, balanceForward int64
}

func (p payoutTotals) amount() int64 {
	return p.sales - p.refunds - p.fees - p.chargebacks - p.outgoing - p.reserveHeld + p.reserveReleased + p.balanceForward
}

// addInvoice counts a deposited invoice in a payment.
func (p *payoutTotals) addInvoice(inv *invoiceWire) {
	p.sales += moneyOf(inv.UsdTotal)
	p.fees += moneyOf(inv.Fees2CO)
	for _, li := range inv.Lineitems {
		if li.CommissionPercentage != nil && li.Type == "product" {
			pct, _ := parseMoney(*li.CommissionPercentage)
			p.outgoing += moneyOf(li.UsdAmount) * pct / 10000
		}
	}
}

// invoiceDeposited is the UTC day an invoice's money was deposited, "" when
// it is not (yet).
func invoiceDeposited(inv *invoiceWire) string {
	if inv.Status != "deposited" {
		return ""
	}
	for _, li := range inv.Lineitems {
		if li.Billing.DateDeposited != nil {
			return *li.Billing.DateDeposited
		}
	}
	return ""
}

// seedPayouts pays out the seeded invoices: payments every two weeks, the
// last one six days before the reference day, back to the start of the
// year. It sets each invoice's date_vendor_paid and payout_status and
// builds list_payments, newest first. One payment was voided (a returned
// wire); the next one carries its amount forward. Runs in the reference
// frame, before shiftDates.
func seedPayouts(st *state) {
	last := refDay.AddDate(0, 0, -6).Add(11*time.Hour + 2*time.Minute + 45*time.Second)
	var dates []time.Time // newest first
	for d := last; d.After(time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, -payoutEvery) {
		dates = append(dates, d)
	}
	day := func(t time.Time) string { return t.Format(dateLayout) }
	// period returns the payment that pays an event of that day: the first
	// payment day after it; -1 for the pending payment.
	period := func(d string) int {
		k := -1
		for i, p := range dates {
			if day(p) > d {
				k = i
			}
		}
		return k
	}
	totals := make([]payoutTotals, len(dates))
	var pending payoutTotals
	for _, rec := range st.Sales {
		for _, inv := range rec.Sale.Invoices {
			for _, li := range inv.Lineitems {
				// A declined invoice was never paid: its cancelling refund
				// costs the merchant nothing.
				if isRefundLine(li) && li.Billing.DateStart != nil && inv.Status != "declined" {
					if k := period(*li.Billing.DateStart); k >= 0 {
						totals[k].refunds += moneyOf(li.UsdAmount)
					}
				}
			}
			inv.PayoutStatus = "Pending Capture"
			dep := invoiceDeposited(inv)
			if dep == "" {
				continue
			}
			k := period(dep)
			if k < 0 {
				inv.PayoutStatus = "Pending Payout"
				continue
			}
			totals[k].addInvoice(inv)
			inv.PayoutStatus, inv.DateVendorPaid = "Paid", sp(day(dates[k]))
		}
	}
	// Oldest first, so reserves and carried balances flow forward in time.
	const voided = 2
	for k := len(dates) - 1; k >= 0; k-- {
		t := &totals[k]
		t.reserveHeld = t.sales * reservePermille / 1000
		if held := k + reservePeriods; held < len(dates) {
			t.reserveReleased = totals[held].reserveHeld
		}
		if k == 4 {
			t.chargebacks = 2000 // one disputed card payment
		}
		if k == voided-1 {
			t.balanceForward = totals[voided].amount()
		}
	}
	if held := reservePeriods - 1; held < len(dates) {
		pending.reserveReleased = totals[held].reserveHeld
	}
	st.Payments = make([]paymentEntry, len(dates))
	for k, d := range dates {
		t := totals[k]
		id := latestPaymentID - int64(k)*40000003
		e := paymentEntry{
			Amount: formatCents(t.amount()), DatePaid: sp(d.Format(tsLayout)), PaymentID: strconv.FormatInt(id, 10),
			PaymentIdentifier: "ach_" + d.Format("20060102"), PaymentType: "ach",
			ReserveHeld: formatCents(t.reserveHeld), TotalAdjustments: "0.00", TotalBalanceForward: formatCents(t.balanceForward),
			TotalChargebackFees: formatCents(t.chargebacks), TotalCommissions: "0.00", TotalFees: formatCents(t.fees),
			TotalOutgoingCommissions: formatCents(t.outgoing), TotalRefunds: formatCents(t.refunds),
			TotalReserveReleased: formatCents(t.reserveReleased), TotalSales: formatCents(t.sales), Void: "0",
		}
		if t.amount() >= wireThreshold {
			e.PaymentType, e.PaymentIdentifier = "wire", fmt.Sprintf("wire_%09d", id%1000000000)
		}
		if t.reserveReleased > 0 {
			e.DateReserveReleased = e.DatePaid
		}
		if k == voided {
			e.Void, e.DateVoided = "1", sp(d.AddDate(0, 0, 3).Format(tsLayout))
		}
		st.Payments[k] = e
	}
	st.LastPayout = last.Format(tsLayout)
	st.PendingReserveRelease = pending.reserveReleased
}

// pendingPaymentNow adds up the next payment: invoices deposited and not
// paid yet, and refunds issued since the last payment, whenever they were
// made (through the API too).
func (st *state) pendingPaymentNow() pendingPayment {
	t := payoutTotals{reserveReleased: st.PendingReserveRelease}
	lastDay := st.LastPayout
	if len(lastDay) >= 10 {
		lastDay = lastDay[:10]
	}
	for _, rec := range st.Sales {
		for _, inv := range rec.Sale.Invoices {
			if invoiceDeposited(inv) != "" && inv.DateVendorPaid == nil {
				t.addInvoice(inv)
			}
			for _, li := range inv.Lineitems {
				if isRefundLine(li) && li.Billing.DateStart != nil && *li.Billing.DateStart >= lastDay && inv.Status != "declined" {
					t.refunds += moneyOf(li.UsdAmount)
				}
			}
		}
	}
	t.reserveHeld = t.sales * reservePermille / 1000
	return pendingPayment{
		Amount: formatCents(t.amount()), PaymentFee: "0.00", PaymentID: pendingPaymentID, PaymentMethod: "ach",
		ReleaseLevel: "15", ReserveHeld: formatCents(t.reserveHeld), TotalAdjustments: "0.00",
		TotalBalanceForward: formatCents(t.balanceForward), TotalChargebackFees: formatCents(t.chargebacks),
		TotalCommissions: "0.00", TotalFees: formatCents(t.fees), TotalOutgoingCommissions: formatCents(t.outgoing),
		TotalRefunds: formatCents(t.refunds), TotalReserveReleased: formatCents(t.reserveReleased),
		TotalSales: formatCents(t.sales),
	}
}
