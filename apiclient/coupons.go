package apiclient

import "context"

var (
	mCreateCoupon = writeMethod("products", "create_coupon", "CreateCoupon")
	mDetailCoupon = readMethod("products", "detail_coupon", "DetailCoupon")
	mListCoupons  = readMethod("products", "list_coupons", "ListCoupons")
	mUpdateCoupon = writeMethod("products", "update_coupon", "UpdateCoupon")
	mDeleteCoupon = writeMethod("products", "delete_coupon", "DeleteCoupon")
)

// Coupon is detail_coupon's "coupon" object.
//
// Its PercentageOff is a percent ("5" means 5 %). list_coupons reports the
// same coupon as a fraction ("0.05"); see [CouponSummary].
type Coupon struct {
	CouponCode Text `json:"coupon_code"`
	DateExpire Text `json:"date_expire"` // YYYY-MM-DD
	// Type is "shipping", "sale" or "product".
	Type            Text `json:"type"`
	PercentageOff   Text `json:"percentage_off"`
	ValueOff        Text `json:"value_off"`
	MinimumPurchase Text `json:"minimum_purchase"`
	VendorID        Text `json:"vendor_id"`
	// Products lists the products a product coupon applies to.
	Products []CouponProduct `json:"product"`
}

// CouponProduct is a product a coupon applies to.
type CouponProduct struct {
	ProductID  Text `json:"product_id"`
	ProductURL Text `json:"product_url"`
}

// PercentOff returns the discount in percent ("5" for 5 %), and false when
// the coupon has no percentage.
func (c Coupon) PercentOff() (string, bool) {
	if c.PercentageOff.Blank() {
		return "", false
	}
	return c.PercentageOff.Value, true
}

// CouponSummary is one entry of list_coupons.
//
// The API's quirk: list_coupons sends percentage_off as a FRACTION ("0.05")
// where detail_coupon sends a percent ("5") for the same coupon. The field is
// named PercentageOffFraction so nobody shows it as a percent by mistake; use
// [CouponSummary.PercentOff] for the percent.
type CouponSummary struct {
	CouponCode            Text `json:"coupon_code"`
	DateExpire            Text `json:"date_expire"`
	Type                  Text `json:"type"`
	PercentageOffFraction Text `json:"percentage_off"`
	ValueOff              Text `json:"value_off"`
	MinimumPurchase       Text `json:"minimum_purchase"`
	VendorID              Text `json:"vendor_id"`
	// ProductID is documented without an example; it accepts one id or a
	// list.
	ProductID TextList `json:"product_id"`
}

// PercentOff converts the listed fraction to a percent ("0.05" gives "5")
// by moving the decimal point, and reports false when there is no
// percentage or it is not a decimal number.
func (c CouponSummary) PercentOff() (string, bool) {
	if c.PercentageOffFraction.Blank() {
		return "", false
	}
	return percentFromFraction(c.PercentageOffFraction.Value)
}

// CreateCouponParams are the inputs of create_coupon. DateExpire and Type are
// required; use either PercentageOff or ValueOff. A product coupon needs
// ProductIDs or SelectAll.
type CreateCouponParams struct {
	// CouponCode is optional; the API generates one when empty.
	CouponCode      string `url:"coupon_code"`
	DateExpire      string `url:"date_expire"`
	Type            string `url:"type"`
	PercentageOff   string `url:"percentage_off"` // a percent, e.g. "5"
	ValueOff        string `url:"value_off"`
	MinimumPurchase string `url:"minimum_purchase"`
	// ProductIDs repeats product_id once per id.
	ProductIDs []string `url:"product_id"`
	// SelectAll true applies the coupon to every product; false removes
	// all product assignments; nil sends nothing.
	SelectAll *bool `url:"select_all"`
}

// UpdateCouponParams are the inputs of update_coupon. CouponCode (the current
// code) and Type are required; other fields are sent only when non-nil.
type UpdateCouponParams struct {
	CouponCode      string   `url:"coupon_code"`
	NewCode         *string  `url:"new_code"`
	DateExpire      *string  `url:"date_expire"`
	Type            string   `url:"type"`
	PercentageOff   *string  `url:"percentage_off"`
	ValueOff        *string  `url:"value_off"`
	MinimumPurchase *string  `url:"minimum_purchase"`
	ProductIDs      []string `url:"product_id"`
	SelectAll       *bool    `url:"select_all"`
}

// DetailCouponParams names the coupon to fetch.
type DetailCouponParams struct {
	CouponCode string `url:"coupon_code"`
}

// DeleteCouponParams names the coupon to delete.
type DeleteCouponParams struct {
	CouponCode string `url:"coupon_code"`
}

// CouponResult is the answer of create_coupon and update_coupon: the
// coupon's code, which create generates when none was given.
type CouponResult struct {
	Result
	CouponCode Text
}

type detailCouponResponse struct {
	envelope
	Coupon *Coupon `json:"coupon"`
}

func (r *detailCouponResponse) missing() string {
	if r.Coupon == nil {
		return "coupon"
	}
	return ""
}

// CreateCoupon calls products/create_coupon.
func (c *Client) CreateCoupon(ctx context.Context, p CreateCouponParams) (*CouponResult, error) {
	return c.couponWrite(ctx, mCreateCoupon, p)
}

// DetailCoupon calls products/detail_coupon.
func (c *Client) DetailCoupon(ctx context.Context, p DetailCouponParams) (*Coupon, error) {
	var r detailCouponResponse
	if err := c.call(ctx, mDetailCoupon, p, &r); err != nil {
		return nil, err
	}
	return r.Coupon, nil
}

// ListCoupons calls products/list_coupons. The API does not paginate it and
// names the list with the singular key "coupon".
func (c *Client) ListCoupons(ctx context.Context) ([]CouponSummary, error) {
	var r struct {
		envelope
		Coupons []CouponSummary `json:"coupon"`
	}
	if err := c.call(ctx, mListCoupons, nil, &r); err != nil {
		return nil, err
	}
	return r.Coupons, nil
}

// UpdateCoupon calls products/update_coupon.
func (c *Client) UpdateCoupon(ctx context.Context, p UpdateCouponParams) (*CouponResult, error) {
	return c.couponWrite(ctx, mUpdateCoupon, p)
}

// DeleteCoupon calls products/delete_coupon.
func (c *Client) DeleteCoupon(ctx context.Context, p DeleteCouponParams) (*Result, error) {
	return c.simpleWrite(ctx, mDeleteCoupon, p)
}

func (c *Client) couponWrite(ctx context.Context, m *MethodInfo, p any) (*CouponResult, error) {
	var r struct {
		envelope
		CouponCode Text `json:"coupon_code"`
	}
	if err := c.call(ctx, m, p, &r); err != nil {
		return nil, err
	}
	return &CouponResult{Result: r.result(), CouponCode: r.CouponCode}, nil
}
