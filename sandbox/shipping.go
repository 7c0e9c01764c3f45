package sandbox

import (
	"strings"
	"time"
)

func invoiceTangible(inv *invoiceWire) bool {
	for _, li := range inv.Lineitems {
		if li.Type == "product" && li.ProductTangible == "Y" {
			return true
		}
	}
	return false
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

// authExpired reports whether the card authorization lapsed: it holds
// through the UTC day AuthExp.
func (c *call) authExpired(rec *saleRec) bool {
	return rec.AuthExp != "" && c.today() > rec.AuthExp
}

// reauthWait is how long after an attempt another one is TOO_SOON ("Please
// wait until the next day"): a day, counted from the attempt.
const reauthWait = 24 * time.Hour

// reauthorize applies the reauthorization rules: TOO_LATE once no invoice
// is merely approved; TOO_SOON within a day of the previous attempt (a
// failed one counts, so the attempt is recorded and c.dirty set); FAILED on
// a card that declines. Success renews the authorization for a week.
func (c *call) reauthorize(rec *saleRec, tooSoon string) *apiError {
	if !saleCapturable(rec) {
		return newErr("TOO_LATE", msgReauthTooLate, "")
	}
	if last, err := time.Parse(time.RFC3339, rec.LastReauth); err == nil && c.now.Before(last.Add(reauthWait)) {
		return newErr("TOO_SOON", tooSoon, "")
	}
	rec.LastReauth = c.now.Format(time.RFC3339)
	c.dirty = true
	if rec.ReauthDeclines {
		return newErr("FAILED", msgReauthFailed, "")
	}
	days := cardAuthDays
	if rec.Sale.Customer.PayMethod.Method == "paypal" {
		days = paypalAuthDays
	}
	rec.AuthExp = c.now.AddDate(0, 0, days).Format(dateLayout)
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
	if !invoiceTangible(inv) || inv.Status == "declined" || remaining(inv) <= 0 {
		return nil, newErr("NOTHING_TO_DO", msgNotShippable, "")
	}
	if inv.DateShipped != nil {
		return nil, newErr("NOTHING_TO_DO", msgAlreadyShipped, "")
	}
	if reauth && c.authExpired(rec) {
		if e := c.reauthorize(rec, msgShipReauthSoon); e != nil {
			return nil, e
		}
	}
	day := c.today()
	inv.DateShipped = sp(day)
	captured := inv.Status == "approved"
	if captured {
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
	c.s.insEvent(INSShipStatusChanged, rec, inv, nil, c.now)
	if captured {
		c.s.insEvent(INSInvoiceStatusChanged, rec, inv, nil, c.now)
	}
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
