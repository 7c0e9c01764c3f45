package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
)

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
			label:  "Change the value “" + text(old.OptionValueName) + "” to “" + name + "” (surcharge " + sur + ")",
			params: apiclient.UpdateOptionParams{OptionID: id, OptionName: f.name, OptionValueID: r.ID, OptionValueName: &name, OptionValueSurcharge: &sur},
			before: optionBefore(o, &old)})
	}
	for _, v := range o.OptionValues {
		vid := v.OptionValueID.Value
		if kept[vid] || (f.knownSent && !known[vid]) {
			continue
		}
		deletes = append(deletes, optionChange{kind: "delete", slot: "delete:" + vid, row: -1,
			label:  "Remove the value “" + text(v.OptionValueName) + "”",
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
