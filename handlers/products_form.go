package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
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

// Limits of the product fields, as the API (and the sandbox) enforce them.
const (
	productMaxName     = 255
	productMaxVPID     = 255
	productMaxDesc     = 255
	productMaxLongDesc = 5000
	productMaxURL      = 1024
	productMaxChoices  = 100
)

// productInput is a checked product form: exactly the fields a person may
// set. Anything else in the body (a product_id, a vendor_id, a role) is
// never read.
type productInput struct {
	Name, Price, VPID, Desc, LongDesc, PendingURL, ApprovedURL string

	Tangible         bool
	Weight, Handling string

	Recurring                   bool
	RecurrenceN, RecurrenceUnit string
	DurationN, DurationUnit     string
	StartupFee                  string

	Commission                       bool
	CommissionType, CommissionAmount string

	OptionIDs, CategoryIDs []string
}

// productFields maps the API's parameter names to the form's fields, so an
// error about a parameter shows next to its field.
var productFields = map[string]string{
	"name": "name", "price": "price", "vendor_product_id": "vendor_product_id",
	"description": "description", "long_description": "long_description",
	"pending_url": "pending_url", "approved_url": "approved_url",
	"weight": "weight", "handling": "handling",
	"recurrence": "recurrence_n", "duration": "duration_n", "startup_fee": "startup_fee",
	"commission_type": "commission_type", "commission_amount": "commission_amount",
	"option_id": "option_id", "category_id": "category_id",
}

var productCount = regexp.MustCompile(`^[1-9][0-9]{0,2}$`)

// readProduct reads and checks a product form with the API's rules, so a
// bad value is caught before anything is sent. Fields of a section that is
// switched off (weight when not shipped...) are kept for the re-rendered
// form but neither checked nor sent.
func readProduct(in *form.Reader) productInput {
	var f productInput
	f.Name = in.Text("name", form.Text{Label: "Name", Required: true, Max: productMaxName})
	f.Price = in.Money("price", form.Money{Label: "Price", Required: true, AllowZero: true})
	f.VPID = in.Text("vendor_product_id", form.Text{Label: "Your product ID", Max: productMaxVPID})
	f.Desc = in.Text("description", form.Text{Label: "Short description", Max: productMaxDesc, Multi: true})
	f.LongDesc = in.Text("long_description", form.Text{Label: "Long description", Max: productMaxLongDesc, Multi: true})
	f.ApprovedURL = readProductURL(in, "approved_url", "Approved URL")
	f.PendingURL = readProductURL(in, "pending_url", "Pending URL")

	f.Tangible = productBool(in, "tangible", "Physical goods")
	f.Weight, f.Handling = in.Raw("weight"), in.Raw("handling")
	if f.Tangible {
		f.Weight = in.Money("weight", form.Money{Label: "Weight", Required: true, AllowZero: true})
		f.Handling = in.Money("handling", form.Money{Label: "Handling fee", Required: true, AllowZero: true})
	}

	f.Recurring = productBool(in, "recurring", "Subscription")
	f.RecurrenceN, f.RecurrenceUnit = in.Raw("recurrence_n"), in.Raw("recurrence_unit")
	f.DurationN, f.DurationUnit = in.Raw("duration_n"), in.Raw("duration_unit")
	f.StartupFee = in.Raw("startup_fee")
	if f.Recurring {
		f.RecurrenceN = in.Text("recurrence_n", form.Text{Label: "Billing interval", Required: true, Max: 3})
		if f.RecurrenceN != "" && in.Errors.Get("recurrence_n") == "" && !productCount.MatchString(f.RecurrenceN) {
			in.Errors.Add("recurrence_n", "Billing interval must be a whole number from 1 to 999.")
		}
		f.RecurrenceUnit = in.Choice("recurrence_unit", "Billing period", true, productspage.Units...)
		f.DurationUnit = in.Choice("duration_unit", "Duration", true, append([]string{productspage.Forever}, productspage.Units...)...)
		f.DurationN = in.Text("duration_n", form.Text{Label: "Duration", Max: 3})
		switch {
		case in.Errors.Get("duration_n") != "" || in.Errors.Get("duration_unit") != "":
		case f.DurationUnit == productspage.Forever && f.DurationN != "":
			in.Errors.Add("duration_n", "Leave this empty for a subscription that runs forever, or choose weeks, months or years.")
		case f.DurationUnit != productspage.Forever && f.DurationN == "":
			in.Errors.Add("duration_n", "Enter how many "+strings.ToLower(f.DurationUnit)+"s the subscription runs, or choose Forever.")
		case f.DurationUnit != productspage.Forever && !productCount.MatchString(f.DurationN):
			in.Errors.Add("duration_n", "Duration must be a whole number from 1 to 999.")
		}
		f.StartupFee = in.Money("startup_fee", form.Money{Label: "Startup fee", AllowZero: true})
	}

	f.Commission = productBool(in, "commission", "Affiliate commission")
	f.CommissionType, f.CommissionAmount = in.Raw("commission_type"), in.Raw("commission_amount")
	if f.Commission {
		f.CommissionType = in.Choice("commission_type", "Commission type", true, "amount", "percentage")
		f.CommissionAmount = in.Money("commission_amount", form.Money{Label: "Commission", Required: true})
		if f.CommissionType == "percentage" && f.CommissionAmount != "" {
			if cents, _ := form.ParseCents(f.CommissionAmount); cents > 100_00 {
				in.Errors.Add("commission_amount", "A percentage commission can be at most 100.")
			}
		}
	}

	f.OptionIDs = in.List("option_id", "Options", productMaxChoices)
	f.CategoryIDs = in.List("category_id", "Categories", productMaxChoices)
	return f
}

// productBool reads a checkbox; its error (sent twice) goes to the top of
// the form, as a checkbox shows none of its own.
func productBool(in *form.Reader, name, label string) bool {
	b := in.Bool(name)
	if msg := in.Errors.Get(name); msg != "" {
		delete(in.Errors, name)
		in.Errors.Add("", label+": "+msg)
	}
	return b
}

func readProductURL(in *form.Reader, name, label string) string {
	v := in.Text(name, form.Text{Label: label, Max: productMaxURL})
	if v != "" && in.Errors.Get(name) == "" && !webURL(v) {
		in.Errors.Add(name, label+" must be a full web address starting with http:// or https://.")
	}
	return v
}

func (f productInput) recurrence() string { return f.RecurrenceN + " " + f.RecurrenceUnit }

func (f productInput) duration() string {
	if f.DurationUnit == productspage.Forever {
		return productspage.Forever
	}
	return f.DurationN + " " + f.DurationUnit
}

func productFlag01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// values are the parameters sent upstream, for the audit log and the
// idempotency fingerprint. They follow the client's encoding of the params
// built below: empty values are left out on create, sent on update (so a
// cleared field is cleared).
func (f productInput) values(productID string) url.Values {
	update := productID != ""
	v := url.Values{}
	set := func(k, s string) {
		if s != "" || update {
			v.Set(k, s)
		}
	}
	if update {
		v.Set("product_id", productID)
	}
	v.Set("name", f.Name)
	v.Set("price", f.Price)
	set("vendor_product_id", f.VPID)
	set("description", f.Desc)
	set("long_description", f.LongDesc)
	set("pending_url", f.PendingURL)
	set("approved_url", f.ApprovedURL)
	v.Set("tangible", productFlag01(f.Tangible))
	if f.Tangible {
		v.Set("weight", f.Weight)
		v.Set("handling", f.Handling)
	}
	v.Set("recurring", productFlag01(f.Recurring))
	if f.Recurring {
		v.Set("recurrence", f.recurrence())
		v.Set("duration", f.duration())
		if f.StartupFee != "" {
			v.Set("startup_fee", f.StartupFee)
		}
	}
	v.Set("commission", productFlag01(f.Commission))
	if f.Commission {
		v.Set("commission_type", f.CommissionType)
		v.Set("commission_amount", f.CommissionAmount)
	}
	for _, id := range f.OptionIDs {
		v.Add("option_id", id)
	}
	for _, id := range f.CategoryIDs {
		v.Add("category_id", id)
	}
	return v
}

func (f productInput) createParams() apiclient.CreateProductParams {
	p := apiclient.CreateProductParams{Name: f.Name, Price: f.Price, VendorProductID: f.VPID, Description: f.Desc,
		LongDescription: f.LongDesc, PendingURL: f.PendingURL, ApprovedURL: f.ApprovedURL,
		Tangible: apiclient.Bool(f.Tangible), Recurring: apiclient.Bool(f.Recurring), Commission: apiclient.Bool(f.Commission),
		OptionIDs: f.OptionIDs, CategoryIDs: f.CategoryIDs}
	if f.Tangible {
		p.Weight, p.Handling = f.Weight, f.Handling
	}
	if f.Recurring {
		p.Recurrence, p.Duration, p.StartupFee = f.recurrence(), f.duration(), f.StartupFee
	}
	if f.Commission {
		p.CommissionType, p.CommissionAmount = f.CommissionType, f.CommissionAmount
	}
	return p
}

// updateParams sends every field, so the product ends up exactly as the form
// shows it. An emptied options or categories list is sent as one empty
// value, which clears the set (the client leaves an empty list out).
func (f productInput) updateParams(id string) apiclient.UpdateProductParams {
	s := apiclient.String
	p := apiclient.UpdateProductParams{ProductID: id, Name: f.Name, Price: f.Price, VendorProductID: s(f.VPID),
		Description: s(f.Desc), LongDescription: s(f.LongDesc), PendingURL: s(f.PendingURL), ApprovedURL: s(f.ApprovedURL),
		Tangible: apiclient.Bool(f.Tangible), Recurring: apiclient.Bool(f.Recurring), Commission: apiclient.Bool(f.Commission),
		OptionIDs: f.OptionIDs, CategoryIDs: f.CategoryIDs}
	if f.Tangible {
		p.Weight, p.Handling = s(f.Weight), s(f.Handling)
	}
	if f.Recurring {
		p.Recurrence, p.Duration = s(f.recurrence()), s(f.duration())
		if f.StartupFee != "" {
			p.StartupFee = s(f.StartupFee)
		}
	}
	if f.Commission {
		p.CommissionType, p.CommissionAmount = s(f.CommissionType), s(f.CommissionAmount)
	}
	if len(p.OptionIDs) == 0 {
		p.OptionIDs = []string{""}
	}
	if len(p.CategoryIDs) == 0 {
		p.CategoryIDs = []string{""}
	}
	return p
}

// updateValues are updateParams as sent, with the clearing empty values.
func (f productInput) updateValues(id string) url.Values {
	v := f.values(id)
	for _, k := range []string{"option_id", "category_id"} {
		if len(v[k]) == 0 {
			v[k] = []string{""}
		}
	}
	return v
}

// productInputOf is a stored product as the form shows it.
func productInputOf(p *apiclient.Product) productInput {
	or := func(t apiclient.Text) string { return t.Or("") }
	f := productInput{Name: or(p.Name), Price: or(p.Price), VPID: or(p.VendorProductID), Desc: or(p.Description),
		LongDesc: or(p.LongDescription), PendingURL: or(p.PendingURL), ApprovedURL: or(p.ApprovedURL),
		Tangible: productFlag(p.Tangible), Weight: or(p.Weight), Handling: or(p.Handling),
		Recurring: productFlag(p.Recurring), StartupFee: or(p.StartupFee),
		Commission: productFlag(p.Commission), CommissionType: or(p.CommissionType), CommissionAmount: or(p.CommissionAmount)}
	f.RecurrenceN, f.RecurrenceUnit = productSplitPeriod(or(p.Recurrence))
	if d := or(p.Duration); strings.EqualFold(d, productspage.Forever) || d == "" {
		f.DurationUnit = productspage.Forever
	} else {
		f.DurationN, f.DurationUnit = productSplitPeriod(d)
	}
	for _, o := range p.Options {
		f.OptionIDs = append(f.OptionIDs, o.OptionID.Value)
	}
	for _, c := range p.Categories {
		f.CategoryIDs = append(f.CategoryIDs, c.CategoryID.Value)
	}
	return f
}

// productSplitPeriod splits "2 Month" into "2" and "Month".
func productSplitPeriod(s string) (n, unit string) {
	n, unit, _ = strings.Cut(strings.TrimSpace(s), " ")
	if unit != "" {
		unit = strings.ToUpper(unit[:1]) + strings.ToLower(unit[1:])
		unit = strings.TrimSuffix(unit, "s")
	}
	return n, unit
}

// productBefore is a stored product in the parameters' terms, for the
// audit log's "before".
func productBefore(p *apiclient.Product) url.Values {
	f := productInputOf(p)
	v := url.Values{}
	for k, t := range map[string]apiclient.Text{"name": p.Name, "price": p.Price, "vendor_product_id": p.VendorProductID,
		"description": p.Description, "long_description": p.LongDescription, "pending_url": p.PendingURL,
		"approved_url": p.ApprovedURL, "weight": p.Weight, "handling": p.Handling, "recurrence": p.Recurrence,
		"duration": p.Duration, "startup_fee": p.StartupFee, "commission_type": p.CommissionType,
		"commission_amount": p.CommissionAmount} {
		if !t.Blank() {
			v.Set(k, t.Value)
		}
	}
	v.Set("tangible", productFlag01(f.Tangible))
	v.Set("recurring", productFlag01(f.Recurring))
	v.Set("commission", productFlag01(f.Commission))
	v["option_id"], v["category_id"] = f.OptionIDs, f.CategoryIDs
	if len(f.OptionIDs) == 0 {
		delete(v, "option_id")
	}
	if len(f.CategoryIDs) == 0 {
		delete(v, "category_id")
	}
	return v
}

// ---- choices: the account's options and the categories in use ----

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
func productFormView(c echo.Context, id, title string, f productInput, ch productChoices, errs form.Errors) productspage.Form {
	v := productspage.Form{ID: id, Title: title, CSRF: visitOf(c).CSRF, Key: NewFormKey(), Errors: errs,
		Name: f.Name, Price: f.Price, VendorPID: f.VPID, Desc: f.Desc, LongDesc: f.LongDesc,
		PendingURL: f.PendingURL, ApprovedURL: f.ApprovedURL,
		Tangible: f.Tangible, Weight: f.Weight, Handling: f.Handling,
		Recurring: f.Recurring, RecurrenceN: f.RecurrenceN, RecurrenceUnit: f.RecurrenceUnit,
		DurationN: f.DurationN, DurationUnit: f.DurationUnit, StartupFee: f.StartupFee,
		Commission: f.Commission, CommissionType: f.CommissionType, CommissionAmount: f.CommissionAmount}
	if v.RecurrenceUnit == "" {
		v.RecurrenceUnit = "Month"
	}
	for _, o := range ch.options {
		var vals []string
		for _, ov := range o.OptionValues {
			vals = append(vals, ov.OptionValueName.Value+" +"+ov.OptionValueSurcharge.Or("0.00"))
		}
		v.Options = append(v.Options, productspage.Choice{ID: o.OptionID.Value, Label: o.OptionName.Or("Option " + o.OptionID.Value),
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
	return h.render(c, http.StatusOK, productNewTitle, productspage.FormPage(productFormView(c, "", productNewTitle, f, ch, nil)), nil)
}

func (h *productsHandler) editForm(c echo.Context) error {
	id, err := productID(c)
	if err != nil {
		return err
	}
	ch, p, err := h.loadChoices(c.Request().Context(), id)
	if err != nil {
		return err
	}
	view := productFormView(c, id, productEditTitle(p), productInputOf(p), ch.withAssigned(p), nil)
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
	params := f.createParams()
	out, err := h.wr.Do(c, Write{Action: "products.create", Permission: auth.ProductsEdit, Target: "product:new",
		Key: c.FormValue("_idem"), Params: f.values(""),
		Call: func(ctx context.Context) (string, error) {
			res, err := h.api.CreateProduct(ctx, params)
			if err != nil {
				return "", err
			}
			return res.ProductID.Value, nil
		}})
	if err != nil {
		return err
	}
	if out.Succeeded() {
		h.invalidateCategories()
		h.flash(c, "ok", "Created the product “"+f.Name+"”.")
		if form.IsDigits(out.ID, productIDMaxDigits) {
			return redirect(c, "/products/"+out.ID)
		}
		return redirect(c, "/products")
	}
	return h.renderProductForm(c, productFailureStatus(out, in.Errors), "", productNewTitle, f, ch, in.Errors)
}

func (h *productsHandler) update(c echo.Context) error {
	id, err := productID(c)
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
	params := f.updateParams(id)
	out, err := h.wr.Do(c, Write{Action: "products.update", Permission: auth.ProductsEdit, Target: "product:" + id,
		Key: c.FormValue("_idem"), Params: f.updateValues(id), Before: productBefore(p),
		Call: func(ctx context.Context) (string, error) {
			_, err := h.api.UpdateProduct(ctx, params)
			return "", err
		}})
	if err != nil {
		return err
	}
	if out.Succeeded() {
		h.invalidateCategories()
		h.flash(c, "ok", "Saved the product “"+f.Name+"”.")
		return redirect(c, "/products/"+id)
	}
	return h.renderProductForm(c, productFailureStatus(out, in.Errors), id, title, f, ch, in.Errors)
}

// productFailureStatus puts a failed write's error on the form and picks the
// status: 422 when a field must be fixed, 502/504 when 2Checkout failed.
func productFailureStatus(out Outcome, errs form.Errors) int {
	if out.Unknown() {
		errs.Add("", outcomeMessage(out))
		return http.StatusGatewayTimeout
	}
	applyAPIError(errs, out.Err, productFields)
	if errs.Get("") == "" {
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadGateway
}

// renderProductForm re-renders the form with the person's input, the
// messages and a new form key.
func (h *productsHandler) renderProductForm(c echo.Context, status int, id, title string, f productInput, ch productChoices, errs form.Errors) error {
	if len(errs) > 0 && errs.Get("") == "" {
		errs.Add("", "Some fields need fixing; see the messages below.")
	}
	view := productFormView(c, id, title, f, ch, errs)
	return h.render(c, status, title, productspage.FormPage(view), nil)
}

// invalidateCategories drops the cached category list after a change that
// may have put a category in or out of use.
func (h *productsHandler) invalidateCategories() {
	h.catsMu.Lock()
	h.cats = nil
	h.catsMu.Unlock()
}
