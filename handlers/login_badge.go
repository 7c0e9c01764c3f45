package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/form"
	"backoffice/store"
	"backoffice/templates/pages/signin"
)

// shiftStore is what sign-in and the ship screen need to follow a person's
// shift across the sign-ins of a day on shared phones.
type shiftStore interface {
	TouchShift(ctx context.Context, userID int64, at time.Time, rule store.ShiftRule) (store.Shift, error)
	CurrentShift(ctx context.Context, userID int64, at time.Time, rule store.ShiftRule) (store.Shift, bool, error)
}

// touchShift records a sign-in of someone who works shifts, so "shipped
// this shift" counts from their first sign-in of the shift, not from the
// session. A failure only loses that mark: sign-in goes on.
func touchShift(ctx context.Context, st shiftStore, u *store.User, at time.Time) {
	if st == nil || !auth.Role(u.Role).WorksShifts() {
		return
	}
	_, _ = st.TouchShift(context.WithoutCancel(ctx), u.ID, at, store.DefaultShiftRule)
}

// loginView is the sign-in page with both forms, the badge form only when
// badge sign-in is on.
func (h *loginHandler) loginView(c echo.Context, next string) signin.Login {
	vis := visitOf(c)
	view := signin.Login{Action: h.paths.Login(), CSRF: vis.CSRF, Next: next}
	if h.badges != nil && h.badges.On() {
		view.BadgeAction = h.paths.LoginBadge()
	}
	return view
}

// badgeSubmit is POST /login/badge: a scanned badge code and a PIN. Every
// failure an outsider could cause (unknown badge, wrong PIN, a lock, a
// disabled account) gets the one message; the badge's owner, having given
// the right PIN, is told plainly when their account may not use a badge
// (a role that needs a second factor, one enrolled): there is no bypass.
func (h *loginHandler) badgeSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	vis := visitOf(c)
	rq := requestOf(c)
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	code := in.Text("badge_code", form.Text{Label: "Badge", Max: auth.MaxBadgeCodeLen * 2})
	pin := in.Text("pin", form.Text{Label: "PIN", Max: 64, Keep: true})
	next := SafeNext(in.Raw("next"))
	refuse := func(status int, msg string) error {
		view := h.loginView(c, next)
		view.BadgeError = msg
		if status == http.StatusUnauthorized || (status == http.StatusUnprocessableEntity && code == "") {
			view.Rescan = "Scan your badge again, then type your PIN."
		}
		s := h.shell(c, "Sign in")
		s.Narrow = true
		return h.renderShell(c, status, s, signin.LoginPage(view), nil)
	}
	if h.badges == nil || !h.badges.On() {
		return refuse(http.StatusForbidden, auth.ErrBadgePolicy.Error()+" Sign in with your e-mail and password.")
	}
	if code == "" || pin == "" {
		// Not a guess: nothing is checked or counted.
		msg := "Scan your badge, then type your PIN."
		if code != "" {
			msg = "Type your PIN after scanning your badge."
		}
		return refuse(http.StatusUnprocessableEntity, msg)
	}
	u, err := h.badges.SignIn(ctx, code, pin, c.RealIP())
	var be *auth.BadgeSignInError
	if errors.As(err, &be) {
		h.auditBadgeFailure(ctx, rq, be)
		if be.Refusal != nil && be.Refusal != auth.ErrBadgeDisabled {
			return refuse(http.StatusForbidden, be.Refusal.Error()+" Sign in with your e-mail and password.")
		}
		return refuse(http.StatusUnauthorized, auth.BadgeSignInFailed)
	}
	if err != nil {
		return err
	}
	if err := h.sessions.BeginBadge(ctx, vis, u, c.RealIP(), c.Request().UserAgent()); err != nil {
		return err
	}
	now := h.now()
	if err := h.users.SetLastLogin(ctx, u.ID, now); err != nil {
		return err
	}
	touchShift(ctx, h.shifts, u, now)
	h.audit.Record(ctx, rq, AuditEntry{Action: "login.badge", UserID: u.ID, Actor: u.Email, Outcome: OutcomeOK})
	// A packer's place is the ship screen; another page asked for (a link
	// followed before signing in) wins.
	if next == "/" {
		next = h.paths.Ship()
	}
	return redirect(c, next)
}

// auditBadgeFailure records a refused badge sign-in, naming the badge's
// owner when the badge was found (never the code), and the lock it started.
func (h *loginHandler) auditBadgeFailure(ctx context.Context, rq *request, be *auth.BadgeSignInError) {
	actor := "anonymous"
	if be.UserID != 0 {
		if owner, err := h.users.UserByID(ctx, be.UserID); err == nil {
			actor = owner.Email
		}
	}
	detail := be.Reason
	if be.Throttled != nil {
		detail = throttledDetail(be.Throttled)
	}
	h.audit.RecordRepeatable(ctx, rq, AuditEntry{Action: "login.badge.failed", UserID: be.UserID, Actor: actor, Outcome: OutcomeFailed, Detail: detail})
	if be.Lock != nil {
		auditLock(ctx, h.audit, rq, be.Lock, actor)
	}
}
