package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"backoffice/form"
	"backoffice/store"
)

// RoleStore is the part of the store RoleBook uses.
type RoleStore interface {
	RoleByName(ctx context.Context, name string) (*store.Role, error)
	ListRoles(ctx context.Context) ([]store.Role, error)
	CreateRole(ctx context.Context, r *store.Role) error
	UpdateRole(ctx context.Context, r *store.Role) error
	DeleteRole(ctx context.Context, name string) error
	RoleHolderCounts(ctx context.Context) (map[string]int, error)
}

// RoleBook is the data-aware side of roles: the built-in roles of the table
// in permissions.go, plus the custom roles an admin defines on /roles,
// which live in the store. It caches nothing, so an edit reaches every
// holder on their next request, on every instance: a built-in role costs no
// query, a custom one a primary-key lookup.
type RoleBook struct {
	st  RoleStore
	now func() time.Time
}

// NewRoleBook returns a RoleBook over st; now defaults to time.Now.
func NewRoleBook(st RoleStore, now func() time.Time) *RoleBook {
	if now == nil {
		now = time.Now
	}
	return &RoleBook{st: st, now: now}
}

// ErrBuiltInRole is returned when a built-in role would be edited or deleted.
var ErrBuiltInRole = errors.New("auth: built-in roles cannot be changed")

// RoleDef describes one role for the team and roles pages.
type RoleDef struct {
	Role        Role
	Label       string
	Description string
	Permissions []Permission // in AllPermissions order
	BuiltIn     bool
	// Holders counts the users (active or disabled) with this role.
	Holders int
	// The fields below are zero for built-in roles. CreatedBy and
	// UpdatedBy are user IDs.
	CreatedAt, UpdatedAt time.Time
	CreatedBy, UpdatedBy int64
}

// Grants resolves a role once per request; the guard calls it with the
// signed-in user's stored role and keeps the result for every check of the
// request. An unknown role (a custom role since deleted, a bad stored value)
// gives Grants that refuse everything but Public, and no error: deny by
// default. The error is for a store that could not answer; the caller must
// then refuse the request too.
func (b *RoleBook) Grants(ctx context.Context, r Role) (Grants, error) {
	if g, ok := builtinGrants[r]; ok {
		return g, nil
	}
	if !validRoleName(string(r)) {
		return Grants{role: r}, nil
	}
	sr, err := b.st.RoleByName(ctx, string(r))
	if errors.Is(err, store.ErrNotFound) {
		return Grants{role: r}, nil
	}
	if err != nil {
		return Grants{role: r}, fmt.Errorf("auth: grants of role %s: %w", r, err)
	}
	return newGrants(r, sr.Label, permissionsOf(sr.Permissions), false), nil
}

// Parse is ParseRole for assigning a role: it also accepts the custom roles
// that exist, and gives an error wrapping ErrUnknownRole for anything else.
func (b *RoleBook) Parse(ctx context.Context, s string) (Role, error) {
	if r, err := ParseRole(s); err == nil {
		return r, nil
	}
	name := strings.ToLower(strings.TrimSpace(s))
	if !validRoleName(name) {
		return "", fmt.Errorf("%w: %q", ErrUnknownRole, s)
	}
	if _, err := b.st.RoleByName(ctx, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("%w: %q", ErrUnknownRole, s)
		}
		return "", fmt.Errorf("auth: parse role: %w", err)
	}
	return Role(name), nil
}

// Roles lists every role for the team page's role menu and the roles page:
// the built-in roles in display order, then the custom roles by label, each
// with its number of holders.
func (b *RoleBook) Roles(ctx context.Context) ([]RoleDef, error) {
	custom, err := b.st.ListRoles(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: list roles: %w", err)
	}
	counts, err := b.st.RoleHolderCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: list roles: %w", err)
	}
	out := make([]RoleDef, 0, len(allRoles)+len(custom))
	for _, r := range allRoles {
		d := builtinDef(r)
		d.Holders = counts[string(r)]
		out = append(out, d)
	}
	slices.SortStableFunc(custom, func(a, b store.Role) int {
		return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label))
	})
	for i := range custom {
		d := customDef(&custom[i])
		d.Holders = counts[custom[i].Name]
		out = append(out, d)
	}
	return out, nil
}

// Role returns one role's definition (for the edit page), with its holders;
// an error wrapping ErrUnknownRole when there is no such role.
func (b *RoleBook) Role(ctx context.Context, r Role) (RoleDef, error) {
	all, err := b.Roles(ctx)
	if err != nil {
		return RoleDef{}, err
	}
	for _, d := range all {
		if d.Role == r {
			return d, nil
		}
	}
	return RoleDef{}, fmt.Errorf("%w: %q", ErrUnknownRole, r)
}

func builtinDef(r Role) RoleDef {
	info := roles[r]
	return RoleDef{Role: r, Label: info.label, Description: info.description, Permissions: r.Permissions(), BuiltIn: true}
}

func customDef(sr *store.Role) RoleDef {
	return RoleDef{Role: Role(sr.Name), Label: sr.Label, Description: sr.Description,
		Permissions: newGrants("", "", permissionsOf(sr.Permissions), false).Permissions(),
		CreatedAt:   sr.CreatedAt, UpdatedAt: sr.UpdatedAt, CreatedBy: sr.CreatedBy, UpdatedBy: sr.UpdatedBy}
}

func permissionsOf(names []string) []Permission {
	out := make([]Permission, 0, len(names))
	for _, n := range names {
		out = append(out, Permission(n))
	}
	return out
}

// Fields of the role editor's form.
const (
	// FieldRoleName is the short name stored in users.role: lower-case
	// letters, digits and hyphens. Optional when creating (derived from the
	// label), ignored when editing (a name never changes).
	FieldRoleName        = "name"
	FieldRoleLabel       = "label"
	FieldRoleDescription = "description"
	// FieldRolePermissions is a checkbox per permission, its value the
	// permission's name (e.g. "sales.refund").
	FieldRolePermissions = "permissions"
)

// Limits of the role editor's fields.
const (
	MaxRoleName        = 32
	MaxRoleLabel       = 40
	MaxRoleDescription = 200
)

// RoleDraft is what the role editor sent, as read: the values to show
// again when the form has errors.
type RoleDraft struct {
	Name        Role
	Label       string
	Description string
	Permissions []Permission // the ticked ones, in AllPermissions order
}

// Create reads the role editor's form and stores a new custom role made by
// user `by`. Problems come back as field errors (form.Errors, keyed by the
// Field* names) with the draft to show again; err is for a store that could
// not answer.
func (b *RoleBook) Create(ctx context.Context, v url.Values, by int64) (RoleDraft, form.Errors, error) {
	in := form.NewReader(v)
	d := readRoleDraft(in, v)
	name := in.Text(FieldRoleName, form.Text{Label: "Short name", Max: MaxRoleName})
	if name == "" && in.Errors.Get(FieldRoleName) == "" {
		name = slugFromLabel(d.Label)
		if name == "" && d.Label != "" {
			in.Errors.Add(FieldRoleName, "Give the role a short name made of letters a to z, digits and hyphens, like refunds-only.")
		}
	}
	d.Name = Role(strings.ToLower(name))
	if in.Errors.Get(FieldRoleName) == "" && d.Name != "" {
		switch {
		case d.Name.Valid() || d.Name == Role(Public) || d.Name == Role(SignedIn):
			in.Errors.Add(FieldRoleName, fmt.Sprintf("%q is the name of a built-in role; choose another.", d.Name))
		case !validRoleName(string(d.Name)):
			in.Errors.Add(FieldRoleName, "The short name must start with a letter and use only letters a to z, digits and single hyphens, at most 32 characters.")
		}
	}
	if err := b.checkLabel(ctx, in, d.Label, ""); err != nil {
		return d, in.Errors, err
	}
	if in.Errors.Any() {
		return d, in.Errors, nil
	}
	now := b.now()
	sr := &store.Role{Name: string(d.Name), Label: d.Label, Description: d.Description, Permissions: permissionNames(d.Permissions),
		CreatedAt: now, UpdatedAt: now, CreatedBy: by, UpdatedBy: by}
	if err := b.st.CreateRole(ctx, sr); err != nil {
		if errors.Is(err, store.ErrConflict) {
			in.Errors.Add(FieldRoleName, fmt.Sprintf("A role named %q exists already; choose another short name.", d.Name))
			return d, in.Errors, nil
		}
		return d, in.Errors, fmt.Errorf("auth: create role: %w", err)
	}
	return d, in.Errors, nil
}

// Update reads the role editor's form and changes custom role r (label,
// description, permissions), as user `by`. The change applies to every
// holder from their next request. A built-in role gives ErrBuiltInRole, a
// missing one an error wrapping ErrUnknownRole; form problems come back as
// field errors, as for Create.
func (b *RoleBook) Update(ctx context.Context, r Role, v url.Values, by int64) (RoleDraft, form.Errors, error) {
	in := form.NewReader(v)
	d := readRoleDraft(in, v)
	d.Name = r
	if r.Valid() {
		return d, in.Errors, ErrBuiltInRole
	}
	sr, err := b.st.RoleByName(ctx, string(r))
	if errors.Is(err, store.ErrNotFound) {
		return d, in.Errors, fmt.Errorf("%w: %q", ErrUnknownRole, r)
	}
	if err != nil {
		return d, in.Errors, fmt.Errorf("auth: update role: %w", err)
	}
	if err := b.checkLabel(ctx, in, d.Label, r); err != nil {
		return d, in.Errors, err
	}
	if in.Errors.Any() {
		return d, in.Errors, nil
	}
	sr.Label, sr.Description, sr.Permissions = d.Label, d.Description, permissionNames(d.Permissions)
	sr.UpdatedAt, sr.UpdatedBy = b.now(), by
	if err := b.st.UpdateRole(ctx, sr); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return d, in.Errors, fmt.Errorf("%w: %q", ErrUnknownRole, r)
		}
		return d, in.Errors, fmt.Errorf("auth: update role: %w", err)
	}
	return d, in.Errors, nil
}

// Delete removes custom role r. When that is refused for a reason the
// person at the page should read (a built-in role, people still hold it, no
// such role), refusal says so in plain words and nothing changed; err is for
// a store that could not answer.
func (b *RoleBook) Delete(ctx context.Context, r Role) (refusal string, err error) {
	if r.Valid() {
		return "Built-in roles cannot be deleted.", nil
	}
	err = b.st.DeleteRole(ctx, string(r))
	var inUse *store.RoleInUseError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &inUse):
		if inUse.Holders == 1 {
			return "One person has this role. Give them another role first, then delete it.", nil
		}
		return fmt.Sprintf("%d people have this role. Give them another role first, then delete it.", inUse.Holders), nil
	case errors.Is(err, store.ErrNotFound):
		return "This role no longer exists.", nil
	}
	return "", fmt.Errorf("auth: delete role: %w", err)
}

// readRoleDraft reads the fields shared by Create and Update.
func readRoleDraft(in *form.Reader, v url.Values) RoleDraft {
	d := RoleDraft{
		Label:       in.Text(FieldRoleLabel, form.Text{Label: "Name", Required: true, Max: MaxRoleLabel}),
		Description: in.Text(FieldRoleDescription, form.Text{Label: "Description", Max: MaxRoleDescription}),
	}
	ticked := map[Permission]bool{}
	for _, s := range v[FieldRolePermissions] {
		p := Permission(strings.TrimSpace(s))
		if !slices.Contains(allPermissions, p) {
			in.Errors.Add(FieldRolePermissions, "One of the ticked permissions does not exist. Reload the page and tick them again.")
			continue
		}
		ticked[p] = true
	}
	for _, p := range allPermissions {
		if ticked[p] {
			d.Permissions = append(d.Permissions, p)
		}
	}
	if len(d.Permissions) == 0 {
		in.Errors.Add(FieldRolePermissions, "Tick at least one permission.")
	}
	return d
}

// checkLabel refuses a label another role already shows (built-in or
// custom, ignoring case), so the team page's role menu is unambiguous.
func (b *RoleBook) checkLabel(ctx context.Context, in *form.Reader, label string, self Role) error {
	if label == "" || in.Errors.Get(FieldRoleLabel) != "" {
		return nil
	}
	all, err := b.Roles(ctx)
	if err != nil {
		return err
	}
	for _, d := range all {
		if d.Role != self && strings.EqualFold(d.Label, label) {
			in.Errors.Add(FieldRoleLabel, fmt.Sprintf("The role %q exists already; choose another name.", d.Label))
			break
		}
	}
	return nil
}

func permissionNames(ps []Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

// validRoleName: 2 to 32 of a-z, 0-9 and single inner hyphens, starting
// with a letter. Nothing else can name a custom role, so a stored value
// outside this shape is never looked up.
func validRoleName(s string) bool {
	if len(s) < 2 || len(s) > MaxRoleName || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// slugFromLabel derives a short name from the label ("Refunds only" →
// "refunds-only"): ASCII letters and digits kept, every other run of
// characters one hyphen, "role-" in front of a leading digit. "" when
// nothing usable is left.
func slugFromLabel(label string) string {
	var b strings.Builder
	hyphen := false
	for _, c := range strings.ToLower(label) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(c)
			continue
		}
		hyphen = true
	}
	s := b.String()
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "role-" + s // a name starts with a letter
	}
	if len(s) > MaxRoleName {
		s = strings.TrimRight(s[:MaxRoleName], "-")
	}
	if !validRoleName(s) {
		return ""
	}
	return s
}
