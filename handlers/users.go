package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/form"
	"backoffice/store"
	"backoffice/templates/components"
	userspage "backoffice/templates/pages/users"
)

// usersHandler serves the team pages (users.manage).
type usersHandler struct {
	*web
	users userStore
	// entries are the audit log, for what a member did and what was done
	// to their account.
	entries recentAudit
	// book knows the custom roles as well as the built-in ones.
	book   *auth.RoleBook
	hasher *auth.Hasher
	audit  *Auditor
	now    func() time.Time
	// badges are the members' sign-in badges, which an admin sees and
	// removes (a badge lost on the floor) but never sets.
	badges memberBadges
}

// memberBadges is what the team pages do with badges.
type memberBadges interface {
	BadgeOf(ctx context.Context, userID int64) (*store.Badge, error)
	DeleteBadge(ctx context.Context, userID int64) (bool, error)
}

// roleMenu is every role a member can be given, built in or custom, as
// the team pages show them: the menu, the help under it, and each role's
// label by name.
type roleMenu struct {
	defs []auth.RoleDef
}

func (h *usersHandler) roles(ctx context.Context) (roleMenu, error) {
	defs, err := h.book.Roles(ctx)
	return roleMenu{defs: defs}, err
}

func (m roleMenu) options(selected string) []components.Option {
	var out []components.Option
	for _, d := range m.defs {
		out = append(out, components.Option{Value: string(d.Role), Label: d.Label, Selected: string(d.Role) == selected})
	}
	return out
}

func (m roleMenu) help() []userspage.RoleHelp {
	var out []userspage.RoleHelp
	for _, d := range m.defs {
		out = append(out, userspage.RoleHelp{Label: d.Label, Description: roleSummary(d)})
	}
	return out
}

// label names a stored role; a role that no longer exists shows as stored,
// so it is visible rather than blank.
func (m roleMenu) label(role string) string {
	for _, d := range m.defs {
		if string(d.Role) == role {
			return d.Label
		}
	}
	return role + " (no such role)"
}

// form is the member form for id ("" for a new member) with where it posts.
func (h *usersHandler) form(c echo.Context, id string) userspage.Form {
	f := userspage.Form{CSRF: requestOf(c).CSRF(), ID: id, Action: h.paths.Users(), Cancel: h.paths.Users()}
	if id != "" {
		f.Action, f.Cancel = h.paths.User(id), h.paths.User(id)
	}
	return f
}

func (h *usersHandler) list(c echo.Context) error {
	list, err := h.users.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	menu, err := h.roles(c.Request().Context())
	if err != nil {
		return err
	}
	view := userspage.List{NewURL: h.paths.UserNew(), RolesURL: h.paths.Roles()}
	for _, u := range list {
		view.Rows = append(view.Rows, userspage.Row{ID: itoa64(u.ID), URL: h.paths.User(itoa64(u.ID)), Name: u.Name, Email: u.Email,
			Role: menu.label(u.Role), Active: u.Status == "active", TwoFactor: u.TOTPEnabled, LastLogin: requestOf(c).When(u.LastLoginAt)})
	}
	return h.render(c, http.StatusOK, "Team", userspage.ListPage(view), nil)
}

func (h *usersHandler) newForm(c echo.Context) error {
	menu, err := h.roles(c.Request().Context())
	if err != nil {
		return err
	}
	f := h.form(c, "")
	f.Role, f.Roles = string(auth.RoleSupport), menu.options(string(auth.RoleSupport))
	return h.render(c, http.StatusOK, "Add a team member", userspage.NewPage(f, menu.help()), nil)
}

// readMember reads name and role, the fields an admin may set: a built-in
// role or a custom one that exists. Anything else in the form (a status, an
// id, a password hash) is ignored.
func (h *usersHandler) readMember(ctx context.Context, in *form.Reader) (name, role string, err error) {
	name = in.Text("name", form.Text{Label: "Name", Required: true, Max: 100})
	role = in.Text("role", form.Text{Label: "Role", Required: true, Max: auth.MaxRoleName})
	if in.Errors.Get("role") != "" || role == "" {
		return name, role, nil
	}
	r, err := h.book.Parse(ctx, role)
	switch {
	case errors.Is(err, auth.ErrUnknownRole):
		in.Errors.Add("role", "Choose one of the roles.")
		return name, role, nil
	case err != nil:
		return name, role, err
	}
	return name, string(r), nil
}

func (h *usersHandler) create(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	email := in.Email("email", true)
	name, role, err := h.readMember(ctx, in)
	if err != nil {
		return err
	}
	menu, err := h.roles(ctx)
	if err != nil {
		return err
	}
	view := h.form(c, "")
	view.Name, view.Email, view.Role, view.Roles, view.Errors = name, email, role, menu.options(role), in.Errors
	if in.Errors.Any() {
		return h.render(c, http.StatusUnprocessableEntity, "Add a team member", userspage.NewPage(view, menu.help()), nil)
	}
	password := auth.GeneratePassword()
	hash, err := h.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	now := h.now()
	u := &store.User{Email: email, Name: name, Role: role, Status: "active", PasswordHash: hash,
		MustChangePassword: true, CreatedAt: now, UpdatedAt: now}
	params := url.Values{"email": {email}, "name": {name}, "role": {role}}
	if err := h.users.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			in.Errors.Add("email", "Someone on the team already has this e-mail address.")
			return h.render(c, http.StatusUnprocessableEntity, "Add a team member", userspage.NewPage(view, menu.help()), nil)
		}
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "users.create", Target: userTarget(u.ID), Params: params, Outcome: OutcomeOK})
	return h.showOneTime(c, u, password)
}

func (h *usersHandler) showOneTime(c echo.Context, u *store.User, password string) error {
	s := h.shell(c, "One-time password")
	s.NoHistory = true
	view := userspage.OneTime{Name: u.Name, Email: u.Email, Password: password, Back: h.paths.User(itoa64(u.ID))}
	return h.renderShell(c, http.StatusOK, s, userspage.OneTimePage(view), nil)
}

// member loads the user named by the path. The id comes only from the path,
// never from the form, so a form field cannot redirect the change.
func (h *usersHandler) member(c echo.Context) (*store.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	u, err := h.users.UserByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	return u, err
}

func (h *usersHandler) show(c echo.Context) error {
	u, err := h.member(c)
	if err != nil {
		return err
	}
	menu, err := h.roles(c.Request().Context())
	if err != nil {
		return err
	}
	f := h.form(c, itoa64(u.ID))
	f.Name, f.Email, f.Role, f.Roles = u.Name, u.Email, u.Role, menu.options(u.Role)
	return h.renderDetail(c, http.StatusOK, u, f, menu)
}

func (h *usersHandler) renderDetail(c echo.Context, status int, u *store.User, f userspage.Form, menu roleMenu) error {
	list, err := h.users.ListUserSessions(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	id := itoa64(u.ID)
	rq := requestOf(c)
	view := userspage.Detail{CSRF: rq.CSRF(), Form: f, Email: u.Email, Active: u.Status == "active",
		TwoFactor: u.TOTPEnabled, Self: u.ID == rq.User().ID, LastLogin: rq.When(u.LastLoginAt), Created: rq.When(u.CreatedAt),
		Actions: userspage.MemberActions{Disable: h.paths.UserDisable(id), Enable: h.paths.UserEnable(id),
			ResetPassword: h.paths.UserResetPassword(id), ResetSecondFactor: h.paths.UserResetSecondFactor(id),
			EndSessions: h.paths.UserEndSessions(id), RemoveBadge: h.paths.UserRemoveBadge(id)}}
	for _, s := range list {
		view.Sessions = append(view.Sessions, userspage.Session{Created: rq.When(s.CreatedAt), LastSeen: rq.When(s.LastSeenAt),
			IP: s.IP, UserAgent: shortAgent(s.UserAgent), Badge: s.Method == store.SignInBadge})
	}
	switch b, err := h.badges.BadgeOf(c.Request().Context(), u.ID); {
	case err == nil:
		view.BadgeSince = rq.When(b.UpdatedAt)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if view.Recent, err = h.memberActions(c.Request().Context(), rq, u); err != nil {
		return err
	}
	return h.render(c, status, u.Name, userspage.DetailPage(view, menu.help()), nil)
}

func (h *usersHandler) update(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := h.member(c)
	if err != nil {
		return err
	}
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	name, role, err := h.readMember(ctx, in)
	if err != nil {
		return err
	}
	if !in.Errors.Any() && u.Role == string(auth.RoleAdmin) && role != string(auth.RoleAdmin) {
		if last, err := h.lastActiveAdmin(ctx, u); err != nil {
			return err
		} else if last {
			in.Errors.Add("role", "This is the only active admin. Make someone else an admin first.")
		}
	}
	menu, err := h.roles(ctx)
	if err != nil {
		return err
	}
	view := h.form(c, itoa64(u.ID))
	view.Name, view.Email, view.Role, view.Roles, view.Errors = name, u.Email, role, menu.options(role), in.Errors
	if in.Errors.Any() {
		return h.renderDetail(c, http.StatusUnprocessableEntity, u, view, menu)
	}
	before := url.Values{"name": {u.Name}, "role": {u.Role}}
	u.Name, u.Role, u.UpdatedAt = name, role, h.now()
	if err := h.users.UpdateUser(ctx, u); err != nil {
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "users.update", Target: userTarget(u.ID), Outcome: OutcomeOK,
		Params: url.Values{"name": {name}, "role": {role}}, Detail: "before: " + ScrubParams(before)})
	h.flash(c, "ok", "Saved. The change applies from "+name+"'s next click.")
	return redirect(c, h.paths.User(itoa64(u.ID)))
}

// memberRecent is how many audit entries a member's page shows.
const memberRecent = 10

// memberActions are the latest entries by the member and on their account,
// newest first, in words (auditSentence).
func (h *usersHandler) memberActions(ctx context.Context, rq *request, u *store.User) ([]userspage.Action, error) {
	by, err := h.entries.ListAudit(ctx, store.AuditFilter{UserID: u.ID, Limit: memberRecent})
	if err != nil {
		return nil, fmt.Errorf("audit entries by user %d: %w", u.ID, err)
	}
	on, err := h.entries.ListAudit(ctx, store.AuditFilter{Target: userTarget(u.ID), Limit: memberRecent})
	if err != nil {
		return nil, fmt.Errorf("audit entries on user %d: %w", u.ID, err)
	}
	seen := map[int64]bool{}
	var all []store.AuditEntry
	for _, e := range append(by, on...) {
		if !seen[e.ID] {
			seen[e.ID] = true
			all = append(all, e)
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID > all[j].ID })
	if len(all) > memberRecent {
		all = all[:memberRecent]
	}
	team, err := h.users.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	names := namesOf(team)
	out := make([]userspage.Action, len(all))
	for i, e := range all {
		out[i] = userspage.Action{At: rq.When(e.At), Outcome: e.Outcome, Event: auditEvent(e, names)}
	}
	return out, nil
}
