package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/htmx"
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
type optionsHandler struct {
	*web
	wr  *writer
	api optionsAPI
}

func newOptionsHandler(w *web, wr *writer, api *apiclient.Client) *optionsHandler {
	return &optionsHandler{web: w, wr: wr, api: api}
}

// ocListQuery is the state of a list page as its URL carries it. Values
// that are not offered fall back to the defaults rather than failing, so
// an old or hand-edited link still shows a list.
type ocListQuery struct {
	filters  [][2]string // name, value, in URL order
	sort     string
	desc     bool
	page     int
	size     int
	defSort  string
	basePath string
}

// ocReadQuery reads page, size, sort and dir; sorts lists the columns that
// may be sorted by ("" allowed when defSort is "").
func ocReadQuery(q url.Values, basePath, defSort string, sorts ...string) ocListQuery {
	lq := ocListQuery{page: 1, size: defaultPageSize, sort: defSort, defSort: defSort, basePath: basePath}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 && n <= 100000 {
		lq.page = n
	}
	if n, ok := pageSize(q.Get("size")); ok {
		lq.size = n
	}
	for _, s := range sorts {
		if q.Get("sort") == s {
			lq.sort = s
		}
	}
	lq.desc = q.Get("dir") == "desc"
	return lq
}

// ocFilter reads a free-text filter: trimmed, valid UTF-8, at most 255
// characters.
func ocFilter(q url.Values, name string) string {
	v := strings.TrimSpace(strings.ToValidUTF8(q.Get(name), ""))
	if utf8.RuneCountInString(v) > 255 {
		v = string([]rune(v)[:255])
	}
	return v
}

// sorts are the choices of the "Sort by" select, each a column and its label.
func (q ocListQuery) sorts(choices ...[2]string) []components.Option {
	out := make([]components.Option, 0, len(choices))
	for _, ch := range choices {
		out = append(out, components.Option{Value: ch[0], Label: ch[1], Selected: ch[0] == q.sort})
	}
	return out
}

func (q ocListQuery) dirs() []components.Option {
	return dirOptions(q.desc)
}

// ocWithFilters reports whether an htmx list request should also get the
// filter form back (out of band): when something outside the form, such as
// a column heading, changed the list.
func ocWithFilters(c echo.Context, formID string) bool {
	r := c.Request()
	return htmx.IsRequest(r) && r.Header.Get(htmx.HeaderTrigger) != formID
}

func (q ocListQuery) dir() string {
	if q.desc {
		return "desc"
	}
	return "asc"
}

// url builds the address of the list with this state, leaving out defaults.
func (q ocListQuery) url() string {
	v := url.Values{}
	for _, f := range q.filters {
		if f[1] != "" {
			v.Set(f[0], f[1])
		}
	}
	if q.sort != q.defSort {
		v.Set("sort", q.sort)
	}
	if q.desc {
		v.Set("dir", "desc")
	}
	if q.size != defaultPageSize {
		v.Set("size", itoa(q.size))
	}
	if q.page > 1 {
		v.Set("page", itoa(q.page))
	}
	if len(v) == 0 {
		return q.basePath
	}
	return q.basePath + "?" + v.Encode()
}

func (q ocListQuery) atPage(p int) string {
	q.page = p
	return q.url()
}

// head is a sortable column heading: clicking it sorts by that column,
// ascending first, and again to reverse.
func (q ocListQuery) head(label, col, target string, num bool) components.SortHeader {
	active := q.sort == col
	n := q
	n.page, n.sort, n.desc = 1, col, active && !q.desc
	return components.SortHeader{Label: label, URL: n.url(), Active: active, Desc: active && q.desc, Num: num, Target: target}
}

func (q ocListQuery) pager(total, last int, target string) components.Pager {
	p := components.Pager{Page: q.page, LastPage: last, Total: total, Target: target}
	if q.page > 1 {
		p.PrevURL = q.atPage(min(q.page-1, max(last, 1)))
	}
	if q.page < last {
		p.NextURL = q.atPage(q.page + 1)
	}
	return p
}

const optionsTarget = "#opt-results"

func (h *optionsHandler) list(c echo.Context) error {
	qv := c.QueryParams()
	q := ocReadQuery(qv, "/options", "option_id", "option_id", "option_name")
	name, value := ocFilter(qv, "name"), ocFilter(qv, "value")
	q.filters = [][2]string{{"name", name}, {"value", value}}
	v := optionspage.List{Name: name, Value: value, Sizes: pageSizeOptions(q.size), Dirs: q.dirs(),
		Sorts:   q.sorts([2]string{"option_id", "ID"}, [2]string{"option_name", "Name"}),
		CanEdit: viewerOf(c).Role.Can(auth.OptionsEdit),
		Heads:   []components.SortHeader{q.head("ID", "option_id", optionsTarget, false), q.head("Name", "option_name", optionsTarget, false)}}
	list, err := h.api.ListOptions(c.Request().Context(), apiclient.ListOptionsParams{OptionName: name, OptionValueName: value,
		Page: q.page, PageSize: q.size, SortCol: q.sort, SortDir: strings.ToUpper(q.dir())})
	switch {
	case err != nil && apiclient.IsNotFound(err) && q.page > 1:
		// The API answers RECORD_NOT_FOUND past the last page.
		v.Notice, v.FirstURL = "There is no page "+itoa(q.page)+" for these filters.", q.atPage(1)
		v.Pager = components.Pager{Page: q.page, Target: optionsTarget}
	case err != nil:
		return err
	default:
		for _, o := range list.Options {
			v.Rows = append(v.Rows, optionRow(o))
		}
		v.Pager = q.pager(list.PageInfo.TotalEntries.Int(), list.PageInfo.Pages(), optionsTarget)
	}
	return h.render(c, http.StatusOK, "Options", optionspage.ListPage(v), optionspage.ResultsFragment(v, ocWithFilters(c, "opt-filters")))
}

func optionRow(o apiclient.Option) optionspage.Row {
	r := optionspage.Row{ID: o.OptionID.Value, Name: o.OptionName.Or("(no name)")}
	if form.IsDigits(r.ID, 19) {
		r.Href = "/options/" + r.ID
	}
	names := make([]string, 0, 4)
	for i, val := range o.OptionValues {
		if i == 3 && len(o.OptionValues) > 4 {
			names = append(names, "+"+itoa(len(o.OptionValues)-3)+" more")
			break
		}
		names = append(names, val.OptionValueName.Or("?"))
	}
	r.Values = strings.Join(names, ", ")
	return r
}

// optionID reads the id from the path: digits only (the API's ids fit in 19
// digits), else 404 without asking the API. It never comes from the body.
func optionID(c echo.Context) (string, error) {
	id := c.Param("id")
	if !form.IsDigits(id, 19) {
		return "", echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// option fetches the option named by the path; one the API does not know is
// a 404.
func (h *optionsHandler) option(c echo.Context) (*apiclient.Option, string, error) {
	id, err := optionID(c)
	if err != nil {
		return nil, "", err
	}
	o, err := h.api.DetailOption(c.Request().Context(), apiclient.DetailOptionParams{OptionID: id})
	if apiclient.IsNotFound(err) {
		return nil, "", echo.NewHTTPError(http.StatusNotFound)
	}
	return o, id, err
}

func (h *optionsHandler) show(c echo.Context) error {
	o, id, err := h.option(c)
	if err != nil {
		return err
	}
	role := viewerOf(c).Role
	v := optionspage.Detail{ID: id, Name: o.OptionName.Or("(no name)"),
		CanEdit: role.Can(auth.OptionsEdit), CanDelete: role.Can(auth.OptionsDelete)}
	for _, val := range o.OptionValues {
		v.Values = append(v.Values, optionspage.Value{Name: val.OptionValueName.Value, Surcharge: val.OptionValueSurcharge.Value})
	}
	return h.render(c, http.StatusOK, v.Name, optionspage.DetailPage(v), nil)
}

func (h *optionsHandler) confirmDelete(c echo.Context) error {
	o, id, err := h.option(c)
	if err != nil {
		return err
	}
	v := optionspage.Confirm{ID: id, Name: o.OptionName.Or("(no name)"), Values: len(o.OptionValues), CSRF: visitOf(c).CSRF, Key: NewFormKey()}
	return h.render(c, http.StatusOK, "Delete option", optionspage.ConfirmPage(v), nil)
}

func (h *optionsHandler) delete(c echo.Context) error {
	o, id, err := h.option(c)
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	before := url.Values{"option_name": {o.OptionName.Value}}
	for _, val := range o.OptionValues {
		before.Add("option_value_name", val.OptionValueName.Value)
		before.Add("option_value_surcharge", val.OptionValueSurcharge.Value)
	}
	out, err := h.wr.Do(c, Write{Action: "options.delete", Permission: auth.OptionsDelete, Target: "option:" + id,
		Key: vals.Get("_idem"), Params: url.Values{"option_id": {id}}, Before: before,
		Call: func(ctx context.Context) (string, error) {
			_, err := h.api.DeleteOption(ctx, apiclient.DeleteOptionParams{OptionID: id})
			return "", err
		}})
	if err != nil {
		return err
	}
	name := o.OptionName.Or("(no name)")
	if !out.Succeeded() {
		v := optionspage.Confirm{ID: id, Name: name, Values: len(o.OptionValues), CSRF: visitOf(c).CSRF, Key: NewFormKey(),
			Error: outcomeMessage(out)}
		return h.render(c, http.StatusUnprocessableEntity, "Delete option", optionspage.ConfirmPage(v), nil)
	}
	h.flash(c, "ok", "Option “"+name+"” deleted.")
	return redirect(c, "/options")
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
	row := optionspage.ValueRow{Index: itoa(i), Surcharge: "0.00"}
	return h.renderFragment(c, http.StatusOK, optionspage.RowFragment(row, itoa(i+1)))
}
