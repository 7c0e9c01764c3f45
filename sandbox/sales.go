package sandbox

import (
	"cmp"
	"slices"
	"strings"
)

var saleSortCols = []string{"sale_id", "date_placed", "customer_name", "recurring", "recurring_declined", "usd_total"}

type detailSaleResp struct {
	ResponseCode    string    `json:"response_code"`
	ResponseMessage string    `json:"response_message"`
	Sale            *saleWire `json:"sale"`
}

type listSalesResp struct {
	PageInfo        pageInfoWire      `json:"page_info"`
	ResponseCode    string            `json:"response_code"`
	ResponseMessage string            `json:"response_message"`
	SaleSummary     []saleSummaryWire `json:"sale_summary"`
}

// findSale looks a sale up; ids of other merchants' sales are FORBIDDEN.
func (c *call) findSale(id string) (*saleRec, *apiError) {
	if rec := c.idx().sales[id]; rec != nil {
		return rec, nil
	}
	if c.idx().foreign["sale"][id] {
		return nil, errForbidden("sale")
	}
	return nil, errNotFound()
}

// resolveSale resolves sale_id and/or invoice_id (at least one given). inv
// is nil when only sale_id was given.
func (c *call) resolveSale() (*saleRec, *invoiceWire, *apiError) {
	saleID, invID := c.p.get("sale_id"), c.p.get("invoice_id")
	if saleID != "" && !isID(saleID) {
		return nil, nil, errInvalid("sale_id")
	}
	if invID != "" && !isID(invID) {
		return nil, nil, errInvalid("invoice_id")
	}
	var rec *saleRec
	if saleID != "" {
		var e *apiError
		if rec, e = c.findSale(saleID); e != nil {
			return nil, nil, e
		}
	}
	if invID == "" {
		return rec, nil, nil
	}
	ref, found := c.idx().invoices[invID]
	if !found {
		return nil, nil, errNotFound()
	}
	if rec != nil && ref.sale != rec {
		return nil, nil, errInvalid("invoice_id")
	}
	return ref.sale, ref.inv, nil
}

// saleAndInvoice resolves sale_id and/or invoice_id to one invoice: missing
// when neither is given; onMany when only sale_id names a sale with several
// invoices.
func (c *call) saleAndInvoice(missing, onMany *apiError) (*saleRec, *invoiceWire, *apiError) {
	if !c.p.given("sale_id") && !c.p.given("invoice_id") {
		return nil, nil, missing
	}
	rec, inv, e := c.resolveSale()
	if e != nil {
		return nil, nil, e
	}
	if inv == nil {
		if len(rec.Sale.Invoices) > 1 {
			return nil, nil, onMany
		}
		inv = rec.Sale.Invoices[0]
	}
	return rec, inv, nil
}

// addComment records a comment the way the service records one made
// through the API: by the API user, from the caller's address. Comments are
// kept newest first, the order detail_sale answers them in (issue 9).
func (c *call) addComment(rec *saleRec, textValue string) {
	rec.Sale.Comments = slices.Insert(rec.Sale.Comments, 0, commentWire{
		ChangedByIP: c.ip,
		Comment:     textValue,
		Timestamp:   c.timestamp(),
		Username:    c.s.cfg.Username,
	})
}

func detailSale(c *call) (any, *apiError) {
	if !c.p.given("sale_id") && !c.p.given("invoice_id") {
		return nil, errMissing("sale_or_invoice_id")
	}
	rec, inv, e := c.resolveSale()
	if e != nil {
		return nil, e
	}
	sale := *rec.Sale
	if inv != nil {
		sale.Invoices = []*invoiceWire{inv}
	}
	return detailSaleResp{ResponseCode: "OK", ResponseMessage: successMessage("detail_sale"), Sale: &sale}, nil
}

// saleRow is a list_sales candidate with the one sort key its order needs.
type saleRow struct {
	rec   *saleRec
	total int64
	key   string
}

// saleTotals returns a sale's USD total and whether any line item recurs.
func saleTotals(s *saleWire) (int64, bool) {
	var total int64
	recurring := false
	for _, inv := range s.Invoices {
		total += moneyOf(inv.UsdTotal)
		for _, li := range inv.Lineitems {
			recurring = recurring || li.ProductRecurrence != nil
		}
	}
	return total, recurring
}

func (c *call) summary(rec *saleRec) saleSummaryWire {
	s := rec.Sale
	total, recurring := saleTotals(s)
	sum := saleSummaryWire{
		CustomerName: s.Invoices[0].CustomerName,
		DatePlaced:   s.DatePlaced[:10],
		Recurring:    flagString(recurring),
		SaleID:       s.SaleID,
		SaleURL:      c.s.publicURL + "/sales/detail_sale?sale_id=" + s.SaleID,
		UsdTotal:     formatCents(total),
	}
	if d := s.RecurringDecline; d != nil {
		sum.RecurringDeclined = sp(d.DateDeclined)
		sum.DeclineCode = sp(d.DeclineCode)
	}
	return sum
}

// saleFilter is the parsed filter set of list_sales.
type saleFilter struct {
	saleID, invoiceID          string
	name, email, phone, vpid   string
	first6, last2              string
	begin, end                 string
	declined, active, refunded bool
}

func parseSaleFilter(p params) (saleFilter, *apiError) {
	var f saleFilter
	f.saleID, f.invoiceID = p.get("sale_id"), p.get("invoice_id")
	if f.saleID != "" && !isID(f.saleID) {
		return f, errInvalid("sale_id")
	}
	if f.invoiceID != "" && !isID(f.invoiceID) {
		return f, errInvalid("invoice_id")
	}
	if f.name = p.get("customer_name"); f.name != "" && runeLen(strings.TrimSpace(f.name)) < 3 {
		return f, errInvalid("customer_name")
	}
	f.name = strings.ToLower(strings.TrimSpace(f.name))
	f.email = strings.ToLower(strings.TrimSpace(p.get("customer_email")))
	f.phone = phoneDigits(p.get("customer_phone"))
	if p.given("customer_phone") && f.phone == "" {
		return f, errInvalid("customer_phone")
	}
	f.vpid = strings.ToLower(p.get("vendor_product_id"))
	if f.first6 = p.get("ccard_first6"); f.first6 != "" && (len(f.first6) != 6 || !isID(f.first6)) {
		return f, errInvalid("ccard_first6")
	}
	if f.last2 = p.get("ccard_last2"); f.last2 != "" && (len(f.last2) != 2 || !isID(f.last2)) {
		return f, errInvalid("ccard_last2")
	}
	if f.begin = p.get("sale_date_begin"); f.begin != "" && !validDate(f.begin) {
		return f, errInvalid("sale_date_begin")
	}
	if f.end = p.get("sale_date_end"); f.end != "" && !validDate(f.end) {
		return f, errInvalid("sale_date_end")
	}
	var e *apiError
	if f.declined, e = flag01(p, "declined_recurrings"); e != nil {
		return f, e
	}
	if f.active, e = flag01(p, "active_recurrings"); e != nil {
		return f, e
	}
	if f.refunded, e = flag01(p, "refunded"); e != nil {
		return f, e
	}
	return f, nil
}

// phoneDigits keeps the digits only, so "+1 (614) 555" matches "16145550142".
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (f *saleFilter) match(rec *saleRec) bool {
	s := rec.Sale
	if f.saleID != "" && s.SaleID != f.saleID {
		return false
	}
	date := s.DatePlaced[:10]
	if (f.begin != "" && date < f.begin) || (f.end != "" && date > f.end) {
		return false
	}
	if f.name != "" && !strings.Contains(strings.ToLower(s.Invoices[0].CustomerName), f.name) {
		return false
	}
	if f.email != "" && !strings.Contains(strings.ToLower(s.Customer.EmailAddress), f.email) {
		return false
	}
	if f.phone != "" && !strings.HasPrefix(phoneDigits(s.Customer.Phone), f.phone) {
		return false
	}
	if f.first6 != "" && derefOr(s.Customer.PayMethod.FirstSixDigits, "") != f.first6 {
		return false
	}
	if f.last2 != "" && derefOr(s.Customer.PayMethod.LastTwoDigits, "") != f.last2 {
		return false
	}
	if f.declined && s.RecurringDecline == nil {
		return false
	}
	if f.invoiceID == "" && f.vpid == "" && !f.active && !f.refunded {
		return true
	}
	foundInv, foundVP, active, refunded := f.invoiceID == "", f.vpid == "", false, saleRefunded(s)
	for _, inv := range s.Invoices {
		if inv.InvoiceID == f.invoiceID {
			foundInv = true
		}
		for _, li := range inv.Lineitems {
			if !foundVP && li.Type == "product" && li.VendorProductID != nil && strings.Contains(strings.ToLower(*li.VendorProductID), f.vpid) {
				foundVP = true
			}
			if derefOr(li.Billing.RecurringStatus, "") == "active" {
				active = true
			}
		}
	}
	return foundInv && foundVP && (!f.active || active) && (!f.refunded || refunded)
}

// listSales filters, sorts and pages the sales. Without sort_col the order
// is newest first (date_placed DESC), what a support desk wants to see.
func listSales(c *call) (any, *apiError) {
	f, e := parseSaleFilter(c.p)
	if e != nil {
		return nil, e
	}
	lr, e := parseListReq(c.p, saleSortCols)
	if e != nil {
		return nil, e
	}
	if lr.col == "" {
		lr.col = "date_placed"
		if !c.p.given("sort_dir") {
			lr.desc = true
		}
	}
	// Summaries are built for the page only; sorting needs one key.
	rows := make([]saleRow, 0, 64)
	for _, rec := range c.st().Sales {
		if !f.match(rec) {
			continue
		}
		row := saleRow{rec: rec}
		switch lr.col {
		case "date_placed":
			row.key = rec.Sale.DatePlaced
		case "customer_name":
			row.key = strings.ToLower(rec.Sale.Invoices[0].CustomerName)
		case "recurring":
			_, r := saleTotals(rec.Sale)
			row.key = flagString(r)
		case "recurring_declined":
			row.key = "" // null sorts first
			if d := rec.Sale.RecurringDecline; d != nil {
				row.key = "~" + d.DateDeclined
			}
		case "usd_total":
			row.total, _ = saleTotals(rec.Sale)
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b saleRow) int {
		r := strings.Compare(a.key, b.key)
		if r == 0 {
			r = cmp.Compare(a.total, b.total)
		}
		if r == 0 {
			r = cmpID(a.rec.Sale.SaleID, b.rec.Sale.SaleID)
		}
		if lr.desc {
			r = -r
		}
		return r
	})
	start, end, pi, e := c.page(lr, len(rows))
	if e != nil {
		return nil, e
	}
	out := make([]saleSummaryWire, 0, end-start)
	for _, r := range rows[start:end] {
		out = append(out, c.summary(r.rec))
	}
	return listSalesResp{PageInfo: pi, ResponseCode: "OK", ResponseMessage: successMessage("list_sales"), SaleSummary: out}, nil
}

func createComment(c *call) (any, *apiError) {
	saleID, e := c.p.required("sale_id")
	if e != nil {
		return nil, e
	}
	if !isID(saleID) {
		return nil, errInvalid("sale_id")
	}
	comment, e := requiredText(c.p, "sale_comment", 5000)
	if e != nil {
		return nil, e
	}
	if _, e := flag01(c.p, "cc_vendor"); e != nil {
		return nil, e
	}
	if _, e := flag01(c.p, "cc_customer"); e != nil {
		return nil, e
	}
	rec, e := c.findSale(saleID)
	if e != nil {
		return nil, e
	}
	c.addComment(rec, comment)
	return ok("create_comment"), nil
}

// findLineitem resolves lineitem_id.
func (c *call) findLineitem() (lineRef, *apiError) {
	id, e := c.p.required("lineitem_id")
	if e != nil {
		return lineRef{}, e
	}
	if !isID(id) {
		return lineRef{}, errInvalid("lineitem_id")
	}
	ref, found := c.idx().lineitems[id]
	if !found {
		return lineRef{}, errNotFound()
	}
	return ref, nil
}
