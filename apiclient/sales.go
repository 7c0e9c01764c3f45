package apiclient

import "context"

var (
	mDetailSale              = readMethod("sales", "detail_sale", "DetailSale")
	mListSales               = readMethod("sales", "list_sales", "ListSales")
	mRefundInvoice           = writeMethod("sales", "refund_invoice", "RefundInvoice")
	mRefundLineitem          = writeMethod("sales", "refund_lineitem", "RefundLineitem")
	mStopLineitemRecurring   = writeMethod("sales", "stop_lineitem_recurring", "StopLineitemRecurring")
	mReauth                  = writeMethod("sales", "reauth", "Reauth")
	mMarkShipped             = writeMethod("sales", "mark_shipped", "MarkShipped")
	mCreateComment           = writeMethod("sales", "create_comment", "CreateComment")
	mUpdateLineitemRecurring = writeMethod("sales", "update_lineitem_recurring", "UpdateLineitemRecurring")
)

// Sale is the answer of detail_sale. Keys follow the recorded responses, which
// differ from the names in the vendor's "Data Returned" tables.
type Sale struct {
	SaleID Text `json:"sale_id"`
	// DatePlaced is "YYYY-MM-DD HH:MM:SS".
	DatePlaced Text `json:"date_placed"`
	IPAddress  Text `json:"ip_address"`
	IPCountry  Text `json:"ip_country"`
	// RecurringDecline is nil unless a recurring payment was declined.
	RecurringDecline *RecurringDecline `json:"recurring_decline"`
	Comments         []Comment         `json:"comments"`
	Customer         Customer          `json:"customer"`
	DetailIP         DetailIP          `json:"detail_ip"`
	// Invoices are in the order the API sent them; the vendor's SDKs treat
	// the last one as current.
	Invoices []Invoice `json:"invoices"`
	// Warnings is the top-level "warnings" list some responses carry next to
	// the sale; it is not part of the sale object on the wire.
	Warnings []APIError `json:"-"`
}

// Customer is the buyer of a sale.
type Customer struct {
	CustomerID     Text      `json:"customer_id"`
	AddressID      Text      `json:"address_id"`
	Address1       Text      `json:"address_1"`
	Address2       Text      `json:"address_2"`
	CardholderName Text      `json:"cardholder_name"`
	City           Text      `json:"city"`
	State          Text      `json:"state"`
	State2         Text      `json:"state_2"`
	PostalCode     Text      `json:"postal_code"`
	CountryCode    Text      `json:"country_code"`   // 3 letters
	CountryCode2   Text      `json:"country_code_2"` // 2 letters
	CountryName    Text      `json:"country_name"`
	EmailAddress   Text      `json:"email_address"`
	Prefix         Text      `json:"prefix"`
	FirstName      Text      `json:"first_name"`
	MiddleInitial  Text      `json:"middle_initial"`
	LastName       Text      `json:"last_name"`
	Lang           Text      `json:"lang"`
	Phone          Text      `json:"phone"`
	PhoneExt       Text      `json:"phone_ext"`
	PayMethod      PayMethod `json:"pay_method"`
}

// PayMethod is how the buyer paid; card numbers are only ever partial.
type PayMethod struct {
	Method         Text `json:"method"`
	FirstSixDigits Text `json:"first_six_digits"`
	LastTwoDigits  Text `json:"last_two_digits"`
	AVS            Text `json:"avs"`
	CVV            Text `json:"cvv"`
}

// DetailIP is the geolocation of the buyer's IP address. AreaCode arrives as
// a JSON number; [Text] keeps its literal text.
type DetailIP struct {
	Address     Text `json:"address"`
	AreaCode    Text `json:"area_code"`
	City        Text `json:"city"`
	Country     Text `json:"country"`
	CountryCode Text `json:"country_code"`
	Region      Text `json:"region"`
	Zip         Text `json:"zip"`
}

// Invoice is one invoice of a sale.
type Invoice struct {
	InvoiceID          Text `json:"invoice_id"`
	SaleID             Text `json:"sale_id"`
	ChangeID           Text `json:"change_id"`
	CustomerName       Text `json:"customer_name"`
	CustomerSnapshotID Text `json:"customer_snapshot_id"`
	CustomerTotal      Text `json:"customer_total"`
	DatePlaced         Text `json:"date_placed"`
	DateShipped        Text `json:"date_shipped"`
	DateVendorPaid     Text `json:"date_vendor_paid"`
	Fees2CO            Text `json:"fees_2co"`
	NewCustomerQuoteID Text `json:"new_customer_quote_id"`
	NewVendorQuoteID   Text `json:"new_vendor_quote_id"`
	PayoutStatus       Text `json:"payout_status"`
	Recurring          Text `json:"recurring"` // "0" / "1"
	Referrer           Text `json:"referrer"`
	// Status is e.g. "approved", "pending".
	Status        Text `json:"status"`
	Timestamp     Text `json:"timestamp"`
	USDTotal      Text `json:"usd_total"`
	VendorID      Text `json:"vendor_id"`
	VendorOrderID Text `json:"vendor_order_id"`
	VendorTotal   Text `json:"vendor_total"`
	// Shipping is nil for intangible sales.
	Shipping  *Shipping  `json:"shipping"`
	Lineitems []Lineitem `json:"lineitems"`
}

// Shipping is the shipment of a tangible invoice.
type Shipping struct {
	ShippingID         Text `json:"shipping_id"`
	InvoiceID          Text `json:"invoice_id"`
	ShippingAddressID  Text `json:"shipping_address_id"`
	ShippingName       Text `json:"shipping_name"`
	Address1           Text `json:"address_1"`
	Address2           Text `json:"address_2"`
	City               Text `json:"city"`
	State              Text `json:"state"`
	PostalCode         Text `json:"postal_code"`
	CountryCode        Text `json:"country_code"`
	CountryName        Text `json:"country_name"`
	DateShipped        Text `json:"date_shipped"`
	ShippingMethodID   Text `json:"shipping_method_id"`
	ShippingMethodName Text `json:"shipping_method_name"`
	TrackingNumber     Text `json:"tracking_number"`
	TrackingURL        Text `json:"tracking_url"`
}

// Lineitem is one line of an invoice: a product, a tax fee, a shipping fee...
type Lineitem struct {
	LineitemID                  Text             `json:"lineitem_id"`
	InvoiceID                   Text             `json:"invoice_id"`
	SaleID                      Text             `json:"sale_id"`
	LinkedID                    Text             `json:"linked_id"`
	Type                        Text             `json:"type"`
	Status                      Text             `json:"status"`
	Installment                 Text             `json:"installment"`
	ProductID                   Text             `json:"product_id"`
	VendorProductID             Text             `json:"vendor_product_id"`
	ProductName                 Text             `json:"product_name"`
	ProductDescription          Text             `json:"product_description"`
	ProductPrice                Text             `json:"product_price"`
	ProductStartupFee           Text             `json:"product_startup_fee"`
	ProductRecurrence           Text             `json:"product_recurrence"`
	ProductDuration             Text             `json:"product_duration"`
	ProductHandling             Text             `json:"product_handling"`
	ProductTangible             Text             `json:"product_tangible"`
	ProductIsCart               Text             `json:"product_is_cart"`
	CustomerAmount              Text             `json:"customer_amount"`
	USDAmount                   Text             `json:"usd_amount"`
	VendorAmount                Text             `json:"vendor_amount"`
	AffiliateVendorID           Text             `json:"affiliate_vendor_id"`
	Commission                  Text             `json:"commission"`
	CommissionAffiliateVendorID Text             `json:"commission_affiliate_vendor_id"`
	CommissionFlatRate          Text             `json:"commission_flat_rate"`
	CommissionPercentage        Text             `json:"commission_percentage"`
	CommissionType              Text             `json:"commission_type"`
	CommissionUSDAmount         Text             `json:"commission_usd_amount"`
	FlatRate                    Text             `json:"flat_rate"`
	Percentage                  Text             `json:"percentage"`
	LCAffiliateVendorID         Text             `json:"lc_affiliate_vendor_id"`
	LCUSDAmount                 Text             `json:"lc_usd_amount"`
	USDCommission               Text             `json:"usd_commission"`
	Billing                     Billing          `json:"billing"`
	Options                     []LineitemOption `json:"options"`
}

// Fee reports a Tax Fee or Shipping Fee line: the API types it "product"
// like goods, but it names no product and no installment (admin-api.md 4.1).
func (li *Lineitem) Fee() bool {
	return li.Type.Value == "product" && li.ProductID.Blank() && li.VendorProductID.Blank() && li.Installment.Blank()
}

// Goods reports a line of physical goods, something to pack: a product
// line that is not a fee and not marked intangible.
func (li *Lineitem) Goods() bool {
	return li.Type.Value == "product" && !li.Fee() && li.ProductTangible.Value != "N"
}

// Billing is a line item's billing state, including its recurrence.
type Billing struct {
	BillingID      Text `json:"billing_id"`
	LineitemID     Text `json:"lineitem_id"`
	CustomerID     Text `json:"customer_id"`
	Amount         Text `json:"amount"`
	CustomerAmount Text `json:"customer_amount"`
	USDAmount      Text `json:"usd_amount"`
	VendorAmount   Text `json:"vendor_amount"`
	BillMethod     Text `json:"bill_method"`
	Status         Text `json:"status"`
	// RecurringStatus is "active" or null; only "active" can be stopped.
	RecurringStatus Text `json:"recurring_status"`
	DateStart       Text `json:"date_start"`
	DateNext        Text `json:"date_next"`
	DateEnd         Text `json:"date_end"`
	DateFail        Text `json:"date_fail"`
	DatePending     Text `json:"date_pending"`
	DateDeposited   Text `json:"date_deposited"`
}

// LineitemOption is a product option chosen on a line item.
type LineitemOption struct {
	LineitemOptionID  Text `json:"lineitem_option_id"`
	LineitemID        Text `json:"lineitem_id"`
	OptionName        Text `json:"option_name"`
	OptionValue       Text `json:"option_value"`
	CustomerSurcharge Text `json:"customer_surcharge"`
	USDSurcharge      Text `json:"usd_surcharge"`
	VendorSurcharge   Text `json:"vendor_surcharge"`
}

// Comment is a note on a sale, by staff or by the system.
type Comment struct {
	Comment     Text `json:"comment"`
	Timestamp   Text `json:"timestamp"`
	Username    Text `json:"username"`
	ChangedByIP Text `json:"changed_by_ip"`
}

// RecurringDecline describes the last declined recurring payment of a sale.
type RecurringDecline struct {
	SaleID       Text `json:"sale_id"`
	DateDeclined Text `json:"date_declined"`
	DateUpdated  Text `json:"date_updated"`
	DeclineCode  Text `json:"decline_code"`
	PayMethod    Text `json:"pay_method"`
	PPlusCode    Text `json:"pplus_code"`
	Retries      Text `json:"retries"`
}

// SaleSummary is one row of list_sales.
type SaleSummary struct {
	SaleID Text `json:"sale_id"`
	// DatePlaced is "YYYY-MM-DD" here, unlike detail_sale.
	DatePlaced        Text `json:"date_placed"`
	CustomerName      Text `json:"customer_name"`
	Recurring         Text `json:"recurring"`
	RecurringDeclined Text `json:"recurring_declined"`
	DeclineCode       Text `json:"decline_code"`
	USDTotal          Text `json:"usd_total"`
	SaleURL           Text `json:"sale_url"`
}

// SaleList is one page of list_sales.
type SaleList struct {
	PageInfo PageInfo      `json:"page_info"`
	Sales    []SaleSummary `json:"sale_summary"`
}

// DetailSaleParams selects a sale: SaleID for all its invoices, or InvoiceID
// for just that invoice. One of the two is required.
type DetailSaleParams struct {
	SaleID    string `url:"sale_id"`
	InvoiceID string `url:"invoice_id"`
}

// ListSalesParams filters and pages list_sales. Every field is optional.
type ListSalesParams struct {
	SaleID    string `url:"sale_id"`
	InvoiceID string `url:"invoice_id"`
	// CustomerName matches a substring (at least 3 characters).
	CustomerName    string `url:"customer_name"`
	CustomerEmail   string `url:"customer_email"`
	CustomerPhone   string `url:"customer_phone"`
	VendorProductID string `url:"vendor_product_id"`
	CCardFirst6     string `url:"ccard_first6"`
	CCardLast2      string `url:"ccard_last2"`
	SaleDateBegin   string `url:"sale_date_begin"` // YYYY-MM-DD
	SaleDateEnd     string `url:"sale_date_end"`
	// The three flags are sent as 1 when true and left out otherwise.
	DeclinedRecurrings bool `url:"declined_recurrings"`
	ActiveRecurrings   bool `url:"active_recurrings"`
	Refunded           bool `url:"refunded"`
	// Page is cur_page, 1-based; PageSize is 1-100 (the API defaults to 20).
	Page     int `url:"cur_page"`
	PageSize int `url:"pagesize"`
	// SortCol is one of sale_id, date_placed, customer_name, recurring,
	// recurring_declined, usd_total; SortDir is ASC or DESC.
	SortCol string `url:"sort_col"`
	SortDir string `url:"sort_dir"`
}

// RefundInvoiceParams refunds an invoice, fully or partly.
type RefundInvoiceParams struct {
	SaleID string `url:"sale_id"`
	// InvoiceID may be left out when the sale has exactly one invoice.
	InvoiceID string `url:"invoice_id"`
	// Amount (decimal text) makes the refund partial; Currency ("usd",
	// "vendor" or "customer") is then required.
	Amount   string `url:"amount"`
	Currency string `url:"currency"`
	// Comment is required: at most 5000 characters, no < or >.
	Comment string `url:"comment"`
	// Category is required, 1-17 (7 is internal to 2Checkout).
	Category int `url:"category"`
}

// RefundLineitemParams refunds one line item in full.
type RefundLineitemParams struct {
	LineitemID string `url:"lineitem_id"`
	Category   int    `url:"category"`
	Comment    string `url:"comment"`
}

// StopLineitemRecurringParams names the line item whose billing stops.
type StopLineitemRecurringParams struct {
	LineitemID string `url:"lineitem_id"`
}

// ReauthParams names the sale to reauthorize.
type ReauthParams struct {
	SaleID string `url:"sale_id"`
}

// MarkShippedParams marks a tangible sale shipped.
type MarkShippedParams struct {
	// SaleID or InvoiceID; InvoiceID is required on sales with several
	// invoices.
	SaleID         string `url:"sale_id"`
	InvoiceID      string `url:"invoice_id"`
	TrackingNumber string `url:"tracking_number"`
	// CCCustomer e-mails the buyer; Reauthorize renews an expired
	// authorization first. Both are sent as 1 when true.
	CCCustomer  bool `url:"cc_customer"`
	Reauthorize bool `url:"reauthorize"`
	// Comment: up to 255 characters, no < or >.
	Comment string `url:"comment"`
}

// CreateCommentParams adds a comment to a sale.
type CreateCommentParams struct {
	SaleID      string `url:"sale_id"`
	SaleComment string `url:"sale_comment"`
	CCVendor    bool   `url:"cc_vendor"`
	CCCustomer  bool   `url:"cc_customer"`
}

// UpdateLineitemRecurringParams changes a recurring line item (undocumented
// call, known from the Ruby SDK). At least one of Shift and Price is needed.
type UpdateLineitemRecurringParams struct {
	LineitemID string `url:"lineitem_id"`
	Comment    string `url:"comment"`
	// Shift pushes the next billing date forward by this many days.
	Shift int `url:"shift"`
	// Price is the new recurring price; it must be lower than the current.
	Price string `url:"price"`
}

type detailSaleResponse struct {
	envelope
	Sale *Sale `json:"sale"`
}

func (r *detailSaleResponse) missing() string {
	if r.Sale == nil {
		return "sale"
	}
	return ""
}

// DetailSale calls sales/detail_sale.
func (c *Client) DetailSale(ctx context.Context, p DetailSaleParams) (*Sale, error) {
	var r detailSaleResponse
	if err := c.call(ctx, mDetailSale, p, &r); err != nil {
		return nil, err
	}
	for _, w := range r.Warnings {
		r.Sale.Warnings = append(r.Sale.Warnings, APIError{Code: w.Code.Value, Message: w.Message.Value, Parameter: w.Parameter.Value})
	}
	return r.Sale, nil
}

// ListSales calls sales/list_sales for one page.
func (c *Client) ListSales(ctx context.Context, p ListSalesParams) (*SaleList, error) {
	var r struct {
		envelope
		SaleList
	}
	if err := c.call(ctx, mListSales, p, &r); err != nil {
		return nil, err
	}
	return &r.SaleList, nil
}

// RefundInvoice calls sales/refund_invoice.
func (c *Client) RefundInvoice(ctx context.Context, p RefundInvoiceParams) (*Result, error) {
	return c.simpleWrite(ctx, mRefundInvoice, p)
}

// RefundLineitem calls sales/refund_lineitem.
func (c *Client) RefundLineitem(ctx context.Context, p RefundLineitemParams) (*Result, error) {
	return c.simpleWrite(ctx, mRefundLineitem, p)
}

// StopLineitemRecurring calls sales/stop_lineitem_recurring.
func (c *Client) StopLineitemRecurring(ctx context.Context, p StopLineitemRecurringParams) (*Result, error) {
	return c.simpleWrite(ctx, mStopLineitemRecurring, p)
}

// Reauth calls sales/reauth.
func (c *Client) Reauth(ctx context.Context, p ReauthParams) (*Result, error) {
	return c.simpleWrite(ctx, mReauth, p)
}

// MarkShipped calls sales/mark_shipped. A repeat call fails with an error for
// which [IsAlreadyShipped] is true; callers should treat that as done.
func (c *Client) MarkShipped(ctx context.Context, p MarkShippedParams) (*Result, error) {
	return c.simpleWrite(ctx, mMarkShipped, p)
}

// CreateComment calls sales/create_comment. The API has no duplicate guard,
// so after an [*OutcomeUnknownError] check the sale's comments before
// sending again.
func (c *Client) CreateComment(ctx context.Context, p CreateCommentParams) (*Result, error) {
	return c.simpleWrite(ctx, mCreateComment, p)
}

// UpdateLineitemRecurring calls sales/update_lineitem_recurring.
func (c *Client) UpdateLineitemRecurring(ctx context.Context, p UpdateLineitemRecurringParams) (*Result, error) {
	return c.simpleWrite(ctx, mUpdateLineitemRecurring, p)
}

// simpleWrite runs a write whose answer is just the envelope.
func (c *Client) simpleWrite(ctx context.Context, m *MethodInfo, p any) (*Result, error) {
	var r envelope
	if err := c.call(ctx, m, p, &r); err != nil {
		return nil, err
	}
	res := r.result()
	return &res, nil
}
