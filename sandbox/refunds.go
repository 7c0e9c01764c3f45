package sandbox

import (
	"strings"
	"time"
)

// Refunds are kept where the API shows them: each refund is a line item of
// its invoice, of type "refund" and status "refund", whose amounts are what
// was given back (positive, as INS's REFUND_ISSUED items of item_type
// "refund" carry them). A refund of one line item (refund_lineitem) links
// to it through linked_id and flags that line item "refund"; a refund of
// (part of) an invoice (refund_invoice) is a "partial" refund item linked
// to no product, and flags nothing, because after a full refund_invoice the
// vendor's own test gets TOO_HIGH from refund_lineitem, not "Lineitem was
// already refunded." (PY test_5_refund_lineitem). What is left to refund is
// the invoice's usd_total minus its refund items, so the state needs no
// hidden bookkeeping and a client can compute the same figure.

// refundItemName is the product_name of a refund of (part of) an invoice:
// INS calls such a refund "partial", with no specific product.
const refundItemName = "Refund"

// refundWindow is the age limit of refunds ("over 180 days": TOO_LATE).
const refundWindow = 180 * 24 * time.Hour

// isRefundLine reports a refund line item.
func isRefundLine(li *lineitemWire) bool { return li.Type == "refund" }

// isFeeLine reports a Tax Fee or Shipping Fee line item: recorded with type
// "product" like the goods, it is told apart by having neither a
// vendor_product_id nor an installment (admin-api.md 4.1).
func isFeeLine(li *lineitemWire) bool {
	return li.Type == "product" && li.VendorProductID == nil && li.Installment == nil
}

// refundedCents is the sum of an invoice's refund items.
func refundedCents(inv *invoiceWire) int64 {
	var n int64
	for _, li := range inv.Lineitems {
		if isRefundLine(li) {
			n += moneyOf(li.UsdAmount)
		}
	}
	return n
}

// remaining is what is left to refund on an invoice, in cents.
func remaining(inv *invoiceWire) int64 { return moneyOf(inv.UsdTotal) - refundedCents(inv) }

// saleRefunded reports a sale with any refund, for list_sales refunded=1.
func saleRefunded(s *saleWire) bool {
	for _, inv := range s.Invoices {
		if refundedCents(inv) > 0 {
			return true
		}
	}
	return false
}

// addRefundLine records a refund of cents on inv, of the line item linked
// (nil for a refund of the invoice), at the given moment, and returns it.
// The seed and the API both refund through here.
func addRefundLine(st *state, inv *invoiceWire, cents int64, linked *lineitemWire, when time.Time) *lineitemWire {
	amt := formatCents(cents)
	first := inv.Lineitems[0]
	li := &lineitemWire{
		CustomerAmount: amt, InvoiceID: inv.InvoiceID, LineitemID: st.newID(), Options: []lineitemOptionWire{},
		ProductDescription: "", ProductIsCart: "0", ProductName: refundItemName, ProductPrice: amt,
		ProductTangible: "N", SaleID: inv.SaleID, Status: "refund", Type: "refund", UsdAmount: amt, VendorAmount: amt,
	}
	if linked != nil {
		li.LinkedID = sp(linked.LineitemID)
		li.ProductName, li.ProductID, li.VendorProductID = linked.ProductName, linked.ProductID, linked.VendorProductID
		li.ProductDescription, li.ProductTangible = linked.ProductDescription, linked.ProductTangible
	}
	day := sp(when.Format(dateLayout))
	li.Billing = billingWire{
		Amount: amt, BillMethod: first.Billing.BillMethod, BillingID: st.newID(), CustomerAmount: amt,
		CustomerID: first.Billing.CustomerID, DateEnd: day, DateStart: day, LineitemID: li.LineitemID,
		Status: "refund", UsdAmount: amt, VendorAmount: amt,
	}
	inv.Lineitems = append(inv.Lineitems, li)
	return li
}

// refundLineitemIn refunds one line item in full and flags it.
func refundLineitemIn(st *state, inv *invoiceWire, li *lineitemWire, when time.Time) *lineitemWire {
	li.Status, li.Billing.Status = "refund", "refund"
	return addRefundLine(st, inv, moneyOf(li.CustomerAmount), li, when)
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

// tooOld applies the 180-day refund limit, counted from the invoice's
// date_placed on the clock.
func (c *call) tooOld(inv *invoiceWire) bool {
	placed, err := time.Parse(tsLayout, inv.DatePlaced)
	if err != nil {
		return false
	}
	return c.now.After(placed.Add(refundWindow))
}

// refundInvoice refunds (part of) one invoice: amount, or by default all
// that is left. All seeded money is USD for vendor and customer alike, so
// currency (usd, vendor or customer) is validated but converts nothing.
// The rules run in the order the vendor's tests show: an old invoice is
// TOO_LATE even when it was refunded already (RUBY test), and a refunded
// one is NOTHING_TO_DO (PHP test) before any amount is compared.
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
	if c.tooOld(inv) {
		return nil, newErr("TOO_LATE", msgInvoiceTooOld, "")
	}
	left := remaining(inv)
	if left <= 0 {
		return nil, newErr("NOTHING_TO_DO", msgInvoiceRefunded, "")
	}
	if !hasAmount {
		amount = left
	}
	if amount > left {
		return nil, newErr("TOO_HIGH", msgAmountTooHigh, "")
	}
	li := addRefundLine(c.st(), inv, amount, nil, c.now)
	c.indexLineitems(rec, inv)
	c.addComment(rec, "Refund Issued On Invoice: "+comment)
	c.s.insEvent(INSRefundIssued, rec, inv, li, c.now)
	return ok("refund_invoice"), nil
}

// refundLineitem refunds one product line item in full. Refund items and
// the Tax/Shipping Fee items cannot be refunded (INVALID_PARAMETER), checked
// before the age as the RUBY test shows for an old sale's last line item.
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
	if li.Type != "product" || isFeeLine(li) {
		return nil, newErr("INVALID_PARAMETER", msgNotRefundable, "")
	}
	if c.tooOld(inv) {
		return nil, newErr("TOO_LATE", msgLineTooOld, "")
	}
	if li.Status == "refund" {
		return nil, newErr("NOTHING_TO_DO", msgLineRefunded, "")
	}
	amount := moneyOf(li.CustomerAmount)
	if amount < 1 {
		return nil, newErr("TOO_LOW", msgLineTooLow, "")
	}
	if amount > remaining(inv) {
		return nil, newErr("TOO_HIGH", msgLineTooHigh, "")
	}
	refund := refundLineitemIn(c.st(), inv, li, c.now)
	c.indexLineitems(rec, inv)
	c.addComment(rec, "Refund Issued On Lineitem: "+comment)
	c.s.insEvent(INSRefundIssued, rec, inv, refund, c.now)
	return ok("refund_lineitem"), nil
}

// indexLineitems adds an invoice's new line items to the index.
func (c *call) indexLineitems(rec *saleRec, inv *invoiceWire) {
	for _, li := range inv.Lineitems {
		if _, found := c.idx().lineitems[li.LineitemID]; !found {
			c.idx().lineitems[li.LineitemID] = lineRef{rec, inv, li}
		}
	}
}
