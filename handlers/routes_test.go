package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"backoffice/auth"
	"backoffice/store"
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
	"POST /login/badge":         "public",
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
	"GET /me/badge":                "signed-in",
	"POST /me/badge":               "signed-in",
	"POST /me/badge/remove":        "signed-in",

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
	"GET /users/:id/disable":         "users.manage",
	"POST /users/:id/disable":        "users.manage",
	"POST /users/:id/enable":         "users.manage",
	"POST /users/:id/reset-password": "users.manage",
	"POST /users/:id/reset-2fa":      "users.manage",
	"POST /users/:id/sessions/end":   "users.manage",
	"POST /users/:id/badge/remove":   "users.manage",

	"GET /audit": "audit.view",

	// Issue 11.
	"POST /ins":              "machine",
	"POST /ins/:token":       "machine",
	"GET /ship/queue":        "sales.ship",
	"GET /ship/queue/events": "sales.ship",
	"GET /sales/:id/slip":    "sales.ship",
	"GET /settings":          "account.secret",

	// Issue 10.
	"POST /sales/:id/refunds":                  "sales.refund",
	"POST /sales/:id/refund-requests":          "sales.refund.request",
	"GET /sales/:id/recurring/:lineitem/stop":  "sales.recurring",
	"POST /sales/:id/recurring/:lineitem/stop": "sales.recurring",
	"GET /sales/:id/recurring/stop-all":        "sales.recurring",
	"POST /sales/:id/recurring/stop-all":       "sales.recurring",
	"POST /sales/:id/reauth":                   "sales.reauth",
	"GET /approvals":                           "refunds.approve",
	"POST /approvals/:id/approve":              "refunds.approve",
	"POST /approvals/:id/reject":               "refunds.approve",
	"GET /payments":                            "payments.view",
	"GET /payments.csv":                        "payments.view",
	"GET /roles":                               "users.manage",
	"GET /roles/new":                           "users.manage",
	"POST /roles":                              "users.manage",
	"GET /roles/:name":                         "users.manage",
	"POST /roles/:name":                        "users.manage",
	"GET /roles/:name/delete":                  "users.manage",
	"POST /roles/:name/delete":                 "users.manage",
}

// roles are the built-in roles that read products, which the page tests
// walk.
var roles = []string{"admin", "catalogue", "support", "fulfilment", "viewer"}

// matrixRoles are every built-in role and one custom role
// (matrixCustomRole), which the route walk checks alike.
var matrixRoles = []string{"admin", "finance", "catalogue", "support", "fulfilment", "viewer", matrixCustomRole.Name}

// matrixCustomRole is a custom role as an admin would make it on /roles:
// data in the store, unknown to the code.
var matrixCustomRole = store.Role{Name: "refunds-only", Label: "Refunds only",
	Permissions: []string{"sales.view", "sales.refund", "sales.comment"}}

// can is what the role allows: the table for built-in roles, the stored
// permissions for the custom one.
func can(role, perm string) bool {
	if role == matrixCustomRole.Name {
		return slices.Contains(matrixCustomRole.Permissions, perm)
	}
	return auth.Role(role).Can(auth.Permission(perm))
}

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
	if perm == "signed-in" || can(role, perm) {
		return allowed
	}
	return forbidden
}

// TestRouteTableMatchesSpec walks every route for anonymous visitors, for
// each built-in role and for a custom role, and checks SPEC section 2's
// answer (issue 10's for the custom role: what it was given).
func TestRouteTableMatchesSpec(t *testing.T) {
	h := newHarness(t)
	cr := matrixCustomRole
	cr.CreatedAt, cr.UpdatedAt = h.clock.Now(), h.clock.Now()
	if err := h.st.CreateRole(context.Background(), &cr); err != nil {
		t.Fatal(err)
	}
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
		p = strings.ReplaceAll(p, ":lineitem", "1")
		// Not the custom role: a deletion must not take it from its holders
		// half-way through the walk.
		p = strings.ReplaceAll(p, ":name", "no-such-role")
		return strings.ReplaceAll(p, "/static/*", "/static/nothing")
	}
	checked := 0
	t.Cleanup(func() {
		t.Logf("authorization matrix: %d routes × %d visitors (anonymous, %d roles) = %d checks", len(routes), len(matrixRoles)+1, len(matrixRoles), checked)
	})
	for _, role := range append([]string{""}, matrixRoles...) {
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
				checked++
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
