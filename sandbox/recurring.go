package sandbox

import "time"

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
	c.s.insEvent(INSRecurringStopped, ref.sale, ref.inv, ref.li, c.now)
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
