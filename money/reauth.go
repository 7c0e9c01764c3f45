package money

import (
	"fmt"
	"strings"
	"time"

	"backoffice/apiclient"
)

// How long an authorization lasts (a card's, a PayPal payment's), and how
// early the panel warns; see "Reauthorization" in the package doc.
const (
	AuthorizationLife       = 7 * 24 * time.Hour
	PayPalAuthorizationLife = 28 * 24 * time.Hour
	AuthorizationWarning    = 48 * time.Hour
)

// AuthState is where a sale's card authorization stands.
type AuthState int

// The authorization states.
const (
	// AuthNotApplicable: no physical goods waiting for capture (intangible,
	// already shipped or captured), so nothing to reauthorize.
	AuthNotApplicable AuthState = iota
	AuthValid
	// AuthExpiring: it ends within AuthorizationWarning.
	AuthExpiring
	AuthExpired
)

// Authorization describes a tangible sale's card authorization.
type Authorization struct {
	State AuthState
	// InvoiceID is the uncaptured invoice whose authorization ends first.
	InvoiceID string
	// Since is the order date or the latest reauthorization; Expires is
	// AuthorizationLife (PayPalAuthorizationLife) later.
	Since   time.Time
	Expires time.Time
	// PayPal: the buyer paid with PayPal, whose authorizations hold longer.
	PayPal bool
}

// Offer tells whether the sale page offers "Reauthorize" (sales.reauth):
// when the authorization is about to expire or has expired.
func (a Authorization) Offer() bool { return a.State == AuthExpiring || a.State == AuthExpired }

// Words says where the authorization stands, for the sale page; "" when
// there is nothing to say.
func (a Authorization) Words(now time.Time) string {
	when := a.Expires.UTC().Format("2006-01-02 15:04") + " UTC"
	switch a.State {
	case AuthExpiring:
		return fmt.Sprintf("The %s expires on %s (in %s). Ship before then, or reauthorize the payment.", a.what(), when, roughly(a.Expires.Sub(now)))
	case AuthExpired:
		return fmt.Sprintf("The %s expired on %s. Reauthorize the payment before shipping, or 2Checkout may fail to collect it.", a.what(), when)
	}
	return ""
}

func (a Authorization) what() string {
	if a.PayPal {
		return "PayPal authorization"
	}
	return "card authorization"
}

// roughly says a duration in hours or days.
func roughly(d time.Duration) string {
	h := int(d.Round(time.Hour) / time.Hour)
	switch {
	case h <= 1:
		return "less than an hour"
	case h < 36:
		return fmt.Sprintf("%d hours", h)
	}
	return fmt.Sprintf("%d days", (h+12)/24)
}

// AuthorizationOf works out a sale's card authorization at now. Only
// invoices with physical goods that are still "approved" (authorized, not
// captured) and not shipped have one; the one that ends first counts.
func AuthorizationOf(s *apiclient.Sale, now time.Time) Authorization {
	reauth := lastReauthorization(s)
	paypal := paidWithPayPal(s)
	life := AuthorizationLife
	if paypal {
		life = PayPalAuthorizationLife
	}
	var a Authorization
	for _, inv := range s.Invoices {
		if inv.Status.Value != "approved" || !inv.DateShipped.Blank() || !tangible(&inv) {
			continue
		}
		since, ok := APITime(inv.DatePlaced)
		if !ok {
			continue
		}
		if reauth.After(since) {
			since = reauth
		}
		if a.State == AuthNotApplicable || since.Before(a.Since) {
			a = Authorization{State: AuthValid, InvoiceID: inv.InvoiceID.Value, Since: since, Expires: since.Add(life), PayPal: paypal}
		}
	}
	switch {
	case a.State == AuthNotApplicable:
	case !now.Before(a.Expires):
		a.State = AuthExpired
	case a.Expires.Sub(now) <= AuthorizationWarning:
		a.State = AuthExpiring
	}
	return a
}

// paidWithPayPal tells a PayPal payment: the buyer's pay_method says so, or
// a line item's billing bill_method does ("paypal_int").
func paidWithPayPal(s *apiclient.Sale) bool {
	if strings.Contains(strings.ToLower(s.Customer.PayMethod.Method.Value), "paypal") {
		return true
	}
	for _, inv := range s.Invoices {
		for _, li := range inv.Lineitems {
			if strings.HasPrefix(strings.ToLower(li.Billing.BillMethod.Value), "paypal") {
				return true
			}
		}
	}
	return false
}

func tangible(inv *apiclient.Invoice) bool {
	if inv.Shipping != nil {
		return true
	}
	for _, li := range inv.Lineitems {
		if strings.EqualFold(li.ProductTangible.Value, "Y") {
			return true
		}
	}
	return false
}

// lastReauthorization is the time of the latest "Payment reauthorized"
// comment on the sale; zero when there is none.
func lastReauthorization(s *apiclient.Sale) time.Time {
	var last time.Time
	for _, c := range s.Comments {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(c.Comment.Value)), "payment reauthorized") {
			continue
		}
		if at, ok := APITime(c.Timestamp); ok && at.After(last) {
			last = at
		}
	}
	return last
}
