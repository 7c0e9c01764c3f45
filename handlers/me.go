package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/form"
	"backoffice/store"
	mepage "backoffice/templates/pages/me"
)

// meHandler serves one's own account: password, second factor, sessions.
type meHandler struct {
	*web
	users    userStore
	hasher   *auth.Hasher
	sessions *auth.Sessions
	audit    *Auditor
	stepUp   stepUp
	now      func() time.Time
	// badges is nil when badge sign-in is off (no server keys given).
	badges     *auth.Badges
	badgeStore interface {
		BadgeOf(ctx context.Context, userID int64) (*store.Badge, error)
	}
}

// links are the addresses of one's own account pages.
func (h *meHandler) links() mepage.Links {
	return mepage.Links{Password: h.paths.MePassword(), SecondFactor: h.paths.MeSecondFactor(), Recovery: h.paths.MeRecovery(),
		Sessions: h.paths.MeSessions(), EndOthers: h.paths.MeEndOthers(), Badge: h.paths.MeBadge(), BadgeRemove: h.paths.MeBadgeRemove()}
}

func (h *meHandler) show(c echo.Context) error {
	v := viewerOf(c)
	n, err := h.users.CountRecoveryCodes(c.Request().Context(), v.User.ID)
	if err != nil {
		return err
	}
	view := mepage.Profile{Name: v.User.Name, Email: v.User.Email, Role: v.Grants.Label(), TwoFactor: v.User.TOTPEnabled,
		RecoveryLeft: n, LastLogin: requestOf(c).When(v.User.LastLoginAt), CSRF: requestOf(c).CSRF(), Links: h.links()}
	// The badge tile is for those who may have one, and for anyone who
	// still has one (so they can remove it).
	if h.badges != nil {
		has, err := h.badges.Has(c.Request().Context(), v.User.ID)
		if err != nil {
			return err
		}
		view.BadgeOffered, view.HasBadge = has || h.badges.Allowed(v.User) == nil, has
	}
	return h.render(c, http.StatusOK, "Your account", mepage.ProfilePage(view), nil)
}

func (h *meHandler) passwordForm(c echo.Context) error {
	v := viewerOf(c)
	view := mepage.Password{CSRF: requestOf(c).CSRF(), Links: h.links(), Forced: v.User.MustChangePassword}
	return h.render(c, http.StatusOK, "Change password", mepage.PasswordPage(view), nil)
}

func (h *meHandler) changePassword(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	current := in.Password("current_password", "Current password", true)
	next := in.Password("new_password", "New password", true)
	endOthers := in.Bool("end_others")
	if !in.Errors.Any() {
		ok, locked, err := h.stepUp.check(ctx, requestOf(c), func() (bool, error) {
			ok, _, err := h.hasher.Verify(ctx, current, v.User.PasswordHash)
			return ok, err
		})
		switch {
		case err != nil:
			return err
		case locked != "":
			in.Errors.Add("current_password", locked)
		case !ok:
			in.Errors.Add("current_password", "That is not your current password.")
		case next == current:
			in.Errors.Add("new_password", "Choose a password different from the current one.")
		default:
			if err := auth.CheckPassword(next, v.User.Email, v.User.Name); err != nil {
				in.Errors.Add("new_password", err.Error())
			}
		}
	}
	if in.Errors.Any() {
		h.audit.RecordRepeatable(c.Request().Context(), requestOf(c), AuditEntry{Action: "me.password.change", Target: userTarget(v.User.ID), Outcome: OutcomeFailed, Detail: "rejected"})
		view := mepage.Password{CSRF: requestOf(c).CSRF(), Links: h.links(), Forced: v.User.MustChangePassword, Errors: in.Errors}
		return h.render(c, http.StatusUnprocessableEntity, "Change password", mepage.PasswordPage(view), nil)
	}
	hash, err := h.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	u := *v.User
	u.PasswordHash, u.MustChangePassword, u.UpdatedAt = hash, false, h.now()
	if err := h.users.UpdateUser(ctx, &u); err != nil {
		return err
	}
	ended := 0
	if endOthers {
		if ended, err = h.users.RevokeUserSessions(ctx, u.ID, v.Session.ID, h.now()); err != nil {
			return err
		}
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "me.password.change", Target: userTarget(u.ID), Outcome: OutcomeOK,
		Detail: "other sessions ended: " + itoa(ended)})
	h.flash(c, "ok", "Your password is changed.")
	return redirect(c, h.paths.Me())
}

// secondFactorForm shows the enrolment page. A secret is made on first visit
// and kept, not yet enabled, until a code proves the app has it.
func (h *meHandler) secondFactorForm(c echo.Context) error {
	v := viewerOf(c)
	view, err := h.enrolView(c, "")
	if err != nil {
		return err
	}
	s := h.shell(c, "Second factor")
	if !v.User.TOTPEnabled {
		s.NoHistory = true // the page shows the secret
	}
	return h.renderShell(c, http.StatusOK, s, mepage.EnrolPage(view), nil)
}

func (h *meHandler) enrolView(c echo.Context, codeErr string) (mepage.Enrol, error) {
	ctx := c.Request().Context()
	v := viewerOf(c)
	view := mepage.Enrol{CSRF: requestOf(c).CSRF(), Links: h.links(), Enabled: v.User.TOTPEnabled, Required: !v.Full, Error: codeErr}
	if v.User.TOTPEnabled {
		return view, nil
	}
	if v.User.TOTPSecret == "" {
		secret, err := auth.NewTOTPSecret()
		if err != nil {
			return view, err
		}
		u := *v.User
		u.TOTPSecret, u.UpdatedAt = secret, h.now()
		if err := h.users.UpdateUser(ctx, &u); err != nil {
			return view, err
		}
		v.User.TOTPSecret = secret
	}
	svg, err := auth.QRSVG(auth.OTPAuthURL("Backoffice", v.User.Email, v.User.TOTPSecret))
	if err != nil {
		return view, err
	}
	view.QRSVG, view.Secret = svg, groupSecret(v.User.TOTPSecret)
	return view, nil
}

func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// enrol turns the second factor on once a code from the app matches, and
// shows the recovery codes once.
func (h *meHandler) enrol(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	if v.User.TOTPEnabled || v.User.TOTPSecret == "" {
		return redirect(c, h.paths.MeSecondFactor())
	}
	code := strings.TrimSpace(c.FormValue("code"))
	step, ok := auth.VerifyTOTP(v.User.TOTPSecret, code, h.now())
	if ok {
		fresh, err := h.users.UseTOTPStep(ctx, v.User.ID, step)
		if err != nil {
			return err
		}
		ok = fresh
	}
	if !ok {
		h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "me.2fa.enrol", Target: userTarget(v.User.ID), Outcome: OutcomeFailed})
		view, err := h.enrolView(c, "That code does not match. Check the phone's clock and enter the newest code.")
		if err != nil {
			return err
		}
		s := h.shell(c, "Second factor")
		s.NoHistory = true
		return h.renderShell(c, http.StatusUnprocessableEntity, s, mepage.EnrolPage(view), nil)
	}
	u := *v.User
	u.TOTPEnabled, u.UpdatedAt = true, h.now()
	if err := h.users.UpdateUser(ctx, &u); err != nil {
		return err
	}
	codes, err := h.replaceRecoveryCodes(c, u.ID)
	if err != nil {
		return err
	}
	// A privilege change gets a new session ID.
	if err := h.sessions.CompleteSecondFactor(ctx, visitOf(c), c.RealIP(), c.Request().UserAgent()); err != nil {
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "me.2fa.enrol", Target: userTarget(u.ID), Outcome: OutcomeOK})
	return h.showRecoveryCodes(c, codes)
}

func (h *meHandler) replaceRecoveryCodes(c echo.Context, userID int64) ([]string, error) {
	codes, err := auth.GenerateRecoveryCodes(auth.DefaultRecoveryCodeCount)
	if err != nil {
		return nil, err
	}
	hashes := make([]string, len(codes))
	for i, code := range codes {
		hashes[i] = auth.HashRecoveryCode(code)
	}
	return codes, h.users.ReplaceRecoveryCodes(c.Request().Context(), userID, hashes, h.now())
}

func (h *meHandler) showRecoveryCodes(c echo.Context, codes []string) error {
	s := h.shell(c, "Recovery codes")
	s.NoHistory = true
	// Printed, the page is the list of codes only (print.css hides the
	// rest).
	s.PrintCSS = h.assets.Path("print.css")
	return h.renderShell(c, http.StatusOK, s, mepage.RecoveryCodesPage(mepage.RecoveryCodes{Codes: codes, Next: h.paths.Me()}), nil)
}

// newRecoveryCodes replaces the recovery codes after the password is given
// again (a sensitive change needs fresh proof of who is at the keyboard).
func (h *meHandler) newRecoveryCodes(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	password := c.FormValue("password")
	msg := "That is not your password."
	ok := false
	if password != "" && v.User.TOTPEnabled {
		var locked string
		var err error
		ok, locked, err = h.stepUp.check(ctx, requestOf(c), func() (bool, error) {
			ok, _, err := h.hasher.Verify(ctx, password, v.User.PasswordHash)
			return ok, err
		})
		if err != nil {
			return err
		}
		if locked != "" {
			msg = locked
		}
	}
	if !ok {
		h.audit.RecordRepeatable(ctx, requestOf(c), AuditEntry{Action: "me.2fa.recovery", Target: userTarget(v.User.ID), Outcome: OutcomeFailed})
		view, err := h.enrolView(c, "")
		if err != nil {
			return err
		}
		view.Errors = map[string]string{"password": msg}
		return h.render(c, http.StatusUnprocessableEntity, "Second factor", mepage.EnrolPage(view), nil)
	}
	codes, err := h.replaceRecoveryCodes(c, v.User.ID)
	if err != nil {
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "me.2fa.recovery", Target: userTarget(v.User.ID), Outcome: OutcomeOK})
	return h.showRecoveryCodes(c, codes)
}

func (h *meHandler) sessionsList(c echo.Context) error {
	v := viewerOf(c)
	list, err := h.users.ListUserSessions(c.Request().Context(), v.User.ID)
	if err != nil {
		return err
	}
	view := mepage.Sessions{CSRF: requestOf(c).CSRF(), Links: h.links()}
	for _, s := range list {
		view.Sessions = append(view.Sessions, mepage.Session{ID: s.ID, Current: s.ID == v.Session.ID, EndURL: h.paths.MeEndSession(s.ID),
			Created: requestOf(c).When(s.CreatedAt), LastSeen: requestOf(c).When(s.LastSeenAt), IP: s.IP, UserAgent: shortAgent(s.UserAgent),
			Badge: s.Method == store.SignInBadge})
	}
	return h.render(c, http.StatusOK, "Your sessions", mepage.SessionsPage(view), nil)
}

func (h *meHandler) endSession(c echo.Context) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	sid := c.Param("sid")
	list, err := h.users.ListUserSessions(ctx, v.User.ID)
	if err != nil {
		return err
	}
	for _, s := range list {
		// Only one's own sessions: an ID from elsewhere is simply not found.
		if s.ID == sid && sid != v.Session.ID {
			if err := h.users.RevokeSession(ctx, sid, h.now()); err != nil {
				return err
			}
			h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "me.sessions.end", Target: userTarget(v.User.ID), Outcome: OutcomeOK})
			h.flash(c, "ok", "That session is ended.")
			return redirect(c, h.paths.MeSessions())
		}
	}
	return echo.NewHTTPError(http.StatusNotFound)
}

func (h *meHandler) endOtherSessions(c echo.Context) error {
	v := viewerOf(c)
	n, err := h.users.RevokeUserSessions(c.Request().Context(), v.User.ID, v.Session.ID, h.now())
	if err != nil {
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "me.sessions.end_others", Target: userTarget(v.User.ID), Outcome: OutcomeOK,
		Detail: "ended: " + itoa(n)})
	h.flash(c, "ok", "Signed out everywhere else ("+plural(n, "session")+").")
	return redirect(c, h.paths.MeSessions())
}
