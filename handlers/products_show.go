package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	productspage "backoffice/templates/pages/products"
)

func (h *productsHandler) show(c echo.Context) error {
	p, id, err := h.productOf(c)
	if err != nil {
		return err
	}
	view := productDetail(requestOf(c), h.paths, id, p, h.currency.Label(c.Request().Context(), h.log))
	return h.render(c, http.StatusOK, view.Name, productspage.DetailPage(view), nil)
}

// productDetail is one product's page for the person of rq.
// currency is the account's currency code, "" when it could not be read.
func productDetail(rq *request, paths paths, id string, p *apiclient.Product, currency string) productspage.Detail {
	view := productspage.Detail{ID: id, Name: productName(p), Facts: productFacts(p, currency),
		CanEdit: rq.Can(auth.ProductsEdit), CanDelete: rq.Can(auth.ProductsDelete),
		EditURL: paths.ProductEdit(id), DeleteURL: paths.ProductConfirm(id), ListURL: paths.Products()}
	for _, o := range p.Options {
		row := productspage.OptionRow{ID: o.OptionID.Value, Name: shown(o.OptionName, "(no name)")}
		if rq.Can(auth.OptionsView) {
			row.URL = paths.Option(o.OptionID.Value)
		}
		for _, v := range o.OptionValues {
			row.Values = append(row.Values, productspage.OptionValue{Name: text(v.OptionValueName), Surcharge: priceText(v.OptionValueSurcharge, currency, "0.00")})
		}
		view.Options = append(view.Options, row)
	}
	for _, cat := range p.Categories {
		view.Categories = append(view.Categories, productCategoryLabel(cat))
	}
	for _, img := range p.Images {
		view.Images = append(view.Images, "Image "+shown(img.ImageNumber, "?")+" (id "+text(img.ImageID)+")")
	}
	return view
}

func productFacts(p *apiclient.Product, currency string) []productspage.Fact {
	none := func(t apiclient.Text) string { return shown(t, "—") }
	facts := []productspage.Fact{
		{Label: "2CO ID", Value: none(p.AssignedProductID)},
		{Label: "Your product ID", Value: none(p.VendorProductID)},
		{Label: "System ID", Value: none(p.ProductID)},
		{Label: "Account number", Value: none(p.VendorID)},
		{Label: "Price", Value: priceText(p.Price, currency, "—")},
	}
	if apiFlag(p.Tangible) {
		facts = append(facts, productspage.Fact{Label: "Type", Value: "Physical goods, shipped"},
			productspage.Fact{Label: "Weight", Value: none(p.Weight)},
			productspage.Fact{Label: "Handling fee", Value: priceText(p.Handling, currency, "—")})
	} else {
		facts = append(facts, productspage.Fact{Label: "Type", Value: "Digital or service, not shipped"})
	}
	if apiFlag(p.Recurring) || !p.Recurrence.Blank() {
		facts = append(facts, productspage.Fact{Label: "Subscription", Value: "Billed every " + none(p.Recurrence)},
			productspage.Fact{Label: "Runs for", Value: none(p.Duration)},
			productspage.Fact{Label: "Startup fee", Value: priceText(p.StartupFee, currency, "none")})
	} else {
		facts = append(facts, productspage.Fact{Label: "Subscription", Value: "No, billed once"})
	}
	if apiFlag(p.Commission) {
		amount := none(p.CommissionAmount)
		if p.CommissionType.Value == "percentage" {
			amount += " %"
		} else {
			amount = priceText(p.CommissionAmount, currency, "—") + " (fixed amount)"
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
	f := productspage.Fact{Label: label, Value: shown(t, "—")}
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
