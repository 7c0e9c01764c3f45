package handlers

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/config"
	"backoffice/htmx"
	"backoffice/store"
)

// Route-only permissions that are not part of any role: they describe where
// a visitor is in the sign-in flow rather than what their job allows.
const (
	// permPasswordChecked: the password step passed; the second factor is due.
	permPasswordChecked auth.Permission = "password-checked"
	// permEnrolling: signed in, possibly still owing the second-factor
	// enrolment the policy requires (the enrolment pages themselves).
	permEnrolling auth.Permission = "signed-in-enrolling"
)

// viewer is the signed-in person of this request.
type viewer struct {
	User    *store.User
	Session *store.Session
	Role    auth.Role
	// Grants is what Role allows, resolved once per request (RoleBook.Grants):
	// a built-in role's fixed set, or a custom role's stored one as it is
	// now, so an admin's edit applies from the holder's next request.
	Grants auth.Grants
	// Full is false while the second factor is still due (given or enrolled).
	Full bool
}

// Can reports whether the viewer may do what p names. It is the one place a
// permission is computed from the person: from the grants of their role,
// built in or custom. A nil viewer (nobody signed in) may do nothing.
func (v *viewer) Can(p auth.Permission) bool {
	return v != nil && v.Grants.Can(p)
}

func viewerOf(c echo.Context) *viewer {
	v, _ := c.Get(keyViewer.String()).(*viewer)
	return v
}

func visitOf(c echo.Context) *auth.Visit {
	v, _ := c.Get("bo.visit").(*auth.Visit)
	return v
}

// guard holds what the request-level checks need.
type guard struct {
	sessions *auth.Sessions
	// book resolves the signed-in person's role into grants.
	book    *auth.RoleBook
	policy  config.TwoFactorPolicy
	baseURL string
	log     *slog.Logger
	audit   *Auditor
	now     func() time.Time
	paths   paths
	// machine holds the routes a machine posts to ("POST /ins"), which
	// carry no CSRF token: register fills it from permMachine.
	machine map[string]bool
	// zone is the team's time zone (config time-zone), in which every
	// request shows times (request.When); nil is UTC.
	zone *time.Location
}

// loadVisit reads the visitor's cookie and session before any handler runs,
// and writes the cookie back just before the response headers go out.
func (g *guard) loadVisit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		vis, err := g.sessions.Load(c.Request())
		if err != nil {
			return err
		}
		c.Set("bo.visit", vis)
		c.Response().Before(func() {
			if err := g.sessions.Save(c.Response().Writer, c.Request(), vis); err != nil {
				g.log.Error("save session cookie", "request_id", RequestIDOf(c), "error", err)
			}
		})
		if vis.SignedIn() {
			v, err := g.viewer(c.Request().Context(), vis)
			if err != nil {
				g.log.Error("resolve role", "request_id", RequestIDOf(c), "role", vis.User.Role, "error", err)
				return errRolesUnavailable
			}
			c.Set(keyViewer.String(), v)
		}
		c.Set(keyRequest.String(), newRequest(c, g.now, g.zone))
		return next(c)
	}
}

// viewer is the signed-in person of vis with their role's grants, resolved
// once for the whole request. An error (the store did not answer) must
// refuse the request: deny by default, as nothing they ask for can be
// checked without their permissions.
func (g *guard) viewer(ctx context.Context, vis *auth.Visit) (*viewer, error) {
	role := auth.Role(vis.User.Role)
	grants, err := g.book.Grants(ctx, role)
	if err != nil {
		return nil, err
	}
	v := &viewer{User: vis.User, Session: vis.Session, Role: role, Grants: grants}
	v.Full = !g.secondFactorDue(vis) && !g.enrolmentDue(v) && !vis.User.MustChangePassword
	return v, nil
}

func (g *guard) secondFactorDue(vis *auth.Visit) bool {
	return vis.User.TOTPEnabled && !vis.Session.SecondFactorDone
}

// errRolesUnavailable refuses a request whose person's role could not be
// resolved (the store did not answer).
var errRolesUnavailable = echo.NewHTTPError(http.StatusServiceUnavailable,
	"The panel cannot check your permissions right now. Try again in a moment.")

// enrolmentDue reports whether policy requires a second factor this viewer
// has not set up yet. "admins" means every role that can change who may do
// what or see the secret word (Grants.Privileged), built in or custom.
func (g *guard) enrolmentDue(v *viewer) bool {
	if v.User.TOTPEnabled {
		return false
	}
	switch g.policy {
	case config.TwoFactorAll:
		return true
	case config.TwoFactorAdmins:
		return v.Grants.Privileged()
	}
	return false
}

// csrf refuses state changes that did not come from the panel's own pages:
// a cross-site Fetch Metadata header, a foreign Origin (including "null"), or
// a missing or wrong token each get a 403 and a log line. The token is
// checked even when the browser's headers look fine, because old browsers
// and proxies may not send them.
func (g *guard) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if g.machine[r.Method+" "+c.Path()] {
			return next(c)
		}
		reason := ""
		switch r.Header.Get("Sec-Fetch-Site") {
		case "", "same-origin", "none":
		default:
			reason = "cross-site request"
		}
		if o := r.Header.Get("Origin"); reason == "" && o != "" && o != g.origin(r) {
			reason = "foreign origin"
		}
		if reason == "" {
			vis := visitOf(c)
			// From the header or the posted body only, never the query
			// string: a token in a URL leaks through logs, history and
			// Referer.
			tok := r.Header.Get("X-CSRF-Token")
			if tok == "" {
				tok = r.PostFormValue("_csrf")
			}
			if vis == nil || tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(vis.CSRF)) != 1 {
				reason = "missing or wrong CSRF token"
			}
		}
		if reason != "" {
			g.log.Warn("refused state change", "request_id", RequestIDOf(c), "reason", reason,
				"path", r.URL.Path, "ip", c.RealIP())
			return echo.NewHTTPError(http.StatusForbidden,
				"This form has expired or was sent from another site. Reload the page and try again.")
		}
		return next(c)
	}
}

// origin is the origin state changes must come from: the configured base URL,
// or the scheme and host of the request itself.
func (g *guard) origin(r *http.Request) string {
	if g.baseURL != "" {
		return g.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// require is the per-route permission check. Deny by default: anything that
// is not explicitly allowed is refused.
func (g *guard) require(p auth.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if p == auth.Public || p == permMachine {
				return next(c)
			}
			vis := visitOf(c)
			v := requestOf(c).viewer
			if p == permPasswordChecked {
				if v == nil || !g.secondFactorDue(vis) {
					return redirect(c, g.paths.Login())
				}
				return next(c)
			}
			if v == nil {
				return g.toLogin(c)
			}
			if g.secondFactorDue(vis) {
				return redirect(c, g.paths.SecondFactor())
			}
			if p == permEnrolling {
				return next(c)
			}
			if v.User.MustChangePassword {
				return redirect(c, g.paths.MePassword())
			}
			if g.enrolmentDue(v) {
				return redirect(c, g.paths.MeSecondFactor())
			}
			if p == auth.SignedIn || v.Can(p) {
				return next(c)
			}
			g.audit.RecordRepeatable(c.Request().Context(), requestOf(c), AuditEntry{Action: "access.denied", Target: "route:" + c.Path(),
				Outcome: OutcomeDenied, Detail: "missing permission " + string(p)})
			return echo.NewHTTPError(http.StatusForbidden)
		}
	}
}

// toLogin sends an anonymous visitor to the sign-in page, remembering where
// they were going when that was a page they could read (GET).
func (g *guard) toLogin(c echo.Context) error {
	r := c.Request()
	target := g.paths.Login()
	if r.Method == http.MethodGet && !htmx.IsRequest(r) {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	} else if htmx.IsRequest(r) {
		if cur, err := url.Parse(r.Header.Get(htmx.HeaderCurrentURL)); err == nil && cur.Path != "" {
			target += "?next=" + url.QueryEscape(SafeNext(cur.RequestURI()))
		}
	}
	if vis := visitOf(c); vis != nil && vis.Ended == "expired" {
		vis.AddFlash("warn", "Your session has expired. Please sign in again.")
	}
	return redirect(c, target)
}
