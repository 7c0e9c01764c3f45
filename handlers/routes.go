package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/ins"
	"backoffice/money"
)

// route is one line of the route table: method, path, name, the permission
// it needs and its handler.
type route struct {
	method, path, name string
	perm               auth.Permission
	handler            echo.HandlerFunc
}

// buildRoutes constructs every handler with its dependencies and lists every
// route the panel serves, with the permission each needs next to it. Nothing
// registers itself elsewhere.
func buildRoutes(d Deps, w *web, g *guard, audit *Auditor, m *Metrics) []route {
	health := &healthHandler{st: d.Store, api: d.API, metricsToken: d.Config.MetricsToken, metrics: m}
	if d.API != nil {
		health.breaker = d.API.Breaker
		m.watchBreaker(d.API.Breaker)
	}
	throttle := auth.NewThrottle(d.Store, d.Now)
	throttle.OnLocked = m.throttleLocked
	// Badge sign-in (issue 12, item 4): off without keys (New checked them).
	var badges *auth.Badges
	if len(d.BadgeKeys) > 0 {
		badges, _ = newBadges(d, throttle)
	}
	up := stepUp{throttle: throttle, audit: audit, hasher: d.Hasher, users: d.Store}
	// Issue 11: what the panel knows from 2Checkout's notifications (INS).
	loc := d.Config.TimeZone
	if loc == nil {
		loc = time.UTC
	}
	ledger := ins.NewLedger(d.Store)
	live := liveAPI{Client: d.API, ship: d.Queue.Shipping(d.API), ledger: ledger}
	insH := &insHandler{rcv: ins.NewReceiver(d.Store, d.Verifier, ins.ReceiverOptions{Now: d.Now, Logger: d.Logger}),
		token: d.Config.INSPathToken, audit: audit, metrics: m, web: w}
	queue := &queueHandler{web: w, queue: d.Queue, loc: loc, live: d.Live}
	settings := &settingsHandler{web: w, ledger: ledger, queue: d.Queue, baseURL: d.Config.BaseURL, token: d.Config.INSPathToken, loc: loc}

	home := &homeHandler{web: w, api: d.API, audit: d.Store, team: d.Store, day: dayAtAGlance{ledger: ledger, loc: loc}}
	login := &loginHandler{web: w, users: d.Store, hasher: d.Hasher, sessions: d.Sessions, audit: audit,
		throttle: throttle, now: d.Now, badges: badges, shifts: d.Store}
	setup := &setupHandler{web: w, users: d.Store, hasher: d.Hasher, sessions: d.Sessions, audit: audit, token: d.SetupToken, now: d.Now}
	me := &meHandler{web: w, users: d.Store, hasher: d.Hasher, sessions: d.Sessions, audit: audit, stepUp: up, now: d.Now,
		badges: badges, badgeStore: d.Store}
	users := &usersHandler{web: w, users: d.Store, entries: d.Store, hasher: d.Hasher, audit: audit, now: d.Now, badges: d.Store}
	auditLog := &auditHandler{web: w, entries: d.Store, users: d.Store}
	account := &accountHandler{web: w, api: d.API, hasher: d.Hasher, users: d.Store, audit: audit, stepUp: up, now: d.Now}
	writeTimeout := apiclient.DefaultWriteTimeout
	if d.API != nil {
		_, writeTimeout = d.API.Timeouts()
	}
	wr := newWriter(d.Store, audit, d.Logger, writeTimeout, m)
	// The account's currency: every price, refund and payout is in it.
	currency := &accountCurrency{api: d.API, now: d.Now}
	products := &productsHandler{resource: resource[productsAPI]{w, wr, d.API}, catsTTL: time.Minute, currency: currency}
	options := &optionsHandler{resource[optionsAPI]{w, wr, d.API}}
	coupons := &couponsHandler{resource: resource[couponsAPI]{w, wr, d.API}, currency: currency,
		names: &productNames{api: d.API, now: d.Now, ttl: time.Minute}}
	sales := &salesHandler{resource: resource[salesAPI]{w, wr, live},
		history: saleHistory{ledger: ledger, audit: d.Store, users: d.Store, loc: loc}}
	ship := &shipHandler{resource: resource[shipSaleAPI]{w, wr, live}, st: d.Store, loc: loc}
	// Issue 10: money (refunds, approvals, recurring billing, reauthorization,
	// payouts) and custom roles.
	sales.money = saleMoney{api: d.API, refunds: d.Store, users: d.Store, currency: currency,
		policy: money.Policy{Approvals: d.Config.RefundApprovals, OverCents: d.Config.RefundApprovalOverCents}}
	approvals := &approvalsHandler{web: w, sales: sales, step: up}
	payments := &paymentsHandler{web: w, api: d.API, currency: currency}
	roles := &rolesHandler{web: w, book: g.book, audit: audit}
	users.book = g.book
	home.refunds = d.Store

	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	return []route{
		{get, "/healthz", "health.live", auth.Public, health.live},
		{get, "/readyz", "health.ready", auth.Public, health.ready},
		{get, "/metrics", "health.metrics", auth.Public, health.metricsHandler},
		{get, "/static/*", "static", auth.Public, echo.WrapHandler(d.Assets)},
		{get, "/manifest.webmanifest", "manifest", auth.Public, home.manifest},

		{get, "/setup", "setup.form", auth.Public, setup.form},
		{post, "/setup", "setup.create", auth.Public, setup.create},
		{get, "/login", "login.form", auth.Public, login.form},
		{post, "/login", "login.submit", auth.Public, login.submit},
		{post, "/login/badge", "login.badge", auth.Public, login.badgeSubmit},
		{post, "/logout", "logout", auth.Public, login.logout},
		{get, "/login/2fa", "login.2fa.form", permPasswordChecked, login.secondFactorForm},
		{post, "/login/2fa", "login.2fa.submit", permPasswordChecked, login.secondFactorSubmit},

		{get, "/", "home", auth.SignedIn, home.show},

		{get, "/me", "me", auth.SignedIn, me.show},
		{get, "/me/password", "me.password.form", permEnrolling, me.passwordForm},
		{post, "/me/password", "me.password.change", permEnrolling, me.changePassword},
		{get, "/me/2fa", "me.2fa.form", permEnrolling, me.secondFactorForm},
		{post, "/me/2fa", "me.2fa.enrol", permEnrolling, me.enrol},
		{post, "/me/2fa/recovery", "me.2fa.recovery", auth.SignedIn, me.newRecoveryCodes},
		{get, "/me/sessions", "me.sessions", auth.SignedIn, me.sessionsList},
		{post, "/me/sessions/end-others", "me.sessions.end-others", auth.SignedIn, me.endOtherSessions},
		{post, "/me/sessions/:sid/end", "me.sessions.end", auth.SignedIn, me.endSession},
		{get, "/me/badge", "me.badge.form", auth.SignedIn, me.badgeForm},
		{post, "/me/badge", "me.badge.set", auth.SignedIn, me.setBadge},
		{post, "/me/badge/remove", "me.badge.remove", auth.SignedIn, me.removeBadge},

		{get, "/products", "products.list", auth.ProductsView, products.list},
		{get, "/products/new", "products.new", auth.ProductsEdit, products.newForm},
		{post, "/products", "products.create", auth.ProductsEdit, products.create},
		{get, "/products/:id", "products.show", auth.ProductsView, products.show},
		{get, "/products/:id/edit", "products.edit", auth.ProductsEdit, products.editForm},
		{post, "/products/:id", "products.update", auth.ProductsEdit, products.update},
		{get, "/products/:id/delete", "products.confirm-removal", auth.ProductsDelete, products.deletion().confirm},
		{post, "/products/:id/delete", "products.delete", auth.ProductsDelete, products.deletion().send},

		{get, "/options", "options.list", auth.OptionsView, options.list},
		{get, "/options/new", "options.new", auth.OptionsEdit, options.newForm},
		{get, "/options/value-row", "options.value-row", auth.OptionsEdit, options.valueRow},
		{post, "/options", "options.create", auth.OptionsEdit, options.create},
		{get, "/options/:id", "options.show", auth.OptionsView, options.show},
		{get, "/options/:id/edit", "options.edit", auth.OptionsEdit, options.editForm},
		{post, "/options/:id", "options.update", auth.OptionsEdit, options.update},
		{get, "/options/:id/delete", "options.confirm-removal", auth.OptionsDelete, options.deletion().confirm},
		{post, "/options/:id/delete", "options.delete", auth.OptionsDelete, options.deletion().send},

		{get, "/coupons", "coupons.list", auth.CouponsView, coupons.list},
		{get, "/coupons/new", "coupons.new", auth.CouponsEdit, coupons.newForm},
		{post, "/coupons", "coupons.create", auth.CouponsEdit, coupons.create},
		{get, "/coupons/:code", "coupons.show", auth.CouponsView, coupons.show},
		{get, "/coupons/:code/edit", "coupons.edit", auth.CouponsEdit, coupons.editForm},
		{post, "/coupons/:code", "coupons.update", auth.CouponsEdit, coupons.update},
		{get, "/coupons/:code/delete", "coupons.confirm-removal", auth.CouponsDelete, coupons.deletion().confirm},
		{post, "/coupons/:code/delete", "coupons.delete", auth.CouponsDelete, coupons.deletion().send},

		{get, "/sales", "sales.list", auth.SalesView, sales.list},
		{get, "/sales/:id", "sales.show", auth.SalesView, sales.show},
		{post, "/sales/:id/comments", "sales.comment", auth.SalesComment, sales.comment},
		{post, "/sales/:id/ship", "sales.ship", auth.SalesShip, sales.ship},

		{get, "/ship", "ship.screen", auth.SalesShip, ship.screen},
		{post, "/ship", "ship.send", auth.SalesShip, ship.send},

		{get, "/account", "account", auth.AccountView, account.show},
		{post, "/account/secret", "account.secret", auth.AccountSecret, account.revealSecret},

		{get, "/users", "users.list", auth.UsersManage, users.list},
		{get, "/users/new", "users.new", auth.UsersManage, users.newForm},
		{post, "/users", "users.create", auth.UsersManage, users.create},
		{get, "/users/:id", "users.show", auth.UsersManage, users.show},
		{post, "/users/:id", "users.update", auth.UsersManage, users.update},
		{get, "/users/:id/disable", "users.confirm-disabling", auth.UsersManage, users.confirmDisable},
		{post, "/users/:id/disable", "users.disable", auth.UsersManage, users.disable},
		{post, "/users/:id/enable", "users.enable", auth.UsersManage, users.enable},
		{post, "/users/:id/reset-password", "users.reset-password", auth.UsersManage, users.resetPassword},
		{post, "/users/:id/reset-2fa", "users.reset-2fa", auth.UsersManage, users.resetSecondFactor},
		{post, "/users/:id/sessions/end", "users.sessions.end", auth.UsersManage, users.endSessions},
		{post, "/users/:id/badge/remove", "users.badge.remove", auth.UsersManage, users.removeBadge},

		{get, "/audit", "audit", auth.AuditView, auditLog.list},

		// Issue 11: INS, the pick list, packing slips, settings.
		{post, "/ins", "ins.receive", permMachine, insH.limited(insH.receive)},
		{post, "/ins/:token", "ins.receive-token", permMachine, insH.limited(insH.receiveToken)},
		{get, "/ship/queue", "ship.queue", auth.SalesShip, queue.show},
		{get, "/ship/queue/events", "ship.queue.events", auth.SalesShip, queue.events},
		{get, "/sales/:id/slip", "sales.slip", auth.SalesShip, sales.slip},
		{get, "/settings", "settings", auth.AccountSecret, settings.show},

		// Issue 10: refunds, recurring billing and reauthorization from the
		// sale page; refund approvals; payouts; custom roles.
		{post, "/sales/:id/refunds", "sales.refund", auth.SalesRefund, sales.refund},
		{post, "/sales/:id/refund-requests", "sales.refund-request", auth.SalesRefundRequest, sales.refundRequest},
		{get, "/sales/:id/recurring/:lineitem/stop", "sales.recurring.confirm-stop", auth.SalesRecurring, sales.confirmStop},
		{post, "/sales/:id/recurring/:lineitem/stop", "sales.recurring.stop", auth.SalesRecurring, sales.stopRecurring},
		{get, "/sales/:id/recurring/stop-all", "sales.recurring.confirm-stop-all", auth.SalesRecurring, sales.confirmStopAll},
		{post, "/sales/:id/recurring/stop-all", "sales.recurring.stop-all", auth.SalesRecurring, sales.stopAllRecurring},
		{post, "/sales/:id/reauth", "sales.reauth", auth.SalesReauth, sales.reauthorize},
		{get, "/approvals", "approvals.list", auth.RefundsApprove, approvals.list},
		{post, "/approvals/:id/approve", "approvals.approve", auth.RefundsApprove, approvals.approve},
		{post, "/approvals/:id/reject", "approvals.reject", auth.RefundsApprove, approvals.reject},
		{get, "/payments", "payments", auth.PaymentsView, payments.show},
		{get, "/payments.csv", "payments.csv", auth.PaymentsView, payments.csv},
		{get, "/roles", "roles.list", auth.UsersManage, roles.list},
		{get, "/roles/new", "roles.new", auth.UsersManage, roles.newForm},
		{post, "/roles", "roles.create", auth.UsersManage, roles.create},
		{get, "/roles/:name", "roles.show", auth.UsersManage, roles.show},
		{post, "/roles/:name", "roles.update", auth.UsersManage, roles.update},
		{get, "/roles/:name/delete", "roles.confirm-removal", auth.UsersManage, roles.confirmDelete},
		{post, "/roles/:name/delete", "roles.delete", auth.UsersManage, roles.delete},
	}
}
