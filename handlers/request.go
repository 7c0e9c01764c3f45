package handlers

import (
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/store"
)

// request is what one request knows of its person and its moment: who is
// signed in and what they may do, the CSRF token their forms carry, the
// request id, their address and the clock. It is built once per request
// (loadVisit) and handed to view builders, the audit log and the write path,
// so none of those reads echo.Context and each is a plain function of it.
type request struct {
	// ID is the request id every log line and audit entry carries.
	ID string
	// IP is the client's address as the trusted proxies report it.
	IP string
	// Path is the URL path, for marking the current navigation item.
	Path string
	// viewer is nil when nobody is signed in.
	viewer *viewer
	// visit is nil only when the session could not be loaded.
	visit *auth.Visit
	clock func() time.Time
	// posted is the request's form once a handler has read it (nil
	// before), for the write path's fingerprint of the form.
	posted func() url.Values
	// zone is the team's time zone; nil is UTC.
	zone *time.Location
}

// User is the signed-in person, nil when nobody is signed in.
func (r *request) User() *store.User {
	if r.viewer == nil {
		return nil
	}
	return r.viewer.User
}

// Can reports whether the signed-in person may do what p names; nobody
// signed in may do nothing. It asks the viewer, the one place permissions
// are computed.
func (r *request) Can(p auth.Permission) bool { return r.viewer.Can(p) }

// CSRF is the token this visitor's forms carry (read from the visit, which
// a sign-in may renew during the request).
func (r *request) CSRF() string {
	if r.visit == nil {
		return ""
	}
	return r.visit.CSRF
}

// postedHash fingerprints the form this request posted ("" when it posted
// none).
func (r *request) postedHash() string {
	if r.posted == nil {
		return ""
	}
	return formHash(r.posted())
}

// Now is the panel's clock.
func (r *request) Now() time.Time { return r.clock() }

// When shows a moment in the team's time zone, with the zone named
// (formatTimeIn): every time a page shows goes through it.
func (r *request) When(t time.Time) string { return formatTimeIn(t, r.zone) }

// Zone is the team's time zone, where a day given as a date begins and ends.
func (r *request) Zone() *time.Location {
	if r.zone == nil {
		return time.UTC
	}
	return r.zone
}

// requestOf returns the request value of c, building it on first use (when
// the middleware that builds it did not run, e.g. the session failed to
// load).
func requestOf(c echo.Context) *request {
	if r, ok := c.Get(keyRequest.String()).(*request); ok {
		return r
	}
	r := newRequest(c, time.Now, nil)
	c.Set(keyRequest.String(), r)
	return r
}

func newRequest(c echo.Context, clock func() time.Time, zone *time.Location) *request {
	return &request{ID: RequestIDOf(c), IP: c.RealIP(), Path: c.Request().URL.Path,
		viewer: viewerOf(c), visit: visitOf(c), clock: clock, zone: zone,
		posted: func() url.Values { return c.Request().PostForm }}
}
