package auth

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

func TestRoleBookSQLite(t *testing.T) { runRoleBook(t, storetest.SQLiteConfig) }

func TestRoleBookPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	runRoleBook(t, storetest.PostgresConfig)
}

// countingStore counts the lookups Grants makes, to show that a built-in
// role costs none.
type countingStore struct {
	*store.Store
	lookups atomic.Int64
}

func (c *countingStore) RoleByName(ctx context.Context, name string) (*store.Role, error) {
	c.lookups.Add(1)
	return c.Store.RoleByName(ctx, name)
}

func openTwice(t *testing.T, newCfg func(testing.TB) store.Config) (*store.Store, *store.Store) {
	t.Helper()
	cfg := newCfg(t)
	a := storetest.Open(t, cfg)
	if err := a.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	// A second handle on the same database stands for a second instance.
	return a, storetest.Open(t, cfg)
}

func roleForm(label string, perms ...Permission) url.Values {
	v := url.Values{FieldRoleLabel: {label}}
	for _, p := range perms {
		v.Add(FieldRolePermissions, string(p))
	}
	return v
}

var clock = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func runRoleBook(t *testing.T, newCfg func(testing.TB) store.Config) {
	t.Run("CustomRoleLifecycle", func(t *testing.T) {
		ctx := t.Context()
		s1, s2 := openTwice(t, newCfg)
		admin := &countingStore{Store: s1}
		book := NewRoleBook(admin, func() time.Time { return clock })
		other := NewRoleBook(s2, nil) // the second instance

		d, errs, err := book.Create(ctx, roleForm("Refunds only", SalesRefund, SalesView), 1)
		if err != nil || errs.Any() {
			t.Fatalf("Create: %v %v", errs, err)
		}
		if d.Name != "refunds-only" || !slices.Equal(d.Permissions, []Permission{SalesView, SalesRefund}) {
			t.Fatalf("draft %+v", d)
		}
		g, err := other.Grants(ctx, "refunds-only")
		if err != nil || !g.Known() || g.BuiltIn() || g.Label() != "Refunds only" {
			t.Fatalf("Grants on the other instance: %+v %v", g, err)
		}
		if !g.Can(SalesRefund) || !g.Can(SalesView) || !g.Can(SignedIn) || g.Can(SalesShip) || g.Can(UsersManage) {
			t.Errorf("custom grants: %v", g.Permissions())
		}

		// An edit reaches the holders' next request, on every instance.
		_, errs, err = book.Update(ctx, "refunds-only", roleForm("Refunds and shipping", SalesRefund, SalesView, SalesShip), 2)
		if err != nil || errs.Any() {
			t.Fatalf("Update: %v %v", errs, err)
		}
		g, _ = other.Grants(ctx, "refunds-only")
		if !g.Can(SalesShip) || g.Label() != "Refunds and shipping" {
			t.Errorf("after the edit, the other instance sees %v %q", g.Permissions(), g.Label())
		}
		def, err := book.Role(ctx, "refunds-only")
		if err != nil || def.BuiltIn || def.CreatedBy != 1 || def.UpdatedBy != 2 || !def.CreatedAt.Equal(clock) {
			t.Errorf("Role: %+v %v", def, err)
		}

		// Built-in roles cost no query.
		before := admin.lookups.Load()
		for _, r := range Roles() {
			g, err := book.Grants(ctx, r)
			if err != nil || !g.BuiltIn() || g.Permissions() == nil {
				t.Errorf("Grants(%s) = %+v %v", r, g, err)
			}
		}
		if n := admin.lookups.Load() - before; n != 0 {
			t.Errorf("built-in roles made %d store lookups", n)
		}

		// Assigning: Parse knows built-in and custom roles.
		for in, want := range map[string]Role{"finance": RoleFinance, " Refunds-Only ": "refunds-only", "ADMIN": RoleAdmin} {
			if got, err := other.Parse(ctx, in); err != nil || got != want {
				t.Errorf("Parse(%q) = %q, %v", in, got, err)
			}
		}
		for _, in := range []string{"", "root", "refunds", "refunds-only-x", "a\x00", "<b>", strings.Repeat("a", 40)} {
			if _, err := other.Parse(ctx, in); !errors.Is(err, ErrUnknownRole) {
				t.Errorf("Parse(%q) err = %v", in, err)
			}
		}

		// Deleting a held role is refused with the count; an unheld one goes.
		u := &store.User{Email: "r@example.com", Role: "refunds-only", Status: "active", CreatedAt: clock, UpdatedAt: clock}
		if err := s1.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if refusal, err := book.Delete(ctx, "refunds-only"); err != nil || refusal != "One person has this role. Give them another role first, then delete it." {
			t.Errorf("delete held: %q %v", refusal, err)
		}
		roles, _ := book.Roles(ctx)
		if last := roles[len(roles)-1]; last.Role != "refunds-only" || last.Holders != 1 {
			t.Errorf("Roles() last = %+v", last)
		}
		u.Role = string(RoleViewer)
		_ = s1.UpdateUser(ctx, u)
		if refusal, err := book.Delete(ctx, "refunds-only"); err != nil || refusal != "" {
			t.Fatalf("delete unheld: %q %v", refusal, err)
		}
		// A user still carrying a deleted role's name is denied everything.
		g, err = other.Grants(ctx, "refunds-only")
		if err != nil || g.Known() || g.Can(SignedIn) || g.Can(SalesView) || g.Label() != "refunds-only" {
			t.Errorf("deleted role's grants: %+v %v", g, err)
		}
		if refusal, _ := book.Delete(ctx, "refunds-only"); refusal != "This role no longer exists." {
			t.Errorf("delete twice: %q", refusal)
		}
		if refusal, _ := book.Delete(ctx, RoleFinance); refusal != "Built-in roles cannot be deleted." {
			t.Errorf("delete built-in: %q", refusal)
		}
		if _, _, err := book.Update(ctx, RoleSupport, roleForm("Support", SalesView), 1); !errors.Is(err, ErrBuiltInRole) {
			t.Errorf("update built-in: %v", err)
		}
		if _, _, err := book.Update(ctx, "gone", roleForm("Gone", SalesView), 1); !errors.Is(err, ErrUnknownRole) {
			t.Errorf("update unknown: %v", err)
		}
	})

	t.Run("FormErrors", func(t *testing.T) {
		ctx := t.Context()
		s, _ := openTwice(t, newCfg)
		book := NewRoleBook(s, nil)
		if _, errs, err := book.Create(ctx, roleForm("Night desk", SalesView), 1); err != nil || errs.Any() {
			t.Fatal(errs, err)
		}
		for _, tc := range []struct {
			name  string
			form  url.Values
			field string
			want  string
		}{
			{"no label", roleForm("", SalesView), FieldRoleLabel, "Name is required."},
			{"label of a built-in role", roleForm("finance", SalesView), FieldRoleLabel, `The role "Finance" exists already; choose another name.`},
			{"label taken, other case", roleForm("NIGHT DESK", SalesView), FieldRoleLabel, `The role "Night desk" exists already; choose another name.`},
			{"long label", roleForm(strings.Repeat("x", 41), SalesView), FieldRoleLabel, "Name is 41 characters long; at most 40 are allowed."},
			{"nothing ticked", roleForm("Empty"), FieldRolePermissions, "Tick at least one permission."},
			{"made-up permission", roleForm("Odd", SalesView, "sales.everything"), FieldRolePermissions,
				"One of the ticked permissions does not exist. Reload the page and tick them again."},
			{"pseudo permission", roleForm("Odd", Public), FieldRolePermissions,
				"One of the ticked permissions does not exist. Reload the page and tick them again."},
			{"built-in name", withName(roleForm("Chiefs", SalesView), "admin"), FieldRoleName, `"admin" is the name of a built-in role; choose another.`},
			{"bad name", withName(roleForm("Chiefs", SalesView), "chiefs!"), FieldRoleName,
				"The short name must start with a letter and use only letters a to z, digits and single hyphens, at most 32 characters."},
			{"name taken", withName(roleForm("Evening desk", SalesView), "night-desk"), FieldRoleName,
				`A role named "night-desk" exists already; choose another short name.`},
			{"label with no usable letters", roleForm("Возвраты", SalesView), FieldRoleName,
				"Give the role a short name made of letters a to z, digits and hyphens, like refunds-only."},
			{"markup in the description", withDesc(roleForm("Tabs", SalesView), "a\tb"), FieldRoleDescription,
				"Description contains control characters such as line breaks or tabs; remove them."},
		} {
			d, errs, err := book.Create(ctx, tc.form, 1)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := errs.Get(tc.field); got != tc.want {
				t.Errorf("%s: %s error %q, want %q (all: %v)", tc.name, tc.field, got, tc.want, errs)
			}
			if tc.form.Get(FieldRoleLabel) != "" && d.Label != strings.TrimSpace(tc.form.Get(FieldRoleLabel)) {
				t.Errorf("%s: the draft lost the typed label: %+v", tc.name, d)
			}
		}
		// Non-Latin labels work with a short name given.
		if d, errs, err := book.Create(ctx, withName(roleForm("Возвраты", SalesRefund), "vozvraty"), 1); err != nil || errs.Any() || d.Name != "vozvraty" {
			t.Errorf("named non-Latin role: %+v %v %v", d, errs, err)
		}
		roles, _ := book.Roles(ctx)
		var names []Role
		for _, r := range roles {
			names = append(names, r.Role)
		}
		if want := []Role{"admin", "finance", "catalogue", "support", "fulfilment", "viewer", "night-desk", "vozvraty"}; !slices.Equal(names, want) {
			t.Errorf("Roles() = %v, want built-in first then custom by label", names)
		}
	})
}

func withName(v url.Values, name string) url.Values { v.Set(FieldRoleName, name); return v }
func withDesc(v url.Values, d string) url.Values    { v.Set(FieldRoleDescription, d); return v }

func TestSlugFromLabel(t *testing.T) {
	for in, want := range map[string]string{
		"Refunds only":           "refunds-only",
		"  Night -- Desk!  ":     "night-desk",
		"2nd line support":       "role-2nd-line-support",
		"Café crème":             "caf-cr-me",
		"Возвраты":               "",
		"x":                      "",
		strings.Repeat("ab", 20): "abababababababababababababababab",
	} {
		if got := slugFromLabel(in); got != want {
			t.Errorf("slugFromLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkGrants measures the per-request cost of resolving a role: none
// for a built-in role, one primary-key lookup for a custom one.
func BenchmarkGrants(b *testing.B) {
	for _, backend := range []struct {
		name string
		cfg  func(testing.TB) store.Config
	}{{"sqlite", storetest.SQLiteConfig}, {"postgres", storetest.PostgresConfig}} {
		b.Run(backend.name, func(b *testing.B) {
			cfg := backend.cfg(b)
			s := storetest.Open(b, cfg)
			if err := s.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			book := NewRoleBook(s, nil)
			if _, errs, err := book.Create(b.Context(), roleForm("Refunds only", SalesRefund, SalesView), 1); err != nil || errs.Any() {
				b.Fatal(errs, err)
			}
			for _, r := range []Role{RoleSupport, "refunds-only"} {
				b.Run(string(r), func(b *testing.B) {
					for b.Loop() {
						if g, err := book.Grants(b.Context(), r); err != nil || !g.Can(SalesView) {
							b.Fatal(g, err)
						}
					}
				})
			}
		})
	}
}
