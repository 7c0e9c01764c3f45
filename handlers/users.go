package handlers

import (
	"errors"
	"net/http"
	"net/url"
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
	users  userStore
	hasher *auth.Hasher
	audit  *Auditor
	now    func() time.Time
}

func roleOptions(selected string) []components.Option {
	var out []components.Option
	for _, r := range auth.Roles() {
		out = append(out, components.Option{Value: string(r), Label: r.Label(), Selected: string(r) == selected})
	}
	return out
}

func roleHelp() []userspage.RoleHelp {
	var out []userspage.RoleHelp
	for _, r := range auth.Roles() {
		out = append(out, userspage.RoleHelp{Label: r.Label(), Description: r.Description()})
	}
	return out
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
	view := userspage.List{NewURL: h.paths.UserNew()}
	for _, u := range list {
		view.Rows = append(view.Rows, userspage.Row{ID: itoa64(u.ID), URL: h.paths.User(itoa64(u.ID)), Name: u.Name, Email: u.Email,
			Role: auth.Role(u.Role).Label(), Active: u.Status == "active", TwoFactor: u.TOTPEnabled, LastLogin: formatTime(u.LastLoginAt)})
	}
	return h.render(c, http.StatusOK, "Team", userspage.ListPage(view), nil)
}

func (h *usersHandler) newForm(c echo.Context) error {
	f := h.form(c, "")
	f.Role, f.Roles = string(auth.RoleSupport), roleOptions(string(auth.RoleSupport))
	return h.render(c, http.StatusOK, "Add a team member", userspage.NewPage(f, roleHelp()), nil)
}

// readMember reads name and role, the fields an admin may set. Anything else
// in the form (a status, an id, a password hash) is ignored.
func readMember(in *form.Reader) (name, role string) {
	name = in.Text("name", form.Text{Label: "Name", Required: true, Max: 100})
	role = in.Text("role", form.Text{Label: "Role", Required: true, Max: 20})
	if _, err := auth.ParseRole(role); err != nil && in.Errors.Get("role") == "" {
		in.Errors.Add("role", "Choose one of the roles.")
	}
	return name, role
}

func (h *usersHandler) create(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	email := in.Email("email", true)
	name, role := readMember(in)
	view := h.form(c, "")
	view.Name, view.Email, view.Role, view.Roles, view.Errors = name, email, role, roleOptions(role), in.Errors
	if in.Errors.Any() {
		return h.render(c, http.StatusUnprocessableEntity, "Add a team member", userspage.NewPage(view, roleHelp()), nil)
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
			return h.render(c, http.StatusUnprocessableEntity, "Add a team member", userspage.NewPage(view, roleHelp()), nil)
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
	f := h.form(c, itoa64(u.ID))
	f.Name, f.Email, f.Role, f.Roles = u.Name, u.Email, u.Role, roleOptions(u.Role)
	return h.renderDetail(c, http.StatusOK, u, f)
}

func (h *usersHandler) renderDetail(c echo.Context, status int, u *store.User, f userspage.Form) error {
	list, err := h.users.ListUserSessions(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	id := itoa64(u.ID)
	view := userspage.Detail{CSRF: requestOf(c).CSRF(), Form: f, Email: u.Email, Active: u.Status == "active",
		TwoFactor: u.TOTPEnabled, Self: u.ID == requestOf(c).User().ID, LastLogin: formatTime(u.LastLoginAt), Created: formatTime(u.CreatedAt),
		Actions: userspage.MemberActions{Disable: h.paths.UserDisable(id), Enable: h.paths.UserEnable(id),
			ResetPassword: h.paths.UserResetPassword(id), ResetSecondFactor: h.paths.UserResetSecondFactor(id),
			EndSessions: h.paths.UserEndSessions(id)}}
	for _, s := range list {
		view.Sessions = append(view.Sessions, userspage.Session{Created: formatTime(s.CreatedAt), LastSeen: formatTime(s.LastSeenAt),
			IP: s.IP, UserAgent: shortAgent(s.UserAgent)})
	}
	return h.render(c, status, u.Name, userspage.DetailPage(view, roleHelp()), nil)
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
	name, role := readMember(in)
	if !in.Errors.Any() && u.Role == string(auth.RoleAdmin) && role != string(auth.RoleAdmin) {
		if last, err := h.lastActiveAdmin(ctx, u); err != nil {
			return err
		} else if last {
			in.Errors.Add("role", "This is the only active admin. Make someone else an admin first.")
		}
	}
	view := h.form(c, itoa64(u.ID))
	view.Name, view.Email, view.Role, view.Roles, view.Errors = name, u.Email, role, roleOptions(role), in.Errors
	if in.Errors.Any() {
		return h.renderDetail(c, http.StatusUnprocessableEntity, u, view)
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
