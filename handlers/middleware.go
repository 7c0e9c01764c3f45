package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// ctxKey types the values this package keeps on the echo context, so no
// other code can collide with them by using the same string.
type ctxKey int

const (
	keyNonce ctxKey = iota
	keyRequestID
	keyViewer
	keyRequest
)

func (k ctxKey) String() string {
	return [...]string{"bo.nonce", "bo.reqid", "bo.viewer", "bo.request"}[k]
}

func newNonce() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return base64.RawStdEncoding.EncodeToString(b[:])
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// requestID gives every request an ID, echoed in X-Request-ID and carried on
// every log line. A client-supplied ID is ignored: it would let anyone forge
// log correlation.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := newRequestID()
		c.Set(keyRequestID.String(), id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// RequestIDOf returns the request's ID.
func RequestIDOf(c echo.Context) string {
	id, _ := c.Get(keyRequestID.String()).(string)
	return id
}

// securityHeaders sets the headers every response carries, errors and 404s
// included, and a fresh CSP nonce for this response's scripts.
func securityHeaders(https func(*http.Request) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			nonce := newNonce()
			c.Set(keyNonce.String(), nonce)
			setSecurityHeaders(c.Response().Header(), c.Request(), https(c.Request()), nonce)
			return next(c)
		}
	}
}

// withSecurityHeaders gives a handler served beside the panel, outside its
// middleware (the mounted sandbox), the panel's security headers: the
// sandbox's HTML and JSON pages are on the panel's origin.
func withSecurityHeaders(next http.Handler, https func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header(), r, https(r), newNonce())
		next.ServeHTTP(w, r)
	})
}

func setSecurityHeaders(h http.Header, r *http.Request, https bool, nonce string) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'self'; "+
		"img-src 'self' data:; connect-src 'self'; form-action 'self'; manifest-src 'self'; "+
		"base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=(), usb=()")
	if https {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		// Signed-in pages carry personal data and secrets; nothing the
		// panel renders is worth a stale copy in a shared cache.
		h.Set("Cache-Control", "no-store")
	}
}

// NonceOf returns the CSP nonce of the current response.
func NonceOf(c echo.Context) string {
	n, _ := c.Get(keyNonce.String()).(string)
	return n
}

// accessLog writes one structured line per request. It logs the path, never
// the query string: a setup token or a search for a customer's e-mail must
// not end up in the logs.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			level := slog.LevelInfo
			switch {
			case status >= 500:
				level = slog.LevelError
			case status >= 400:
				level = slog.LevelWarn
			}
			if c.Request().URL.Path == "/healthz" || c.Request().URL.Path == "/readyz" || strings.HasPrefix(c.Request().URL.Path, "/static/") {
				level = slog.LevelDebug
			}
			if !log.Enabled(c.Request().Context(), level) {
				return nil // probes and assets, unlogged in production: no attributes built for nothing
			}
			path := c.Request().URL.Path
			if c.Param("token") != "" {
				path = c.Path() // a secret path segment (/ins/:token) stays out of the log
			}
			attrs := []slog.Attr{
				slog.String("request_id", RequestIDOf(c)),
				slog.String("method", c.Request().Method),
				slog.String("path", path),
				slog.String("route", c.Path()),
				slog.Int("status", status),
				slog.Int64("bytes", c.Response().Size),
				slog.Duration("duration", time.Since(start)),
				slog.String("ip", c.RealIP()),
			}
			if v := viewerOf(c); v != nil {
				attrs = append(attrs, slog.Int64("user_id", v.User.ID))
			}
			log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		}
	}
}

// recoverPanics turns a panic in a handler into a plain 500 page. The stack
// goes to the log, never to the client, and the process carries on.
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					log.Error("panic", "request_id", RequestIDOf(c), "panic", r, "stack", stack())
					err = echo.NewHTTPError(http.StatusInternalServerError)
				}
			}()
			return next(c)
		}
	}
}
