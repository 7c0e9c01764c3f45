package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	optionspage "backoffice/templates/pages/options"
)

const (
	// optionMaxRows bounds the value rows of one form.
	optionMaxRows = 50
	// optionMaxRowIndex bounds the row index the htmx editor asks for.
	optionMaxRowIndex = 1000
)

// optionValueIn is one value row as posted: the raw text for showing it
// again, and the checked values for sending.
type optionValueIn struct {
	ID, Name, Surcharge string
	name, surcharge     string
}

// optionForm is the create and edit form of an option. Its value rows come
// as three repeated fields (value_id, value_name, value_surcharge) that pair
// up by position, the way create_option takes them.
type optionForm struct {
	Name   string
	Rows   []optionValueIn
	Errors form.Errors
	name   string
	// Known lists the ids of the values the edit form was drawn with: only
	// those can be removed by leaving them out, so a value added meanwhile
	// (by someone else, or by an earlier send of this very form) stays.
	// knownSent is false when the form did not carry the list.
	Known     []string
	knownSent bool
}

var errOptionRows = echo.NewHTTPError(http.StatusBadRequest,
	"The option's values arrived incomplete: names, surcharges and ids do not pair up. Reload the page and try again.")

// readOptionForm reads the posted rows. Counts that differ mean the form was
// cut off or tampered with; they are refused rather than guessed at.
func readOptionForm(vals url.Values) (*optionForm, error) {
	names, surs, ids := vals["value_name"], vals["value_surcharge"], vals["value_id"]
	if len(names) != len(surs) || (len(ids) != 0 && len(ids) != len(names)) {
		return nil, errOptionRows
	}
	f := &optionForm{Name: vals.Get("option_name"), Errors: form.Errors{}}
	if k, ok := vals["known"]; ok {
		f.knownSent = true
		for _, id := range strings.Fields(strings.Join(k, " ")) {
			if form.IsDigits(id, apiIDMaxDigits) && len(f.Known) < 2*optionMaxRows {
				f.Known = append(f.Known, id)
			}
		}
	}
	for i := range names {
		r := optionValueIn{Name: names[i], Surcharge: surs[i]}
		if len(ids) > 0 {
			r.ID = ids[i]
		}
		f.Rows = append(f.Rows, r)
	}
	return f, nil
}

// postedOptionForm reads the posted option form.
func postedOptionForm(c echo.Context) (url.Values, *optionForm, error) {
	vals, err := posted(c)
	if err != nil {
		return nil, nil, err
	}
	f, err := readOptionForm(vals)
	return vals, f, err
}

// restructure applies the no-JavaScript row buttons: "Add a value" adds an
// empty row, a row's "Remove" drops it. It reports whether one was pressed;
// the form is then shown again and nothing is sent upstream.
func (f *optionForm) restructure(vals url.Values) bool {
	if _, ok := vals["add_row"]; ok {
		if len(f.Rows) >= optionMaxRows {
			f.Errors.Add("values", "An option can have at most "+itoa(optionMaxRows)+" values here.")
		} else {
			f.Rows = append(f.Rows, optionValueIn{Surcharge: "0.00"})
		}
		return true
	}
	if v, ok := vals["remove_row"]; ok {
		if i, err := strconv.Atoi(v[0]); err == nil && i >= 0 && i < len(f.Rows) {
			f.Rows = append(f.Rows[:i], f.Rows[i+1:]...)
		}
		return true
	}
	return false
}

// validate checks the form with the API's rules: a name of 1 to 255
// characters, at least one value, each value named (1 to 255 characters)
// with a surcharge of at least 0 and at most two decimals.
func (f *optionForm) validate(vals url.Values) {
	in := form.NewReader(url.Values{"option_name": vals["option_name"]})
	f.name = in.Text("option_name", form.Text{Label: "Option name", Required: true, Max: 255})
	for k, v := range in.Errors {
		f.Errors.Add(k, v)
	}
	switch {
	case len(f.Rows) == 0:
		f.Errors.Add("values", "Add at least one value.")
	case len(f.Rows) > optionMaxRows:
		f.Errors.Add("values", "An option can have at most "+itoa(optionMaxRows)+" values here.")
	}
	for i := range f.Rows {
		r := &f.Rows[i]
		row := form.NewReader(url.Values{"n": {r.Name}, "s": {r.Surcharge}})
		r.name = row.Text("n", form.Text{Label: "Value name", Required: true, Max: 255})
		r.surcharge = row.Money("s", form.Money{Label: "Surcharge", Required: true, AllowZero: true})
		if e := row.Errors.Get("n"); e != "" {
			f.Errors.Add("value_name."+itoa(i), e)
		}
		if e := row.Errors.Get("s"); e != "" {
			f.Errors.Add("value_surcharge."+itoa(i), e)
		}
	}
}

// checkIDs refuses rows naming a value that is not one of the option's, or
// naming one twice: only a forged form does that.
func (f *optionForm) checkIDs(o *apiclient.Option) error {
	known := map[string]bool{}
	for _, v := range o.OptionValues {
		known[v.OptionValueID.Value] = true
	}
	seen := map[string]bool{}
	for _, r := range f.Rows {
		if r.ID == "" {
			continue
		}
		if !known[r.ID] || seen[r.ID] {
			return echo.NewHTTPError(http.StatusBadRequest, "The form names a value this option does not have. Reload the page and try again.")
		}
		seen[r.ID] = true
	}
	return nil
}

func optionFormOf(o *apiclient.Option) *optionForm {
	f := &optionForm{Name: o.OptionName.Value, Errors: form.Errors{}, knownSent: true}
	for _, v := range o.OptionValues {
		f.Rows = append(f.Rows, optionValueIn{ID: v.OptionValueID.Value, Name: v.OptionValueName.Value, Surcharge: v.OptionValueSurcharge.Value})
		f.Known = append(f.Known, v.OptionValueID.Value)
	}
	return f
}

// optionFormPage says where a form posts and what it is called.
type optionFormPage struct {
	title, action, cancel, submit, key string
	done, notDone                      []string
}

// optionFormView draws the option form f as page p asks.
func optionFormView(rq *request, paths paths, f *optionForm, p optionFormPage) optionspage.Form {
	v := optionspage.Form{Title: p.title, Action: p.action, Cancel: p.cancel, Submit: p.submit, CSRF: rq.CSRF(),
		Key: p.key, Name: f.Name, Next: itoa(len(f.Rows)), RowURL: paths.OptionValueRow(), Errors: f.Errors,
		Done: p.done, NotDone: p.notDone, Known: strings.Join(f.Known, " ")}
	for i, r := range f.Rows {
		v.Rows = append(v.Rows, optionspage.ValueRow{Index: itoa(i), ID: r.ID, Name: r.Name, Surcharge: r.Surcharge,
			NameErr: f.Errors["value_name."+itoa(i)], SurchargeErr: f.Errors["value_surcharge."+itoa(i)], RowURL: v.RowURL})
	}
	return v
}

func (h *optionsHandler) renderOptionForm(c echo.Context, status int, f *optionForm, p optionFormPage) error {
	return h.render(c, status, p.title, optionspage.FormPage(optionFormView(requestOf(c), h.paths, f, p)), nil)
}

func (h *optionsHandler) newOptionPage(key string) optionFormPage {
	return optionFormPage{title: "New option", action: h.paths.Options(), cancel: h.paths.Options(), submit: "Create option", key: key}
}

func (h *optionsHandler) newForm(c echo.Context) error {
	f := &optionForm{Errors: form.Errors{}, Rows: []optionValueIn{{Surcharge: "0.00"}}}
	return h.renderOptionForm(c, http.StatusOK, f, h.newOptionPage(NewFormKey()))
}

// optionFields maps the API's parameters to the option form's fields.
var optionFields = map[string]string{"option_name": "option_name",
	"option_value_name": "values", "option_value_surcharge": "values", "option_value_id": "values"}

func (h *optionsHandler) create(c echo.Context) error {
	vals, f, err := postedOptionForm(c)
	if err != nil {
		return err
	}
	page := h.newOptionPage(keepFormKey(formKeyOf(c)))
	if f.restructure(vals) {
		return h.renderOptionForm(c, http.StatusOK, f, page)
	}
	f.validate(vals)
	if f.Errors.Any() {
		return h.renderOptionForm(c, http.StatusUnprocessableEntity, f, page)
	}
	p := apiclient.CreateOptionParams{OptionName: f.name}
	for _, r := range f.Rows {
		p.OptionValueNames = append(p.OptionValueNames, r.name)
		p.OptionValueSurcharges = append(p.OptionValueSurcharges, r.surcharge)
	}
	out, err := h.wr.Do(c.Request().Context(), requestOf(c), Write{Action: "options.create", Permission: auth.OptionsEdit,
		Target: "option:new", Key: formKeyOf(c),
		Send: sendID(h.api.CreateOption, p, func(r *apiclient.OptionResult) string { return r.OptionID.Value })})
	if err != nil {
		return err
	}
	if !out.Succeeded() {
		out.ApplyTo(f.Errors, optionFields)
		page.key = NewFormKey()
		return h.renderOptionForm(c, out.Status(), f, page)
	}
	h.flash(c, "ok", "Option “"+f.name+"” created with "+plural(len(f.Rows), "value")+".")
	if !form.IsDigits(out.ID, apiIDMaxDigits) {
		return redirect(c, h.paths.Options())
	}
	return redirect(c, h.paths.Option(out.ID))
}

func (h *optionsHandler) editOptionPage(id, name, key string) optionFormPage {
	return optionFormPage{title: "Edit option " + name, action: h.paths.Option(id), cancel: h.paths.Option(id), submit: "Save changes", key: key}
}

func (h *optionsHandler) editForm(c echo.Context) error {
	o, id, err := h.option(c)
	if err != nil {
		return err
	}
	return h.renderOptionForm(c, http.StatusOK, optionFormOf(o), h.editOptionPage(id, optionName(o), NewFormKey()))
}
