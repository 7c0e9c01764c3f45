package auth

import (
	"errors"
	"slices"
	"testing"
)

// TestRoleMatrix spells out SPEC §2's table cell by cell, so any change to
// who may do what has to change this table too.
func TestRoleMatrix(t *testing.T) {
	const Y, N = true, false
	matrix := []struct {
		perm                                                   Permission
		admin, finance, catalogue, support, fulfilment, viewer bool
	}{
		{ProductsView, Y, N, Y, Y, Y, Y},
		{ProductsEdit, Y, N, Y, N, N, N},
		{ProductsDelete, Y, N, Y, N, N, N},
		{OptionsView, Y, N, Y, Y, N, Y},
		{OptionsEdit, Y, N, Y, N, N, N},
		{OptionsDelete, Y, N, Y, N, N, N},
		{CouponsView, Y, N, Y, Y, N, Y},
		{CouponsEdit, Y, N, Y, N, N, N},
		{CouponsDelete, Y, N, Y, N, N, N},
		{SalesView, Y, Y, Y, Y, Y, Y},
		{SalesComment, Y, N, N, Y, Y, N},
		{SalesShip, Y, N, N, N, Y, N},
		{SalesRefund, Y, Y, N, N, N, N},
		{SalesRefundRequest, Y, N, N, Y, N, N},
		{RefundsApprove, Y, Y, N, N, N, N},
		{SalesRecurring, Y, N, N, Y, N, N},
		{SalesReauth, Y, Y, N, N, N, N},
		{PaymentsView, Y, Y, N, N, N, N},
		{AccountView, Y, Y, N, Y, N, Y},
		{AccountSecret, Y, N, N, N, N, N},
		{UsersManage, Y, N, N, N, N, N},
		{AuditView, Y, N, N, N, N, N},
	}
	if len(matrix) != 22 || len(AllPermissions()) != 22 {
		t.Fatalf("matrix has %d rows, AllPermissions %d", len(matrix), len(AllPermissions()))
	}
	var rows []Permission
	for _, row := range matrix {
		rows = append(rows, row.perm)
		for role, want := range map[Role]bool{
			RoleAdmin: row.admin, RoleFinance: row.finance, RoleCatalogue: row.catalogue, RoleSupport: row.support,
			RoleFulfilment: row.fulfilment, RoleViewer: row.viewer,
		} {
			if got := role.Can(row.perm); got != want {
				t.Errorf("%s.Can(%s) = %v, want %v", role, row.perm, got, want)
			}
			if got := slices.Contains(role.Permissions(), row.perm); got != want {
				t.Errorf("%s.Permissions() contains %s = %v, want %v", role, row.perm, got, want)
			}
		}
	}
	if !slices.Equal(rows, AllPermissions()) {
		t.Errorf("AllPermissions order %v", AllPermissions())
	}
}

func TestPermissionStrings(t *testing.T) {
	want := map[Permission]string{
		ProductsView: "products.view", ProductsEdit: "products.edit", ProductsDelete: "products.delete",
		OptionsView: "options.view", OptionsEdit: "options.edit", OptionsDelete: "options.delete",
		CouponsView: "coupons.view", CouponsEdit: "coupons.edit", CouponsDelete: "coupons.delete",
		SalesView: "sales.view", SalesComment: "sales.comment", SalesShip: "sales.ship",
		SalesRefund: "sales.refund", SalesRefundRequest: "sales.refund.request", RefundsApprove: "refunds.approve",
		SalesRecurring: "sales.recurring", SalesReauth: "sales.reauth", PaymentsView: "payments.view",
		AccountView: "account.view", AccountSecret: "account.secret",
		UsersManage: "users.manage", AuditView: "audit.view",
		Public: "public", SignedIn: "signed-in",
	}
	for p, s := range want {
		if string(p) != s {
			t.Errorf("%q != %q", p, s)
		}
		if !p.Valid() {
			t.Errorf("%s not valid", p)
		}
	}
	if Permission("products.VIEW").Valid() || Permission("").Valid() {
		t.Error("unknown permission valid")
	}
}

func TestCanDenyByDefault(t *testing.T) {
	for _, r := range Roles() {
		if !r.Can(SignedIn) || !r.Can(Public) {
			t.Errorf("%s: SignedIn/Public denied", r)
		}
		for _, p := range []Permission{"", "products.*", "Products.View", "products.view ", "admin", "signed-in "} {
			if r.Can(p) {
				t.Errorf("%s.Can(%q) = true", r, p)
			}
		}
	}
	for _, r := range []Role{"", "Admin", "root", "superuser", " admin", "admin\x00"} {
		if !r.Can(Public) {
			t.Errorf("%q: Public denied", r)
		}
		if r.Can(SignedIn) || r.Can(ProductsView) || r.Can(UsersManage) {
			t.Errorf("unknown role %q granted something beyond Public", r)
		}
		if r.Valid() || r.Permissions() != nil {
			t.Errorf("unknown role %q looks valid", r)
		}
	}
}

func TestParseRoleAndLabels(t *testing.T) {
	if got := Roles(); !slices.Equal(got, []Role{"admin", "finance", "catalogue", "support", "fulfilment", "viewer"}) {
		t.Fatalf("Roles() = %v", got)
	}
	Roles()[0] = "mutated"
	if Roles()[0] != RoleAdmin {
		t.Fatal("Roles() exposes internal slice")
	}
	AllPermissions()[0] = "mutated"
	RoleAdmin.Permissions()[0] = "mutated"
	if !RoleAdmin.Can(ProductsView) || AllPermissions()[0] != ProductsView {
		t.Fatal("permission slices expose internal state")
	}
	for _, r := range Roles() {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
		if r.Label() == "" || r.Description() == "" || r.String() != string(r) {
			t.Errorf("%s: missing label or description", r)
		}
		if g := r.Grants(); !g.Known() || !g.BuiltIn() || g.Role() != r || g.Label() != r.Label() {
			t.Errorf("%s.Grants() = %+v", r, g)
		}
	}
	if r, err := ParseRole(" Catalogue "); err != nil || r != RoleCatalogue {
		t.Errorf("ParseRole with case and spaces: %q %v", r, err)
	}
	for _, s := range []string{"", "root", "admins", "fulfillment", "view"} {
		if _, err := ParseRole(s); !errors.Is(err, ErrUnknownRole) {
			t.Errorf("ParseRole(%q) err = %v", s, err)
		}
	}
	if RoleFinance.Label() != "Finance" || RoleAdmin.Label() != "Admin" || Role("odd").Label() != "odd" || Role("odd").Description() != "" {
		t.Error("labels")
	}
}

func TestPermissionWords(t *testing.T) {
	for _, p := range AllPermissions() {
		if p.Describe() == "" {
			t.Errorf("%s has no plain-words description for the role editor", p)
		}
	}
	if Public.Describe() != "" || Permission("x").Describe() != "" {
		t.Error("pseudo or unknown permission described")
	}
}

func TestZeroGrantsDenyAll(t *testing.T) {
	var g Grants
	if !g.Can(Public) || g.Can(SignedIn) || g.Known() || g.Permissions() != nil || g.Privileged() {
		t.Errorf("zero Grants = %+v", g)
	}
	for _, p := range AllPermissions() {
		if g.Can(p) {
			t.Errorf("zero Grants can %s", p)
		}
	}
	if !RoleAdmin.Grants().Privileged() || RoleFinance.Grants().Privileged() || RoleSupport.Grants().Privileged() {
		t.Error("Privileged: only admin among the built-in roles")
	}
}
