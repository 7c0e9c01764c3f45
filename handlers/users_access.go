package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/store"
	"backoffice/templates/components"
)

// lastActiveAdmin reports whether u is the only active admin left, who must
// not be demoted or disabled (nobody could manage the team afterwards).
func (h *usersHandler) lastActiveAdmin(ctx context.Context, u *store.User) (bool, error) {
	list, err := h.users.ListUsers(ctx)
	if err != nil {
		return false, err
	}
	for _, o := range list {
		if o.ID != u.ID && o.Role == string(auth.RoleAdmin) && o.Status == "active" {
			return false, nil
		}
	}
	return true, nil
}

// accessChange runs one of the account actions that are refused on oneself.
func (h *usersHandler) accessChange(c echo.Context, action string, change func(ctx context.Context, u *store.User) (string, error)) error {
	ctx := c.Request().Context()
	u, err := h.member(c)
	if err != nil {
		return err
	}
	if u.ID == requestOf(c).User().ID {
		return echo.NewHTTPError(http.StatusForbidden, "You cannot do this to your own account.")
	}
	msg, err := change(ctx, u)
	if err != nil {
		h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: action, Target: userTarget(u.ID), Outcome: OutcomeFailed, Detail: err.Error()})
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: action, Target: userTarget(u.ID), Outcome: OutcomeOK})
	if msg != "" {
		h.flash(c, "ok", msg)
	}
	return redirect(c, h.paths.User(itoa64(u.ID)))
}

// confirmDisable asks before disabling a member, like a delete asks:
// nothing changes until its form is posted (disable).
func (h *usersHandler) confirmDisable(c echo.Context) error {
	u, err := h.member(c)
	if err != nil {
		return err
	}
	rq := requestOf(c)
	if u.ID == rq.User().ID {
		return echo.NewHTTPError(http.StatusForbidden, "You cannot do this to your own account.")
	}
	id := itoa64(u.ID)
	if u.Status != "active" {
		return redirect(c, h.paths.User(id))
	}
	list, err := h.users.ListUserSessions(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "Disable "+u.Name, components.ConfirmPage(components.Confirm{
		Question: "Disable " + u.Name + "?",
		Facts: []components.Fact{{Label: "Name", Value: u.Name}, {Label: "E-mail", Value: u.Email},
			{Label: "Active sessions", Value: itoa(len(list))}},
		Consequence: "They can no longer sign in, and their sessions end at once (" + plural(len(list), "session") +
			" open now). You can enable the account again later.",
		Action: h.paths.UserDisable(id), Cancel: h.paths.User(id), Submit: "Disable account",
		CSRF: rq.CSRF(), Key: NewFormKey()}), nil)
}

func (h *usersHandler) disable(c echo.Context) error {
	return h.accessChange(c, "users.disable", func(ctx context.Context, u *store.User) (string, error) {
		if u.Role == string(auth.RoleAdmin) {
			if last, err := h.lastActiveAdmin(ctx, u); err != nil || last {
				if err == nil {
					err = echo.NewHTTPError(http.StatusConflict, "This is the only active admin.")
				}
				return "", err
			}
		}
		u.Status, u.UpdatedAt = "disabled", h.now()
		if err := h.users.UpdateUser(ctx, u); err != nil {
			return "", err
		}
		n, err := h.users.RevokeUserSessions(ctx, u.ID, "", h.now())
		return u.Name + " is disabled; " + plural(n, "session") + " ended.", err
	})
}

func (h *usersHandler) enable(c echo.Context) error {
	return h.accessChange(c, "users.enable", func(ctx context.Context, u *store.User) (string, error) {
		u.Status, u.UpdatedAt = "active", h.now()
		return u.Name + " can sign in again.", h.users.UpdateUser(ctx, u)
	})
}

// resetPassword gives the member a new one-time password, shown once; the
// admin never chooses it, and the member must replace it at sign-in.
func (h *usersHandler) resetPassword(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := h.member(c)
	if err != nil {
		return err
	}
	if u.ID == requestOf(c).User().ID {
		return echo.NewHTTPError(http.StatusForbidden, "Change your own password on your profile.")
	}
	password := auth.GeneratePassword()
	hash, err := h.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	u.PasswordHash, u.MustChangePassword, u.UpdatedAt = hash, true, h.now()
	if err := h.users.UpdateUser(ctx, u); err != nil {
		return err
	}
	if _, err := h.users.RevokeUserSessions(ctx, u.ID, "", h.now()); err != nil {
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "users.reset_password", Target: userTarget(u.ID), Outcome: OutcomeOK})
	return h.showOneTime(c, u, password)
}

func (h *usersHandler) resetSecondFactor(c echo.Context) error {
	return h.accessChange(c, "users.reset_2fa", func(ctx context.Context, u *store.User) (string, error) {
		u.TOTPEnabled, u.TOTPSecret, u.UpdatedAt = false, "", h.now()
		if err := h.users.UpdateUser(ctx, u); err != nil {
			return "", err
		}
		if err := h.users.ReplaceRecoveryCodes(ctx, u.ID, nil, h.now()); err != nil {
			return "", err
		}
		_, err := h.users.RevokeUserSessions(ctx, u.ID, "", h.now())
		return u.Name + "'s second factor is reset; they set it up again at next sign-in.", err
	})
}

func (h *usersHandler) endSessions(c echo.Context) error {
	return h.accessChange(c, "users.sessions.end", func(ctx context.Context, u *store.User) (string, error) {
		n, err := h.users.RevokeUserSessions(ctx, u.ID, "", h.now())
		return plural(n, "session") + " ended.", err
	})
}

// removeBadge is for a badge lost on the floor: whoever finds it can no
// longer sign in with it, and the sessions it already opened end. The
// member's other sessions go on, since their password is not in doubt.
func (h *usersHandler) removeBadge(c echo.Context) error {
	return h.accessChange(c, "users.badge.remove", func(ctx context.Context, u *store.User) (string, error) {
		had, err := h.badges.DeleteBadge(ctx, u.ID)
		if err != nil {
			return "", err
		}
		list, err := h.users.ListUserSessions(ctx, u.ID)
		if err != nil {
			return "", err
		}
		ended := 0
		for _, s := range list {
			if s.Method != store.SignInBadge {
				continue
			}
			if err := h.users.RevokeSession(ctx, s.ID, h.now()); err != nil {
				return "", err
			}
			ended++
		}
		if !had && ended == 0 {
			return u.Name + " has no badge to remove.", nil
		}
		msg := u.Name + "'s badge is removed and no longer signs them in."
		if ended > 0 {
			msg += " " + plural(ended, "badge session") + " ended."
		}
		return msg, nil
	})
}
