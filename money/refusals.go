package money

import (
	"errors"

	"backoffice/apiclient"
)

// Codes of the money calls that apiclient does not name (admin-api.md
// §3.3–3.6).
const (
	codeAmbiguous = "AMBIGUOUS"
	codeTooLow    = "TOO_LOW"
	codeTooHigh   = "TOO_HIGH"
	codeTooLate   = "TOO_LATE"
	codeTooSoon   = "TOO_SOON"
	codeFailed    = "FAILED"
)

// Refusal puts what 2Checkout answered to a refund the panel had checked
// into plain words, next to the field it concerns (keyed as the form's
// errors are; "" is the top of the form). ok is false when err is not the
// API's refusal (no answer, a transport failure): the handler's general
// error path says those.
func (rf *Refundable) Refusal(r Refund, err error) (field, message string, ok bool) {
	var ae *apiclient.Error
	if !errors.As(err, &ae) {
		return "", "", false
	}
	place := rf.invoiceField() // where the invoice's problems go
	amountField := FieldAmount
	if r.IsLineitem() {
		place, amountField = FieldLineitem, FieldLineitem
	}
	switch ae.Code {
	case codeAmbiguous:
		return rf.invoiceField(), "This sale has several invoices: choose the one to refund.", true
	case codeTooLow:
		if r.IsLineitem() {
			return amountField, "2Checkout says this line cost nothing, so there is nothing to refund.", true
		}
		return amountField, "The amount must be at least 0.01.", true
	case codeTooHigh:
		return amountField, "2Checkout says this is more than what is left to refund on the invoice. Part of it may have been refunded outside the panel: check the sale in 2Checkout.", true
	case apiclient.CodeNothingToDo:
		return place, "2Checkout says this was refunded already. Nothing was refunded again.", true
	case codeTooLate:
		return place, "2Checkout says the invoice is too old to refund (more than 180 days).", true
	case apiclient.CodeInvalidParameter:
		return place, "2Checkout says this line cannot be refunded on its own; refund the invoice instead.", true
	case apiclient.CodeForbidden:
		return "", "2Checkout does not let the panel's API user refund this sale (or this reason). Nothing was refunded.", true
	case apiclient.CodeRecordNotFound:
		return "", "2Checkout cannot find this sale or line item any more. Reload the page.", true
	case apiclient.CodeParameterMissing, apiclient.CodeParameterInvalid:
		f := map[string]string{"amount": amountField, "currency": amountField, "category": FieldCategory,
			"comment": FieldComment, "invoice_id": place, "sale_id": "", "lineitem_id": place}[ae.Parameter]
		return f, "2Checkout did not accept this value. Check it and try again.", true
	}
	return "", "", false
}

// StopRefusal puts what 2Checkout answered to stop_lineitem_recurring into
// plain words; ok is false when err is not the API's refusal, or one the
// handler's general error path words as well.
func StopRefusal(err error) (message string, ok bool) {
	var ae *apiclient.Error
	if !errors.As(err, &ae) {
		return "", false
	}
	switch ae.Code {
	case apiclient.CodeNothingToDo:
		return "2Checkout says this item is not billing any more, so there was nothing to stop.", true
	case apiclient.CodeRecordNotFound:
		return "2Checkout cannot find this line item any more. Reload the page.", true
	case apiclient.CodeForbidden:
		return "2Checkout does not let the panel's API user change this subscription.", true
	}
	return "", false
}

// ReauthRefusal puts what 2Checkout answered to reauth (TOO_LATE, TOO_SOON,
// FAILED) into plain words; ok as for StopRefusal.
func ReauthRefusal(err error) (message string, ok bool) {
	var ae *apiclient.Error
	if !errors.As(err, &ae) {
		return "", false
	}
	switch ae.Code {
	case codeTooLate:
		return "The payment has already been collected (pending or deposited), so there is nothing to reauthorize.", true
	case codeTooSoon:
		return "This payment was already reauthorized today; 2Checkout allows one attempt a day. Try again tomorrow.", true
	case codeFailed:
		return "The card was not authorized again: 2Checkout could not reauthorize the payment. Contact the buyer about another way to pay.", true
	case apiclient.CodeRecordNotFound:
		return "2Checkout cannot find this sale any more. Reload the page.", true
	case apiclient.CodeForbidden:
		return "2Checkout does not let the panel's API user reauthorize this sale.", true
	}
	return "", false
}
