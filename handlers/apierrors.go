package handlers

import (
	"errors"

	"backoffice/apiclient"
	"backoffice/form"
)

// apiErrorText puts an error the API reported into plain words for the person
// at the form. Codes the panel does not know fall back to the API's message.
func apiErrorText(err error) string {
	var ae *apiclient.Error
	if !errors.As(err, &ae) {
		return upstreamView(err).Message
	}
	switch ae.Code {
	case apiclient.CodeParameterMissing:
		return "2Checkout needs this value."
	case apiclient.CodeParameterInvalid, apiclient.CodeInvalidParameter:
		return "2Checkout did not accept this value. Check it and try again."
	case apiclient.CodeRecordNotFound:
		return "2Checkout has no such record. It may have been deleted meanwhile; reload the page."
	case apiclient.CodeForbidden:
		return "2Checkout does not let the panel's API user change this record."
	case apiclient.CodeUnauthorized:
		return "2Checkout refused the panel's API credentials. An admin must check them. Nothing was changed."
	case apiclient.CodeNothingToDo:
		if apiclient.IsAlreadyShipped(err) {
			return "This sale is already marked shipped. Nothing was sent again."
		}
		if apiclient.IsNotShippable(err) {
			return "Nothing to ship: this sale has no physical goods."
		}
		return "Nothing to do: 2Checkout says this was already done."
	case "TOO_LATE":
		return "The payment is already pending or deposited, so it cannot be reauthorized. Send it again without \"reauthorize\"."
	case "TOO_SOON":
		return "The payment was already reauthorized today. Try tomorrow, or send it without \"reauthorize\"."
	case "FAILED":
		return "2Checkout could not reauthorize the payment, so the sale was not marked shipped. Send it without \"reauthorize\", or contact the buyer."
	case codeInternalError:
		return "2Checkout had an internal error and did not make the change. Try again in a moment."
	case "AMBIGUOUS":
		return "This sale has several invoices: choose one."
	case "TOO_HIGH":
		return "The amount is more than what is left to refund on this invoice."
	case "TOO_LOW":
		return "The amount must be at least 0.01."
	}
	if ae.Message != "" {
		return "2Checkout refused the change: " + ae.Message
	}
	return "2Checkout refused the change."
}

// applyAPIError puts an API error on the form: next to the field it names
// when the form has that field (fieldFor maps API parameter names to form
// field names where they differ), at the top of the form otherwise.
func applyAPIError(errs form.Errors, err error, fields map[string]string) {
	var ae *apiclient.Error
	if errors.As(err, &ae) && ae.Parameter != "" {
		if f, ok := fields[ae.Parameter]; ok {
			errs.Add(f, apiErrorText(err))
			return
		}
	}
	errs.Add("", apiErrorText(err))
}
