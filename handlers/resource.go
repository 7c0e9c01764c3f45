package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/templates/components"
)

// resource is what the pages of one kind of Admin API record share: the
// web parts, the write path and the slice of the API they use. Products,
// options, coupons, sales and scan-to-ship each embed one.
type resource[API any] struct {
	*web
	wr  *writer
	api API
}

// catalogueAPI is what the catalogue pages (products, options, coupons)
// need of the Admin API.
type catalogueAPI interface {
	ListProducts(ctx context.Context, p apiclient.ListProductsParams) (*apiclient.ProductList, error)
	AllProducts(ctx context.Context, p apiclient.ListProductsParams, concurrency int) ([]apiclient.Product, error)
	DetailProduct(ctx context.Context, p apiclient.DetailProductParams) (*apiclient.Product, error)
	CreateProduct(ctx context.Context, p apiclient.CreateProductParams) (*apiclient.ProductResult, error)
	UpdateProduct(ctx context.Context, p apiclient.UpdateProductParams) (*apiclient.ProductResult, error)
	DeleteProduct(ctx context.Context, p apiclient.DeleteProductParams) (*apiclient.Result, error)

	ListOptions(ctx context.Context, p apiclient.ListOptionsParams) (*apiclient.OptionList, error)
	AllOptions(ctx context.Context, p apiclient.ListOptionsParams, concurrency int) ([]apiclient.Option, error)
	DetailOption(ctx context.Context, p apiclient.DetailOptionParams) (*apiclient.Option, error)
	CreateOption(ctx context.Context, p apiclient.CreateOptionParams) (*apiclient.OptionResult, error)
	UpdateOption(ctx context.Context, p apiclient.UpdateOptionParams) (*apiclient.Result, error)
	DeleteOption(ctx context.Context, p apiclient.DeleteOptionParams) (*apiclient.Result, error)

	ListCoupons(ctx context.Context) ([]apiclient.CouponSummary, error)
	DetailCoupon(ctx context.Context, p apiclient.DetailCouponParams) (*apiclient.Coupon, error)
	CreateCoupon(ctx context.Context, p apiclient.CreateCouponParams) (*apiclient.CouponResult, error)
	UpdateCoupon(ctx context.Context, p apiclient.UpdateCouponParams) (*apiclient.CouponResult, error)
	DeleteCoupon(ctx context.Context, p apiclient.DeleteCouponParams) (*apiclient.Result, error)
}

// confirmed is a write made from a confirmation page (delete a product,
// refund an invoice): the page as shown, the write, and what a success
// says and where it leads.
type confirmed struct {
	Title string // the page title
	Page  components.Confirm
	// Write is sent with the form's key (Key is filled in here).
	Write Write
	// Done is the message after a success; Next the page it leads to.
	Done, Next string
}

// showConfirm draws a confirmation page; nothing changes on this GET.
func (w *web) showConfirm(c echo.Context, x confirmed) error {
	return w.render(c, http.StatusOK, x.Title, components.ConfirmPage(x.Page), nil)
}

// sendConfirmed sends a confirmed write through the write path and answers
// with the one outcome policy: on success the message and a redirect; else
// the confirmation again, with the outcome's message, a new form key and
// the outcome's status.
func (w *web) sendConfirmed(c echo.Context, wr *writer, x confirmed) error {
	if _, err := c.FormParams(); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	x.Write.Key = formKeyOf(c)
	out, err := wr.Do(c.Request().Context(), requestOf(c), x.Write)
	if err != nil {
		return err
	}
	if out.Succeeded() {
		w.flash(c, "ok", x.Done)
		return redirect(c, x.Next)
	}
	x.Page.Error, x.Page.Key = out.Message(), NewFormKey()
	return w.render(c, out.Status(), x.Title, components.ConfirmPage(x.Page), nil)
}
