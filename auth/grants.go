package auth

// Grants is what one role allows, resolved once per request: the guard asks
// RoleBook.Grants for the signed-in user's role and then every check of that
// request (the route's permission, which buttons a page shows, the write
// path's second check) is a bit test. The zero Grants refuse everything but
// Public, so a missing or unknown role is denied by default.
type Grants struct {
	role    Role
	label   string
	set     permSet
	known   bool
	builtIn bool
}

// permSet holds one bit per real permission, in allPermissions order.
type permSet uint64

// permBit maps each real permission to its bit. Built from allPermissions,
// so adding a permission there is all it takes.
var permBit = func() map[Permission]permSet {
	if len(allPermissions) > 64 {
		panic("auth: more than 64 permissions do not fit in permSet")
	}
	m := make(map[Permission]permSet, len(allPermissions))
	for i, p := range allPermissions {
		m[p] = 1 << i
	}
	return m
}()

// builtinGrants is the role table read once into Grants.
var builtinGrants = func() map[Role]Grants {
	m := make(map[Role]Grants, len(roles))
	for r, info := range roles {
		m[r] = newGrants(r, info.label, info.perms, true)
	}
	return m
}()

// newGrants builds Grants from a permission list; names that are not real
// permissions (say, one a later version removed) grant nothing.
func newGrants(r Role, label string, perms []Permission, builtIn bool) Grants {
	g := Grants{role: r, label: label, known: true, builtIn: builtIn}
	for _, p := range perms {
		g.set |= permBit[p]
	}
	return g
}

// Can reports whether the role may use something requiring p. Public is open
// to everyone; SignedIn to any known role; a real permission only when the
// role holds it. Anything else is refused.
func (g Grants) Can(p Permission) bool {
	if p == Public {
		return true
	}
	if !g.known {
		return false
	}
	if p == SignedIn {
		return true
	}
	bit, ok := permBit[p]
	return ok && g.set&bit != 0
}

// Role is the role these grants belong to ("" for the zero Grants).
func (g Grants) Role() Role { return g.role }

// Known reports whether the role exists (built in, or stored as a custom
// role). Unknown roles are denied everything but Public.
func (g Grants) Known() bool { return g.known }

// BuiltIn reports whether the role is one of the built-in roles.
func (g Grants) BuiltIn() bool { return g.builtIn }

// Label is the role's display name; the raw role name when it is unknown, so
// a bad stored value is visible rather than blank.
func (g Grants) Label() string {
	if g.label == "" {
		return string(g.role)
	}
	return g.label
}

// Permissions lists the real permissions granted, in AllPermissions order.
func (g Grants) Permissions() []Permission {
	if !g.known {
		return nil
	}
	var out []Permission
	for _, p := range allPermissions {
		if g.set&permBit[p] != 0 {
			out = append(out, p)
		}
	}
	return out
}

// Privileged reports whether the role can change who may do what or see the
// account's secret (users.manage, account.secret). Such a role deserves the
// second-factor rule that BACKOFFICE_REQUIRE_2FA=admins applies to admins,
// whether it is built in or custom.
func (g Grants) Privileged() bool {
	return g.Can(UsersManage) || g.Can(AccountSecret)
}
