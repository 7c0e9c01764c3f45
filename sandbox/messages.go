package sandbox

// successMessages holds every response_message the sandbox sends on
// success. The ones marked "gap" are not in any recorded source
// (admin-api.md section 7); they are invented here, in one table, so they
// are easy to change when a recording turns up.
var successMessages = map[string]string{
	"detail_company_info":       "company info retrieved",
	"detail_contact_info":       "contact info retrieved",
	"detail_pending_payment":    "payment info retrieved",
	"list_payments":             "payments retrieved", // gap
	"detail_sale":               "Sale detail retrieved",
	"list_sales":                "Sale summary retrieved", // gap
	"refund_invoice":            "refund added to invoice",
	"refund_lineitem":           "lineitem refunded",
	"stop_lineitem_recurring":   "Recurring billing stopped for lineitem",
	"reauth":                    "Payment reauthorized.",
	"mark_shipped":              "Sale marked shipped.",
	"create_comment":            "Created comment successfully.",
	"update_lineitem_recurring": "Lineitem recurring billing updated.", // gap: undocumented method
	"create_product":            "Product successfully created.",
	"detail_product":            "Product detail information retrieved successfully",
	"list_products":             "Product list successfully retrieved.",
	"update_product":            "Product successfully updated",
	"delete_product":            "Product successfully deleted.",
	"create_option":             "Option created successfully",
	"detail_option":             "Option detail retrieved successfully.",
	"list_options":              "Option information retrieved successfully.",
	"update_option":             "Option updated successfully",
	"delete_option":             "Option deleted successfully",
	"create_coupon":             "Coupon successfully created",
	"detail_coupon":             "Coupon detail retrieved successfully.",
	"list_coupons":              "Coupon list retrieved successfully.", // gap
	"update_coupon":             "Coupon updated successfully",
	"delete_coupon":             "Coupon successfully deleted.",
}

func successMessage(method string) string { return successMessages[method] }

// Method-specific error messages, as documented (admin-api.md 3.3-3.7, the
// mark_shipped seed page). Business rules and forced errors both use them.
const (
	msgNotShippable     = "Item not shippable."
	msgAlreadyShipped   = "Sale already marked shipped."
	msgShipFailed       = "Failed to marked shipped."
	msgReauthTooLate    = "Payment is already pending or deposited and cannot be reauthorized."
	msgShipReauthSoon   = "Please wait until the next day before trying to reauthorize again."
	msgReauthTooSoon    = "Please wait until the next day to reauthorize again."
	msgReauthFailed     = "Failed to reauthorize payment."
	msgCategory7        = "Permission denied to set refund category to 7."
	msgAmbiguous        = "Ambiguous request. Multiple invoices on sale. invoice_id parameter required."
	msgAmountTooLow     = "Amount must be at least 0.01."
	msgInvoiceRefunded  = "Invoice was already refunded."
	msgAmountTooHigh    = "Amount greater than remaining balance on invoice."
	msgInvoiceTooOld    = "Invoice too old to refund."
	msgNotRefundable    = "This lineitem cannot be refunded."
	msgLineRefunded     = "Lineitem was already refunded."
	msgLineTooOld       = "Invoice too old to refund lineitem."
	msgLineTooHigh      = "Lineitem amount greater than remaining balance on invoice."
	msgLineTooLow       = "Lineitem amount must be at least 0.01."
	msgNotRecurring     = "Lineitem is not scheduled to recur."
	msgPayPalRecurring  = "Recurring billing of PayPal sales cannot be updated." // gap
	msgInternal         = "An internal error occurred."                          // gap
	msgStateSaveFailure = "Failed to save the change."                           // sandbox only
)

// forcedMessages gives, per method, the documented message of a code that
// has method-specific wording; forcedMessage falls back to generic texts.
var forcedMessages = map[string]map[string]string{
	"mark_shipped": {
		"NOTHING_TO_DO":  msgNotShippable,
		"TOO_LATE":       msgReauthTooLate,
		"TOO_SOON":       msgShipReauthSoon,
		"FAILED":         msgReauthFailed,
		"INTERNAL_ERROR": msgShipFailed,
	},
	"reauth": {
		"TOO_LATE": msgReauthTooLate,
		"TOO_SOON": msgReauthTooSoon,
		"FAILED":   msgReauthFailed,
	},
	"refund_invoice": {
		"AMBIGUOUS":     msgAmbiguous,
		"TOO_LOW":       msgAmountTooLow,
		"TOO_HIGH":      msgAmountTooHigh,
		"NOTHING_TO_DO": msgInvoiceRefunded,
		"TOO_LATE":      msgInvoiceTooOld,
	},
	"refund_lineitem": {
		"INVALID_PARAMETER": msgNotRefundable,
		"NOTHING_TO_DO":     msgLineRefunded,
		"TOO_LATE":          msgLineTooOld,
		"TOO_HIGH":          msgLineTooHigh,
		"TOO_LOW":           msgLineTooLow,
	},
	"stop_lineitem_recurring":   {"NOTHING_TO_DO": msgNotRecurring},
	"update_lineitem_recurring": {"NOTHING_TO_DO": msgNotRecurring},
}

// forbiddenNoun is the record kind named in a method's FORBIDDEN message.
func forbiddenNoun(spec *methodSpec) string {
	switch {
	case spec.group == "sales":
		return "sale"
	case spec.group == "acct":
		return "account"
	case spec.name == "create_option" || spec.name == "detail_option" || spec.name == "list_options" ||
		spec.name == "update_option" || spec.name == "delete_option":
		return "option"
	case spec.name == "create_coupon" || spec.name == "detail_coupon" || spec.name == "list_coupons" ||
		spec.name == "update_coupon" || spec.name == "delete_coupon":
		return "coupon"
	}
	return "product"
}

// forcedError builds the error a Faults.ForceError entry asks for, with the
// code's documented message. Parameter errors name the method's first
// declared parameter, or "vendor_id" (the example of the API's overview
// page) for methods without parameters.
func forcedError(spec *methodSpec, code string) *apiError {
	if m, ok := forcedMessages[spec.name][code]; ok {
		return newErr(code, m, "")
	}
	param := "vendor_id"
	if len(spec.params) > 0 {
		param = spec.params[0].name
	}
	switch code {
	case "PARAMETER_MISSING":
		return errMissing(param)
	case "PARAMETER_INVALID":
		return errInvalid(param)
	case "RECORD_NOT_FOUND":
		return errNotFound()
	case "FORBIDDEN":
		return errForbidden(forbiddenNoun(spec))
	case "UNAUTHORIZED":
		return errUnauthorized()
	case "INTERNAL_ERROR":
		return newErr(code, msgInternal, "")
	}
	return newErr(code, "Forced error "+code+".", "")
}
