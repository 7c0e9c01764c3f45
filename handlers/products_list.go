package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/templates/components"
	productspage "backoffice/templates/pages/products"
)

// productSortable are the columns list_products sorts on, in the order the
// "Sort by" menu offers them.
var productSortable = [][2]string{
	{"", "2CO ID (default)"},
	{"name", "Name"},
	{"price", "Price"},
	{"vendor_product_id", "Your product ID"},
	{"assigned_product_id", "2CO ID"},
	{"product_id", "System ID"},
	{"tangible", "Physical or digital"},
	{"weight", "Weight"},
	{"handling", "Handling fee"},
	{"recurrence", "Billing interval"},
	{"duration", "Duration"},
	{"startup_fee", "Startup fee"},
	{"commission_type", "Commission type"},
	{"commission_amount", "Commission"},
	{"option_id", "Option"},
	{"category_id", "Category"},
	{"description", "Short description"},
	{"long_description", "Long description"},
	{"pending_url", "Pending URL"},
	{"approved_url", "Approved URL"},
}

// productList is the product list's spec: the API's own order is by 2CO ID.
func (h *productsHandler) productList() listSpec {
	cols := make([]string, 0, len(productSortable))
	for _, c := range productSortable[1:] {
		cols = append(cols, c[0])
	}
	return listSpec{path: h.paths.Products(), sorts: cols, natural: "assigned_product_id", words: productOrderWords}
}

// productOrderWords are the product columns that do not read A to Z.
var productOrderWords = map[string]orderWords{
	"": byNumber, "assigned_product_id": byNumber, "product_id": byNumber, "price": byNumber,
	"weight": byNumber, "handling": byNumber, "startup_fee": byNumber, "commission_amount": byNumber,
	"option_id": byNumber, "category_id": byNumber, "tangible": {"Digital first", "Physical first"},
}

// productFilters are the list's filters, checked before they are sent.
type productFilters struct{ name, vpid, assigned string }

func readProductFilters(in *form.Reader) productFilters {
	return productFilters{
		name:     in.Text("name", form.Text{Label: "Name", Max: 255}),
		vpid:     in.Text("vendor_product_id", form.Text{Label: "Product ID", Max: 255}),
		assigned: in.Digits("assigned_product_id", "2CO ID", false, 9),
	}
}

// productColumns are the list's columns and the sort key of each.
var productColumns = []struct {
	label, col string
	num        bool
}{
	{"Name", "name", false},
	{"System ID", "product_id", false},
	{"2CO ID", "assigned_product_id", false},
	{"Your ID", "vendor_product_id", false},
	{"Price", "price", true},
	{"Type", "tangible", false},
}

func (h *productsHandler) list(c echo.Context) error {
	rq := requestOf(c)
	in := form.NewReader(c.QueryParams())
	f := readProductFilters(in)
	errs := in.Errors
	q, _ := readList(c.QueryParams(), h.productList())
	q = q.withFilters([2]string{"name", f.name}, [2]string{"vendor_product_id", f.vpid}, [2]string{"assigned_product_id", f.assigned})
	view := productListView(rq, h.paths, q, f, errs)
	view.SortOOB = listFragment(c, q, productspage.FiltersID)
	if errs.Any() {
		return h.render(c, http.StatusUnprocessableEntity, "Products", productspage.ListPage(view), productspage.Results(view))
	}
	list, err := h.api.ListProducts(c.Request().Context(), apiclient.ListProductsParams{Name: f.name, VendorProductID: f.vpid,
		AssignedProductID: f.assigned, Page: q.Page, PageSize: q.Size, SortCol: q.SortCol(), SortDir: q.SortDir()})
	switch {
	case apiclient.IsNotFound(err):
		// The API answers RECORD_NOT_FOUND for a page past the end.
		list = &apiclient.ProductList{}
	case err != nil:
		return err
	}
	productRows(&view, h.paths, q, list, h.currency.Label(c.Request().Context(), h.log))
	return h.render(c, http.StatusOK, "Products", productspage.ListPage(view), productspage.Results(view))
}

// productListView is the list page before its rows: the filter form with
// the state and the sortable headings; with errs, the explanation of why
// nothing is listed.
func productListView(rq *request, p paths, q listState, f productFilters, errs form.Errors) productspage.List {
	target := "#" + productspage.ResultsID
	view := productspage.List{Path: p.Products(), NewURL: p.ProductNew(), Name: f.name, VendorProductID: f.vpid,
		AssignedID: f.assigned, Errors: errs, CanCreate: rq.Can(auth.ProductsEdit),
		SortOptions: q.SortOptions(productSortable...), DirOptions: q.DirOptions(), PageSizes: q.SizeOptions()}
	for _, col := range productColumns {
		view.Headers = append(view.Headers, q.Head(col.label, col.col, col.num, target))
	}
	if errs.Any() {
		// Show nothing rather than a misleadingly unfiltered list.
		msgs := make([]string, 0, len(errs))
		for _, f := range []string{"name", "vendor_product_id", "assigned_product_id"} {
			if m := errs.Get(f); m != "" {
				msgs = append(msgs, m)
			}
		}
		view.Empty = "Fix the filter to see products: " + strings.Join(msgs, " ")
	}
	return view
}

// productRows adds one page of list_products, the pager and, for an empty
// page, the explanation.
func productRows(view *productspage.List, p paths, q listState, list *apiclient.ProductList, currency string) {
	for _, pr := range list.Products {
		kind := "Digital"
		if pr.Tangible.Value == "1" {
			kind = "Physical"
		}
		view.Rows = append(view.Rows, productspage.Row{ID: pr.ProductID.Value, URL: p.Product(pr.ProductID.Value), Name: productName(&pr),
			AssignedID: text(pr.AssignedProductID), VendorProductID: text(pr.VendorProductID), Price: priceText(pr.Price, currency, ""), Kind: kind})
	}
	pi := list.PageInfo
	if pi.CurPage.Valid && pi.CurPage.Value > 0 {
		q.Page = pi.CurPage.Int()
	}
	view.Pager = components.Pager{Page: q.Page, LastPage: pi.Pages(), Total: pi.TotalEntries.Int(), Target: "#" + productspage.ResultsID}
	if len(view.Rows) == 0 {
		view.Empty = "No products match."
		if q.Page > 1 {
			view.Empty = "This page is past the end of the list."
			view.FirstURL = q.AtPage(1)
		}
		return
	}
	total := pi.TotalEntries.Int()
	if total == 0 {
		total = len(view.Rows)
	}
	view.Pager = q.Pager(total, pi.Pages(), "#"+productspage.ResultsID)
}
