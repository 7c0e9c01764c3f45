package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/config"
	"backoffice/ins"
	"backoffice/pickqueue"
	"backoffice/static"
	"backoffice/store"
)

// Deps is everything the panel is built from. main wires it; tests fill it
// with an in-memory sandbox and a temporary store.
type Deps struct {
	Config   *config.Config
	Store    *store.Store
	API      *apiclient.Client
	Sandbox  http.Handler // mounted at /sandbox/ when the panel runs on the sandbox; nil otherwise
	Assets   *static.Assets
	Sessions *auth.Sessions
	Hasher   *auth.Hasher
	Logger   *slog.Logger
	Now      func() time.Time
	// SetupToken is the one-time token that creates the first admin while no
	// user exists ("" once there are users).
	SetupToken *SetupToken
	// Verifier checks INS messages' md5_hash; nil: one over API (serve
	// passes the one it warmed at start-up).
	Verifier *ins.Verifier
	// Queue is the pick list; nil: one over Store.
	Queue *pickqueue.Queue
	// BadgeKeys are the server keys badge codes are looked up under (the
	// session keys, newest first), for badge sign-in on shared phones;
	// none: badge sign-in is off.
	BadgeKeys []string
	// Metrics is where the panel counts what it does; nil: a registry of
	// its own. serve passes the one its API client reports calls to.
	Metrics *Metrics
	// Live ends when the server begins to shut down, and long-lived
	// responses (the pick list's event stream) end with it; nil: never.
	Live context.Context
}

// newBadges builds badge sign-in over the panel's throttle, so wrong PINs
// count, lock and show in the metrics like wrong passwords.
func newBadges(d Deps, th *auth.Throttle) (*auth.Badges, error) {
	return auth.NewBadges(d.Store, d.Hasher, th, auth.BadgeOptions{Keys: d.BadgeKeys,
		SecondFactorPolicy: string(d.Config.Require2FA), Now: d.Now})
}

// PassiveRequest reports whether a request is one a page makes on its own
// rather than its person (the pick list's event stream reconnecting), for
// auth.SessionOptions.Passive: it does not keep a badge session awake.
func PassiveRequest(r *http.Request) bool { return wantsEventStream(r) }

// Server is the built panel.
type Server struct {
	Echo   *echo.Echo
	routes []route
	// Handler is what the HTTP server serves: the panel, with the sandbox
	// beside it (outside the panel's middleware: it has its own Basic auth
	// and must answer exactly like the real API).
	Handler http.Handler
}

// New builds the panel. It fails when the route table is inconsistent, e.g. a
// route without a permission, so such a build never starts.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	fillLive(&d)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(discard{})
	ipx, err := ipExtractor(d.Config.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = ipx

	w := &web{log: d.Logger, assets: d.Assets, sandbox: d.Sandbox != nil, now: d.Now, sessions: d.Sessions}
	audit := NewAuditor(d.Store, d.Logger, d.Now, auth.NewAuditLimiter(d.Store, d.Now))
	g := &guard{sessions: d.Sessions, book: auth.NewRoleBook(d.Store, d.Now), policy: d.Config.Require2FA, baseURL: d.Config.BaseURL, log: d.Logger, audit: audit, now: d.Now,
		machine: map[string]bool{}, zone: d.Config.TimeZone}
	e.HTTPErrorHandler = w.handleError

	https := func(r *http.Request) bool {
		return r.TLS != nil || strings.HasPrefix(d.Config.BaseURL, "https://")
	}
	m := d.Metrics
	if m == nil {
		m = NewMetrics()
	}
	e.Use(requestID, accessLog(d.Logger), m.observe, recoverPanics(d.Logger), securityHeaders(https))
	e.Use(middleware.BodyLimit("1M"))
	gz, err := compress(func(r *http.Request) bool {
		// Static files are served pre-compressed; an event stream must
		// reach the browser event by event, not when a buffer fills.
		return strings.HasPrefix(r.URL.Path, "/static/") || wantsEventStream(r)
	})
	if err != nil {
		return nil, err
	}
	e.Use(gz)
	e.Use(g.loadVisit, g.csrf)

	if len(d.BadgeKeys) > 0 {
		if _, err := newBadges(d, nil); err != nil {
			return nil, err
		}
	}
	w.paths = paths{e}
	g.paths = w.paths
	routes := buildRoutes(d, w, g, audit, m)
	if err := register(e, g, routes); err != nil {
		return nil, err
	}
	if err := checkPaths(w.paths); err != nil {
		return nil, err
	}
	s := &Server{Echo: e, routes: routes, Handler: e}
	if d.Sandbox != nil {
		sb := withSecurityHeaders(http.StripPrefix("/sandbox", d.Sandbox), https)
		s.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/sandbox/") {
				sb.ServeHTTP(rw, r)
				return
			}
			e.ServeHTTP(rw, r)
		})
	}
	return s, nil
}

// register adds every route with its permission guard. A route without a
// permission, or a GET that is marked as changing state, stops the build.
func register(e *echo.Echo, g *guard, routes []route) error {
	seen := map[string]bool{}
	for _, r := range routes {
		if r.perm == "" {
			return fmt.Errorf("route %s %s has no permission", r.method, r.path)
		}
		key := r.method + " " + r.path
		if seen[key] {
			return fmt.Errorf("route %s is registered twice", key)
		}
		seen[key] = true
		if r.perm == permMachine {
			g.machine[key] = true
		}
		e.Add(r.method, r.path, r.handler, g.require(r.perm)).Name = r.name
	}
	return nil
}

// checkPaths stops the build when a link helper names a route the table
// does not have: every paths method (and every navigation and home-page
// route name) must reverse to an address.
func checkPaths(p paths) error {
	rv := reflect.ValueOf(p)
	for i := 0; i < rv.NumMethod(); i++ {
		m := rv.Method(i)
		args := make([]reflect.Value, m.Type().NumIn())
		for j := range args {
			args[j] = reflect.ValueOf("1")
		}
		if out := m.Call(args); out[0].String() == "" {
			return fmt.Errorf("link helper %s names no route", rv.Type().Method(i).Name)
		}
	}
	for _, n := range navItems {
		if p.to(n.route) == "" {
			return fmt.Errorf("navigation item %s names no route", n.label)
		}
	}
	for _, t := range homeTiles {
		if p.to(t.route) == "" {
			return fmt.Errorf("home tile %s names no route", t.label)
		}
	}
	return nil
}

// Routes lists the registered routes with their permissions, for the
// route-table tests and the README.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, r := range s.routes {
		out[i] = RouteInfo{Method: r.method, Path: r.path, Name: r.name, Permission: string(r.perm)}
	}
	return out
}

// RouteInfo describes one route.
type RouteInfo struct {
	Method, Path, Name, Permission string
}

// ipExtractor trusts X-Forwarded-For only from configured proxy ranges, so a
// client cannot spoof its address for rate limits or the audit log.
func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, cidr := range trusted {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", cidr, err)
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
