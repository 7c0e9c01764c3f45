package sandbox

import (
	"cmp"
	"slices"
	"strings"
	"time"
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

// addComment appends a comment the way the service records one made
// through the API: by the API user, from the caller's address.
func (c *call) addComment(rec *saleRec, textValue string) {
	rec.Sale.Comments = append(rec.Sale.Comments, commentWire{
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
	foundInv, foundVP, active, refunded := f.invoiceID == "", f.vpid == "", false, len(rec.Refunded) > 0
	for _, inv := range s.Invoices {
		if inv.InvoiceID == f.invoiceID {
			foundInv = true
		}
		for _, li := range inv.Lineitems {
			if !foundVP && li.Type == "product" && strings.Contains(strings.ToLower(li.VendorProductID), f.vpid) {
				foundVP = true
			}
			if derefOr(li.Billing.RecurringStatus, "") == "active" {
				active = true
			}
			if li.Status == "refund" {
				refunded = true
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

func invoiceTangible(inv *invoiceWire) bool {
	for _, li := range inv.Lineitems {
		if li.Type == "product" && li.ProductTangible == "Y" {
			return true
		}
	}
	return false
}

func invoiceFullyRefunded(rec *saleRec, inv *invoiceWire) bool {
	return rec.refunded(inv.InvoiceID) >= moneyOf(inv.UsdTotal)
}

// saleCapturable: the authorization can only be renewed while some invoice
// is still merely approved, not yet pending or deposited.
func saleCapturable(rec *saleRec) bool {
	for _, inv := range rec.Sale.Invoices {
		if inv.Status == "approved" {
			return true
		}
	}
	return false
}

// reauthorize applies the once-a-day reauthorization rules. An attempt is
// recorded even when it fails, so it sets c.dirty.
func (c *call) reauthorize(rec *saleRec, tooSoon string) *apiError {
	if !saleCapturable(rec) {
		return newErr("TOO_LATE", msgReauthTooLate, "")
	}
	if rec.LastReauth == c.today() {
		return newErr("TOO_SOON", tooSoon, "")
	}
	rec.LastReauth = c.today()
	c.dirty = true
	if rec.ReauthDeclines {
		return newErr("FAILED", msgReauthFailed, "")
	}
	rec.AuthExpired = false
	c.addComment(rec, "Payment reauthorized.")
	return nil
}

// markShipped ships one invoice. A sale whose authorization expired is
// shipped as is unless reauthorize=1 asks to renew it first (the real
// service then captures whatever the old authorization still allows).
func markShipped(c *call) (any, *apiError) {
	tn, e := requiredText(c.p, "tracking_number", 255)
	if e != nil {
		return nil, e
	}
	if strings.ContainsFunc(tn, isControl) {
		return nil, errInvalid("tracking_number")
	}
	if _, e := flag01(c.p, "cc_customer"); e != nil {
		return nil, e
	}
	reauth, e := flag01(c.p, "reauthorize")
	if e != nil {
		return nil, e
	}
	comment, e := text(c.p, "comment", 255)
	if e != nil {
		return nil, e
	}
	if !noAngles(comment) {
		return nil, errInvalid("comment")
	}
	rec, inv, e := c.saleAndInvoice(errMissing("sale_id"), errMissing("invoice_id"))
	if e != nil {
		return nil, e
	}
	if !invoiceTangible(inv) || invoiceFullyRefunded(rec, inv) {
		return nil, newErr("NOTHING_TO_DO", msgNotShippable, "")
	}
	if inv.DateShipped != nil {
		return nil, newErr("NOTHING_TO_DO", msgAlreadyShipped, "")
	}
	if reauth && rec.AuthExpired {
		if e := c.reauthorize(rec, msgShipReauthSoon); e != nil {
			return nil, e
		}
	}
	day := c.today()
	inv.DateShipped = sp(day)
	if inv.Status == "approved" {
		inv.Status = "pending"
	}
	if inv.Shipping != nil {
		inv.Shipping.DateShipped = sp(day)
		inv.Shipping.TrackingNumber = sp(tn)
	}
	note := "Sale marked shipped. Tracking number: " + tn
	if comment != "" {
		note += "\n" + comment
	}
	c.addComment(rec, note)
	return ok("mark_shipped"), nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func reauth(c *call) (any, *apiError) {
	saleID, e := c.p.required("sale_id")
	if e != nil {
		return nil, e
	}
	if !isID(saleID) {
		return nil, errInvalid("sale_id")
	}
	rec, e := c.findSale(saleID)
	if e != nil {
		return nil, e
	}
	if e := c.reauthorize(rec, msgReauthTooSoon); e != nil {
		return nil, e
	}
	return ok("reauth"), nil
}

// refundCategory validates category: 1-17, where 7 is internal-only.
func refundCategory(p params) *apiError {
	v, e := p.required("category")
	if e != nil {
		return e
	}
	n, okN := smallPositive(v)
	if !okN || n > 17 {
		return errInvalid("category")
	}
	if n == 7 {
		return newErr("FORBIDDEN", msgCategory7, "")
	}
	return nil
}

// refundComment validates the comment of refunds: required, at most 5000
// characters, no "<" or ">".
func refundComment(p params) (string, *apiError) {
	v, e := requiredText(p, "comment", 5000)
	if e != nil {
		return "", e
	}
	if !noAngles(v) {
		return "", errInvalid("comment")
	}
	return v, nil
}

// tooOld applies the 180-day refund limit, measured on the clock.
func (c *call) tooOld(inv *invoiceWire) bool {
	placed, err := time.Parse("2006-01-02 15:04:05", inv.DatePlaced)
	if err != nil {
		return false
	}
	return c.now.After(placed.AddDate(0, 0, 180))
}

// markRefunded flags every line item of a fully refunded invoice.
func markRefunded(inv *invoiceWire) {
	for _, li := range inv.Lineitems {
		li.Status = "refund"
		li.Billing.Status = "refund"
	}
}

// refundInvoice refunds (part of) one invoice. All seeded amounts are in
// USD for vendor and customer alike, so the currency only gets validated.
func refundInvoice(c *call) (any, *apiError) {
	comment, e := refundComment(c.p)
	if e != nil {
		return nil, e
	}
	if e := refundCategory(c.p); e != nil {
		return nil, e
	}
	var amount int64
	hasAmount := c.p.given("amount")
	if hasAmount {
		var okA bool
		if amount, okA = parseMoney(c.p.get("amount")); !okA {
			return nil, errInvalid("amount")
		}
		if !c.p.given("currency") {
			return nil, errMissing("currency")
		}
	}
	if c.p.given("currency") {
		switch strings.ToLower(c.p.get("currency")) {
		case "usd", "vendor", "customer":
		default:
			return nil, errInvalid("currency")
		}
	}
	if hasAmount && amount < 1 {
		return nil, newErr("TOO_LOW", msgAmountTooLow, "")
	}
	rec, inv, e := c.saleAndInvoice(errMissing("sale_id"), newErr("AMBIGUOUS", msgAmbiguous, ""))
	if e != nil {
		return nil, e
	}
	remaining := moneyOf(inv.UsdTotal) - rec.refunded(inv.InvoiceID)
	if remaining <= 0 {
		return nil, newErr("NOTHING_TO_DO", msgInvoiceRefunded, "")
	}
	if c.tooOld(inv) {
		return nil, newErr("TOO_LATE", msgInvoiceTooOld, "")
	}
	if !hasAmount {
		amount = remaining
	}
	if amount > remaining {
		return nil, newErr("TOO_HIGH", msgAmountTooHigh, "")
	}
	rec.addRefund(inv.InvoiceID, amount)
	if amount == remaining {
		markRefunded(inv)
	}
	c.addComment(rec, "Refund Issued On Invoice: "+comment)
	return ok("refund_invoice"), nil
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

func refundLineitem(c *call) (any, *apiError) {
	ref, e := c.findLineitem()
	if e != nil {
		return nil, e
	}
	if e := refundCategory(c.p); e != nil {
		return nil, e
	}
	comment, e := refundComment(c.p)
	if e != nil {
		return nil, e
	}
	li, inv, rec := ref.li, ref.inv, ref.sale
	if li.Type != "product" {
		return nil, newErr("INVALID_PARAMETER", msgNotRefundable, "")
	}
	if li.Status == "refund" {
		return nil, newErr("NOTHING_TO_DO", msgLineRefunded, "")
	}
	if c.tooOld(inv) {
		return nil, newErr("TOO_LATE", msgLineTooOld, "")
	}
	amount := moneyOf(li.CustomerAmount)
	if amount < 1 {
		return nil, newErr("TOO_LOW", msgLineTooLow, "")
	}
	remaining := moneyOf(inv.UsdTotal) - rec.refunded(inv.InvoiceID)
	if amount > remaining {
		return nil, newErr("TOO_HIGH", msgLineTooHigh, "")
	}
	rec.addRefund(inv.InvoiceID, amount)
	li.Status = "refund"
	li.Billing.Status = "refund"
	if amount == remaining {
		markRefunded(inv)
	}
	c.addComment(rec, "Refund Issued On Lineitem: "+comment)
	return ok("refund_lineitem"), nil
}

func activeRecurring(li *lineitemWire) bool {
	return derefOr(li.Billing.RecurringStatus, "") == "active"
}

func stopLineitemRecurring(c *call) (any, *apiError) {
	ref, e := c.findLineitem()
	if e != nil {
		return nil, e
	}
	if !activeRecurring(ref.li) {
		return nil, newErr("NOTHING_TO_DO", msgNotRecurring, "")
	}
	b := &ref.li.Billing
	b.RecurringStatus = sp("stopped")
	b.DateNext = nil
	b.DateEnd = sp(c.today())
	c.addComment(ref.sale, "Recurring billing stopped for "+ref.li.ProductName)
	return ok("stop_lineitem_recurring"), nil
}

// updateLineitemRecurring is the undocumented method: shift (days) pushes
// the next bill date; price lowers the recurring amount. Neither given is
// PARAMETER_MISSING for the invented name "shift_or_price", after the
// recorded "sale_or_invoice_id".
func updateLineitemRecurring(c *call) (any, *apiError) {
	ref, e := c.findLineitem()
	if e != nil {
		return nil, e
	}
	comment, e := text(c.p, "comment", 5000)
	if e != nil {
		return nil, e
	}
	if !noAngles(comment) {
		return nil, errInvalid("comment")
	}
	if !c.p.given("shift") && !c.p.given("price") {
		return nil, errMissing("shift_or_price")
	}
	shift := 0
	if c.p.given("shift") {
		n, okN := smallPositive(c.p.get("shift"))
		if !okN || n > 3650 {
			return nil, errInvalid("shift")
		}
		shift = n
	}
	var price int64 = -1
	if c.p.given("price") {
		v, okP := parseMoney(c.p.get("price"))
		if !okP || v < 1 {
			return nil, errInvalid("price")
		}
		price = v
	}
	li := ref.li
	if !activeRecurring(li) {
		return nil, newErr("NOTHING_TO_DO", msgNotRecurring, "")
	}
	if li.Billing.BillMethod == "paypal_int" {
		return nil, newErr("FORBIDDEN", msgPayPalRecurring, "")
	}
	if price >= 0 && price >= moneyOf(li.Billing.Amount) {
		return nil, errInvalid("price")
	}
	if shift > 0 && li.Billing.DateNext != nil {
		if d, err := time.Parse("2006-01-02", *li.Billing.DateNext); err == nil {
			li.Billing.DateNext = sp(d.AddDate(0, 0, shift).Format("2006-01-02"))
		}
	}
	if price >= 0 {
		p := formatCents(price)
		li.Billing.Amount, li.Billing.CustomerAmount, li.Billing.UsdAmount, li.Billing.VendorAmount = p, p, p, p
	}
	if comment == "" {
		comment = "Recurring billing updated for " + li.ProductName
	}
	c.addComment(ref.sale, comment)
	return ok("update_lineitem_recurring"), nil
}
