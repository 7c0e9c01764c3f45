package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	productspage "backoffice/templates/pages/products"
)

// productChoices are the account's options and the categories in use, the
// checkboxes of the product form.
type productChoices struct {
	options    []apiclient.Option
	categories []apiclient.Category
}

// loadChoices fetches the account's options and the categories in use, and
// with id != "" the product itself, all at once.
func (h *productsHandler) loadChoices(ctx context.Context, id string) (productChoices, *apiclient.Product, error) {
	var (
		wg          sync.WaitGroup
		ch          productChoices
		p           *apiclient.Product
		eO, eC, eP  error
		concurrency = 4
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		ch.options, eO = h.api.AllOptions(ctx, apiclient.ListOptionsParams{PageSize: 100}, concurrency)
	}()
	go func() { defer wg.Done(); ch.categories, eC = h.categoriesInUse(ctx) }()
	if id != "" {
		wg.Add(1)
		go func() { defer wg.Done(); p, eP = h.product(ctx, id) }()
	}
	wg.Wait()
	for _, err := range []error{eP, eO, eC} {
		if err != nil {
			return ch, p, err
		}
	}
	return ch, p, nil
}

// categoriesInUse lists the categories found on the account's products (the
// API has no call listing categories), cached for a short while.
func (h *productsHandler) categoriesInUse(ctx context.Context) ([]apiclient.Category, error) {
	h.catsMu.Lock()
	if h.cats != nil && time.Since(h.catsAt) < h.catsTTL {
		cats := h.cats
		h.catsMu.Unlock()
		return cats, nil
	}
	h.catsMu.Unlock()
	all, err := h.api.AllProducts(ctx, apiclient.ListProductsParams{PageSize: 100}, 4)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	cats := []apiclient.Category{}
	for _, p := range all {
		for _, c := range p.Categories {
			if id := c.CategoryID.Value; id != "" && !seen[id] {
				seen[id] = true
				cats = append(cats, c)
			}
		}
	}
	slices.SortFunc(cats, func(a, b apiclient.Category) int {
		return strings.Compare(productCategoryLabel(a), productCategoryLabel(b))
	})
	h.catsMu.Lock()
	h.cats, h.catsAt = cats, time.Now()
	h.catsMu.Unlock()
	return cats, nil
}

// withAssigned adds the product's own options and categories to the offer,
// so saving never drops one the lists happen not to show.
func (ch productChoices) withAssigned(p *apiclient.Product) productChoices {
	if p == nil {
		return ch
	}
	out := productChoices{options: slices.Clone(ch.options), categories: slices.Clone(ch.categories)}
	for _, o := range p.Options {
		if !slices.ContainsFunc(out.options, func(x apiclient.Option) bool { return x.OptionID.Value == o.OptionID.Value }) {
			out.options = append(out.options, o)
		}
	}
	for _, c := range p.Categories {
		if !slices.ContainsFunc(out.categories, func(x apiclient.Category) bool { return x.CategoryID.Value == c.CategoryID.Value }) {
			out.categories = append(out.categories, c)
		}
	}
	return out
}

// check refuses ids that are not on offer (a forged or stale form).
func (ch productChoices) check(in *form.Reader, f productInput) {
	for _, id := range f.OptionIDs {
		if !slices.ContainsFunc(ch.options, func(o apiclient.Option) bool { return o.OptionID.Value == id }) {
			in.Errors.Add("option_id", "One of the chosen options no longer exists. Reload the page and choose again.")
		}
	}
	for _, id := range f.CategoryIDs {
		if !slices.ContainsFunc(ch.categories, func(c apiclient.Category) bool { return c.CategoryID.Value == id }) {
			in.Errors.Add("category_id", "One of the chosen categories is not available. Reload the page and choose again.")
		}
	}
}

// productFormView draws the form for f with the choices on offer.
func productFormView(rq *request, paths paths, id, title string, f productInput, ch productChoices, errs form.Errors) productspage.Form {
	v := productspage.Form{ID: id, Title: title, CSRF: rq.CSRF(), Key: NewFormKey(), Errors: errs,
		Action: paths.Products(), Cancel: paths.Products(),
		Name: f.Name, Price: f.Price, VendorPID: f.VPID, Desc: f.Desc, LongDesc: f.LongDesc,
		PendingURL: f.PendingURL, ApprovedURL: f.ApprovedURL,
		Tangible: f.Tangible, Weight: f.Weight, Handling: f.Handling,
		Recurring: f.Recurring, RecurrenceN: f.RecurrenceN, RecurrenceUnit: f.RecurrenceUnit,
		DurationN: f.DurationN, DurationUnit: f.DurationUnit, StartupFee: f.StartupFee,
		Commission: f.Commission, CommissionType: f.CommissionType, CommissionAmount: f.CommissionAmount}
	if id != "" {
		v.Action, v.Cancel = paths.Product(id), paths.Product(id)
	}
	if v.RecurrenceUnit == "" {
		v.RecurrenceUnit = "Month"
	}
	for _, o := range ch.options {
		var vals []string
		for _, ov := range o.OptionValues {
			vals = append(vals, text(ov.OptionValueName)+" +"+shown(ov.OptionValueSurcharge, "0.00"))
		}
		v.Options = append(v.Options, productspage.Choice{ID: o.OptionID.Value, Label: shown(o.OptionName, "Option "+o.OptionID.Value),
			Hint: strings.Join(vals, ", "), Checked: slices.Contains(f.OptionIDs, o.OptionID.Value)})
	}
	for _, cat := range ch.categories {
		v.Categories = append(v.Categories, productspage.Choice{ID: cat.CategoryID.Value, Label: productCategoryLabel(cat),
			Checked: slices.Contains(f.CategoryIDs, cat.CategoryID.Value)})
	}
	return v
}

// ---- create and update ----

const productNewTitle = "New product"

func productEditTitle(p *apiclient.Product) string { return "Edit " + productName(p) }

func (h *productsHandler) newForm(c echo.Context) error {
	ch, _, err := h.loadChoices(c.Request().Context(), "")
	if err != nil {
		return err
	}
	f := productInput{DurationUnit: productspage.Forever}
	return h.render(c, http.StatusOK, productNewTitle, productspage.FormPage(productFormView(requestOf(c), h.paths, "", productNewTitle, f, ch, nil)), nil)
}

func (h *productsHandler) editForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ch, p, err := h.loadChoices(c.Request().Context(), id)
	if err != nil {
		return err
	}
	view := productFormView(requestOf(c), h.paths, id, productEditTitle(p), productInputOf(p), ch.withAssigned(p), nil)
	return h.render(c, http.StatusOK, view.Title, productspage.FormPage(view), nil)
}

// submitted reads a posted product form and loads the choices on offer
// (with the product itself on update). When they cannot be loaded, the form
// comes back with the person's input and a message, and nothing is sent.
func (h *productsHandler) submitted(c echo.Context, id string) (in *form.Reader, f productInput, ch productChoices, p *apiclient.Product, loaded bool, err error) {
	vals, err := c.FormParams()
	if err != nil {
		return nil, f, ch, nil, false, echo.NewHTTPError(http.StatusBadRequest)
	}
	in = form.NewReader(vals)
	f = readProduct(in)
	ch, p, err = h.loadChoices(c.Request().Context(), id)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return in, f, ch, p, false, err
	}
	if err != nil {
		in.Errors.Add("", "The panel could not load this product's options and categories from 2Checkout, so nothing was sent. "+
			upstreamView(err).Message)
		ch = productChoices{}
		for _, o := range f.OptionIDs {
			ch.options = append(ch.options, apiclient.Option{OptionID: apiclient.NewText(o)})
		}
		for _, c := range f.CategoryIDs {
			ch.categories = append(ch.categories, apiclient.Category{CategoryID: apiclient.NewText(c)})
		}
		return in, f, ch, p, false, nil
	}
	ch = ch.withAssigned(p)
	ch.check(in, f)
	return in, f, ch, p, true, nil
}

func (h *productsHandler) create(c echo.Context) error {
	in, f, ch, _, loaded, err := h.submitted(c, "")
	if err != nil {
		return err
	}
	if !loaded {
		return h.renderProductForm(c, http.StatusBadGateway, "", productNewTitle, f, ch, in.Errors)
	}
	if in.Errors.Any() {
		return h.renderProductForm(c, http.StatusUnprocessableEntity, "", productNewTitle, f, ch, in.Errors)
	}
	out, err := h.wr.Do(c.Request().Context(), requestOf(c), Write{Action: "products.create", Permission: auth.ProductsEdit,
		Target: "product:new", Key: formKeyOf(c),
		Send: sendID(h.api.CreateProduct, f.createParams(), func(r *apiclient.ProductResult) string { return r.ProductID.Value })})
	if err != nil {
		return err
	}
	if out.Succeeded() {
		h.invalidateCategories()
		h.flash(c, "ok", "Created the product “"+f.Name+"”.")
		if form.IsDigits(out.ID, apiIDMaxDigits) {
			return redirect(c, h.paths.Product(out.ID))
		}
		return redirect(c, h.paths.Products())
	}
	out.ApplyTo(in.Errors, productFields)
	return h.renderProductForm(c, out.Status(), "", productNewTitle, f, ch, in.Errors)
}

func (h *productsHandler) update(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, f, ch, p, loaded, err := h.submitted(c, id)
	if err != nil {
		return err
	}
	if !loaded {
		return h.renderProductForm(c, http.StatusBadGateway, id, "Edit product", f, ch, in.Errors)
	}
	title := productEditTitle(p)
	if in.Errors.Any() {
		return h.renderProductForm(c, http.StatusUnprocessableEntity, id, title, f, ch, in.Errors)
	}
	out, err := h.wr.Do(c.Request().Context(), requestOf(c), Write{Action: "products.update", Permission: auth.ProductsEdit,
		Target: "product:" + id, Key: formKeyOf(c), Before: productBefore(p),
		Send: send(h.api.UpdateProduct, f.updateParams(id))})
	if err != nil {
		return err
	}
	if out.Succeeded() {
		h.invalidateCategories()
		h.flash(c, "ok", "Saved the product “"+f.Name+"”.")
		return redirect(c, h.paths.Product(id))
	}
	out.ApplyTo(in.Errors, productFields)
	return h.renderProductForm(c, out.Status(), id, title, f, ch, in.Errors)
}

// renderProductForm re-renders the form with the person's input, the
// messages and a new form key.
func (h *productsHandler) renderProductForm(c echo.Context, status int, id, title string, f productInput, ch productChoices, errs form.Errors) error {
	view := productFormView(requestOf(c), h.paths, id, title, f, ch, errs)
	return h.render(c, status, title, productspage.FormPage(view), nil)
}

// invalidateCategories drops the cached category list after a change that
// may have put a category in or out of use.
func (h *productsHandler) invalidateCategories() {
	h.catsMu.Lock()
	h.cats = nil
	h.catsMu.Unlock()
}
