package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// optionChange is one update_option call: update_option renames the option
// and changes at most one value per call.
type optionChange struct {
	kind   string // "update", "add", "delete" or "rename"
	slot   string // names the change within its form, for its idempotency key
	label  string // what it does, in words
	row    int    // the form row of an added value, else -1
	params apiclient.UpdateOptionParams
	before url.Values
}

// ocSameMoney compares two amounts as money, "1.5" equal to "1.50".
func ocSameMoney(a, b string) bool {
	x, errA := form.ParseCents(a)
	y, errB := form.ParseCents(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return x == y
}

// planOptionChanges lists the calls that turn option o into what the form
// asks for: value changes first, then additions, then removals (so the
// option never drops to no value at all). Only values the form was drawn
// with are removed. Every call carries the new name; a rename alone is one
// call of its own.
func planOptionChanges(o *apiclient.Option, f *optionForm) []optionChange {
	id := o.OptionID.Value
	cur := map[string]apiclient.OptionValue{}
	for _, v := range o.OptionValues {
		cur[v.OptionValueID.Value] = v
	}
	kept := map[string]bool{}
	known := map[string]bool{}
	for _, k := range f.Known {
		known[k] = true
	}
	var updates, adds, deletes []optionChange
	for i, r := range f.Rows {
		name, sur := r.name, r.surcharge
		if r.ID == "" {
			adds = append(adds, optionChange{kind: "add", slot: "add:" + itoa(i), row: i,
				label:  "Add the value “" + name + "” (surcharge " + sur + ")",
				params: apiclient.UpdateOptionParams{OptionID: id, OptionName: f.name, OptionValueName: &name, OptionValueSurcharge: &sur}})
			continue
		}
		kept[r.ID] = true
		old := cur[r.ID]
		if old.OptionValueName.Value == name && ocSameMoney(old.OptionValueSurcharge.Value, sur) {
			continue
		}
		updates = append(updates, optionChange{kind: "update", slot: "update:" + r.ID, row: -1,
			label:  "Change the value “" + old.OptionValueName.Value + "” to “" + name + "” (surcharge " + sur + ")",
			params: apiclient.UpdateOptionParams{OptionID: id, OptionName: f.name, OptionValueID: r.ID, OptionValueName: &name, OptionValueSurcharge: &sur},
			before: optionBefore(o, &old)})
	}
	for _, v := range o.OptionValues {
		vid := v.OptionValueID.Value
		if kept[vid] || (f.knownSent && !known[vid]) {
			continue
		}
		deletes = append(deletes, optionChange{kind: "delete", slot: "delete:" + vid, row: -1,
			label:  "Remove the value “" + v.OptionValueName.Value + "”",
			params: apiclient.UpdateOptionParams{OptionID: id, OptionName: f.name, OptionValueID: vid},
			before: optionBefore(o, &v)})
	}
	changes := append(append(updates, adds...), deletes...)
	if len(changes) == 0 && f.name != o.OptionName.Value {
		changes = append(changes, optionChange{kind: "rename", slot: "rename", row: -1, label: "Rename the option to “" + f.name + "”",
			params: apiclient.UpdateOptionParams{OptionID: id, OptionName: f.name},
			before: url.Values{"option_name": {o.OptionName.Value}}})
	}
	return changes
}

// ocDerivedKey gives each change of a multi-call form its own idempotency
// key, derived from the form's key: sending the same form again repeats
// none of the calls already made, and the keys stay unguessable because
// the form's key is.
func ocDerivedKey(formKey, slot string) string {
	sum := sha256.Sum256([]byte("backoffice change\x00" + formKey + "\x00" + slot))
	return hex.EncodeToString(sum[:])
}

func (h *optionsHandler) update(c echo.Context) error {
	o, id, err := h.option(c)
	if err != nil {
		return err
	}
	vals, f, err := postedOptionForm(c)
	if err != nil {
		return err
	}
	formKey := formKeyOf(c)
	page := h.editOptionPage(id, optionName(o), keepFormKey(formKey))
	if f.restructure(vals) {
		return h.renderOptionForm(c, http.StatusOK, f, page)
	}
	f.validate(vals)
	if err := f.checkIDs(o); err != nil {
		return err
	}
	if f.Errors.Any() {
		return h.renderOptionForm(c, http.StatusUnprocessableEntity, f, page)
	}
	if !validFormKey(formKey) {
		return errFormKey
	}
	changes := planOptionChanges(o, f)
	if len(changes) == 0 {
		h.flash(c, "ok", "Nothing to save: the option already looks like this.")
		return redirect(c, h.paths.Option(id))
	}
	var done, notDone []string
	var added []int
	counts := map[string]int{}
	failure, status := "", http.StatusUnprocessableEntity
	for i, ch := range changes {
		out, err := h.wr.Do(c.Request().Context(), requestOf(c), Write{Action: "options.update", Permission: auth.OptionsEdit,
			Target: "option:" + id, Key: ocDerivedKey(formKey, ch.slot), Before: ch.before,
			Send: send(h.api.UpdateOption, ch.params)})
		if err != nil && i == 0 {
			return err
		}
		if err == nil && out.Succeeded() {
			done = append(done, ch.label)
			counts[ch.kind]++
			if ch.kind == "add" {
				added = append(added, ch.row)
			}
			continue
		}
		if err != nil {
			failure = refusalText(err)
		} else {
			failure, status = out.Message(), out.Status()
		}
		notDone = append(notDone, ch.label+": "+failure)
		for _, rest := range changes[i+1:] {
			notDone = append(notDone, rest.label+": not sent, because the change before it failed")
		}
		break
	}
	if failure == "" {
		h.flash(c, "ok", "Option “"+f.name+"” saved: "+optionSummary(counts, f.name != o.OptionName.Value)+".")
		return redirect(c, h.paths.Option(id))
	}
	if len(done) > 0 && f.name != o.OptionName.Value {
		done = append([]string{"Rename the option to “" + f.name + "”"}, done...)
	}
	f.Errors.Add("", "Not every change was saved. "+failure)
	if len(added) > 0 && !h.claimAddedValues(c.Request().Context(), o, f, added) {
		f.Errors[""] += " Reload the edit page before sending again: the values just added could not be read back, and would be added twice."
	}
	page.key, page.done, page.notDone = NewFormKey(), done, notDone
	return h.renderOptionForm(c, status, f, page)
}

// claimAddedValues gives the rows whose values were just added the ids the
// API gave them, so that sending the form again does not add them twice.
func (h *optionsHandler) claimAddedValues(ctx context.Context, before *apiclient.Option, f *optionForm, rows []int) bool {
	now, err := h.api.DetailOption(ctx, apiclient.DetailOptionParams{OptionID: before.OptionID.Value})
	if err != nil {
		return false
	}
	taken := map[string]bool{}
	for _, v := range before.OptionValues {
		taken[v.OptionValueID.Value] = true
	}
	for _, i := range rows {
		r := &f.Rows[i]
		for _, v := range now.OptionValues {
			vid := v.OptionValueID.Value
			if !taken[vid] && v.OptionValueName.Value == r.name && ocSameMoney(v.OptionValueSurcharge.Value, r.surcharge) {
				r.ID, taken[vid] = vid, true
				f.Known = append(f.Known, vid)
				break
			}
		}
		if r.ID == "" {
			return false
		}
	}
	return true
}

func optionSummary(counts map[string]int, renamed bool) string {
	var parts []string
	if renamed {
		parts = append(parts, "renamed")
	}
	for _, k := range []struct{ kind, word string }{{"update", "changed"}, {"add", "added"}, {"delete", "removed"}} {
		if n := counts[k.kind]; n > 0 {
			parts = append(parts, plural(n, "value")+" "+k.word)
		}
	}
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}
