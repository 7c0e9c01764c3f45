package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/form"
	"backoffice/store"
	mepage "backoffice/templates/pages/me"
)

// Badge sign-in on shared phones (issue 12, item 4): a fulfilment user sets
// up a badge code and a PIN on their profile, then takes over a phone on the
// floor by scanning the badge and typing the PIN.

// badgeNotSaved heads the form when a field is wrong, above the fields'
// own messages.
const badgeNotSaved = "The badge was not saved."

// badgeForm is GET /me/badge.
func (h *meHandler) badgeForm(c echo.Context) error {
	view, err := h.badgeView(c)
	if err != nil {
		return err
	}
	return h.renderBadge(c, http.StatusOK, view)
}

// badgeView is the page without any posted values: whether the person may
// have a badge, and since when they have one.
func (h *meHandler) badgeView(c echo.Context) (mepage.Badge, error) {
	v := viewerOf(c)
	view := mepage.Badge{CSRF: requestOf(c).CSRF(), Links: h.links(), Errors: map[string]string{},
		MinCode: auth.MinBadgeCodeLen, MaxCode: auth.MaxBadgeCodeLen, MinPIN: auth.MinPINDigits, MaxPIN: auth.MaxPINDigits}
	if h.badges == nil {
		view.Unavailable = auth.ErrBadgePolicy.Error()
		return view, nil
	}
	if why := h.badges.Allowed(v.User); why != nil {
		view.Unavailable = why.Error()
	}
	b, err := h.badgeStore.BadgeOf(c.Request().Context(), v.User.ID)
	switch {
	case err == nil:
		view.Has, view.Since = true, requestOf(c).When(b.UpdatedAt)
	case !errors.Is(err, store.ErrNotFound):
		return view, err
	}
	return view, nil
}

func (h *meHandler) renderBadge(c echo.Context, status int, view mepage.Badge) error {
	s := h.shell(c, "Sign-in badge")
	s.NoHistory = true // the form may come back with the code typed
	return h.renderShell(c, status, s, mepage.BadgePage(view), nil)
}

// setBadge is POST /me/badge: a new badge code and PIN, confirmed with the
// current password. The password is asked for because a badge is a way in:
// whoever finds a phone still signed in must not be able to give
// themselves a badge for its owner's account.
func (h *meHandler) setBadge(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	rq := requestOf(c)
	view, err := h.badgeView(c)
	if err != nil {
		return err
	}
	if view.Unavailable != "" {
		h.audit.Record(ctx, rq, AuditEntry{Action: "me.badge.set", Target: userTarget(v.User.ID), Outcome: OutcomeDenied, Detail: view.Unavailable})
		return h.renderBadge(c, http.StatusUnprocessableEntity, view)
	}
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	code := in.Text("badge_code", form.Text{Label: "Badge code", Required: true, Max: auth.MaxBadgeCodeLen * 2})
	pin := in.Text("pin", form.Text{Label: "PIN", Required: true, Max: 64, Keep: true})
	again := in.Text("pin_again", form.Text{Label: "PIN again", Required: true, Max: 64, Keep: true})
	password := in.Password("password", "Your password", true)
	if in.Errors.Get("badge_code") == "" {
		if err := auth.CheckBadgeCode(code); err != nil {
			in.Errors.Add("badge_code", err.Error())
		}
	}
	if in.Errors.Get("pin") == "" {
		if err := auth.CheckPIN(pin); err != nil {
			in.Errors.Add("pin", err.Error())
		} else if in.Errors.Get("pin_again") == "" && again != pin {
			in.Errors.Add("pin_again", "The two PINs differ. Type the same PIN twice.")
		}
	}
	if !in.Errors.Any() {
		ok, locked, err := h.stepUp.check(ctx, rq, func() (bool, error) {
			ok, _, err := h.hasher.Verify(ctx, password, v.User.PasswordHash)
			return ok, err
		})
		switch {
		case err != nil:
			return err
		case locked != "":
			in.Errors.Add("password", locked)
		case !ok:
			in.Errors.Add("password", "That is not your password.")
		}
	}
	if !in.Errors.Any() {
		err := h.badges.Set(ctx, v.User, code, pin)
		var be *auth.BadgeError
		switch {
		case errors.Is(err, auth.ErrBadgeTaken):
			in.Errors.Add("badge_code", err.Error())
		case errors.As(err, &be):
			in.Errors.Add("", be.Error())
		case err != nil:
			return err
		}
	}
	if in.Errors.Any() {
		h.audit.RecordRepeatable(ctx, rq, AuditEntry{Action: "me.badge.set", Target: userTarget(v.User.ID), Outcome: OutcomeFailed,
			Detail: "rejected: " + fieldsOf(in.Errors)})
		in.Errors.Add("", badgeNotSaved)
		// The code is kept (a long code need not be scanned again); the
		// PINs and the password never come back.
		view.Errors, view.Code = in.Errors, code
		return h.renderBadge(c, http.StatusUnprocessableEntity, view)
	}
	replaced := "0"
	if view.Has {
		replaced = "1"
	}
	h.audit.Record(ctx, rq, AuditEntry{Action: "me.badge.set", Target: userTarget(v.User.ID), Outcome: OutcomeOK,
		Params: url.Values{"replaced": {replaced}}})
	msg := "Your badge is set up. On a shared phone, choose “Sign in with your badge”, scan it and type your PIN."
	if view.Has {
		msg = "Your badge is changed: the old code and PIN no longer sign you in."
	}
	h.flash(c, "ok", msg)
	return redirect(c, h.paths.MeBadge())
}

// removeBadge is POST /me/badge/remove: a lost badge, or leaving the floor.
// It needs no password: it only takes a way in away.
func (h *meHandler) removeBadge(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	if h.badges == nil {
		return redirect(c, h.paths.MeBadge())
	}
	had, err := h.badges.Remove(ctx, v.User.ID)
	if err != nil {
		return err
	}
	if had {
		h.audit.Record(ctx, requestOf(c), AuditEntry{Action: "me.badge.remove", Target: userTarget(v.User.ID), Outcome: OutcomeOK})
		h.flash(c, "ok", "Your badge is removed: it no longer signs you in.")
	} else {
		h.flash(c, "warn", "You had no badge to remove.")
	}
	return redirect(c, h.paths.MeBadge())
}

// fieldsOf names the fields with a problem, for the audit log (never the
// values).
func fieldsOf(e form.Errors) string {
	names := make([]string, 0, len(e))
	for k := range e {
		if k == "" {
			k = "form"
		}
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
