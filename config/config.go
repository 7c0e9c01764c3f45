// Package config reads Backoffice's configuration from flags and environment
// variables. Every setting has both forms; a flag wins over its variable, and
// the variable wins over the built-in default, so `go run .` works with none.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // BACKOFFICE_TIME_ZONE works on a machine without a zone database

	"backoffice/form"
)

// TwoFactorPolicy says who must enrol a second factor before using the panel.
type TwoFactorPolicy string

// The second-factor policies of BACKOFFICE_REQUIRE_2FA.
const (
	TwoFactorAdmins TwoFactorPolicy = "admins"
	TwoFactorAll    TwoFactorPolicy = "all"
	TwoFactorNone   TwoFactorPolicy = "none"
)

// Config is the whole configuration of one Backoffice process.
type Config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	BaseURL     string
	SessionKeys string
	Require2FA  TwoFactorPolicy
	SessionIdle time.Duration
	SessionMax  time.Duration
	// ShiftSessionMax is the absolute session lifetime for the fulfilment
	// role, long enough for a warehouse shift; it never shortens SessionMax.
	ShiftSessionMax time.Duration
	// ShiftSessionIdle is the idle lifetime for the fulfilment role, so a
	// break on the warehouse floor does not sign the packer out.
	ShiftSessionIdle time.Duration
	// BadgeIdle is the idle lifetime of a badge sign-in, so a shared phone
	// put down on the floor signs its person out; it never lengthens the
	// role's idle lifetime.
	BadgeIdle time.Duration

	APIURL      string
	APIUsername string
	APIPassword string
	// ReadTimeout and WriteTimeout bound one call to the Admin API each,
	// from the first dial to the last byte of the answer (a read's retries
	// included). A write still pending after WriteTimeout (plus a few
	// seconds to record it) can only belong to a process that died, so it
	// also dates crash recovery.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	// RefundApprovals is false when BACKOFFICE_REFUND_APPROVAL_OVER is
	// empty or "none": no refund needs a second person's approval.
	RefundApprovals bool
	// RefundApprovalOverCents is the largest refund, in minor units of the
	// account's currency, that a holder of sales.refund makes without
	// approval; larger ones, and every refund asked for by someone without
	// sales.refund, need approval. Default 0: every refund does.
	RefundApprovalOverCents int64

	// TrustedProxies lists CIDR ranges whose X-Forwarded-For is believed.
	TrustedProxies []string
	// MetricsToken, when set, is required as a bearer token on /metrics.
	MetricsToken string
	LogLevel     string
	LogFormat    string

	// Sandbox fault knobs and size, used only when APIURL is empty or by
	// `backoffice sandbox`.
	SandboxLatency    string
	SandboxFailRate   string
	SandboxForceError string
	SandboxLarge      int
	// SandboxINSURL is where the sandbox posts INS messages (empty: none
	// sent); SandboxOrdersEvery makes it place a new order that often (0:
	// never); SandboxINSFault makes its INS deliveries misbehave.
	SandboxINSURL      string
	SandboxOrdersEvery time.Duration
	SandboxINSFault    string

	// INSPathToken, when set, is a secret path segment of the INS receiver:
	// messages are taken at /ins/<token> only, and /ins answers 404.
	INSPathToken string
	// TimeZone is the team's time zone: where "today" begins and ends on
	// the home page's counts. Default UTC.
	TimeZone *time.Location
}

// SandboxMode reports whether the panel talks to its own offline sandbox.
func (c *Config) SandboxMode() bool { return c.APIURL == "" }

// setting describes one configuration value: its flag, its variable, its
// default and a help line. The table below is also the README's table.
type setting struct {
	flag, env, def, help string
	secret               bool
	set                  func(c *Config, v string) error
}

func str(dst func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *dst(c) = v; return nil }
}

func dur(dst func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("want a positive duration such as 30m or 12h, got %q", v)
		}
		*dst(c) = d
		return nil
	}
}

var settings = []setting{
	{flag: "addr", env: "BACKOFFICE_ADDR", def: ":8080", help: "listen address",
		set: str(func(c *Config) *string { return &c.Addr })},
	{flag: "data-dir", env: "BACKOFFICE_DATA_DIR", def: "./data", help: "directory for the SQLite file, generated keys and the sandbox state",
		set: str(func(c *Config) *string { return &c.DataDir })},
	{flag: "database-url", env: "BACKOFFICE_DATABASE_URL", help: "postgres://... to share state among several instances (empty: SQLite in the data directory)", secret: true,
		set: str(func(c *Config) *string { return &c.DatabaseURL })},
	{flag: "base-url", env: "BACKOFFICE_BASE_URL", help: "public URL of the panel, for secure cookies and origin checks (empty: derived from each request)",
		set: str(func(c *Config) *string { return &c.BaseURL })},
	{flag: "session-keys", env: "BACKOFFICE_SESSION_KEYS", help: "comma-separated cookie keys, newest first (empty: generated once into the data directory)", secret: true,
		set: str(func(c *Config) *string { return &c.SessionKeys })},
	{flag: "require-2fa", env: "BACKOFFICE_REQUIRE_2FA", def: "admins", help: "who must use a second factor: admins, all or none",
		set: func(c *Config, v string) error {
			switch p := TwoFactorPolicy(strings.ToLower(v)); p {
			case TwoFactorAdmins, TwoFactorAll, TwoFactorNone:
				c.Require2FA = p
				return nil
			}
			return fmt.Errorf("want admins, all or none, got %q", v)
		}},
	{flag: "session-idle", env: "BACKOFFICE_SESSION_IDLE", def: "30m", help: "idle session lifetime",
		set: dur(func(c *Config) *time.Duration { return &c.SessionIdle })},
	{flag: "session-max", env: "BACKOFFICE_SESSION_MAX", def: "12h", help: "absolute session lifetime",
		set: dur(func(c *Config) *time.Duration { return &c.SessionMax })},
	{flag: "shift-session-max", env: "BACKOFFICE_SHIFT_SESSION_MAX", def: "12h", help: "absolute session lifetime for the fulfilment role (a warehouse shift)",
		set: dur(func(c *Config) *time.Duration { return &c.ShiftSessionMax })},
	{flag: "shift-session-idle", env: "BACKOFFICE_SHIFT_SESSION_IDLE", def: "1h", help: "idle session lifetime for the fulfilment role (a break on the floor)",
		set: dur(func(c *Config) *time.Duration { return &c.ShiftSessionIdle })},
	{flag: "badge-idle", env: "BACKOFFICE_BADGE_IDLE", def: "15m", help: "idle lifetime of a badge sign-in on a shared phone (never longer than the role's idle lifetime)",
		set: dur(func(c *Config) *time.Duration { return &c.BadgeIdle })},
	{flag: "api-url", env: "TCO_API_URL", help: "Admin API base, e.g. https://www.2checkout.com/api (empty: the offline sandbox)",
		set: str(func(c *Config) *string { return &c.APIURL })},
	{flag: "api-username", env: "TCO_API_USERNAME", help: "API username; in sandbox mode, the username the sandbox accepts (empty: generated)",
		set: str(func(c *Config) *string { return &c.APIUsername })},
	{flag: "api-password", env: "TCO_API_PASSWORD", help: "API password; in sandbox mode, the password the sandbox accepts (empty: generated)", secret: true,
		set: str(func(c *Config) *string { return &c.APIPassword })},
	{flag: "refund-approval-over", env: "BACKOFFICE_REFUND_APPROVAL_OVER", def: "0",
		help: "refunds above this amount (in the account's currency) need a second person's approval, as do all refunds asked for without sales.refund; 0: all refunds; none: no approvals",
		set: func(c *Config, v string) error {
			// An empty variable reads as unset (the default applies), so
			// "none" is the way to switch approvals off from the
			// environment; an empty flag value does it too.
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "", "none", "off":
				c.RefundApprovals, c.RefundApprovalOverCents = false, 0
				return nil
			}
			cents, err := form.ParseCents(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("want an amount such as 0, 100 or 250.00, or none; the value %s", err)
			}
			c.RefundApprovals, c.RefundApprovalOverCents = true, cents
			return nil
		}},
	{flag: "trusted-proxies", env: "BACKOFFICE_TRUSTED_PROXIES", help: "comma-separated CIDR ranges of reverse proxies whose X-Forwarded-For is trusted (empty: none)",
		set: func(c *Config, v string) error {
			c.TrustedProxies = splitList(v)
			return nil
		}},
	{flag: "metrics-token", env: "BACKOFFICE_METRICS_TOKEN", help: "bearer token required on /metrics (empty: /metrics is open)", secret: true,
		set: str(func(c *Config) *string { return &c.MetricsToken })},
	{flag: "log-level", env: "BACKOFFICE_LOG_LEVEL", def: "info", help: "debug, info, warn or error",
		set: func(c *Config, v string) error {
			switch strings.ToLower(v) {
			case "debug", "info", "warn", "error":
				c.LogLevel = strings.ToLower(v)
				return nil
			}
			return fmt.Errorf("want debug, info, warn or error, got %q", v)
		}},
	{flag: "log-format", env: "BACKOFFICE_LOG_FORMAT", def: "text", help: "text or json",
		set: func(c *Config, v string) error {
			switch strings.ToLower(v) {
			case "text", "json":
				c.LogFormat = strings.ToLower(v)
				return nil
			}
			return fmt.Errorf("want text or json, got %q", v)
		}},
	{flag: "read-timeout", env: "BACKOFFICE_READ_TIMEOUT", def: "10s", help: "longest an Admin API read may take, retries included",
		set: dur(func(c *Config) *time.Duration { return &c.ReadTimeout })},
	{flag: "write-timeout", env: "BACKOFFICE_WRITE_TIMEOUT", def: "20s",
		help: "longest an Admin API write may take before its outcome is unknown; a write still pending 5s after it is recovered as unknown",
		set:  dur(func(c *Config) *time.Duration { return &c.WriteTimeout })},
	{flag: "sandbox-latency", env: "BACKOFFICE_SANDBOX_LATENCY", help: "sandbox: delay added to every API call, e.g. 300ms",
		set: str(func(c *Config) *string { return &c.SandboxLatency })},
	{flag: "sandbox-fail-rate", env: "BACKOFFICE_SANDBOX_FAIL_RATE", help: "sandbox: share of API calls that fail with a 500, 0 to 1",
		set: str(func(c *Config) *string { return &c.SandboxFailRate })},
	{flag: "sandbox-force-error", env: "BACKOFFICE_SANDBOX_FORCE_ERROR", help: "sandbox: method=CODE pairs, e.g. mark_shipped=INTERNAL_ERROR",
		set: str(func(c *Config) *string { return &c.SandboxForceError })},
	{flag: "sandbox-ins-url", env: "BACKOFFICE_SANDBOX_INS_URL", help: "sandbox: URL to post its INS notifications to (empty: none sent)",
		set: str(func(c *Config) *string { return &c.SandboxINSURL })},
	{flag: "sandbox-orders-every", env: "BACKOFFICE_SANDBOX_ORDERS_EVERY", help: "sandbox: place a new order this often, e.g. 30s (0: never)",
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 || (d > 0 && d < time.Second) {
				return fmt.Errorf("want 0 or a duration of at least 1s such as 30s, got %q", v)
			}
			c.SandboxOrdersEvery = d
			return nil
		}},
	{flag: "sandbox-ins-fault", env: "BACKOFFICE_SANDBOX_INS_FAULT", help: "sandbox: drop, duplicate and/or reorder INS deliveries, e.g. duplicate,reorder or drop=0.2",
		set: str(func(c *Config) *string { return &c.SandboxINSFault })},
	{flag: "sandbox-large", env: "BACKOFFICE_SANDBOX_LARGE", help: "sandbox: number of extra generated products, for load tests",
		set: func(c *Config, v string) error {
			var n int
			if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n < 0 || n > 1_000_000 {
				return fmt.Errorf("want a whole number from 0 to 1000000, got %q", v)
			}
			c.SandboxLarge = n
			return nil
		}},
	{flag: "ins-path-token", env: "BACKOFFICE_INS_PATH_TOKEN", secret: true,
		help: "secret path segment for 2Checkout's INS notifications: they are taken at /ins/<token> only (empty: at /ins); 16 to 128 letters, digits, - or _",
		set: func(c *Config, v string) error {
			if len(v) < 16 || len(v) > 128 || strings.ContainsFunc(v, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
			}) {
				return errors.New("want 16 to 128 letters, digits, - or _ (a secret that cannot be guessed)")
			}
			c.INSPathToken = v
			return nil
		}},
	{flag: "time-zone", env: "BACKOFFICE_TIME_ZONE", def: "UTC", help: "the team's time zone, e.g. Europe/Paris: where the home page's \"today\" begins",
		set: func(c *Config, v string) error {
			loc, err := time.LoadLocation(v)
			if err != nil || v == "Local" {
				return fmt.Errorf("want a zone name such as UTC, Europe/Paris or America/New_York, got %q", v)
			}
			c.TimeZone = loc
			return nil
		}},
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Load builds the configuration from defaults, then the environment (read
// through getenv), then flags in args. It returns the arguments left after
// the flags. Usage goes to out. extra, when not nil, adds a subcommand's own
// flags to the same set.
func Load(name string, args []string, getenv func(string) string, out io.Writer, extra func(*flag.FlagSet)) (*Config, []string, error) {
	c := &Config{}
	for _, s := range settings {
		if s.def == "" {
			continue
		}
		if err := s.set(c, s.def); err != nil {
			return nil, nil, fmt.Errorf("default of %s: %w", s.env, err)
		}
	}
	for _, s := range settings {
		if v, ok := lookup(getenv, s.env); ok {
			if err := s.set(c, v); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", s.env, err)
			}
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range settings {
		s := s
		fs.Func(s.flag, s.help+" ($"+s.env+")", func(v string) error { return s.set(c, v) })
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if err := c.validate(); err != nil {
		return nil, nil, err
	}
	return c, fs.Args(), nil
}

func lookup(getenv func(string) string, key string) (string, bool) {
	v := strings.TrimSpace(getenv(key))
	return v, v != ""
}

func (c *Config) validate() error {
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errors.New("TCO_API_URL: want an http(s) URL such as https://www.2checkout.com/api")
		}
		if u.User != nil {
			return errors.New("TCO_API_URL: put the credentials in TCO_API_USERNAME and TCO_API_PASSWORD, not in the URL")
		}
		if c.APIUsername == "" || c.APIPassword == "" {
			return errors.New("TCO_API_URL is set, so TCO_API_USERNAME and TCO_API_PASSWORD are required")
		}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return errors.New("BACKOFFICE_BASE_URL: want an origin such as https://panel.example.com")
		}
		c.BaseURL = u.Scheme + "://" + u.Host
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return errors.New("BACKOFFICE_DATABASE_URL: want a postgres:// URL")
	}
	if c.SessionIdle > c.SessionMax {
		return errors.New("BACKOFFICE_SESSION_IDLE must not be longer than BACKOFFICE_SESSION_MAX")
	}
	if c.ShiftSessionMax < c.SessionMax {
		c.ShiftSessionMax = c.SessionMax
	}
	if c.ShiftSessionIdle < c.SessionIdle {
		c.ShiftSessionIdle = c.SessionIdle
	}
	return nil
}

// Setting is one row of the configuration table, for documentation.
type Setting struct {
	Flag, Env, Default, Help string
}

// Settings lists every setting in the order the README documents them.
func Settings() []Setting {
	out := make([]Setting, len(settings))
	for i, s := range settings {
		out[i] = Setting{Flag: "--" + s.flag, Env: s.env, Default: s.def, Help: s.help}
	}
	return out
}

// SecretValues returns the configured secret values, so tests and the log
// scrubber can assert they never leak.
func (c *Config) SecretValues() []string {
	var out []string
	for _, v := range []string{c.APIPassword, c.SessionKeys, c.DatabaseURL, c.MetricsToken, c.INSPathToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
