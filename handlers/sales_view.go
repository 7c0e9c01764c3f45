package handlers

import (
	"net/url"
	"strings"
	"time"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/templates/components"
	salespage "backoffice/templates/pages/sales"
	"backoffice/tracking"
)

// salesQuery is the sales search as the URL carries it: the filters and
// the list state.
type salesQuery struct {
	number, name, email, phone, from, to string
	list                                 listState
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

// salesList is the search's list spec: without a sort column the API lists
// the newest first, which the Date heading shows.
func salesList(p paths) listSpec {
	cols := make([]string, len(saleColumns))
	for i, c := range saleColumns {
		cols[i] = c.col
	}
	return listSpec{path: p.Sales(), sorts: cols, defDesc: true, natural: "date_placed", markNatural: true}
}

// readSalesQuery reads and checks the search with list_sales's own rules, so
// nothing the API would refuse is sent: unlike the catalogue lists, an
// order, page or size that is not offered is refused with a message.
func readSalesQuery(vals url.Values, p paths) (salesQuery, form.Errors) {
	in := form.NewReader(vals)
	var q salesQuery
	q.number = in.Digits("number", "Sale or invoice number", false, apiIDMaxDigits)
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
	list, listErrs := readList(vals, salesList(p))
	for k, msg := range listErrs {
		in.Errors.Add(k, msg)
	}
	q.list = list.withFilters([2]string{"customer_name", q.name}, [2]string{"customer_email", q.email},
		[2]string{"customer_phone", q.phone}, [2]string{"sale_date_begin", q.from}, [2]string{"sale_date_end", q.to})
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

// params is the list_sales call for this search.
func (q salesQuery) params() apiclient.ListSalesParams {
	return apiclient.ListSalesParams{CustomerName: q.name, CustomerEmail: q.email, CustomerPhone: q.phone,
		SaleDateBegin: q.from, SaleDateEnd: q.to, Page: q.list.Page, PageSize: q.list.Size,
		SortCol: q.list.SortCol(), SortDir: q.list.SortDir()}
}

// view is the search page before any results.
func (q salesQuery) view(errs form.Errors) salespage.Search {
	order := q.list.values()
	return salespage.Search{Path: q.list.spec.path, Number: q.number, Name: q.name, Email: q.email, Phone: q.phone,
		From: q.from, To: q.to, Sort: order.Get("sort"), Dir: order.Get("dir"), Errors: errs, Sizes: q.list.SizeOptions()}
}

// fill adds one page of results, their sortable headings and the pager.
func (q salesQuery) fill(v *salespage.Search, p paths, list *apiclient.SaleList, loc *time.Location) {
	v.Checked = true
	for _, s := range list.Sales {
		r := salespage.Row{ID: s.SaleID.Value, Date: apiWhen(s.DatePlaced, loc, ""), Customer: shown(s.CustomerName, "—"),
			Total: priceText(s.USDTotal, "USD", ""), Recurring: "No", Declined: shown(s.RecurringDeclined, "—")}
		if form.IsDigits(r.ID, apiIDMaxDigits) {
			r.URL = p.Sale(r.ID)
		}
		if s.Recurring.Value == "1" {
			r.Recurring = "Yes"
		}
		v.Rows = append(v.Rows, r)
	}
	target := "#" + salespage.RegionID
	for _, c := range saleColumns {
		v.Headers = append(v.Headers, q.list.Head(c.label, c.col, c.num, target))
	}
	info := list.PageInfo
	l := q.list
	if page := info.CurPage.Int(); page >= 1 {
		l.Page = page
	}
	total := info.TotalEntries.Int()
	if !info.TotalEntries.Valid {
		total = len(list.Sales)
	}
	v.Pager = l.Pager(total, info.Pages(), target)
}

// saleDetail is the sale page's view of a sale, with the forms the person
// of rq may use.
func saleDetail(rq *request, p paths, id string, s *apiclient.Sale) salespage.Detail {
	v := salespage.Detail{ID: id, Placed: apiWhen(s.DatePlaced, rq.Zone(), "unknown"), Customer: customerView(s), CSRF: rq.CSRF(),
		SearchURL: p.Sales(), ShipURL: p.SaleShip(id), CommentURL: p.SaleComment(id)}
	if d := s.RecurringDecline; d != nil {
		v.Declined = "A recurring payment was declined on " + apiWhen(d.DateDeclined, rq.Zone(), "an unknown date")
		if code := d.DeclineCode.Or(""); code != "" {
			v.Declined += " (code " + inert(code) + ")"
		}
		v.Declined += "."
	}
	for _, inv := range s.Invoices {
		v.Invoices = append(v.Invoices, invoiceView(inv, rq.Zone()))
	}
	for _, cm := range s.Comments {
		v.Comments = append(v.Comments, salespage.Comment{Author: inert(cm.Username.Or("2Checkout")),
			At: cm.Timestamp.Or(""), Text: inert(cm.Comment.Or(""))})
	}
	if rq.Can(auth.SalesShip) {
		v.Ship = shipFormFor(s, ShipRequest{Notify: true}, nil, rq.Zone())
	}
	if rq.Can(auth.SalesComment) {
		v.Comment = &salespage.CommentForm{}
	}
	if v.Comment != nil {
		v.Comment.Key = NewFormKey()
	}
	return v
}

// shipFormFor is the ship form for the sale's unshipped physical invoices,
// nil when none is left. A sale of several invoices gets an invoice choice,
// preselected when only one is left to ship.
func shipFormFor(s *apiclient.Sale, req ShipRequest, errs form.Errors, loc *time.Location) *salespage.ShipForm {
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
			f.Invoices = append(f.Invoices, components.Option{Value: id, Label: "Invoice " + id + ", placed " + apiWhen(inv.DatePlaced, loc, "?"),
				Selected: len(open) == 1})
		}
	}
	keepShipInput(f, req)
	return f
}

// keepShipInput puts what the person typed back into a ship form.
func keepShipInput(f *salespage.ShipForm, req ShipRequest) {
	f.Tracking, f.Comment, f.Notify, f.Reauthorize = req.Tracking, req.Comment, req.Notify, req.Reauthorize
	f.Override, f.OverrideReason = req.Override, req.OverrideReason
	f.AskTracking = req.AskConfirm
	if req.InvoiceID == "" {
		return
	}
	for i := range f.Invoices {
		f.Invoices[i].Selected = f.Invoices[i].Value == req.InvoiceID
	}
}

func invoiceView(inv apiclient.Invoice, loc *time.Location) salespage.Invoice {
	iv := salespage.Invoice{ID: inv.InvoiceID.Value, Status: inert(inv.Status.Or("unknown")), StatusKind: statusKind(inv.Status.Value),
		Total: shown(inv.CustomerTotal, "—"), Placed: apiWhen(inv.DatePlaced, loc, "—"), Shipped: apiWhen(inv.DateShipped, loc, ""),
		Tangible: invoiceTangible(inv), IsShipped: !inv.DateShipped.Blank()}
	if u := inv.USDTotal.Or(""); u != "" && u != inv.CustomerTotal.Value {
		iv.USDTotal = inert(u)
	}
	if sh := inv.Shipping; sh != nil {
		iv.Shipping = &salespage.Shipping{Name: inert(sh.ShippingName.Or("")),
			Address: postalAddress(sh.Address1, sh.Address2, sh.City, sh.State, sh.PostalCode, orText(sh.CountryName, sh.CountryCode)),
			Method:  inert(sh.ShippingMethodName.Or("—")), Tracking: inert(sh.TrackingNumber.Or("")),
			Date: inert(sh.DateShipped.Or(inv.DateShipped.Or("")))}
		if u := sh.TrackingURL.Or(""); webURL(u) {
			iv.Shipping.TrackingURL = u
		}
		if m, ok := tracking.Identify(sh.TrackingNumber.Value); ok {
			iv.Shipping.Carrier = m.Name()
			if iv.Shipping.TrackingURL == "" {
				iv.Shipping.TrackingURL = m.URL()
			}
		}
	}
	iv.Left = leftAfterRefunds(inv)
	for _, li := range inv.Lineitems {
		it := salespage.Item{Name: inert(li.ProductName.Or(li.Type.Or("item"))), Type: inert(li.Type.Or("")),
			Amount: shown(li.CustomerAmount, "—"), Status: lineStatus(li.Status.Or(""))}
		if li.Type.Value == "refund" {
			refundItem(&it)
		}
		for _, o := range li.Options {
			opt := salespage.ItemOption{Name: inert(o.OptionName.Or("")), Value: inert(o.OptionValue.Or(""))}
			if s := o.CustomerSurcharge.Or(""); s != "" && s != "0" && s != "0.00" {
				opt.Surcharge = inert(s)
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
		Address: postalAddress(cu.Address1, cu.Address2, cu.City, cu.State, cu.PostalCode, orText(cu.CountryName, cu.CountryCode))}
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
