package sandbox

// companyInfo is vendor_company_info, with the keys of the seed page.
type companyInfo struct {
	AffiliateURL     string `json:"affiliate_url"`
	CurrencyCode     string `json:"currency_code"`
	CurrencyName     string `json:"currency_name"`
	CurrencySymbol   string `json:"currency_symbol"`
	Demo             string `json:"demo"`
	PendingReturnURL string `json:"pending_return_url"`
	ReturnMethod     string `json:"return_method"`
	ReturnURL        string `json:"return_url"`
	SecretWord       string `json:"secret_word"`
	SiteCategory     string `json:"site_category"`
	SiteDescription  string `json:"site_description"`
	SiteTitle        string `json:"site_title"`
	SoftDescriptor   string `json:"soft_descriptor"`
	URL              string `json:"url"`
	VendorID         string `json:"vendor_id"`
	VendorName       string `json:"vendor_name"`
}

// contactInfo is vendor_contact_info, with the keys of the seed page,
// including its odd "2co_account_level_id" and the string "null" in
// customer_service_phone_ext, both as recorded.
type contactInfo struct {
	AccountLevelID          string  `json:"2co_account_level_id"`
	CustomerServiceEmail    string  `json:"customer_service_email"`
	CustomerServicePhone    string  `json:"customer_service_phone"`
	CustomerServicePhoneExt *string `json:"customer_service_phone_ext"`
	MailingAddress1         string  `json:"mailing_address_1"`
	MailingAddress2         *string `json:"mailing_address_2"`
	MailingAddressID        string  `json:"mailing_address_id"`
	MailingCity             string  `json:"mailing_city"`
	MailingCountryCode      string  `json:"mailing_country_code"`
	MailingPostalCode       string  `json:"mailing_postal_code"`
	MailingState            string  `json:"mailing_state"`
	OfficeEmail             string  `json:"office_email"`
	OfficePhone             string  `json:"office_phone"`
	OfficePhoneExt          *string `json:"office_phone_ext"`
	PhysicalAddress1        string  `json:"physical_address_1"`
	PhysicalAddress2        *string `json:"physical_address_2"`
	PhysicalAddressID       string  `json:"physical_address_id"`
	PhysicalCity            string  `json:"physical_city"`
	PhysicalCountryCode     string  `json:"physical_country_code"`
	PhysicalPostalCode      string  `json:"physical_postal_code"`
	PhysicalState           string  `json:"physical_state"`
	VendorID                string  `json:"vendor_id"`
}

// pendingPayment is detail_pending_payment's payment (admin-api.md 4.7).
type pendingPayment struct {
	Amount                   string `json:"amount"`
	PaymentFee               string `json:"payment_fee"`
	PaymentID                string `json:"payment_id"`
	PaymentMethod            string `json:"payment_method"`
	ReleaseLevel             string `json:"release_level"`
	ReserveHeld              string `json:"reserve_held"`
	TotalAdjustments         string `json:"total_adjustments"`
	TotalBalanceForward      string `json:"total_balance_forward"`
	TotalChargebackFees      string `json:"total_chargeback_fees"`
	TotalCommissions         string `json:"total_commissions"`
	TotalFees                string `json:"total_fees"`
	TotalOutgoingCommissions string `json:"total_outgoing_commissions"`
	TotalRefunds             string `json:"total_refunds"`
	TotalReserveReleased     string `json:"total_reserve_released"`
	TotalSales               string `json:"total_sales"`
}

// paymentEntry is an entry of list_payments: the recorded keys plus the
// ones the field table adds after the point where the recording is cut.
type paymentEntry struct {
	Amount                   string  `json:"amount"`
	DatePaid                 *string `json:"date_paid"`
	DateReserveReleased      *string `json:"date_reserve_released"`
	DateVoided               *string `json:"date_voided"`
	PaymentID                string  `json:"payment_id"`
	PaymentIdentifier        string  `json:"payment_identifier"`
	PaymentType              string  `json:"payment_type"`
	ReserveHeld              string  `json:"reserve_held"`
	TotalAdjustments         string  `json:"total_adjustments"`
	TotalBalanceForward      string  `json:"total_balance_forward"`
	TotalChargebackFees      string  `json:"total_chargeback_fees"`
	TotalCommissions         string  `json:"total_commissions"`
	TotalFees                string  `json:"total_fees"`
	TotalOutgoingCommissions string  `json:"total_outgoing_commissions"`
	TotalRefunds             string  `json:"total_refunds"`
	TotalReserveReleased     string  `json:"total_reserve_released"`
	TotalSales               string  `json:"total_sales"`
	Void                     string  `json:"void"`
}

type companyResp struct {
	ResponseCode      string      `json:"response_code"`
	ResponseMessage   string      `json:"response_message"`
	VendorCompanyInfo companyInfo `json:"vendor_company_info"`
}

type contactResp struct {
	ResponseCode      string      `json:"response_code"`
	ResponseMessage   string      `json:"response_message"`
	VendorContactInfo contactInfo `json:"vendor_contact_info"`
}

type pendingResp struct {
	Payment         pendingPayment `json:"payment"`
	ResponseCode    string         `json:"response_code"`
	ResponseMessage string         `json:"response_message"`
}

type paymentsResp struct {
	Payments        []paymentEntry `json:"payments"`
	ResponseCode    string         `json:"response_code"`
	ResponseMessage string         `json:"response_message"`
}

func detailCompanyInfo(c *call) (any, *apiError) {
	return companyResp{ResponseCode: "OK", ResponseMessage: successMessage("detail_company_info"), VendorCompanyInfo: c.st().Company}, nil
}

func detailContactInfo(c *call) (any, *apiError) {
	return contactResp{ResponseCode: "OK", ResponseMessage: successMessage("detail_contact_info"), VendorContactInfo: c.st().Contact}, nil
}

func detailPendingPayment(c *call) (any, *apiError) {
	return pendingResp{Payment: c.st().pendingPaymentNow(), ResponseCode: "OK", ResponseMessage: successMessage("detail_pending_payment")}, nil
}

// listPayments answers an empty array for an account never paid: the
// vendor's live test expects exactly that for a new account (PY
// test_2_list: len(payments) == 0), unlike the other lists' RECORD_NOT_FOUND.
func listPayments(c *call) (any, *apiError) {
	p := c.st().Payments
	if p == nil {
		p = []paymentEntry{}
	}
	return paymentsResp{Payments: p, ResponseCode: "OK", ResponseMessage: successMessage("list_payments")}, nil
}
