package handlers

import (
	"bytes"
	"log/slog"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/static"
	"backoffice/store"
	"backoffice/templates/components"
	"backoffice/templates/layout"
)

// web is what every handler shares: the page shell, flash messages, the
// render and error paths, the clock and the logger. Resource handlers embed
// it and add only the dependencies they use.
type web struct {
	log     *slog.Logger
	assets  *static.Assets
	sandbox bool
	now     func() time.Time
	// sessions is nil only in tests of the bare server skeleton.
	sessions *auth.Sessions
	// paths builds links from the route table's names.
	paths paths
}

// navItems is the top navigation in display order: each a route name and
// the permission that makes it visible. Visibility is a convenience only:
// every route checks its permission on the server.
var navItems = []struct {
	label, route string
	perm         auth.Permission
}{
	{"Ship", "ship.screen", auth.SalesShip},
	{"Pick list", "ship.queue", auth.SalesShip},
	{"Sales", "sales.list", auth.SalesView},
	{"Products", "products.list", auth.ProductsView},
	{"Options", "options.list", auth.OptionsView},
	{"Coupons", "coupons.list", auth.CouponsView},
	{"Account", "account", auth.AccountView},
	{"Team", "users.list", auth.UsersManage},
	{"Audit", "audit", auth.AuditView},
	{"Approvals", "approvals.list", auth.RefundsApprove},
	{"Payouts", "payments", auth.PaymentsView},
	{"Settings", "settings", auth.AccountSecret},
}

// shell builds the page frame for the current request.
func (w *web) shell(c echo.Context, title string) layout.Shell {
	s := layout.Shell{
		Title:     title,
		MeURL:     w.paths.Me(),
		LogoutURL: w.paths.Logout(),
		Nonce:     NonceOf(c),
		Sandbox:   w.sandbox,
		Assets: layout.Assets{
			CSS:      w.assets.Path("app.css"),
			JS:       w.assets.Path("app.js"),
			Htmx:     w.assets.Path("htmx-2.0.11.min.js"),
			Icon:     w.assets.Path("icons/icon.svg"),
			Manifest: w.paths.Manifest(),
		},
	}
	if vis := visitOf(c); vis != nil {
		s.CSRFToken = vis.CSRF
		for _, f := range vis.TakeFlash() {
			s.Flash = append(s.Flash, layout.Flash{Kind: f.Kind, Text: f.Text, At: f.At})
		}
	}
	rq := requestOf(c)
	if v := rq.viewer; v != nil && v.Full {
		s.User = &layout.User{Name: v.User.Name, Email: v.User.Email, Role: v.Grants.Label()}
		if v.Session != nil && v.Session.Method == store.SignInBadge && w.sessions != nil {
			// The server's clock starts at the last request it counted;
			// a minute more covers its once-a-minute bookkeeping.
			s.IdleSignOut = int((w.sessions.IdleLimit(visitOf(c)) + time.Minute) / time.Second)
			s.IdleURL = w.paths.Login()
		}
		for _, n := range navItems {
			if rq.Can(n.perm) {
				href := w.paths.to(n.route)
				s.Nav = append(s.Nav, layout.NavItem{Label: n.label, Href: href,
					Current: rq.Path == href || strings.HasPrefix(rq.Path, href+"/")})
			}
		}
	}
	return s
}

// renderFragment renders a bare component (no shell) with a status.
func (w *web) renderFragment(c echo.Context, status int, comp templ.Component) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := comp.Render(components.WithFocus(c.Request().Context()), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// flash queues a one-time message for the next page this browser shows.
func (w *web) flash(c echo.Context, kind, text string) {
	if vis := visitOf(c); vis != nil {
		vis.AddFlash(kind, text)
	}
}

// flashAt queues a message to be shown in the section with id at of the
// next page (the redirect goes to "#"+at), so it is where the page lands:
// "Comment added" at the comments. A page without that section shows it at
// the top like any other (placed takes it out for one that has it).
func (w *web) flashAt(c echo.Context, kind, at, text string) {
	if vis := visitOf(c); vis != nil {
		vis.AddFlashAt(kind, at, text)
	}
}

// placed splits the shell's flashes into those for the section at and the
// rest.
func placed(fs []layout.Flash, at string) (rest, here []layout.Flash) {
	for _, f := range fs {
		if f.At == at {
			here = append(here, f)
		} else {
			rest = append(rest, f)
		}
	}
	return rest, here
}
