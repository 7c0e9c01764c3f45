package apiclient

import "context"

var (
	mCreateProduct = writeMethod("products", "create_product", "CreateProduct")
	mDetailProduct = readMethod("products", "detail_product", "DetailProduct")
	mListProducts  = readMethod("products", "list_products", "ListProducts")
	mUpdateProduct = writeMethod("products", "update_product", "UpdateProduct")
	mDeleteProduct = writeMethod("products", "delete_product", "DeleteProduct")
)

// Product is a catalogue product (detail_product's "product", or an entry of
// list_products' "products").
type Product struct {
	ProductID         Text `json:"product_id"`
	AssignedProductID Text `json:"assigned_product_id"`
	VendorID          Text `json:"vendor_id"`
	VendorProductID   Text `json:"vendor_product_id"`
	Name              Text `json:"name"`
	Description       Text `json:"description"`
	LongDescription   Text `json:"long_description"`
	Price             Text `json:"price"`
	Tangible          Text `json:"tangible"` // "1" / "0"
	Weight            Text `json:"weight"`
	Handling          Text `json:"handling"`
	Recurring         Text `json:"recurring"` // "1" / "0"
	// Recurrence and Duration are "# Week|Month|Year"; Duration may be
	// "Forever".
	Recurrence  Text `json:"recurrence"`
	RecurrenceP Text `json:"recurrence_p"`
	Duration    Text `json:"duration"`
	StartupFee  Text `json:"startup_fee"`
	PendingURL  Text `json:"pending_url"`
	ApprovedURL Text `json:"approved_url"`
	// Commission is 0 (a number) in detail_product and null in
	// list_products for the same setting; [Text] takes both.
	Commission       Text            `json:"commission"`
	CommissionType   Text            `json:"commission_type"`
	CommissionAmount Text            `json:"commission_amount"`
	Categories       []Category      `json:"categories"`
	Images           []Image         `json:"images"`
	Options          []ProductOption `json:"options"`
}

// Category is a 2Checkout catalogue category a product is filed under.
type Category struct {
	CategoryID  Text `json:"category_id"`
	Name        Text `json:"name"`
	Description Text `json:"description"`
	ParentID    Text `json:"parent_id"`
	ParentName  Text `json:"parent_name"`
}

// Image is a product image reference.
type Image struct {
	ImageID     Text `json:"image_id"`
	ImageNumber Text `json:"image_number"`
}

// ProductOption is an option as embedded in a product. The wire shape is the
// same as that of list_options and detail_option.
type ProductOption = Option

// ProductList is one page of list_products.
type ProductList struct {
	PageInfo PageInfo  `json:"page_info"`
	Products []Product `json:"products"`
}

// CreateProductParams are the inputs of create_product. Name and Price are
// required.
type CreateProductParams struct {
	Name            string `url:"name"`
	Price           string `url:"price"` // decimal text
	VendorProductID string `url:"vendor_product_id"`
	Description     string `url:"description"`
	LongDescription string `url:"long_description"`
	PendingURL      string `url:"pending_url"`
	ApprovedURL     string `url:"approved_url"`
	// Tangible, Recurring and Commission are sent as 1/0 when set. A tangible
	// product needs Weight and Handling.
	Tangible   *bool  `url:"tangible"`
	Weight     string `url:"weight"`
	Handling   string `url:"handling"`
	Recurring  *bool  `url:"recurring"`
	StartupFee string `url:"startup_fee"`
	Recurrence string `url:"recurrence"`
	Duration   string `url:"duration"`
	Commission *bool  `url:"commission"`
	// CommissionType is "amount" or "percentage".
	CommissionType   string `url:"commission_type"`
	CommissionAmount string `url:"commission_amount"`
	// OptionIDs and CategoryIDs repeat their key once per id.
	OptionIDs   []string `url:"option_id"`
	CategoryIDs []string `url:"category_id"`
}

// UpdateProductParams are the inputs of update_product. ProductID, Name and
// Price are required; every other field is sent only when non-nil, so "leave
// as is" (nil) differs from "set to empty" (pointer to "") and from 0.
// OptionIDs and CategoryIDs are sent when non-empty; how the API clears all
// of them is not documented.
type UpdateProductParams struct {
	ProductID        string   `url:"product_id"`
	Name             string   `url:"name"`
	Price            string   `url:"price"`
	VendorProductID  *string  `url:"vendor_product_id"`
	Description      *string  `url:"description"`
	LongDescription  *string  `url:"long_description"`
	PendingURL       *string  `url:"pending_url"`
	ApprovedURL      *string  `url:"approved_url"`
	Tangible         *bool    `url:"tangible"`
	Weight           *string  `url:"weight"`
	Handling         *string  `url:"handling"`
	Recurring        *bool    `url:"recurring"`
	StartupFee       *string  `url:"startup_fee"`
	Recurrence       *string  `url:"recurrence"`
	Duration         *string  `url:"duration"`
	Commission       *bool    `url:"commission"`
	CommissionType   *string  `url:"commission_type"`
	CommissionAmount *string  `url:"commission_amount"`
	OptionIDs        []string `url:"option_id"`
	CategoryIDs      []string `url:"category_id"`
}

// DetailProductParams names the product to fetch.
type DetailProductParams struct {
	ProductID string `url:"product_id"`
}

// ListProductsParams filters and pages list_products. Every field is
// optional.
type ListProductsParams struct {
	AssignedProductID string `url:"assigned_product_id"`
	VendorProductID   string `url:"vendor_product_id"`
	Name              string `url:"name"`
	Page              int    `url:"cur_page"`
	PageSize          int    `url:"pagesize"`
	SortCol           string `url:"sort_col"`
	SortDir           string `url:"sort_dir"`
}

// DeleteProductParams names the product to delete.
type DeleteProductParams struct {
	ProductID string `url:"product_id"`
}

// ProductResult is the answer of create_product and update_product. The
// assigned id is documented for update only; create may leave it null.
type ProductResult struct {
	Result
	ProductID         Text
	AssignedProductID Text
}

type productWriteResponse struct {
	envelope
	ProductID         Text `json:"product_id"`
	AssignedProductID Text `json:"assigned_product_id"`
}

type detailProductResponse struct {
	envelope
	Product *Product `json:"product"`
}

func (r *detailProductResponse) missing() string {
	if r.Product == nil {
		return "product"
	}
	return ""
}

// CreateProduct calls products/create_product.
func (c *Client) CreateProduct(ctx context.Context, p CreateProductParams) (*ProductResult, error) {
	return c.productWrite(ctx, mCreateProduct, p)
}

// DetailProduct calls products/detail_product.
func (c *Client) DetailProduct(ctx context.Context, p DetailProductParams) (*Product, error) {
	var r detailProductResponse
	if err := c.call(ctx, mDetailProduct, p, &r); err != nil {
		return nil, err
	}
	return r.Product, nil
}

// ListProducts calls products/list_products for one page.
func (c *Client) ListProducts(ctx context.Context, p ListProductsParams) (*ProductList, error) {
	var r struct {
		envelope
		ProductList
	}
	if err := c.call(ctx, mListProducts, p, &r); err != nil {
		return nil, err
	}
	return &r.ProductList, nil
}

// UpdateProduct calls products/update_product.
func (c *Client) UpdateProduct(ctx context.Context, p UpdateProductParams) (*ProductResult, error) {
	return c.productWrite(ctx, mUpdateProduct, p)
}

// DeleteProduct calls products/delete_product.
func (c *Client) DeleteProduct(ctx context.Context, p DeleteProductParams) (*Result, error) {
	return c.simpleWrite(ctx, mDeleteProduct, p)
}

func (c *Client) productWrite(ctx context.Context, m *MethodInfo, p any) (*ProductResult, error) {
	var r productWriteResponse
	if err := c.call(ctx, m, p, &r); err != nil {
		return nil, err
	}
	return &ProductResult{Result: r.result(), ProductID: r.ProductID, AssignedProductID: r.AssignedProductID}, nil
}
