package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Permission names one thing a route may require. Handlers check permissions,
// never roles, so the role table below is the single place that decides who
// may do what (SPEC §2).
type Permission string

// The permissions of SPEC §2.
const (
	ProductsView   Permission = "products.view"
	ProductsEdit   Permission = "products.edit" // create and update
	ProductsDelete Permission = "products.delete"
	OptionsView    Permission = "options.view"
	OptionsEdit    Permission = "options.edit"
	OptionsDelete  Permission = "options.delete"
	CouponsView    Permission = "coupons.view"
	CouponsEdit    Permission = "coupons.edit"
	CouponsDelete  Permission = "coupons.delete"
	SalesView      Permission = "sales.view"
	SalesComment   Permission = "sales.comment"
	SalesShip      Permission = "sales.ship"
	AccountView    Permission = "account.view" // secret word masked
	AccountSecret  Permission = "account.secret"
	UsersManage    Permission = "users.manage"
	AuditView      Permission = "audit.view"
)

// Pseudo-permissions let every route declare a requirement, so a route table
// test can assert that none was forgotten.
const (
	// Public routes are open to anyone, signed in or not (login, health).
	Public Permission = "public"
	// SignedIn routes need any signed-in user with a valid role (dashboard,
	// own profile, logout).
	SignedIn Permission = "signed-in"
)

// Role is a named set of permissions assigned to a user.
type Role string

// The roles of SPEC §2.
const (
	RoleAdmin      Role = "admin"
	RoleCatalogue  Role = "catalogue"
	RoleSupport    Role = "support"
	RoleFulfilment Role = "fulfilment"
	RoleViewer     Role = "viewer"
)

// ErrUnknownRole is returned by ParseRole.
var ErrUnknownRole = errors.New("auth: unknown role")

var allPermissions = []Permission{
	ProductsView, ProductsEdit, ProductsDelete,
	OptionsView, OptionsEdit, OptionsDelete,
	CouponsView, CouponsEdit, CouponsDelete,
	SalesView, SalesComment, SalesShip,
	AccountView, AccountSecret,
	UsersManage, AuditView,
}

var allRoles = []Role{RoleAdmin, RoleCatalogue, RoleSupport, RoleFulfilment, RoleViewer}

type roleInfo struct {
	label       string
	description string
	perms       []Permission
}

// roles is SPEC §2's table read by column. Anything not listed is denied.
var roles = map[Role]roleInfo{
	RoleAdmin: {
		label:       "Admin",
		description: "Everything: sets up the team, sees account details and the secret word, reads the audit log.",
		perms:       allPermissions,
	},
	RoleCatalogue: {
		label:       "Catalogue",
		description: "Creates, edits and deletes products, product options and coupons; can read sales.",
		perms: []Permission{
			ProductsView, ProductsEdit, ProductsDelete,
			OptionsView, OptionsEdit, OptionsDelete,
			CouponsView, CouponsEdit, CouponsDelete,
			SalesView,
		},
	},
	RoleSupport: {
		label:       "Support",
		description: "Finds and reads sales and adds comments; looks up products, options, coupons and account contact details.",
		perms: []Permission{
			ProductsView, OptionsView, CouponsView,
			SalesView, SalesComment,
			AccountView,
		},
	},
	RoleFulfilment: {
		label:       "Fulfilment",
		description: "Looks up sales, marks them shipped with a tracking number and adds comments.",
		perms: []Permission{
			ProductsView,
			SalesView, SalesComment, SalesShip,
		},
	},
	RoleViewer: {
		label:       "Viewer",
		description: "Read-only: products, options, coupons, sales and account contact details.",
		perms: []Permission{
			ProductsView, OptionsView, CouponsView,
			SalesView,
			AccountView,
		},
	},
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	_, ok := roles[r]
	return ok
}

// Can reports whether a user with role r may use a route requiring p. It
// denies by default: an unknown role or permission is refused, except that
// Public is open to everyone, including the empty role of a visitor who is
// not signed in.
func (r Role) Can(p Permission) bool {
	if p == Public {
		return true
	}
	info, ok := roles[r]
	if !ok {
		return false
	}
	if p == SignedIn {
		return true
	}
	return slices.Contains(info.perms, p)
}

// Permissions returns the permissions granted to r, in AllPermissions order;
// nil for an unknown role. The slice is a copy.
func (r Role) Permissions() []Permission {
	info, ok := roles[r]
	if !ok {
		return nil
	}
	var out []Permission
	for _, p := range allPermissions {
		if slices.Contains(info.perms, p) {
			out = append(out, p)
		}
	}
	return out
}

// Label returns the role's display name, or the raw value for an unknown role
// so a bad stored value is visible rather than blank.
func (r Role) Label() string {
	if info, ok := roles[r]; ok {
		return info.label
	}
	return string(r)
}

// Description returns a one-line summary of what the role may do, for the
// team pages; "" for an unknown role.
func (r Role) Description() string {
	return roles[r].description
}

// String returns the stored form of the role.
func (r Role) String() string { return string(r) }

// ParseRole turns a stored or submitted value into a Role, ignoring case and
// surrounding spaces; any other value is an error wrapping ErrUnknownRole.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("%w: %q", ErrUnknownRole, s)
	}
	return r, nil
}

// Roles returns every role in display order (most to least privileged).
func Roles() []Role {
	return slices.Clone(allRoles)
}

// AllPermissions returns the real permissions (not Public or SignedIn) in
// SPEC §2's order.
func AllPermissions() []Permission {
	return slices.Clone(allPermissions)
}

// Valid reports whether p is a real permission or one of the pseudo-permissions
// Public and SignedIn.
func (p Permission) Valid() bool {
	return p == Public || p == SignedIn || slices.Contains(allPermissions, p)
}

// WorksShifts reports whether people in this role work warehouse shifts and
// so get the longer shift session lifetime, which no other role gets.
func (r Role) WorksShifts() bool { return r == RoleFulfilment }
