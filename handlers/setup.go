package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/form"
	"backoffice/store"
	"backoffice/templates/pages/signin"
)

type settingsStore interface {
	GetSetting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	DeleteSetting(ctx context.Context, key string) error
}

// SetupToken is the one-time token that lets the first admin be created. Only
// its hash is kept, in the store, so every instance can check it and the
// token itself exists only in the start-up line printed to the operator.
type SetupToken struct{ st settingsStore }

const settingSetupToken = "setup_token_sha256"

// NewSetupToken wraps the store's settings.
func NewSetupToken(st settingsStore) *SetupToken { return &SetupToken{st: st} }

// Issue makes a new token and stores its hash, replacing any earlier one.
func (t *SetupToken) Issue(ctx context.Context) (string, error) {
	tok := auth.NewToken()
	if err := t.st.SetSetting(ctx, settingSetupToken, auth.HashToken(tok)); err != nil {
		return "", err
	}
	return tok, nil
}

// Valid reports whether tok is the current setup token.
func (t *SetupToken) Valid(ctx context.Context, tok string) bool {
	if tok == "" {
		return false
	}
	want, err := t.st.GetSetting(ctx, settingSetupToken)
	return err == nil && auth.EqualTokens(auth.HashToken(tok), want)
}

// Spend removes the token once the first admin exists.
func (t *SetupToken) Spend(ctx context.Context) error {
	return t.st.DeleteSetting(ctx, settingSetupToken)
}

type setupHandler struct {
	*web
	users    userStore
	hasher   *auth.Hasher
	sessions *auth.Sessions
	audit    *Auditor
	token    *SetupToken
	now      func() time.Time
}

// open reports whether setup may run: no user exists and the token matches.
func (h *setupHandler) open(ctx context.Context, tok string) (bool, error) {
	n, err := h.users.CountUsers(ctx)
	if err != nil {
		return false, err
	}
	return n == 0 && h.token != nil && h.token.Valid(ctx, tok), nil
}

func (h *setupHandler) closed(c echo.Context) error {
	s := h.shell(c, "Setup")
	s.Narrow = true
	return h.renderShell(c, http.StatusForbidden, s, signin.SetupClosed(h.paths.Login()), nil)
}

func (h *setupHandler) form(c echo.Context) error {
	tok := c.QueryParam("token")
	ok, err := h.open(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	if !ok {
		return h.closed(c)
	}
	s := h.shell(c, "Create the first admin")
	s.Narrow = true
	return h.renderShell(c, http.StatusOK, s, signin.SetupPage(signin.Setup{Action: h.paths.Setup(), CSRF: requestOf(c).CSRF(), Token: tok}), nil)
}

func (h *setupHandler) create(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(f)
	tok := in.Raw("token")
	ok, err := h.open(ctx, tok)
	if err != nil {
		return err
	}
	if !ok {
		h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "setup.refused", Outcome: OutcomeDenied})
		return h.closed(c)
	}
	name := in.Text("name", form.Text{Label: "Name", Required: true, Max: 100})
	email := in.Email("email", true)
	password := in.Password("password", "Password", true)
	if in.Errors.Get("password") == "" {
		if err := auth.CheckPassword(password, email, name); err != nil {
			in.Errors.Add("password", err.Error())
		}
	}
	if in.Errors.Any() {
		s := h.shell(c, "Create the first admin")
		s.Narrow = true
		view := signin.Setup{Action: h.paths.Setup(), CSRF: requestOf(c).CSRF(), Token: tok, Name: name, Email: email, Errors: in.Errors}
		return h.renderShell(c, http.StatusUnprocessableEntity, s, signin.SetupPage(view), nil)
	}
	hash, err := h.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	now := h.now()
	u := &store.User{Email: email, Name: name, Role: string(auth.RoleAdmin), Status: "active",
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := h.users.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return h.closed(c)
		}
		return err
	}
	if err := h.token.Spend(ctx); err != nil {
		return err
	}
	if err := h.sessions.Begin(ctx, visitOf(c), u, true, c.RealIP(), c.Request().UserAgent()); err != nil {
		return err
	}
	h.audit.Record(c.Request().Context(), requestOf(c), AuditEntry{Action: "setup.admin_created", UserID: u.ID, Actor: u.Email,
		Target: "user:" + itoa64(u.ID), Outcome: OutcomeOK, Params: url.Values{"email": {email}, "name": {name}}})
	h.flash(c, "ok", "Welcome, "+name+". Your admin account is ready.")
	return redirect(c, "/")
}
