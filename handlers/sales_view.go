package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/templates/components"
	salespage "backoffice/templates/pages/sales"
)

// salesQuery is the sales search as the URL carries it.
type salesQuery struct {
	number, name, email, phone, from, to string
	sort, dir                            string
	page, size                           int
}

// saleColumns are the results' columns, each sortable by the list_sales
// sort_col of the same name.
var saleColumns = []struct {
	col, label string
	num        bool
}{
	{"sale_id", "Sale", false}, {"date_placed", "Date", false}, {"customer_name", "Customer", false},
	{"usd_total", "Total (USD)", true}, {"recurring", "Recurring", false}, {"recurring_declined", "Declined", false},
}

// readSalesQuery reads and checks the search with list_sales's own rules, so
// nothing the API would refuse is sent.
func readSalesQuery(vals url.Values) (salesQuery, form.Errors) {
	in := form.NewReader(vals)
	var q salesQuery
	q.number = in.Digits("number", "Sale or invoice number", false, 19)
	q.name = in.Text("customer_name", form.Text{Label: "Customer name", Min: 3, Max: 255})
	q.email = in.Text("customer_email", form.Text{Label: "E-mail", Max: 254})
	q.phone = in.Text("customer_phone", form.Text{Label: "Phone", Max: 40})
	if q.phone != "" && in.Errors.Get("customer_phone") == "" && !phoneChars(q.phone) {
		in.Errors.Add("customer_phone", "Phone may contain only digits, spaces and + - ( ) . and needs at least one digit.")
	}
	var from, to time.Time
	q.from, from = in.Date("sale_date_begin", form.Date{Label: "Start date"})
	q.to, to = in.Date("sale_date_end", form.Date{Label: "End date"})
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		in.Errors.Add("sale_date_end", "The end date is before the start date.")
	}
	cols := make([]string, len(saleColumns))
	for i, c := range saleColumns {
		cols[i] = c.col
	}
	if q.sort = in.Choice("sort", "Sort column", false, cols...); in.Errors.Get("sort") != "" {
		q.sort = ""
	}
	if q.dir = in.Choice("dir", "Sort order", false, "asc", "desc"); in.Errors.Get("dir") != "" {
		q.dir = ""
	}
	if s := in.Text("size", form.Text{Label: "Results per page", Max: 20}); s != "" && in.Errors.Get("size") == "" {
		if n, ok := pageSize(s); ok {
			q.size = n
		} else {
			in.Errors.Add("size", "Choose one of the offered values for results per page.")
		}
	}
	if p := in.Digits("page", "Page", false, 5); p != "" && in.Errors.Get("page") == "" {
		q.page, _ = strconv.Atoi(p)
	}
	keepShown(in.Errors, "number", "customer_name", "customer_email", "customer_phone", "sale_date_begin", "sale_date_end", "size")
	return q, in.Errors
}

func phoneChars(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(" +-().", r):
		default:
			return false
		}
	}
	return digit
}

// values are the search's URL parameters, without the page.
func (q salesQuery) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"customer_name", q.name}, {"customer_email", q.email}, {"customer_phone", q.phone},
		{"sale_date_begin", q.from}, {"sale_date_end", q.to}, {"sort", q.sort}, {"dir", q.dir}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if q.size != 0 && q.size != 20 {
		v.Set("size", strconv.Itoa(q.size))
	}
	return v
}

// url is the address of this search, adjusted by edit.
func (q salesQuery) url(edit func(url.Values)) string {
	v := q.values()
	if q.page > 1 {
		v.Set("page", strconv.Itoa(q.page))
	}
	if edit != nil {
		edit(v)
	}
	if len(v) == 0 {
		return "/sales"
	}
	return "/sales?" + v.Encode()
}

// params is the list_sales call for this search.
func (q salesQuery) params() apiclient.ListSalesParams {
	return apiclient.ListSalesParams{CustomerName: q.name, CustomerEmail: q.email, CustomerPhone: q.phone,
		SaleDateBegin: q.from, SaleDateEnd: q.to, Page: q.page, PageSize: q.size,
		SortCol: q.sort, SortDir: strings.ToUpper(q.dir)}
}

// view is the search page before any results.
func (q salesQuery) view(errs form.Errors) salespage.Search {
	v := salespage.Search{Number: q.number, Name: q.name, Email: q.email, Phone: q.phone, From: q.from, To: q.to,
		Sort: q.sort, Dir: q.dir, Errors: errs}
	size := q.size
	if size == 0 {
		size = defaultPageSize
	}
	v.Sizes = pageSizeOptions(size)
	return v
}

// fill adds one page of results, their sortable headings and the pager.
func (q salesQuery) fill(v *salespage.Search, list *apiclient.SaleList) {
	v.Checked = true
	for _, s := range list.Sales {
		r := salespage.Row{ID: s.SaleID.Value, Date: s.DatePlaced.Value, Customer: inert(s.CustomerName.Or("—")),
			Total: s.USDTotal.Value, Recurring: "No", Declined: s.RecurringDeclined.Or("—")}
		if form.IsDigits(r.ID, 19) {
			r.URL = "/sales/" + r.ID
		}
		if s.Recurring.Value == "1" {
			r.Recurring = "Yes"
		}
		v.Rows = append(v.Rows, r)
	}
	// Without a sort column the API lists the newest first.
	active, desc := q.sort, q.dir == "desc"
	if active == "" {
		active, desc = "date_placed", q.dir != "asc"
	}
	for _, c := range saleColumns {
		on := c.col == active
		dir := "asc"
		if on && !desc {
			dir = "desc"
		}
		u := q.url(func(v url.Values) { v.Set("sort", c.col); v.Set("dir", dir); v.Del("page") })
		v.Headers = append(v.Headers, components.SortHeader{Label: c.label, URL: u, Active: on, Desc: on && desc, Num: c.num, Target: "#sales"})
	}
	info := list.PageInfo
	page, last := info.CurPage.Int(), info.Pages()
	if page < 1 {
		page = max(q.page, 1)
	}
	total := info.TotalEntries.Int()
	if !info.TotalEntries.Valid {
		total = len(list.Sales)
	}
	v.Pager = components.Pager{Page: page, LastPage: last, Total: total, Target: "#sales"}
	if page > 1 {
		v.Pager.PrevURL = q.url(func(v url.Values) {
			v.Del("page")
			if page > 2 {
				v.Set("page", strconv.Itoa(page-1))
			}
		})
	}
	if page < last {
		v.Pager.NextURL = q.url(func(v url.Values) { v.Set("page", strconv.Itoa(page+1)) })
	}
}

// detail is the sale page's view of a sale, with the forms the viewer may use.
func (h *salesHandler) detail(c echo.Context, id string, s *apiclient.Sale) salespage.Detail {
	v := salespage.Detail{ID: id, Placed: s.DatePlaced.Or("unknown"), Customer: customerView(s)}
	if vis := visitOf(c); vis != nil {
		v.CSRF = vis.CSRF
	}
	if d := s.RecurringDecline; d != nil {
		v.Declined = "A recurring payment was declined on " + d.DateDeclined.Or("an unknown date")
		if code := d.DeclineCode.Or(""); code != "" {
			v.Declined += " (code " + inert(code) + ")"
		}
		v.Declined += "."
	}
	for _, inv := range s.Invoices {
		v.Invoices = append(v.Invoices, invoiceView(inv))
	}
	for _, cm := range s.Comments {
		v.Comments = append(v.Comments, salespage.Comment{Author: inert(cm.Username.Or("2Checkout")),
			At: cm.Timestamp.Or(""), Text: inert(cm.Comment.Or(""))})
	}
	if vw := viewerOf(c); vw != nil {
		if vw.Role.Can(auth.SalesShip) {
			v.Ship = shipFormFor(s, ShipRequest{Notify: true}, nil)
		}
		if vw.Role.Can(auth.SalesComment) {
			v.Comment = &salespage.CommentForm{}
		}
	}
	if v.Comment != nil {
		v.Comment.Key = NewFormKey()
	}
	return v
}

// shipFormFor is the ship form for the sale's unshipped physical invoices,
// nil when none is left. A sale of several invoices gets an invoice choice,
// preselected when only one is left to ship.
func shipFormFor(s *apiclient.Sale, req ShipRequest, errs form.Errors) *salespage.ShipForm {
	var open []apiclient.Invoice
	for _, inv := range s.Invoices {
		if invoiceTangible(inv) && inv.DateShipped.Blank() {
			open = append(open, inv)
		}
	}
	if len(open) == 0 {
		return nil
	}
	f := &salespage.ShipForm{Key: NewFormKey(), Errors: errs}
	if len(s.Invoices) > 1 {
		if len(open) > 1 {
			f.Invoices = append(f.Invoices, components.Option{Value: "", Label: "Choose an invoice"})
		}
		for _, inv := range open {
			id := inv.InvoiceID.Value
			f.Invoices = append(f.Invoices, components.Option{Value: id, Label: "Invoice " + id + ", placed " + inv.DatePlaced.Or("?"),
				Selected: len(open) == 1})
		}
	}
	keepShipInput(f, req)
	return f
}

// keepShipInput puts what the person typed back into a ship form.
func keepShipInput(f *salespage.ShipForm, req ShipRequest) {
	f.Tracking, f.Comment, f.Notify, f.Reauthorize = req.Tracking, req.Comment, req.Notify, req.Reauthorize
	if req.InvoiceID == "" {
		return
	}
	for i := range f.Invoices {
		f.Invoices[i].Selected = f.Invoices[i].Value == req.InvoiceID
	}
}

// invoiceTangible reports whether an invoice has physical goods to ship.
func invoiceTangible(inv apiclient.Invoice) bool {
	if inv.Shipping != nil {
		return true
	}
	for _, li := range inv.Lineitems {
		if li.ProductTangible.Value == "Y" {
			return true
		}
	}
	return false
}

func invoiceView(inv apiclient.Invoice) salespage.Invoice {
	iv := salespage.Invoice{ID: inv.InvoiceID.Value, Status: inert(inv.Status.Or("unknown")), StatusKind: statusKind(inv.Status.Value),
		Total: inv.CustomerTotal.Or("—"), Placed: inv.DatePlaced.Or("—"), Shipped: inv.DateShipped.Or(""),
		Tangible: invoiceTangible(inv), IsShipped: !inv.DateShipped.Blank()}
	if u := inv.USDTotal.Or(""); u != "" && u != inv.CustomerTotal.Value {
		iv.USDTotal = u
	}
	if sh := inv.Shipping; sh != nil {
		iv.Shipping = &salespage.Shipping{Name: inert(sh.ShippingName.Or("")),
			Address: addressLines(sh.Address1, sh.Address2, sh.City, sh.State, sh.PostalCode, sh.CountryName.Or(sh.CountryCode.Value)),
			Method:  inert(sh.ShippingMethodName.Or("—")), Tracking: inert(sh.TrackingNumber.Or("")),
			Date: sh.DateShipped.Or(inv.DateShipped.Or(""))}
		if u := sh.TrackingURL.Or(""); webURL(u) {
			iv.Shipping.TrackingURL = u
		}
	}
	for _, li := range inv.Lineitems {
		it := salespage.Item{Name: inert(li.ProductName.Or(li.Type.Or("item"))), Type: inert(li.Type.Or("")),
			Amount: li.CustomerAmount.Or("—"), Status: lineStatus(li.Status.Or(""))}
		for _, o := range li.Options {
			opt := salespage.ItemOption{Name: inert(o.OptionName.Or("")), Value: inert(o.OptionValue.Or(""))}
			if s := o.CustomerSurcharge.Or(""); s != "" && s != "0" && s != "0.00" {
				opt.Surcharge = s
			}
			it.Options = append(it.Options, opt)
		}
		iv.Items = append(iv.Items, it)
	}
	return iv
}

func statusKind(s string) string {
	switch strings.ToLower(s) {
	case "approved", "deposited":
		return "ok"
	case "declined", "refund", "refunded", "canceled", "cancelled":
		return "bad"
	}
	return "warn"
}

func lineStatus(s string) string {
	switch s {
	case "bill":
		return "Billed"
	case "refund":
		return "Refunded"
	}
	return inert(s)
}

func customerView(s *apiclient.Sale) salespage.Customer {
	cu := s.Customer
	var parts []string
	for _, t := range []apiclient.Text{cu.Prefix, cu.FirstName, cu.MiddleInitial, cu.LastName} {
		if p := t.Or(""); p != "" {
			parts = append(parts, p)
		}
	}
	name := strings.Join(parts, " ")
	if name == "" && len(s.Invoices) > 0 {
		name = s.Invoices[0].CustomerName.Or("")
	}
	if name == "" {
		name = cu.CardholderName.Or("—")
	}
	v := salespage.Customer{Name: inert(name), Email: inert(cu.EmailAddress.Or("—")), Phone: inert(cu.Phone.Or("—")),
		Address: addressLines(cu.Address1, cu.Address2, cu.City, cu.State, cu.PostalCode, cu.CountryName.Or(cu.CountryCode.Value))}
	if ext := cu.PhoneExt.Or(""); ext != "" && v.Phone != "—" {
		v.Phone += " ext. " + inert(ext)
	}
	pm := cu.PayMethod
	v.Paid = inert(pm.Method.Or("—"))
	if f, l := pm.FirstSixDigits.Or(""), pm.LastTwoDigits.Or(""); f != "" || l != "" {
		v.Paid += " " + inert(f) + "…" + inert(l)
	}
	return v
}

// addressLines lays an address out as it is written on a parcel.
func addressLines(a1, a2, city, state, postal apiclient.Text, country string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, inert(s))
		}
	}
	add(a1.Or(""))
	add(a2.Or(""))
	place := city.Or("")
	if st := state.Or(""); st != "" {
		if place != "" {
			place += ", "
		}
		place += st
	}
	if pc := postal.Or(""); pc != "" {
		place += " " + pc
	}
	add(place)
	if country != "null" {
		add(country)
	}
	return out
}
