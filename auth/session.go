package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"backoffice/store"
)

// Cookie names. The __Host- prefix makes the browser refuse the cookie unless
// it is Secure, host-only and on path /, so a sibling subdomain cannot plant
// or read it. Plain-http development (localhost) cannot use the prefix.
const (
	CookieNameSecure = "__Host-bo_session"
	CookieNamePlain  = "bo_session"
)

// MinKeyLength is the shortest session key accepted, in bytes of text.
const MinKeyLength = 32

// SessionStore is the part of the store the session manager uses.
type SessionStore interface {
	CreateSession(ctx context.Context, s *store.Session) error
	SessionByID(ctx context.Context, id string) (*store.Session, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	MarkSessionSecondFactor(ctx context.Context, id string) error
	RevokeSession(ctx context.Context, id string, at time.Time) error
	UserByID(ctx context.Context, id int64) (*store.User, error)
}

// SessionOptions configures Sessions.
type SessionOptions struct {
	// Keys are the cookie keys, newest first: the first encodes, all decode,
	// so a new key can be prepended and the old one dropped later.
	Keys []string
	// Secure marks the cookie Secure and gives it the __Host- prefix.
	Secure bool
	// Idle and Max are the idle and absolute lifetimes of a session; ShiftMax
	// replaces Max (and ShiftIdle replaces Idle) for roles that work shifts.
	Idle, Max           time.Duration
	ShiftIdle, ShiftMax time.Duration
	// BadgeIdle replaces the idle lifetime of a badge sign-in (a shared
	// phone left on the floor), never lengthening it; 0: as any other
	// session of the role.
	BadgeIdle time.Duration
	// Passive says which requests a badge session makes by itself rather
	// than its person (the pick list's event stream, reconnecting every few
	// minutes): they are checked like any other but do not count as
	// activity, so a phone left showing the pick list still signs out.
	Passive func(r *http.Request) bool
	// PendingMax bounds a session that has passed the password but not yet
	// the second factor.
	PendingMax time.Duration
	Now        func() time.Time
}

// Sessions loads and saves the visitor's cookie and checks the session record
// behind it on every request, so logout, disabling a user or a role change
// take effect at once.
type Sessions struct {
	st      SessionStore
	cookies *sessions.CookieStore
	name    string
	opt     SessionOptions
}

// NewSessions checks the keys and builds the manager.
func NewSessions(st SessionStore, opt SessionOptions) (*Sessions, error) {
	if len(opt.Keys) == 0 {
		return nil, errors.New("no session keys configured")
	}
	var pairs [][]byte
	for i, k := range opt.Keys {
		if len(k) < MinKeyLength {
			return nil, fmt.Errorf("session key %d is %d characters; at least %d are required", i+1, len(k), MinKeyLength)
		}
		pairs = append(pairs, derive(k, "backoffice session signing"), derive(k, "backoffice session encryption"))
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.PendingMax == 0 {
		opt.PendingMax = 10 * time.Minute
	}
	if opt.ShiftIdle < opt.Idle {
		opt.ShiftIdle = opt.Idle
	}
	if opt.ShiftMax < opt.Max {
		opt.ShiftMax = opt.Max
	}
	cs := sessions.NewCookieStore(pairs...)
	name := CookieNamePlain
	if opt.Secure {
		name = CookieNameSecure
	}
	// gorilla/sessions' defaults are weak (SameSite none, 30 days, readable by
	// scripts): every option is set here on purpose.
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(opt.ShiftMax / time.Second),
		Secure:   opt.Secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	cs.MaxAge(cs.Options.MaxAge)
	for _, c := range cs.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(cookieValues{})
		}
	}
	return &Sessions{st: st, cookies: cs, name: name, opt: opt}, nil
}

// CookieName is the name of the session cookie in use.
func (m *Sessions) CookieName() string { return m.name }

func derive(key, purpose string) []byte {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}

// Flash is a one-time message carried to the next page. At, when set, is
// the id of the section the message belongs in ("comments"), where the
// redirect lands; a page without that section shows it at the top.
type Flash struct{ Kind, Text, At string }

// Visit is one browser's state for the current request: its CSRF token, its
// one-time messages and, when signed in, its session and user.
type Visit struct {
	CSRF    string
	Session *store.Session // nil when not signed in
	User    *store.User
	// Ended says why a session in the cookie was no longer valid ("expired",
	// "revoked"), so the sign-in page can explain.
	Ended string

	token   string
	flashes []Flash
	dirty   bool
}

// SignedIn reports whether the visit has a session whose password step passed.
func (v *Visit) SignedIn() bool { return v.Session != nil && v.User != nil }

// AddFlash queues a message for the next page.
func (v *Visit) AddFlash(kind, text string) { v.AddFlashAt(kind, "", text) }

// AddFlashAt queues a message for the section with id at of the next page.
func (v *Visit) AddFlashAt(kind, at, text string) {
	if len(v.flashes) >= 3 {
		return // keep the cookie small; more messages would not be read anyway
	}
	if len(text) > 400 {
		text = text[:400]
	}
	v.flashes = append(v.flashes, Flash{Kind: kind, Text: text, At: at})
	v.dirty = true
}

// TakeFlash returns and clears the queued messages.
func (v *Visit) TakeFlash() []Flash {
	if len(v.flashes) == 0 {
		return nil
	}
	f := v.flashes
	v.flashes = nil
	v.dirty = true
	return f
}

// Dirty reports whether the cookie must be written back.
func (v *Visit) Dirty() bool { return v.dirty }

const (
	valToken = "t"
	valCSRF  = "c"
	valFlash = "f"
)

// Load reads the visitor's cookie and checks its session record. It never
// fails for a bad or missing cookie — the visitor is simply anonymous, with a
// fresh CSRF token — and fails only when the store cannot answer.
func (m *Sessions) Load(r *http.Request) (*Visit, error) {
	v := &Visit{}
	sess, err := m.cookies.Get(r, m.name)
	if err == nil {
		v.token, _ = sess.Values[valToken].(string)
		v.CSRF, _ = sess.Values[valCSRF].(string)
		if fl, ok := sess.Values[valFlash].([]string); ok {
			for i := 0; i+1 < len(fl); i += 2 {
				// The place rides in the kind ("ok#comments"): the cookie
				// keeps its pairs.
				kind, at, _ := strings.Cut(fl[i], "#")
				v.flashes = append(v.flashes, Flash{Kind: kind, Text: fl[i+1], At: at})
			}
		}
	}
	if len(v.CSRF) < 32 {
		v.CSRF = NewToken()
		v.token = ""
		v.dirty = true
	}
	if v.token == "" {
		return v, nil
	}
	if err := m.resolve(r, v); err != nil {
		return nil, err
	}
	return v, nil
}

func (m *Sessions) resolve(r *http.Request, v *Visit) error {
	ctx := r.Context()
	now := m.opt.Now()
	rec, err := m.st.SessionByID(ctx, HashToken(v.token))
	if errors.Is(err, store.ErrNotFound) {
		m.drop(v, "expired")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load session: %w", err)
	}
	if !rec.RevokedAt.IsZero() {
		m.drop(v, "revoked")
		return nil
	}
	u, err := m.st.UserByID(ctx, rec.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Status != "active") {
		_ = m.st.RevokeSession(ctx, rec.ID, now)
		m.drop(v, "revoked")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load session user: %w", err)
	}
	idle, max := m.lifetimes(u, rec)
	if now.Sub(rec.LastSeenAt) > idle || now.Sub(rec.CreatedAt) > max {
		_ = m.st.RevokeSession(ctx, rec.ID, now)
		m.drop(v, "expired")
		return nil
	}
	// Touch at most once a minute: the idle limit is coarse, and a write per
	// page would make SQLite the bottleneck.
	passive := rec.Method == store.SignInBadge && m.opt.Passive != nil && m.opt.Passive(r)
	if now.Sub(rec.LastSeenAt) > time.Minute && !passive {
		if err := m.st.TouchSession(ctx, rec.ID, now); err != nil {
			return fmt.Errorf("touch session: %w", err)
		}
		rec.LastSeenAt = now
	}
	v.Session, v.User = rec, u
	return nil
}

func (m *Sessions) lifetimes(u *store.User, rec *store.Session) (idle, max time.Duration) {
	if !rec.SecondFactorDone && u.TOTPEnabled {
		return m.opt.PendingMax, m.opt.PendingMax
	}
	idle, max = m.opt.Idle, m.opt.Max
	if Role(u.Role).WorksShifts() {
		idle, max = m.opt.ShiftIdle, m.opt.ShiftMax
	}
	if rec.Method == store.SignInBadge && m.opt.BadgeIdle > 0 && m.opt.BadgeIdle < idle {
		idle = m.opt.BadgeIdle
	}
	return idle, max
}

// IdleLimit is how long the visit's session may stay idle before it ends,
// 0 when not signed in, so a page can say when a shared phone signs out.
func (m *Sessions) IdleLimit(v *Visit) time.Duration {
	if !v.SignedIn() {
		return 0
	}
	idle, _ := m.lifetimes(v.User, v.Session)
	return idle
}

func (m *Sessions) drop(v *Visit, why string) {
	v.token, v.Session, v.User, v.Ended = "", nil, nil, why
	v.CSRF = NewToken()
	v.dirty = true
}

// Begin signs the visitor in as u with a new session ID and a new CSRF
// token, so nothing planted before sign-in survives it (session fixation).
// secondFactorDone is false when the user still has to give a TOTP code.
func (m *Sessions) Begin(ctx context.Context, v *Visit, u *store.User, secondFactorDone bool, ip, userAgent string) error {
	return m.begin(ctx, v, u, secondFactorDone, store.SignInPassword, ip, userAgent)
}

// BeginBadge signs the visitor in as u after a badge and PIN (Badges.SignIn):
// a session with no second factor due, marked as a badge sign-in so it ends
// after BadgeIdle.
func (m *Sessions) BeginBadge(ctx context.Context, v *Visit, u *store.User, ip, userAgent string) error {
	return m.begin(ctx, v, u, true, store.SignInBadge, ip, userAgent)
}

func (m *Sessions) begin(ctx context.Context, v *Visit, u *store.User, secondFactorDone bool, method, ip, userAgent string) error {
	now := m.opt.Now()
	token := NewToken()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	rec := &store.Session{ID: HashToken(token), UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		SecondFactorDone: secondFactorDone, IP: ip, UserAgent: userAgent, Method: method}
	if err := m.st.CreateSession(ctx, rec); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	v.token, v.Session, v.User, v.Ended = token, rec, u, ""
	v.CSRF = NewToken()
	v.dirty = true
	return nil
}

// CompleteSecondFactor records that the session passed its second factor.
// The session ID is renewed as well: a privilege change gets a new ID. The
// new session keeps the old one's sign-in method (a badge session that
// enrols a second factor still ends after the badge idle time).
func (m *Sessions) CompleteSecondFactor(ctx context.Context, v *Visit, ip, userAgent string) error {
	if v.Session == nil {
		return errors.New("no session")
	}
	old, method := v.Session.ID, v.Session.Method
	if method == "" {
		method = store.SignInPassword
	}
	if err := m.begin(ctx, v, v.User, true, method, ip, userAgent); err != nil {
		return err
	}
	return m.st.RevokeSession(ctx, old, m.opt.Now())
}

// End signs the visitor out: the record is revoked, so a copied cookie is
// worthless, and the browser gets a fresh anonymous cookie.
func (m *Sessions) End(ctx context.Context, v *Visit) error {
	if v.Session != nil {
		if err := m.st.RevokeSession(ctx, v.Session.ID, m.opt.Now()); err != nil {
			return fmt.Errorf("revoke session: %w", err)
		}
	}
	m.drop(v, "")
	return nil
}

// Save writes the cookie back when the visit changed. It must run before the
// response headers are sent.
func (m *Sessions) Save(w http.ResponseWriter, r *http.Request, v *Visit) error {
	if !v.dirty {
		return nil
	}
	sess := sessions.NewSession(m.cookies, m.name)
	opts := *m.cookies.Options
	sess.Options = &opts
	sess.IsNew = false
	sess.Values[valCSRF] = v.CSRF
	if v.token != "" {
		sess.Values[valToken] = v.token
	}
	if len(v.flashes) > 0 {
		fl := make([]string, 0, 2*len(v.flashes))
		for _, f := range v.flashes {
			kind := f.Kind
			if f.At != "" {
				kind += "#" + f.At
			}
			fl = append(fl, kind, f.Text)
		}
		sess.Values[valFlash] = fl
	}
	if err := m.cookies.Save(r, w, sess); err != nil {
		// securecookie refuses values over 4096 bytes; ignoring that would
		// leave the browser with its old cookie.
		return fmt.Errorf("save session cookie: %w", err)
	}
	v.dirty = false
	return nil
}

// SessionID returns the store ID of the visit's session, "" when none.
func (v *Visit) SessionID() string {
	if v.Session == nil {
		return ""
	}
	return v.Session.ID
}
