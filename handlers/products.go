package handlers

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
)

// productsAPI is what the product pages need of the Admin API.
type productsAPI interface {
	ListProducts(ctx context.Context, p apiclient.ListProductsParams) (*apiclient.ProductList, error)
	AllProducts(ctx context.Context, p apiclient.ListProductsParams, concurrency int) ([]apiclient.Product, error)
	DetailProduct(ctx context.Context, p apiclient.DetailProductParams) (*apiclient.Product, error)
	CreateProduct(ctx context.Context, p apiclient.CreateProductParams) (*apiclient.ProductResult, error)
	UpdateProduct(ctx context.Context, p apiclient.UpdateProductParams) (*apiclient.ProductResult, error)
	DeleteProduct(ctx context.Context, p apiclient.DeleteProductParams) (*apiclient.Result, error)
	AllOptions(ctx context.Context, p apiclient.ListOptionsParams, concurrency int) ([]apiclient.Option, error)
}

// productsHandler serves the catalogue pages: list and detail
// (products.view), create and edit (products.edit), delete
// (products.delete). Every write goes through the write path.
type productsHandler struct {
	resource[productsAPI]

	// cats caches the categories in use on the account's products for the
	// form's checkboxes: finding them means reading the whole catalogue.
	catsMu  sync.Mutex
	cats    []apiclient.Category
	catsAt  time.Time
	catsTTL time.Duration
	// currency names the account's currency, which every price is in.
	currency *accountCurrency
}

// productOf fetches the product named by the path.
func (h *productsHandler) productOf(c echo.Context) (*apiclient.Product, string, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, "", err
	}
	p, err := h.product(c.Request().Context(), id)
	return p, id, err // the id even for a 404: a resent delete builds on it
}

// product fetches one product; a record the API does not know is a 404.
func (h *productsHandler) product(ctx context.Context, id string) (*apiclient.Product, error) {
	p, err := h.api.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id})
	if apiclient.IsNotFound(err) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return p, err
}

// productName is a product's name for headings and messages.
func productName(p *apiclient.Product) string {
	return shown(p.Name, "(no name)")
}

// productCategoryLabel names a category with its parent.
func productCategoryLabel(cat apiclient.Category) string {
	s := shown(cat.Name, "Category "+cat.CategoryID.Value)
	if !cat.ParentName.Blank() {
		s += " (in " + text(cat.ParentName) + ")"
	}
	return s
}
