package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/templates/components"
	rolespage "backoffice/templates/pages/roles"
)

// rolesHandler serves /roles (users.manage): every role with what it may
// do, and the editor of custom roles. The rules (names, labels, which
// permissions exist, that a held role is not deleted) are RoleBook's; a
// change reaches each holder on their next request, since the guard
// resolves grants per request.
type rolesHandler struct {
	*web
	book  *auth.RoleBook
	audit *Auditor
}

// roleSummary is a role's description, or for a custom role without one,
// its permissions in words.
func roleSummary(d auth.RoleDef) string {
	if d.Description != "" {
		return d.Description
	}
	return "Custom role: " + strings.Join(permissionWords(d.Permissions), "; ") + "."
}

func permissionWords(ps []auth.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Describe()
	}
	return out
}

func holders(n int) string {
	switch n {
	case 0:
		return "Nobody has this role"
	case 1:
		return "1 person has this role"
	}
	return itoa(n) + " people have this role"
}

func (h *rolesHandler) list(c echo.Context) error {
	defs, err := h.book.Roles(c.Request().Context())
	if err != nil {
		return err
	}
	v := rolespage.List{NewURL: h.paths.RoleNew()}
	for _, d := range defs {
		v.Roles = append(v.Roles, roleView(h.paths, d))
	}
	return h.render(c, http.StatusOK, "Roles", rolespage.ListPage(v), nil)
}

func roleView(p paths, d auth.RoleDef) rolespage.Role {
	return rolespage.Role{Name: string(d.Role), Label: d.Label, Description: d.Description, BuiltIn: d.BuiltIn,
		Holders: holders(d.Holders), Permissions: permissionWords(d.Permissions), URL: p.Role(string(d.Role))}
}

// editor is the role form with every permission, those of ticked checked.
func (h *rolesHandler) editor(c echo.Context, ticked []auth.Permission) rolespage.Form {
	f := rolespage.Form{CSRF: requestOf(c).CSRF(), Cancel: h.paths.Roles()}
	for _, p := range auth.AllPermissions() {
		checked := false
		for _, t := range ticked {
			checked = checked || t == p
		}
		f.Permissions = append(f.Permissions, rolespage.Permission{Value: string(p), Words: p.Describe(), Checked: checked})
	}
	return f
}

func (h *rolesHandler) newForm(c echo.Context) error {
	f := h.editor(c, nil)
	f.New, f.Action = true, h.paths.Roles()
	return h.render(c, http.StatusOK, "Add a custom role", rolespage.FormPage(f), nil)
}

func (h *rolesHandler) create(c echo.Context) error {
	vals, err := posted(c)
	if err != nil {
		return err
	}
	rq := requestOf(c)
	d, errs, err := h.book.Create(c.Request().Context(), vals, rq.User().ID)
	if err != nil {
		return err
	}
	if errs.Any() {
		f := h.editor(c, d.Permissions)
		f.New, f.Action = true, h.paths.Roles()
		f.Name, f.Label, f.Description, f.Errors = vals.Get(auth.FieldRoleName), d.Label, d.Description, errs
		return h.render(c, http.StatusUnprocessableEntity, "Add a custom role", rolespage.FormPage(f), nil)
	}
	h.audit.Record(c.Request().Context(), rq, AuditEntry{Action: "roles.create", Target: "role:" + string(d.Name),
		Params: roleParams(d), Outcome: OutcomeOK})
	h.flash(c, "ok", "Role "+d.Label+" added. Give it to people on the team page.")
	return redirect(c, h.paths.Role(string(d.Name)))
}

func roleParams(d auth.RoleDraft) url.Values {
	v := url.Values{"label": {d.Label}, "description": {d.Description}}
	for _, p := range d.Permissions {
		v.Add("permissions", string(p))
	}
	return v
}

// role is the role the path names; 404 when there is none.
func (h *rolesHandler) role(c echo.Context) (auth.RoleDef, error) {
	d, err := h.book.Role(c.Request().Context(), auth.Role(c.Param("name")))
	if errors.Is(err, auth.ErrUnknownRole) {
		return d, echo.NewHTTPError(http.StatusNotFound, "There is no such role.")
	}
	return d, err
}

func (h *rolesHandler) show(c echo.Context) error {
	d, err := h.role(c)
	if err != nil {
		return err
	}
	if d.BuiltIn {
		return h.render(c, http.StatusOK, d.Label, rolespage.DetailPage(rolespage.Detail{Role: roleView(h.paths, d), BackURL: h.paths.Roles()}), nil)
	}
	return h.render(c, http.StatusOK, d.Label, rolespage.FormPage(h.editForm(c, d, auth.RoleDraft{Label: d.Label,
		Description: d.Description, Permissions: d.Permissions}, nil)), nil)
}

// editForm is the edit form of custom role d with the values of draft.
func (h *rolesHandler) editForm(c echo.Context, d auth.RoleDef, draft auth.RoleDraft, errs map[string]string) rolespage.Form {
	f := h.editor(c, draft.Permissions)
	name := string(d.Role)
	f.Action, f.DeleteURL, f.Holders = h.paths.Role(name), h.paths.RoleDelete(name), holders(d.Holders)
	f.Name, f.Label, f.Description, f.Errors = name, draft.Label, draft.Description, errs
	if f.Label == "" {
		f.Label = d.Label
	}
	return f
}

func (h *rolesHandler) update(c echo.Context) error {
	d, err := h.role(c)
	if err != nil {
		return err
	}
	if d.BuiltIn {
		return echo.NewHTTPError(http.StatusForbidden, "Built-in roles cannot be changed. Add a custom role instead.")
	}
	vals, err := posted(c)
	if err != nil {
		return err
	}
	rq := requestOf(c)
	draft, errs, err := h.book.Update(c.Request().Context(), d.Role, vals, rq.User().ID)
	switch {
	case errors.Is(err, auth.ErrUnknownRole):
		return echo.NewHTTPError(http.StatusNotFound, "There is no such role.")
	case err != nil:
		return err
	case errs.Any():
		return h.render(c, http.StatusUnprocessableEntity, d.Label, rolespage.FormPage(h.editForm(c, d, draft, errs)), nil)
	}
	before := roleParams(auth.RoleDraft{Label: d.Label, Description: d.Description, Permissions: d.Permissions})
	h.audit.Record(c.Request().Context(), rq, AuditEntry{Action: "roles.update", Target: "role:" + string(d.Role),
		Params: roleParams(draft), Outcome: OutcomeOK, Detail: "before: " + ScrubParams(before)})
	h.flash(c, "ok", "Saved. The change applies from each holder's next click.")
	return redirect(c, h.paths.Role(string(d.Role)))
}

// confirmDelete asks before deleting a custom role.
func (h *rolesHandler) confirmDelete(c echo.Context) error {
	d, err := h.role(c)
	if err != nil {
		return err
	}
	if d.BuiltIn {
		return echo.NewHTTPError(http.StatusForbidden, "Built-in roles cannot be deleted.")
	}
	return h.render(c, http.StatusOK, "Delete "+d.Label, components.ConfirmPage(h.deletion(c, d, "")), nil)
}

func (h *rolesHandler) deletion(c echo.Context, d auth.RoleDef, refusal string) components.Confirm {
	return components.Confirm{Question: "Delete the role " + d.Label + "?", Facts: []components.Fact{
		{Label: "Role", Value: d.Label}, {Label: "Held by", Value: holders(d.Holders)}},
		Consequence: "Only a role nobody has can be deleted. This cannot be undone.",
		Action:      h.paths.RoleDelete(string(d.Role)), Cancel: h.paths.Role(string(d.Role)), Submit: "Delete role",
		CSRF: requestOf(c).CSRF(), Key: NewFormKey(), Error: refusal}
}

// delete removes a custom role nobody holds; a held role is refused with
// the message saying so.
func (h *rolesHandler) delete(c echo.Context) error {
	d, err := h.role(c)
	if err != nil {
		return err
	}
	rq := requestOf(c)
	refusal, err := h.book.Delete(c.Request().Context(), d.Role)
	if err != nil {
		return err
	}
	if refusal != "" {
		h.audit.Record(c.Request().Context(), rq, AuditEntry{Action: "roles.delete", Target: "role:" + string(d.Role),
			Outcome: OutcomeFailed, Detail: refusal})
		return h.render(c, http.StatusConflict, "Delete "+d.Label, components.ConfirmPage(h.deletion(c, d, refusal)), nil)
	}
	h.audit.Record(c.Request().Context(), rq, AuditEntry{Action: "roles.delete", Target: "role:" + string(d.Role), Outcome: OutcomeOK})
	h.flash(c, "ok", "Role "+d.Label+" deleted.")
	return redirect(c, h.paths.Roles())
}
