package sandbox

// Wire shapes of sales, with keys exactly as in the recorded detail_sale
// (admin-api.md 4.1, 3.1) and in alphabetical order like the recordings.
// Nullable fields are pointers so they encode as null.

type saleWire struct {
	Comments         []commentWire         `json:"comments"`
	Customer         customerWire          `json:"customer"`
	DatePlaced       string                `json:"date_placed"`
	DetailIP         detailIPWire          `json:"detail_ip"`
	Invoices         []*invoiceWire        `json:"invoices"`
	IPAddress        string                `json:"ip_address"`
	IPCountry        string                `json:"ip_country"`
	RecurringDecline *recurringDeclineWire `json:"recurring_decline"`
	SaleID           string                `json:"sale_id"`
}

type commentWire struct {
	ChangedByIP string `json:"changed_by_ip"`
	Comment     string `json:"comment"`
	Timestamp   string `json:"timestamp"`
	Username    string `json:"username"`
}

type customerWire struct {
	Address1       string        `json:"address_1"`
	Address2       *string       `json:"address_2"`
	AddressID      string        `json:"address_id"`
	CardholderName string        `json:"cardholder_name"`
	City           string        `json:"city"`
	CountryCode    string        `json:"country_code"`
	CountryCode2   string        `json:"country_code_2"`
	CountryName    string        `json:"country_name"`
	CustomerID     string        `json:"customer_id"`
	EmailAddress   string        `json:"email_address"`
	FirstName      string        `json:"first_name"`
	Lang           string        `json:"lang"`
	LastName       string        `json:"last_name"`
	MiddleInitial  *string       `json:"middle_initial"`
	PayMethod      payMethodWire `json:"pay_method"`
	Phone          string        `json:"phone"`
	PhoneExt       string        `json:"phone_ext"`
	PostalCode     string        `json:"postal_code"`
	Prefix         *string       `json:"prefix"`
	State          string        `json:"state"`
	State2         *string       `json:"state_2"`
}

type payMethodWire struct {
	Avs            *string `json:"avs"`
	Cvv            *string `json:"cvv"`
	FirstSixDigits *string `json:"first_six_digits"`
	LastTwoDigits  *string `json:"last_two_digits"`
	Method         string  `json:"method"`
}

type detailIPWire struct {
	Address     string  `json:"address"`
	AreaCode    int     `json:"area_code"`
	City        string  `json:"city"`
	Country     string  `json:"country"`
	CountryCode string  `json:"country_code"`
	Region      string  `json:"region"`
	Zip         *string `json:"zip"`
}

type recurringDeclineWire struct {
	DateDeclined string  `json:"date_declined"`
	DateUpdated  string  `json:"date_updated"`
	DeclineCode  string  `json:"decline_code"`
	PayMethod    string  `json:"pay_method"`
	PplusCode    *string `json:"pplus_code"`
	Retries      string  `json:"retries"`
	SaleID       string  `json:"sale_id"`
}

type invoiceWire struct {
	ChangeID           string          `json:"change_id"`
	CustomerName       string          `json:"customer_name"`
	CustomerSnapshotID *string         `json:"customer_snapshot_id"`
	CustomerTotal      string          `json:"customer_total"`
	DatePlaced         string          `json:"date_placed"`
	DateShipped        *string         `json:"date_shipped"`
	DateVendorPaid     *string         `json:"date_vendor_paid"`
	Fees2CO            string          `json:"fees_2co"`
	InvoiceID          string          `json:"invoice_id"`
	Lineitems          []*lineitemWire `json:"lineitems"`
	NewCustomerQuoteID *string         `json:"new_customer_quote_id"`
	NewVendorQuoteID   *string         `json:"new_vendor_quote_id"`
	PayoutStatus       string          `json:"payout_status"`
	Recurring          string          `json:"recurring"`
	Referrer           *string         `json:"referrer"`
	SaleID             string          `json:"sale_id"`
	Shipping           *shippingWire   `json:"shipping"`
	Status             string          `json:"status"`
	Timestamp          string          `json:"timestamp"`
	UsdTotal           string          `json:"usd_total"`
	VendorID           string          `json:"vendor_id"`
	VendorOrderID      *string         `json:"vendor_order_id"`
	VendorTotal        string          `json:"vendor_total"`
}

type shippingWire struct {
	Address1           string  `json:"address_1"`
	Address2           *string `json:"address_2"`
	City               string  `json:"city"`
	CountryCode        string  `json:"country_code"`
	CountryName        string  `json:"country_name"`
	DateShipped        *string `json:"date_shipped"`
	InvoiceID          string  `json:"invoice_id"`
	PostalCode         string  `json:"postal_code"`
	ShippingAddressID  string  `json:"shipping_address_id"`
	ShippingID         string  `json:"shipping_id"`
	ShippingMethodID   string  `json:"shipping_method_id"`
	ShippingMethodName string  `json:"shipping_method_name"`
	ShippingName       string  `json:"shipping_name"`
	State              string  `json:"state"`
	TrackingNumber     *string `json:"tracking_number"`
	TrackingURL        *string `json:"tracking_url"`
}

type lineitemWire struct {
	AffiliateVendorID           *string              `json:"affiliate_vendor_id"`
	Billing                     billingWire          `json:"billing"`
	Commission                  *string              `json:"commission"`
	CommissionAffiliateVendorID *string              `json:"commission_affiliate_vendor_id"`
	CommissionFlatRate          *string              `json:"commission_flat_rate"`
	CommissionPercentage        *string              `json:"commission_percentage"`
	CommissionType              *string              `json:"commission_type"`
	CommissionUsdAmount         *string              `json:"commission_usd_amount"`
	CustomerAmount              string               `json:"customer_amount"`
	FlatRate                    *string              `json:"flat_rate"`
	Installment                 *string              `json:"installment"`
	InvoiceID                   string               `json:"invoice_id"`
	LcAffiliateVendorID         *string              `json:"lc_affiliate_vendor_id"`
	LcUsdAmount                 *string              `json:"lc_usd_amount"`
	LineitemID                  string               `json:"lineitem_id"`
	LinkedID                    *string              `json:"linked_id"`
	Options                     []lineitemOptionWire `json:"options"`
	Percentage                  *string              `json:"percentage"`
	ProductDescription          string               `json:"product_description"`
	ProductDuration             *string              `json:"product_duration"`
	ProductHandling             *string              `json:"product_handling"`
	ProductID                   *string              `json:"product_id"`
	ProductIsCart               string               `json:"product_is_cart"`
	ProductName                 string               `json:"product_name"`
	ProductPrice                string               `json:"product_price"`
	ProductRecurrence           *string              `json:"product_recurrence"`
	ProductStartupFee           *string              `json:"product_startup_fee"`
	ProductTangible             string               `json:"product_tangible"`
	SaleID                      string               `json:"sale_id"`
	Status                      string               `json:"status"`
	Type                        string               `json:"type"`
	UsdAmount                   string               `json:"usd_amount"`
	UsdCommission               *string              `json:"usd_commission"`
	VendorAmount                string               `json:"vendor_amount"`
	VendorProductID             *string              `json:"vendor_product_id"`
}

type billingWire struct {
	Amount          string  `json:"amount"`
	BillMethod      string  `json:"bill_method"`
	BillingID       string  `json:"billing_id"`
	CustomerAmount  string  `json:"customer_amount"`
	CustomerID      string  `json:"customer_id"`
	DateDeposited   *string `json:"date_deposited"`
	DateEnd         *string `json:"date_end"`
	DateFail        *string `json:"date_fail"`
	DateNext        *string `json:"date_next"`
	DatePending     *string `json:"date_pending"`
	DateStart       *string `json:"date_start"`
	LineitemID      string  `json:"lineitem_id"`
	RecurringStatus *string `json:"recurring_status"`
	Status          string  `json:"status"`
	UsdAmount       string  `json:"usd_amount"`
	VendorAmount    string  `json:"vendor_amount"`
}

type lineitemOptionWire struct {
	CustomerSurcharge string `json:"customer_surcharge"`
	LineitemID        string `json:"lineitem_id"`
	LineitemOptionID  string `json:"lineitem_option_id"`
	OptionName        string `json:"option_name"`
	OptionValue       string `json:"option_value"`
	UsdSurcharge      string `json:"usd_surcharge"`
	VendorSurcharge   string `json:"vendor_surcharge"`
}

type saleSummaryWire struct {
	CustomerName      string  `json:"customer_name"`
	DatePlaced        string  `json:"date_placed"`
	DeclineCode       *string `json:"decline_code"`
	Recurring         string  `json:"recurring"`
	RecurringDeclined *string `json:"recurring_declined"`
	SaleID            string  `json:"sale_id"`
	SaleURL           string  `json:"sale_url"`
	UsdTotal          string  `json:"usd_total"`
}

// saleRec is a stored sale: its wire form plus what the real service keeps
// to itself.
type saleRec struct {
	Sale *saleWire `json:"sale"`
	// AuthExp is the last UTC day the card authorization holds
	// (YYYY-MM-DD); INS sends it as auth_exp. After it, mark_shipped with
	// reauthorize=1 renews the authorization before shipping.
	AuthExp string `json:"auth_exp,omitempty"`
	// ReauthDeclines: every reauthorization attempt fails (FAILED).
	ReauthDeclines bool `json:"reauth_declines,omitempty"`
	// LastReauth is the moment (RFC 3339, UTC) of the last reauthorization
	// attempt; another one within a day is TOO_SOON.
	LastReauth string `json:"last_reauth,omitempty"`
	// FraudStatus is 2Checkout's fraud review result: "pass", "wait" or
	// "fail". detail_sale has no such field (admin-api.md 4.1); only INS
	// carries it, so the sandbox keeps it here for the messages it sends.
	FraudStatus string `json:"fraud_status"`
}
