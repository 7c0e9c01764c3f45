package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Permission names one thing a route may require. Handlers check permissions,
// never roles, so the role table below (and, for custom roles, the roles an
// admin stores: see RoleBook) is the single place that decides who may do
// what (SPEC §2).
type Permission string

// The permissions of SPEC §2 and issue 10.
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
	// SalesRefund issues a refund; above BACKOFFICE_REFUND_APPROVAL_OVER it
	// still needs a second person's approval.
	SalesRefund Permission = "sales.refund"
	// SalesRefundRequest asks for a refund that someone holding
	// RefundsApprove then approves or rejects.
	SalesRefundRequest Permission = "sales.refund.request"
	RefundsApprove     Permission = "refunds.approve"
	SalesRecurring     Permission = "sales.recurring" // stop recurring billing
	SalesReauth        Permission = "sales.reauth"
	PaymentsView       Permission = "payments.view" // payouts: pending and past
	AccountView        Permission = "account.view"  // secret word masked
	AccountSecret      Permission = "account.secret"
	UsersManage        Permission = "users.manage"
	AuditView          Permission = "audit.view"
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

// Role is a named set of permissions assigned to a user: one of the built-in
// roles below, or the name of a custom role an admin stored (RoleBook). The
// methods on Role itself know only the built-in roles; a custom role's
// permissions are data, read through RoleBook.Grants.
type Role string

// The built-in roles of SPEC §2 and issue 10. They cannot be edited or
// deleted.
const (
	RoleAdmin      Role = "admin"
	RoleFinance    Role = "finance"
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
	SalesRefund, SalesRefundRequest, RefundsApprove, SalesRecurring, SalesReauth,
	PaymentsView,
	AccountView, AccountSecret,
	UsersManage, AuditView,
}

var allRoles = []Role{RoleAdmin, RoleFinance, RoleCatalogue, RoleSupport, RoleFulfilment, RoleViewer}

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
	RoleFinance: {
		label:       "Finance",
		description: "Reads sales, refunds them and approves others' refund requests, reauthorizes payments, sees payouts and account contact details.",
		perms: []Permission{
			SalesView, SalesRefund, RefundsApprove, SalesReauth,
			PaymentsView,
			AccountView,
		},
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
		description: "Finds and reads sales, adds comments, asks for refunds and stops recurring billing; looks up products, options, coupons and account contact details.",
		perms: []Permission{
			ProductsView, OptionsView, CouponsView,
			SalesView, SalesComment, SalesRefundRequest, SalesRecurring,
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

// Valid reports whether r is one of the built-in roles. A custom role is
// valid when RoleBook.Parse accepts it.
func (r Role) Valid() bool {
	_, ok := roles[r]
	return ok
}

// Can reports whether a user with built-in role r may use a route requiring
// p. It denies by default: an unknown role or permission is refused, except
// that Public is open to everyone, including the empty role of a visitor who
// is not signed in. A custom role is unknown here: use RoleBook.Grants.
func (r Role) Can(p Permission) bool { return r.Grants().Can(p) }

// Grants returns what built-in role r grants; for any other value, Grants
// that refuse everything but Public. RoleBook.Grants also knows custom roles.
func (r Role) Grants() Grants { return builtinGrants[r] }

// Permissions returns the permissions granted to built-in role r, in
// AllPermissions order; nil for any other value. The slice is a copy.
func (r Role) Permissions() []Permission { return r.Grants().Permissions() }

// Label returns the built-in role's display name, or the raw value for any
// other role so a bad stored value is visible rather than blank. A custom
// role's label is in its Grants or RoleDef.
func (r Role) Label() string {
	if info, ok := roles[r]; ok {
		return info.label
	}
	return string(r)
}

// Description returns a one-line summary of what the built-in role may do,
// for the team pages; "" for any other value.
func (r Role) Description() string {
	return roles[r].description
}

// String returns the stored form of the role.
func (r Role) String() string { return string(r) }

// ParseRole turns a stored or submitted value into a built-in Role, ignoring
// case and surrounding spaces; any other value is an error wrapping
// ErrUnknownRole. RoleBook.Parse also accepts custom roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", fmt.Errorf("%w: %q", ErrUnknownRole, s)
	}
	return r, nil
}

// Roles returns every built-in role in display order (most to least
// privileged). RoleBook.Roles adds the custom ones.
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

// Describe says in plain words what the permission allows, for the role
// editor's checkboxes; "" for anything that is not a real permission.
func (p Permission) Describe() string { return permissionWords[p] }

var permissionWords = map[Permission]string{
	ProductsView:       "See products",
	ProductsEdit:       "Create and edit products",
	ProductsDelete:     "Delete products",
	OptionsView:        "See product options",
	OptionsEdit:        "Create and edit product options",
	OptionsDelete:      "Delete product options",
	CouponsView:        "See coupons",
	CouponsEdit:        "Create and edit coupons",
	CouponsDelete:      "Delete coupons",
	SalesView:          "Find and read sales",
	SalesComment:       "Add comments to sales",
	SalesShip:          "Mark sales shipped",
	SalesRefund:        "Refund sales (large refunds may still need approval)",
	SalesRefundRequest: "Ask for a refund, for someone else to approve",
	RefundsApprove:     "Approve or reject other people's refund requests",
	SalesRecurring:     "Stop recurring billing",
	SalesReauth:        "Reauthorize a payment",
	PaymentsView:       "See payouts",
	AccountView:        "See account contact and company details",
	AccountSecret:      "Reveal the INS secret word",
	UsersManage:        "Manage the team and its roles",
	AuditView:          "Read the audit log",
}

// WorksShifts reports whether people in this role work warehouse shifts and
// so get the longer shift session lifetime, which no other role gets.
func (r Role) WorksShifts() bool { return r == RoleFulfilment }
