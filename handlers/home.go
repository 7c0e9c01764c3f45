package handlers

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/store"
	homepage "backoffice/templates/pages/home"
)

type companyAPI interface {
	CompanyInfo(ctx context.Context) (*apiclient.CompanyInfo, error)
}

type recentAudit interface {
	ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error)
}

// homeHandler serves the home page: the tasks this person's role allows as
// large links, the company the panel works on, and their recent actions.
type homeHandler struct {
	*web
	api   companyAPI
	audit recentAudit
	// team names the people the recent actions mention.
	team userLister
	day  dayAtAGlance
	// refunds are the person's own refunds and requests (issue 10).
	refunds requesterRefunds

	mu        sync.Mutex
	company   string
	companyAt time.Time
}

// homeTiles are the home page's task links: a route name, a hint and the
// permission that shows the tile. A tile promises only what the role may
// do: when the role also has more (editing), hint is the one that says so
// and hintView the one for looking only.
var homeTiles = []struct {
	label, route, hint string
	perm               auth.Permission
	more               auth.Permission
	hintView           string
}{
	{"Scan to ship", "ship.screen", "Scan a sale, scan the tracking number, next parcel.", auth.SalesShip, "", ""},
	{"Find a sale", "sales.list", "By number, customer, e-mail, phone or date.", auth.SalesView, "", ""},
	{"Products", "products.list", "Look up, create and edit products.", auth.ProductsView,
		auth.ProductsEdit, "Look up products, their prices and options."},
	{"Options", "options.list", "Create and edit product options and their values.", auth.OptionsView,
		auth.OptionsEdit, "Product options and their values."},
	{"Coupons", "coupons.list", "Create and edit discount codes and what they apply to.", auth.CouponsView,
		auth.CouponsEdit, "Discount codes and what they apply to."},
	{"Account", "account", "Contact and company details; the INS secret word.", auth.AccountView,
		auth.AccountSecret, "Contact and company details."},
	{"Team", "users.list", "Add people, set roles, reset access.", auth.UsersManage, "", ""},
	{"Audit log", "audit", "Who did what, when.", auth.AuditView, "", ""},
	{"Refund approvals", "approvals.list", "Refund requests waiting for a second person.", auth.RefundsApprove, "", ""},
	{"Payouts", "payments", "What 2Checkout will pay you next, and has paid.", auth.PaymentsView, "", ""},
	{"Roles", "roles.list", "What each role may do; custom roles.", auth.UsersManage, "", ""},
}

// companyName reads the company name from the API, kept for five minutes so
// the home page does not cost an upstream call every time.
func (h *homeHandler) companyName(ctx context.Context) (string, error) {
	h.mu.Lock()
	if h.company != "" && h.now().Sub(h.companyAt) < 5*time.Minute {
		defer h.mu.Unlock()
		return h.company, nil
	}
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	co, err := h.api.CompanyInfo(ctx)
	if err != nil {
		return "", err
	}
	name := text(co.VendorName)
	h.mu.Lock()
	h.company, h.companyAt = name, h.now()
	h.mu.Unlock()
	return name, nil
}

func (h *homeHandler) show(c echo.Context) error {
	ctx := c.Request().Context()
	rq := requestOf(c)
	view := homepage.View{Name: rq.User().Name}
	name, err := h.companyName(ctx)
	if err != nil {
		h.log.Warn("company info for home page", "request_id", rq.ID, "error", err)
		view.UpstreamError = upstreamView(err).Message
	}
	view.Company = name
	for _, t := range homeTiles {
		if !rq.Can(t.perm) {
			continue
		}
		hint := t.hint
		if t.more != "" && !rq.Can(t.more) {
			hint = t.hintView
		}
		view.Tiles = append(view.Tiles, homepage.Tile{Label: t.label, Href: h.paths.to(t.route), Hint: hint})
	}
	if view.Today, err = h.day.today(ctx, rq, h.paths); err != nil {
		return err
	}
	if view.Refunds, err = h.myRefunds(ctx, rq); err != nil {
		return err
	}
	recent, err := h.audit.ListAudit(ctx, store.AuditFilter{UserID: rq.User().ID, Limit: 8})
	if err != nil {
		return err
	}
	var names auditNames
	if len(recent) > 0 {
		team, err := h.team.ListUsers(ctx)
		if err != nil {
			return err
		}
		names = namesOf(team)
	}
	for _, e := range recent {
		view.Recent = append(view.Recent, homepage.Action{At: rq.When(e.At), Outcome: e.Outcome,
			Event: auditEvent(e, names)})
	}
	return h.render(c, http.StatusOK, "Home", homepage.Page(view), nil)
}

// manifest serves the web app manifest with the icons' hashed URLs, so the
// panel can be added to a phone's home screen and opens on scan-to-ship.
func (h *homeHandler) manifest(c echo.Context) error {
	body := strings.NewReplacer(
		"/static/icons/icon.svg", h.assets.Path("icons/icon.svg"),
		"/static/icons/icon-192.png", h.assets.Path("icons/icon-192.png"),
		"/static/icons/icon-512.png", h.assets.Path("icons/icon-512.png"),
	).Replace(h.assets.Text("manifest.webmanifest"))
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "application/manifest+json", []byte(body))
}
