package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/templates/components"
	optionspage "backoffice/templates/pages/options"
)

// optionsAPI is what the option pages need of the Admin API.
type optionsAPI interface {
	ListOptions(ctx context.Context, p apiclient.ListOptionsParams) (*apiclient.OptionList, error)
	DetailOption(ctx context.Context, p apiclient.DetailOptionParams) (*apiclient.Option, error)
	CreateOption(ctx context.Context, p apiclient.CreateOptionParams) (*apiclient.OptionResult, error)
	UpdateOption(ctx context.Context, p apiclient.UpdateOptionParams) (*apiclient.Result, error)
	DeleteOption(ctx context.Context, p apiclient.DeleteOptionParams) (*apiclient.Result, error)
}

// optionsHandler serves the product option pages: list and detail
// (options.view), create and edit (options.edit), delete (options.delete).
// Every write goes through the write path.
type optionsHandler struct{ resource[optionsAPI] }

// optionOrderWords are the option columns that do not read A to Z.
var optionOrderWords = map[string]orderWords{"option_id": byNumber}

func (h *optionsHandler) list(c echo.Context) error {
	qv := c.QueryParams()
	q, _ := readList(qv, listSpec{path: h.paths.Options(), sorts: []string{"option_id", "option_name"}, defSort: "option_id",
		words: optionOrderWords})
	name, value := textFilter(qv, "name"), textFilter(qv, "value")
	q = q.withFilters([2]string{"name", name}, [2]string{"value", value})
	withOrder := listFragment(c, q, optionspage.FiltersID)
	list, err := h.api.ListOptions(c.Request().Context(), apiclient.ListOptionsParams{OptionName: name, OptionValueName: value,
		Page: q.Page, PageSize: q.Size, SortCol: q.SortCol(), SortDir: q.SortDir()})
	switch {
	case apiclient.IsNotFound(err) && q.Page == 1:
		// The live API answers an empty list with RECORD_NOT_FOUND: on the
		// first page that is "nothing matches", not an error.
		list, err = &apiclient.OptionList{}, nil
	case apiclient.IsNotFound(err):
		list, err = nil, nil // past the last page
	}
	if err != nil {
		return err
	}
	v := optionListView(requestOf(c), h.paths, q, name, value, list)
	return h.render(c, http.StatusOK, "Options", optionspage.ListPage(v), optionspage.ResultsFragment(v, withOrder))
}

// optionListView is the list page for state q; list nil means the page
// asked for is past the last one (the API answers RECORD_NOT_FOUND).
func optionListView(rq *request, p paths, q listState, name, value string, list *apiclient.OptionList) optionspage.List {
	target := "#" + optionspage.ResultsID
	v := optionspage.List{Path: p.Options(), NewURL: p.OptionNew(), Name: name, Value: value,
		Sizes: q.SizeOptions(), Dirs: q.DirOptions(), Sorts: q.SortOptions([2]string{"option_id", "ID"}, [2]string{"option_name", "Name"}),
		CanEdit: rq.Can(auth.OptionsEdit),
		Heads:   []components.SortHeader{q.Head("ID", "option_id", false, target), q.Head("Name", "option_name", false, target)}}
	if list == nil {
		v.Notice, v.FirstURL = "There is no page "+itoa(q.Page)+" for these filters.", q.AtPage(1)
		v.Pager = components.Pager{Page: q.Page, Target: target}
		return v
	}
	for _, o := range list.Options {
		v.Rows = append(v.Rows, optionRow(p, o))
	}
	v.Pager = q.Pager(list.PageInfo.TotalEntries.Int(), list.PageInfo.Pages(), target)
	return v
}

func optionRow(p paths, o apiclient.Option) optionspage.Row {
	r := optionspage.Row{ID: o.OptionID.Value, Name: shown(o.OptionName, "(no name)")}
	if form.IsDigits(r.ID, apiIDMaxDigits) {
		r.Href = p.Option(r.ID)
	}
	names := make([]string, 0, 4)
	for i, val := range o.OptionValues {
		if i == 3 && len(o.OptionValues) > 4 {
			names = append(names, "+"+itoa(len(o.OptionValues)-3)+" more")
			break
		}
		names = append(names, shown(val.OptionValueName, "?"))
	}
	r.Values = strings.Join(names, ", ")
	return r
}

// option fetches the option named by the path (digits only, else 404
// without asking the API; never from the body); one the API does not know
// is a 404.
func (h *optionsHandler) option(c echo.Context) (*apiclient.Option, string, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, "", err
	}
	o, err := h.api.DetailOption(c.Request().Context(), apiclient.DetailOptionParams{OptionID: id})
	if apiclient.IsNotFound(err) {
		return nil, id, echo.NewHTTPError(http.StatusNotFound)
	}
	return o, id, err
}

func optionName(o *apiclient.Option) string { return shown(o.OptionName, "(no name)") }

func (h *optionsHandler) show(c echo.Context) error {
	o, id, err := h.option(c)
	if err != nil {
		return err
	}
	rq := requestOf(c)
	v := optionspage.Detail{ID: id, Name: optionName(o), CanEdit: rq.Can(auth.OptionsEdit), CanDelete: rq.Can(auth.OptionsDelete),
		EditURL: h.paths.OptionEdit(id), DeleteURL: h.paths.OptionConfirm(id), ListURL: h.paths.Options()}
	for _, val := range o.OptionValues {
		v.Values = append(v.Values, optionspage.Value{Name: text(val.OptionValueName), Surcharge: text(val.OptionValueSurcharge)})
	}
	return h.render(c, http.StatusOK, v.Name, optionspage.DetailPage(v), nil)
}

// optionConfirm is the delete confirmation of option o.
func optionConfirm(rq *request, p paths, id string, o *apiclient.Option) components.Confirm {
	name, values, its := "option "+id, "—", "its"
	if o != nil {
		name, values = optionName(o), itoa(len(o.OptionValues))
		its += " " + values
	}
	return components.Confirm{Question: "Delete option " + name + "?",
		Facts: []components.Fact{{Label: "Option", Value: name}, {Label: "Option ID", Value: id},
			{Label: "Values", Value: values}},
		Consequence: "The option and " + its + " values will be deleted, and removed from every product that uses it. This cannot be undone.",
		Action:      p.OptionDelete(id), Cancel: p.Option(id), Submit: "Delete option", CSRF: rq.CSRF(), Key: NewFormKey()}
}

// optionBefore is an option (with value, one of its values) as the audit
// log's "before" shows it.
func optionBefore(o *apiclient.Option, value *apiclient.OptionValue) url.Values {
	v := url.Values{"option_name": {o.OptionName.Value}}
	vals := o.OptionValues
	if value != nil {
		vals = []apiclient.OptionValue{*value}
	}
	for _, val := range vals {
		v.Add("option_value_name", val.OptionValueName.Value)
		v.Add("option_value_surcharge", val.OptionValueSurcharge.Value)
	}
	return v
}

// optionRemoval is the confirmed delete of option id (o nil when it could
// not be read).
func (h *optionsHandler) optionRemoval(c echo.Context, id string, o *apiclient.Option) confirmed {
	x := confirmed{Title: "Delete option", Page: optionConfirm(requestOf(c), h.paths, id, o),
		Write: Write{Action: "options.delete", Permission: auth.OptionsDelete, Target: "option:" + id,
			Send: send(h.api.DeleteOption, apiclient.DeleteOptionParams{OptionID: id})},
		Done: "Option " + id + " deleted.", Next: h.paths.Options()}
	if o != nil {
		x.Write.Before = optionBefore(o, nil)
		x.Done = "Option “" + optionName(o) + "” deleted."
	}
	return x
}

// valueRow answers the value editor's htmx buttons: "Add a value" (add_row
// holds the new row's index) gets one empty row and the button moved on;
// a row's Remove (remove_row) gets nothing, and htmx deletes that row.
func (h *optionsHandler) valueRow(c echo.Context) error {
	q := c.QueryParams()
	if _, ok := q["remove_row"]; ok {
		return c.HTMLBlob(http.StatusOK, nil)
	}
	i, err := strconv.Atoi(q.Get("add_row"))
	if err != nil || i < 0 || i >= optionMaxRowIndex {
		return echo.NewHTTPError(http.StatusBadRequest, "The row number is missing or out of range. Reload the page.")
	}
	row := optionspage.ValueRow{Index: itoa(i), Surcharge: "0.00", RowURL: h.paths.OptionValueRow()}
	return h.renderFragment(c, http.StatusOK, optionspage.RowFragment(row, itoa(i+1)))
}

// deletion is the option delete's confirmation page and its send.
func (h *optionsHandler) deletion() deletion[apiclient.Option] {
	return deletion[apiclient.Option]{h.web, h.wr, h.option, h.optionRemoval}
}
