package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"
)

// paths builds the panel's addresses from the route table's names with
// echo's Reverse, so a link names a route rather than spelling its path:
// a renamed or removed route breaks the build's route check (checkPaths)
// and the link-walking test, never a page silently. Templates get these
// URLs in their view models.
type paths struct{ e *echo.Echo }

// to is the address of the named route with its parameters, each escaped
// as one path segment.
func (p paths) to(name string, params ...string) string {
	args := make([]any, len(params))
	for i, s := range params {
		args[i] = url.PathEscape(s)
	}
	return p.e.Reverse(name, args...)
}

// withQuery adds a query string to an address, leaving it bare when q is
// empty.
func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (p paths) Home() string         { return p.to("home") }
func (p paths) Manifest() string     { return p.to("manifest") }
func (p paths) Login() string        { return p.to("login.form") }
func (p paths) Logout() string       { return p.to("logout") }
func (p paths) SecondFactor() string { return p.to("login.2fa.form") }
func (p paths) Setup() string        { return p.to("setup.form") }

func (p paths) Me() string             { return p.to("me") }
func (p paths) MePassword() string     { return p.to("me.password.form") }
func (p paths) MeSecondFactor() string { return p.to("me.2fa.form") }
func (p paths) MeRecovery() string     { return p.to("me.2fa.recovery") }
func (p paths) MeSessions() string     { return p.to("me.sessions") }
func (p paths) MeEndOthers() string    { return p.to("me.sessions.end-others") }
func (p paths) MeBadge() string        { return p.to("me.badge.form") }
func (p paths) MeBadgeRemove() string  { return p.to("me.badge.remove") }
func (p paths) LoginBadge() string     { return p.to("login.badge") }
func (p paths) MeEndSession(sid string) string {
	return p.to("me.sessions.end", sid)
}

func (p paths) Products() string                { return p.to("products.list") }
func (p paths) ProductNew() string              { return p.to("products.new") }
func (p paths) Product(id string) string        { return p.to("products.show", id) }
func (p paths) ProductEdit(id string) string    { return p.to("products.edit", id) }
func (p paths) ProductDelete(id string) string  { return p.to("products.delete", id) }
func (p paths) ProductConfirm(id string) string { return p.to("products.confirm-removal", id) }

func (p paths) Options() string                { return p.to("options.list") }
func (p paths) OptionNew() string              { return p.to("options.new") }
func (p paths) OptionValueRow() string         { return p.to("options.value-row") }
func (p paths) Option(id string) string        { return p.to("options.show", id) }
func (p paths) OptionEdit(id string) string    { return p.to("options.edit", id) }
func (p paths) OptionDelete(id string) string  { return p.to("options.delete", id) }
func (p paths) OptionConfirm(id string) string { return p.to("options.confirm-removal", id) }

func (p paths) Coupons() string                  { return p.to("coupons.list") }
func (p paths) CouponNew() string                { return p.to("coupons.new") }
func (p paths) Coupon(code string) string        { return p.to("coupons.show", code) }
func (p paths) CouponEdit(code string) string    { return p.to("coupons.edit", code) }
func (p paths) CouponDelete(code string) string  { return p.to("coupons.delete", code) }
func (p paths) CouponConfirm(code string) string { return p.to("coupons.confirm-removal", code) }

func (p paths) Sales() string                { return p.to("sales.list") }
func (p paths) Sale(id string) string        { return p.to("sales.show", id) }
func (p paths) SaleComment(id string) string { return p.to("sales.comment", id) }
func (p paths) SaleShip(id string) string    { return p.to("sales.ship", id) }
func (p paths) Ship() string                 { return p.to("ship.screen") }
func (p paths) Account() string              { return p.to("account") }
func (p paths) AccountSecret() string        { return p.to("account.secret") }
func (p paths) Audit() string                { return p.to("audit") }
func (p paths) Users() string                { return p.to("users.list") }
func (p paths) UserNew() string              { return p.to("users.new") }
func (p paths) User(id string) string        { return p.to("users.show", id) }
func (p paths) UserDisable(id string) string { return p.to("users.disable", id) }
func (p paths) UserEnable(id string) string  { return p.to("users.enable", id) }
func (p paths) UserResetPassword(id string) string {
	return p.to("users.reset-password", id)
}
func (p paths) UserResetSecondFactor(id string) string { return p.to("users.reset-2fa", id) }

// Issue 11: INS, the pick list, packing slips, settings.
func (p paths) INS() string                      { return p.to("ins.receive") }
func (p paths) INSToken(token string) string     { return p.to("ins.receive-token", token) }
func (p paths) ShipQueue() string                { return p.to("ship.queue") }
func (p paths) ShipQueueEvents() string          { return p.to("ship.queue.events") }
func (p paths) SaleSlip(id string) string        { return p.to("sales.slip", id) }
func (p paths) Settings() string                 { return p.to("settings") }
func (p paths) UserEndSessions(id string) string { return p.to("users.sessions.end", id) }
func (p paths) UserRemoveBadge(id string) string { return p.to("users.badge.remove", id) }

// Issue 10: money and custom roles.

func (p paths) SaleRefund(id string) string        { return p.to("sales.refund", id) }
func (p paths) SaleRefundRequest(id string) string { return p.to("sales.refund-request", id) }
func (p paths) SaleStopRecurring(id, lineitem string) string {
	return p.to("sales.recurring.stop", id, lineitem)
}
func (p paths) SaleStopAllRecurring(id string) string { return p.to("sales.recurring.stop-all", id) }
func (p paths) SaleReauth(id string) string           { return p.to("sales.reauth", id) }
func (p paths) Approvals() string                     { return p.to("approvals.list") }
func (p paths) Approve(id string) string              { return p.to("approvals.approve", id) }
func (p paths) Reject(id string) string               { return p.to("approvals.reject", id) }
func (p paths) Payments() string                      { return p.to("payments") }
func (p paths) PaymentsCSV() string                   { return p.to("payments.csv") }
func (p paths) Roles() string                         { return p.to("roles.list") }
func (p paths) RoleNew() string                       { return p.to("roles.new") }
func (p paths) Role(name string) string               { return p.to("roles.show", name) }
func (p paths) RoleDelete(name string) string         { return p.to("roles.delete", name) }
