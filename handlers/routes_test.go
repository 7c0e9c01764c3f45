package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backoffice/auth"
)

// routePermissions is SPEC section 3 typed out by hand: the permission each
// route needs. It is deliberately not derived from the route table, so the
// two check each other; a route missing here fails the test.
var routePermissions = map[string]string{
	"GET /healthz":              "public",
	"GET /readyz":               "public",
	"GET /metrics":              "public",
	"GET /static/*":             "public",
	"GET /manifest.webmanifest": "public",
	"GET /setup":                "public",
	"POST /setup":               "public",
	"GET /login":                "public",
	"POST /login":               "public",
	"POST /logout":              "public",
	"GET /login/2fa":            "password-checked",
	"POST /login/2fa":           "password-checked",

	"GET /":                        "signed-in",
	"GET /me":                      "signed-in",
	"GET /me/password":             "signed-in",
	"POST /me/password":            "signed-in",
	"GET /me/2fa":                  "signed-in",
	"POST /me/2fa":                 "signed-in",
	"POST /me/2fa/recovery":        "signed-in",
	"GET /me/sessions":             "signed-in",
	"POST /me/sessions/end-others": "signed-in",
	"POST /me/sessions/:sid/end":   "signed-in",

	"GET /products":             "products.view",
	"GET /products/new":         "products.edit",
	"POST /products":            "products.edit",
	"GET /products/:id":         "products.view",
	"GET /products/:id/edit":    "products.edit",
	"POST /products/:id":        "products.edit",
	"GET /products/:id/delete":  "products.delete",
	"POST /products/:id/delete": "products.delete",

	"GET /options":             "options.view",
	"GET /options/new":         "options.edit",
	"GET /options/value-row":   "options.edit",
	"POST /options":            "options.edit",
	"GET /options/:id":         "options.view",
	"GET /options/:id/edit":    "options.edit",
	"POST /options/:id":        "options.edit",
	"GET /options/:id/delete":  "options.delete",
	"POST /options/:id/delete": "options.delete",

	"GET /coupons":               "coupons.view",
	"GET /coupons/new":           "coupons.edit",
	"POST /coupons":              "coupons.edit",
	"GET /coupons/:code":         "coupons.view",
	"GET /coupons/:code/edit":    "coupons.edit",
	"POST /coupons/:code":        "coupons.edit",
	"GET /coupons/:code/delete":  "coupons.delete",
	"POST /coupons/:code/delete": "coupons.delete",

	"GET /sales":               "sales.view",
	"GET /sales/:id":           "sales.view",
	"POST /sales/:id/comments": "sales.comment",
	"POST /sales/:id/ship":     "sales.ship",
	"GET /ship":                "sales.ship",
	"POST /ship":               "sales.ship",

	"GET /account":         "account.view",
	"POST /account/secret": "account.secret",

	"GET /users":                     "users.manage",
	"GET /users/new":                 "users.manage",
	"POST /users":                    "users.manage",
	"GET /users/:id":                 "users.manage",
	"POST /users/:id":                "users.manage",
	"POST /users/:id/disable":        "users.manage",
	"POST /users/:id/enable":         "users.manage",
	"POST /users/:id/reset-password": "users.manage",
	"POST /users/:id/reset-2fa":      "users.manage",
	"POST /users/:id/sessions/end":   "users.manage",

	"GET /audit": "audit.view",

	// Issue 11.
	"POST /ins":              "machine",
	"POST /ins/:token":       "machine",
	"GET /ship/queue":        "sales.ship",
	"GET /ship/queue/events": "sales.ship",
	"GET /sales/:id/slip":    "sales.ship",
	"GET /settings":          "account.secret",
}

var roles = []string{"admin", "catalogue", "support", "fulfilment", "viewer"}

type outcome string

const (
	allowed   outcome = "allowed"
	forbidden outcome = "forbidden"
	toLogin   outcome = "login"
)

func classify(resp *http.Response) outcome {
	if resp.StatusCode == http.StatusForbidden {
		return forbidden
	}
	loc := resp.Header.Get("Location") + resp.Header.Get("HX-Redirect")
	if (resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusNoContent) && strings.HasPrefix(loc, "/login") {
		return toLogin
	}
	return allowed
}

func expected(perm, role string) outcome {
	switch perm {
	case "public", "machine":
		return allowed
	case "password-checked":
		return toLogin // nobody here is half-way through signing in
	}
	if role == "" {
		return toLogin
	}
	if perm == "signed-in" || auth.Role(role).Can(auth.Permission(perm)) {
		return allowed
	}
	return forbidden
}

// TestRouteTableMatchesSpec walks every route for anonymous visitors and for
// each role, and checks SPEC section 2's answer.
func TestRouteTableMatchesSpec(t *testing.T) {
	h := newHarness(t)
	target, _, _ := h.addUser("target@example.com", "viewer", false)
	routes := h.srv.Routes()
	seen := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		seen[key] = true
		perm, ok := routePermissions[key]
		if !ok {
			t.Errorf("route %s has no expectation in routePermissions: add it from SPEC section 3", key)
			continue
		}
		if perm != "public" && perm != "signed-in" && perm != "password-checked" && r.Permission != perm {
			t.Errorf("route %s is guarded by %q; SPEC says %q", key, r.Permission, perm)
		}
	}
	for key := range routePermissions {
		if !seen[key] {
			t.Errorf("SPEC route %s is not in the route table", key)
		}
	}

	path := func(p string) string {
		p = strings.ReplaceAll(p, ":id", itoa(target.ID))
		p = strings.ReplaceAll(p, ":sid", "no-such-session")
		p = strings.ReplaceAll(p, ":code", "APITEST002")
		return strings.ReplaceAll(p, "/static/*", "/static/nothing")
	}
	for _, role := range append([]string{""}, roles...) {
		name := role
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			for _, r := range routes {
				perm := routePermissions[r.Method+" "+r.Path]
				if perm == "" {
					continue
				}
				// A fresh browser per request: some routes sign out or change
				// the target user.
				var b *browser
				if role == "" {
					b = h.browser()
				} else {
					b, _ = h.signedInAs(role)
				}
				var resp *http.Response
				if r.Method == http.MethodGet {
					resp = b.get(path(r.Path))
				} else {
					resp = b.post(path(r.Path), url.Values{})
				}
				got, want := classify(resp), expected(perm, role)
				if perm == "public" || perm == "machine" {
					// Public routes never send anyone to sign in; the setup
					// pages answer 403 once users exist, which is their job.
					if got == toLogin && r.Path != "/logout" {
						t.Errorf("%s %s as %s: sent to sign-in", r.Method, r.Path, name)
					}
					continue
				}
				if got != want {
					t.Errorf("%s %s as %s: got %s (status %d, location %q), want %s",
						r.Method, r.Path, name, got, resp.StatusCode, resp.Header.Get("Location"), want)
				}
			}
		})
	}
}

// TestStateChangesArePosts asserts no GET route changes state: every route
// whose name says it creates, changes or ends something is a POST.
func TestStateChangesArePosts(t *testing.T) {
	h := newHarness(t)
	for _, r := range h.srv.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		for _, verb := range []string{"create", "update", "delete", "disable", "enable", "reset", "end", "submit", "change", "enrol", "secret", "logout"} {
			if strings.Contains(r.Name, verb) {
				t.Errorf("GET route %s (%s) looks like a state change", r.Path, r.Name)
			}
		}
	}
}
