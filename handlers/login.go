package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/form"
	"backoffice/store"
	"backoffice/templates/pages/signin"
)

// userStore is what the sign-in, setup, profile and team pages need of the
// store.
type userStore interface {
	UserByEmail(ctx context.Context, email string) (*store.User, error)
	UserByID(ctx context.Context, id int64) (*store.User, error)
	CreateUser(ctx context.Context, u *store.User) error
	UpdateUser(ctx context.Context, u *store.User) error
	ListUsers(ctx context.Context) ([]store.User, error)
	CountUsers(ctx context.Context) (int, error)
	SetLastLogin(ctx context.Context, id int64, at time.Time) error
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error)
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string, at time.Time) error
	CountRecoveryCodes(ctx context.Context, userID int64) (int, error)
	ListUserSessions(ctx context.Context, userID int64) ([]store.Session, error)
	RevokeSession(ctx context.Context, id string, at time.Time) error
	RevokeUserSessions(ctx context.Context, userID int64, exceptID string, at time.Time) (int, error)
}

type loginHandler struct {
	*web
	users    userStore
	hasher   *auth.Hasher
	sessions *auth.Sessions
	throttle *auth.Throttle
	audit    *Auditor
	now      func() time.Time
	// badges is nil when badge sign-in is off; shifts follows the shifts of
	// those who work them.
	badges *auth.Badges
	shifts shiftStore
}

// loginFailed is the one message for every failed sign-in: an unknown
// account, a wrong password, a disabled account and a throttled attempt all
// read the same, so the page cannot be used to find out who has an account.
const loginFailed = "That e-mail and password do not match an active account, or there were too many attempts. Check them and try again in a few minutes."

func (h *loginHandler) form(c echo.Context) error {
	if v := viewerOf(c); v != nil && v.Full {
		return redirect(c, SafeNext(c.QueryParam("next")))
	}
	vis := visitOf(c)
	view := h.loginView(c, SafeNext(c.QueryParam("next")))
	if vis.Ended == "expired" {
		view.Notice = "Your session has expired. Please sign in again."
	}
	s := h.shell(c, "Sign in")
	s.Narrow = true
	return h.renderShell(c, http.StatusOK, s, signin.LoginPage(view), nil)
}

func (h *loginHandler) submit(c echo.Context) error {
	ctx := c.Request().Context()
	vis := visitOf(c)
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	email := strings.ToLower(in.Text("email", form.Text{Label: "E-mail", Max: 254}))
	password := in.Password("password", "Password", false)
	next := SafeNext(in.Raw("next"))
	ip := c.RealIP()
	rq := requestOf(c)

	u, why, err := h.check(ctx, rq, email, password, ip)
	if err != nil {
		return err
	}
	if u == nil {
		h.audit.RecordRepeatable(ctx, rq, AuditEntry{Action: "login.failed", Actor: email, Outcome: OutcomeFailed,
			Params: url.Values{"email": {email}}, Detail: why})
		view := h.loginView(c, next)
		view.Email, view.Error = email, loginFailed
		s := h.shell(c, "Sign in")
		s.Narrow = true
		return h.renderShell(c, http.StatusUnauthorized, s, signin.LoginPage(view), nil)
	}
	secondDone := !u.TOTPEnabled
	if err := h.sessions.Begin(ctx, vis, u, secondDone, ip, c.Request().UserAgent()); err != nil {
		return err
	}
	if !secondDone {
		h.audit.Record(ctx, rq, AuditEntry{Action: "login.password", UserID: u.ID, Actor: u.Email, Outcome: OutcomeOK,
			Detail: "password accepted; second factor due"})
		return redirect(c, withQuery(h.paths.SecondFactor(), url.Values{"next": {next}}))
	}
	if err := h.users.SetLastLogin(ctx, u.ID, h.now()); err != nil {
		return err
	}
	touchShift(ctx, h.shifts, u, h.now())
	h.audit.Record(ctx, rq, AuditEntry{Action: "login", UserID: u.ID, Actor: u.Email, Outcome: OutcomeOK})
	return redirect(c, next)
}

// check verifies the password and returns the user, or nil and why not (for
// the audit log only). The answer is the same whether or not the account
// exists, is disabled or is throttled, and every attempt that is checked
// costs the same one key derivation. A slot is claimed before anything is
// checked, so a burst of guesses, on any number of instances, gets no more
// checks than the limit; a throttled attempt checks nothing and costs no
// derivation (the lock tells nothing about whether the account exists: an
// unknown e-mail locks alike).
func (h *loginHandler) check(ctx context.Context, rq *request, email, password, ip string) (*store.User, string, error) {
	if email == "" || password == "" {
		h.hasher.DummyVerify(ctx, password)
		return nil, "e-mail or password left empty", nil
	}
	a, err := h.throttle.Claim(ctx, auth.SignIn, email, ip)
	if errors.Is(err, auth.ErrThrottled) {
		return nil, throttledDetail(err), nil
	}
	if err != nil {
		return nil, "", err
	}
	failed := func(why string) (*store.User, string, error) {
		if l := a.Failed(); l != nil {
			auditLock(ctx, h.audit, rq, l, email)
		}
		return nil, why, nil
	}
	u, err := h.users.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, "", err
	}
	if u == nil {
		h.hasher.DummyVerify(ctx, password)
		return failed("no such account")
	}
	ok, rehash, err := h.hasher.Verify(ctx, password, u.PasswordHash)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return failed("wrong password")
	}
	if u.Status != "active" {
		return failed("account " + u.Status)
	}
	if err := a.Succeeded(ctx); err != nil {
		return nil, "", err
	}
	if rehash {
		if hash, err := h.hasher.Hash(ctx, password); err == nil {
			u.PasswordHash = hash
			u.UpdatedAt = h.now()
			_ = h.users.UpdateUser(ctx, u)
		}
	}
	return u, "", nil
}

// lockActions are the audit actions of a lock starting, by scope.
var lockActions = map[auth.Scope]string{auth.SignIn: "login.locked", auth.SecondFactor: "login.2fa.locked", auth.StepUp: "stepup.locked",
	auth.Badge: "login.badge.locked"}

// auditLock records that a failure started a lock. A lock refuses further
// attempts until it ends and changes nothing else: no session is ended, so
// a guesser cannot sign the account's owner out. Locks are repeatable by
// anyone who knows an e-mail, so their entries are bounded like refused
// sign-ins.
func auditLock(ctx context.Context, audit *Auditor, rq *request, l *auth.Lock, actor string) {
	what := map[auth.Scope]string{auth.SignIn: "wrong passwords", auth.SecondFactor: "wrong codes", auth.StepUp: "wrong passwords re-entered",
		auth.Badge: "failed badge sign-ins"}[l.Scope]
	audit.RecordRepeatable(ctx, rq, AuditEntry{Action: lockActions[l.Scope], Actor: actor, Outcome: OutcomeDenied,
		Detail: "too many " + what + " for this " + l.By + ": attempts refused until " + formatTime(l.Until) + "; no session was ended"})
}

// throttledDetail says, for the audit log, which lock refused an attempt.
func throttledDetail(err error) string {
	var te *auth.ThrottledError
	if errors.As(err, &te) {
		return "refused unchecked: this " + te.By + " is locked until " + formatTime(te.Until)
	}
	return "refused unchecked: locked"
}

// lockedUntil is when the lock behind a throttled attempt ends, for the
// message to a signed-in person (who may know their own lock).
func lockedUntil(err error) string {
	var te *auth.ThrottledError
	if errors.As(err, &te) {
		return formatTime(te.Until)
	}
	return "a few minutes"
}

func (h *loginHandler) secondFactorForm(c echo.Context) error {
	s := h.shell(c, "Second step")
	s.Narrow = true
	view := signin.SecondFactor{Action: h.paths.SecondFactor(), LogoutURL: h.paths.Logout(), CSRF: requestOf(c).CSRF(), Next: SafeNext(c.QueryParam("next"))}
	return h.renderShell(c, http.StatusOK, s, signin.SecondFactorPage(view), nil)
}

// secondFactorSubmit checks a code after the password. Wrong codes count per
// user in their own scope, across any number of password sign-ins: a
// correct password never clears them.
func (h *loginHandler) secondFactorSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	vis := visitOf(c)
	rq := requestOf(c)
	u := vis.User
	code := strings.TrimSpace(c.FormValue("code"))
	ip := c.RealIP()
	refuse := func(msg, why string) error {
		h.audit.RecordRepeatable(ctx, rq, AuditEntry{Action: "login.2fa.failed", UserID: u.ID, Actor: u.Email, Outcome: OutcomeFailed, Detail: why})
		s := h.shell(c, "Second step")
		s.Narrow = true
		view := signin.SecondFactor{Action: h.paths.SecondFactor(), LogoutURL: h.paths.Logout(), CSRF: vis.CSRF, Next: SafeNext(c.FormValue("next")), Error: msg}
		return h.renderShell(c, http.StatusUnauthorized, s, signin.SecondFactorPage(view), nil)
	}
	const wrongCode = "That code is not valid, or was already used. Try the newest code from your app."
	if code == "" {
		return refuse(wrongCode, "no code entered")
	}
	a, err := h.throttle.Claim(ctx, auth.SecondFactor, auth.UserAccount(u.ID), ip)
	if errors.Is(err, auth.ErrThrottled) {
		return refuse("Too many wrong codes. Wait until "+lockedUntil(err)+" and try again.", throttledDetail(err))
	}
	if err != nil {
		return err
	}
	ok, how, err := verifySecondFactor(ctx, h.users, u, code, h.now())
	if err != nil {
		return err
	}
	if !ok {
		if l := a.Failed(); l != nil {
			auditLock(ctx, h.audit, rq, l, u.Email)
		}
		return refuse(wrongCode, "wrong code")
	}
	if err := a.Succeeded(ctx); err != nil {
		return err
	}
	next := SafeNext(c.FormValue("next"))
	if err := h.sessions.CompleteSecondFactor(ctx, vis, ip, c.Request().UserAgent()); err != nil {
		return err
	}
	if err := h.users.SetLastLogin(ctx, u.ID, h.now()); err != nil {
		return err
	}
	touchShift(ctx, h.shifts, u, h.now())
	h.audit.Record(ctx, rq, AuditEntry{Action: "login", UserID: u.ID, Actor: u.Email, Outcome: OutcomeOK, Detail: "second factor: " + how})
	if how == "recovery code" {
		n, _ := h.users.CountRecoveryCodes(ctx, u.ID)
		vis.AddFlash("warn", "You signed in with a recovery code. "+plural(n, "recovery code")+" left; make new ones on your profile if you are running low.")
	}
	return redirect(c, next)
}

// verifySecondFactor accepts a current TOTP code whose time step was not used
// before, or an unused recovery code. Each code works once.
func verifySecondFactor(ctx context.Context, users userStore, u *store.User, code string, now time.Time) (bool, string, error) {
	if u.TOTPSecret != "" {
		if step, ok := auth.VerifyTOTP(u.TOTPSecret, code, now); ok {
			fresh, err := users.UseTOTPStep(ctx, u.ID, step)
			return fresh, "authenticator app", err
		}
	}
	if len(auth.NormalizeRecoveryCode(code)) == 10 {
		used, err := users.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(code), now)
		return used, "recovery code", err
	}
	return false, "", nil
}

func (h *loginHandler) logout(c echo.Context) error {
	vis := visitOf(c)
	if v := viewerOf(c); v != nil {
		h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "logout", Outcome: OutcomeOK})
	}
	if err := h.sessions.End(c.Request().Context(), vis); err != nil {
		return err
	}
	// Ask the browser to forget anything it kept of the signed-in pages.
	c.Response().Header().Set("Clear-Site-Data", `"cache"`)
	vis.AddFlash("ok", "You are signed out.")
	return redirect(c, h.paths.Login())
}

// SafeNext returns target when it is a path on this site, and "/" otherwise.
// It refuses anything a browser could read as another host: scheme-relative
// "//host", backslashes (which browsers treat as slashes), control
// characters, encoded slashes at the start, and any scheme.
func SafeNext(target string) string {
	if target == "" || len(target) > 2000 || target[0] != '/' {
		return "/"
	}
	for i := 0; i < len(target); i++ {
		if b := target[i]; b < 0x20 || b == 0x7f || b == '\\' {
			return "/"
		}
	}
	if strings.HasPrefix(target, "//") {
		return "/"
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if p, err := url.PathUnescape(u.EscapedPath()); err != nil || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return "/"
	}
	if strings.HasPrefix(u.Path, "/login") || strings.HasPrefix(u.Path, "/logout") {
		return "/"
	}
	return target
}
