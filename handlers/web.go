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
	// pages holds the GET paths of the route table, so navigation links
	// only to pages that exist.
	pages map[string]bool
}

// linkable reports whether href is a page this panel serves and the viewer's
// role may open.
func (w *web) linkable(v *viewer, href string, p auth.Permission) bool {
	return w.pages[href] && v.Role.Can(p)
}

// navItems is the top navigation in display order, each with the permission
// that makes it visible. Visibility is a convenience only: every route checks
// its permission on the server.
var navItems = []struct {
	label, href string
	perm        auth.Permission
}{
	{"Ship", "/ship", auth.SalesShip},
	{"Sales", "/sales", auth.SalesView},
	{"Products", "/products", auth.ProductsView},
	{"Options", "/options", auth.OptionsView},
	{"Coupons", "/coupons", auth.CouponsView},
	{"Account", "/account", auth.AccountView},
	{"Team", "/users", auth.UsersManage},
	{"Audit", "/audit", auth.AuditView},
}

// shell builds the page frame for the current request.
func (w *web) shell(c echo.Context, title string) layout.Shell {
	s := layout.Shell{
		Title:   title,
		Nonce:   NonceOf(c),
		Sandbox: w.sandbox,
		Assets: layout.Assets{
			CSS:      w.assets.Path("app.css"),
			JS:       w.assets.Path("app.js"),
			Htmx:     w.assets.Path("htmx-2.0.11.min.js"),
			Icon:     w.assets.Path("icons/icon.svg"),
			Manifest: "/manifest.webmanifest",
		},
	}
	if vis := visitOf(c); vis != nil {
		s.CSRFToken = vis.CSRF
		for _, f := range vis.TakeFlash() {
			s.Flash = append(s.Flash, layout.Flash{Kind: f.Kind, Text: f.Text})
		}
	}
	if v := viewerOf(c); v != nil && v.Full {
		s.User = &layout.User{Name: v.User.Name, Email: v.User.Email, Role: v.Role.Label()}
		path := c.Request().URL.Path
		for _, n := range navItems {
			if w.linkable(v, n.href, n.perm) {
				s.Nav = append(s.Nav, layout.NavItem{Label: n.label, Href: n.href,
					Current: path == n.href || strings.HasPrefix(path, n.href+"/")})
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
	if err := comp.Render(c.Request().Context(), buf); err != nil {
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
