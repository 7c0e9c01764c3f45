package handlers

import (
	"net/url"
	"regexp"
	"strings"

	"backoffice/apiclient"
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

// productInputOf is a stored product as the form shows it.
func productInputOf(p *apiclient.Product) productInput {
	or := func(t apiclient.Text) string { return t.Or("") }
	f := productInput{Name: or(p.Name), Price: or(p.Price), VPID: or(p.VendorProductID), Desc: or(p.Description),
		LongDesc: or(p.LongDescription), PendingURL: or(p.PendingURL), ApprovedURL: or(p.ApprovedURL),
		Tangible: apiFlag(p.Tangible), Weight: or(p.Weight), Handling: or(p.Handling),
		Recurring: apiFlag(p.Recurring), StartupFee: or(p.StartupFee),
		Commission: apiFlag(p.Commission), CommissionType: or(p.CommissionType), CommissionAmount: or(p.CommissionAmount)}
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
	v.Set("tangible", flag01(f.Tangible))
	v.Set("recurring", flag01(f.Recurring))
	v.Set("commission", flag01(f.Commission))
	v["option_id"], v["category_id"] = f.OptionIDs, f.CategoryIDs
	if len(f.OptionIDs) == 0 {
		delete(v, "option_id")
	}
	if len(f.CategoryIDs) == 0 {
		delete(v, "category_id")
	}
	return v
}
