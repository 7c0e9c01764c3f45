package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/htmx"
	"backoffice/templates/components"
	productspage "backoffice/templates/pages/products"
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
	*web
	wr  *writer
	api productsAPI

	// cats caches the categories in use on the account's products for the
	// form's checkboxes: finding them means reading the whole catalogue.
	catsMu  sync.Mutex
	cats    []apiclient.Category
	catsAt  time.Time
	catsTTL time.Duration
}

func newProductsHandler(w *web, wr *writer, api *apiclient.Client) *productsHandler {
	return &productsHandler{web: w, wr: wr, api: api, catsTTL: time.Minute}
}

// productIDMaxDigits bounds a product id: the API's ids fit in 19 digits.
const productIDMaxDigits = 19

// productID reads the id from the path: digits only, else 404 without
// asking the API. The id never comes from the form body.
func productID(c echo.Context) (string, error) {
	id := c.Param("id")
	if !form.IsDigits(id, productIDMaxDigits) {
		return "", echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
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
	return p.Name.Or("(no name)")
}

// ---- list ----

// productSortable are the columns list_products sorts on, in the order the
// "Sort by" menu offers them.
var productSortable = []struct{ col, label string }{
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

func productSortableCol(s string) bool {
	for _, c := range productSortable {
		if c.col != "" && c.col == s {
			return true
		}
	}
	return false
}

const productDefaultPageSize = 20

// productQuery is the list's state as the URL carries it. Every value is
// checked before it is sent upstream; an unusable one falls back to its
// default.
type productQuery struct {
	name, vpid, assigned string
	sort                 string // "" = the API's default order
	desc                 bool
	page, size           int
}

func parseProductQuery(q url.Values) (productQuery, form.Errors) {
	in := form.NewReader(q)
	pq := productQuery{page: 1, size: productDefaultPageSize}
	pq.name = in.Text("name", form.Text{Label: "Name", Max: 255})
	pq.vpid = in.Text("vendor_product_id", form.Text{Label: "Product ID", Max: 255})
	pq.assigned = in.Digits("assigned_product_id", "2CO ID", false, 9)
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 && n <= 1_000_000 {
		pq.page = n
	}
	if n, ok := pageSize(q.Get("pagesize")); ok {
		pq.size = n
	}
	pq.desc = strings.EqualFold(q.Get("sort_dir"), "desc")
	if s := strings.ToLower(q.Get("sort")); productSortableCol(s) {
		pq.sort = s
	} else if pq.desc {
		pq.sort = "assigned_product_id" // the default order, reversed
	}
	return pq, in.Errors
}

// values is the query string of this state, defaults left out.
func (q productQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"name": q.name, "vendor_product_id": q.vpid, "assigned_product_id": q.assigned} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.sort != "" {
		v.Set("sort", q.sort)
		v.Set("sort_dir", q.dir())
	}
	if q.size != productDefaultPageSize {
		v.Set("pagesize", strconv.Itoa(q.size))
	}
	if q.page > 1 {
		v.Set("page", strconv.Itoa(q.page))
	}
	return v
}

func (q productQuery) dir() string {
	if q.desc {
		return "desc"
	}
	return "asc"
}

func (q productQuery) url() string {
	if v := q.values(); len(v) > 0 {
		return "/products?" + v.Encode()
	}
	return "/products"
}

func (q productQuery) params() apiclient.ListProductsParams {
	p := apiclient.ListProductsParams{Name: q.name, VendorProductID: q.vpid, AssignedProductID: q.assigned,
		Page: q.page, PageSize: q.size, SortCol: q.sort}
	if q.sort != "" {
		p.SortDir = strings.ToUpper(q.dir())
	}
	return p
}

// productColumns are the list's columns and the sort key of each.
var productColumns = []struct {
	label, col string
	num        bool
}{
	{"Name", "name", false},
	{"2CO ID", "assigned_product_id", false},
	{"Your ID", "vendor_product_id", false},
	{"Price", "price", true},
	{"Type", "tangible", false},
}

func (h *productsHandler) list(c echo.Context) error {
	q, errs := parseProductQuery(c.QueryParams())
	target := "#" + productspage.ResultsID
	view := productspage.List{Name: q.name, VendorProductID: q.vpid, AssignedID: q.assigned, Errors: errs,
		CanCreate: viewerOf(c).Role.Can(auth.ProductsEdit)}
	for _, col := range productSortable {
		view.SortOptions = append(view.SortOptions, components.Option{Value: col.col, Label: col.label, Selected: col.col == q.sort})
	}
	view.DirOptions = dirOptions(q.desc)
	// The filter form's own requests carry its sort fields; other requests
	// (column headings, pages) update them.
	view.SortOOB = c.Request().Header.Get(htmx.HeaderTrigger) != productspage.FiltersID
	if htmx.IsRequest(c.Request()) {
		// The address bar shows the list's state without empty fields.
		c.Response().Header().Set(htmx.HeaderPushURL, q.url())
	}
	view.PageSizes = pageSizeOptions(q.size)
	for _, col := range productColumns {
		s := q
		s.page, s.sort, s.desc = 1, col.col, false
		active := q.sort == col.col
		if active && !q.desc {
			s.desc = true
		}
		view.Headers = append(view.Headers, components.SortHeader{Label: col.label, URL: s.url(), Active: active,
			Desc: active && q.desc, Num: col.num, Target: target})
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
		return h.render(c, http.StatusUnprocessableEntity, "Products", productspage.ListPage(view), productspage.Results(view))
	}
	list, err := h.api.ListProducts(c.Request().Context(), q.params())
	switch {
	case apiclient.IsNotFound(err):
		// The API answers RECORD_NOT_FOUND for a page past the end.
		list = &apiclient.ProductList{}
	case err != nil:
		return err
	}
	for _, p := range list.Products {
		kind := "Digital"
		if p.Tangible.Value == "1" {
			kind = "Physical"
		}
		view.Rows = append(view.Rows, productspage.Row{ID: p.ProductID.Value, Name: productName(&p),
			AssignedID: p.AssignedProductID.Value, VendorProductID: p.VendorProductID.Value, Price: p.Price.Value, Kind: kind})
	}
	pi := list.PageInfo
	page := q.page
	if pi.CurPage.Valid && pi.CurPage.Value > 0 {
		page = pi.CurPage.Int()
	}
	view.Pager = components.Pager{Page: page, LastPage: pi.Pages(), Total: pi.TotalEntries.Int(), Target: target}
	if len(view.Rows) > 0 {
		if page > 1 {
			prev := q
			prev.page = page - 1
			view.Pager.PrevURL = prev.url()
		}
		if page < view.Pager.LastPage {
			next := q
			next.page = page + 1
			view.Pager.NextURL = next.url()
		}
		if view.Pager.Total == 0 {
			view.Pager.Total = len(view.Rows)
		}
	}
	if len(view.Rows) == 0 {
		view.Empty = "No products match."
		if q.page > 1 {
			view.Empty = "This page is past the end of the list."
			first := q
			first.page = 1
			view.FirstURL = first.url()
		}
	}
	return h.render(c, http.StatusOK, "Products", productspage.ListPage(view), productspage.Results(view))
}

// ---- detail ----

func (h *productsHandler) show(c echo.Context) error {
	id, err := productID(c)
	if err != nil {
		return err
	}
	p, err := h.product(c.Request().Context(), id)
	if err != nil {
		return err
	}
	role := viewerOf(c).Role
	view := productspage.Detail{ID: id, Name: productName(p), Facts: productFacts(p),
		CanEdit: role.Can(auth.ProductsEdit), CanDelete: role.Can(auth.ProductsDelete), OptionLinks: role.Can(auth.OptionsView)}
	for _, o := range p.Options {
		row := productspage.OptionRow{ID: o.OptionID.Value, Name: o.OptionName.Or("(no name)")}
		for _, v := range o.OptionValues {
			row.Values = append(row.Values, productspage.OptionValue{Name: v.OptionValueName.Value, Surcharge: v.OptionValueSurcharge.Or("0.00")})
		}
		view.Options = append(view.Options, row)
	}
	for _, cat := range p.Categories {
		view.Categories = append(view.Categories, productCategoryLabel(cat))
	}
	for _, img := range p.Images {
		view.Images = append(view.Images, "Image "+img.ImageNumber.Or("?")+" (id "+img.ImageID.Value+")")
	}
	return h.render(c, http.StatusOK, view.Name, productspage.DetailPage(view), nil)
}

func productCategoryLabel(cat apiclient.Category) string {
	s := cat.Name.Or("Category " + cat.CategoryID.Value)
	if !cat.ParentName.Blank() {
		s += " (in " + cat.ParentName.Value + ")"
	}
	return s
}

// productFlag reads the API's 1/0 flags (sometimes numbers, sometimes text).
func productFlag(t apiclient.Text) bool { return t.Value == "1" || t.Value == "true" }

func productFacts(p *apiclient.Product) []productspage.Fact {
	none := func(t apiclient.Text) string { return t.Or("—") }
	facts := []productspage.Fact{
		{Label: "2CO ID", Value: none(p.AssignedProductID)},
		{Label: "Your product ID", Value: none(p.VendorProductID)},
		{Label: "System ID", Value: none(p.ProductID)},
		{Label: "Account number", Value: none(p.VendorID)},
		{Label: "Price", Value: none(p.Price)},
	}
	if productFlag(p.Tangible) {
		facts = append(facts, productspage.Fact{Label: "Type", Value: "Physical goods, shipped"},
			productspage.Fact{Label: "Weight", Value: none(p.Weight)},
			productspage.Fact{Label: "Handling fee", Value: none(p.Handling)})
	} else {
		facts = append(facts, productspage.Fact{Label: "Type", Value: "Digital or service, not shipped"})
	}
	if productFlag(p.Recurring) || !p.Recurrence.Blank() {
		facts = append(facts, productspage.Fact{Label: "Subscription", Value: "Billed every " + none(p.Recurrence)},
			productspage.Fact{Label: "Runs for", Value: none(p.Duration)},
			productspage.Fact{Label: "Startup fee", Value: p.StartupFee.Or("none")})
	} else {
		facts = append(facts, productspage.Fact{Label: "Subscription", Value: "No, billed once"})
	}
	if productFlag(p.Commission) {
		amount := none(p.CommissionAmount)
		if p.CommissionType.Value == "percentage" {
			amount += " %"
		} else {
			amount += " (fixed amount)"
		}
		facts = append(facts, productspage.Fact{Label: "Affiliate commission", Value: amount})
	} else {
		facts = append(facts, productspage.Fact{Label: "Affiliate commission", Value: "None"})
	}
	facts = append(facts,
		productspage.Fact{Label: "Short description", Value: none(p.Description), Pre: true},
		productspage.Fact{Label: "Long description", Value: none(p.LongDescription), Pre: true},
		productURLFact("Approved URL", p.ApprovedURL),
		productURLFact("Pending URL", p.PendingURL),
	)
	return facts
}

// productURLFact shows an address from the API as text, linked only when it
// is an absolute http(s) URL: "javascript:" and the like stay inert text.
func productURLFact(label string, t apiclient.Text) productspage.Fact {
	f := productspage.Fact{Label: label, Value: t.Or("—")}
	if t.Blank() {
		return f
	}
	if webURL(t.Value) {
		f.Href = t.Value
	} else {
		f.Note = "(not a web address, so not linked)"
	}
	return f
}

// ---- delete ----

func (h *productsHandler) confirmDelete(c echo.Context) error {
	id, err := productID(c)
	if err != nil {
		return err
	}
	p, err := h.product(c.Request().Context(), id)
	if err != nil {
		return err
	}
	view := productspage.Confirm{ID: id, Name: productName(p), AssignedID: p.AssignedProductID.Or("—"), Price: p.Price.Or("—"),
		CSRF: visitOf(c).CSRF, Key: NewFormKey()}
	return h.render(c, http.StatusOK, "Delete "+view.Name, productspage.ConfirmPage(view), nil)
}

func (h *productsHandler) delete(c echo.Context) error {
	id, err := productID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := c.FormParams(); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	// The product as it was, for the audit log and the messages. A repeat of
	// a delete that went through finds nothing, which is fine: the write
	// path answers it from the first outcome.
	view := productspage.Confirm{ID: id, Name: "product " + id, AssignedID: "—", Price: "—", CSRF: visitOf(c).CSRF}
	var before url.Values
	if p, err := h.api.DetailProduct(ctx, apiclient.DetailProductParams{ProductID: id}); err == nil {
		before = productBefore(p)
		view.Name, view.AssignedID, view.Price = productName(p), p.AssignedProductID.Or("—"), p.Price.Or("—")
	}
	out, err := h.wr.Do(c, Write{Action: "products.delete", Permission: auth.ProductsDelete, Target: "product:" + id,
		Key: c.FormValue("_idem"), Params: url.Values{"product_id": {id}}, Before: before,
		Call: func(ctx context.Context) (string, error) {
			_, err := h.api.DeleteProduct(ctx, apiclient.DeleteProductParams{ProductID: id})
			return "", err
		}})
	if err != nil {
		return err
	}
	if out.Succeeded() {
		h.flash(c, "ok", "Deleted the product “"+view.Name+"”.")
		return redirect(c, "/products")
	}
	view.Error, view.Key = outcomeMessage(out), NewFormKey()
	return h.render(c, http.StatusBadGateway, "Delete "+view.Name, productspage.ConfirmPage(view), nil)
}
