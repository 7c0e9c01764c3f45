package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"backoffice/auth"
	"backoffice/config"
	"backoffice/store"
)

// serveSandbox serves only the offline Admin API, at /api/ like the real one,
// for anyone testing their own client.
func serveSandbox(ctx context.Context, env Env, args []string) error {
	cfg, rest, err := config.Load("backoffice sandbox", args, env.Getenv, env.Stderr, nil)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{"unexpected arguments: " + strings.Join(rest, " ")}
	}
	log := newLogger(env.Stderr, cfg.LogLevel, cfg.LogFormat)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	public := fmt.Sprintf("http://%s:%d", displayHost(cfg.Addr), ln.Addr().(*net.TCPAddr).Port)
	if cfg.BaseURL != "" {
		public = cfg.BaseURL
	}
	user, pass, fresh, err := sandboxCredentials(cfg)
	if err != nil {
		return err
	}
	sb, err := newSandbox(cfg, user, pass, public+"/api", log)
	if err != nil {
		return err
	}
	defer sb.Close()
	fmt.Fprintf(env.Stdout, "Offline 2Checkout Admin API listening on %s/api/\n", public)
	if fresh || (cfg.APIUsername == "" && cfg.APIPassword == "") {
		fmt.Fprintf(env.Stdout, "Credentials: user %s, password %s (kept in the data directory)\n", user, pass)
	}
	fmt.Fprintf(env.Stdout, "Try: curl -u '%s:PASSWORD' -H 'Accept: application/json' %s/api/products/list_products\n", user, public)
	if env.Ready != nil {
		env.Ready(public)
	}
	return run(ctx, ln, sb, log)
}

func migrate(ctx context.Context, env Env, args []string) error {
	cfg, _, err := config.Load("backoffice migrate", args, env.Getenv, env.Stderr, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(env.Stdout, "Migrations applied (%s).\n", st.Backend())
	return nil
}

// user manages team members from the command line, for the first admin on a
// locked-down server or for recovering access.
func user(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return usageError{"user needs a subcommand: add, list, disable or reset-password"}
	}
	sub, args := args[0], args[1:]
	var email, name, role string
	extra := func(fs *flag.FlagSet) {}
	if sub == "add" {
		extra = func(fs *flag.FlagSet) {
			fs.StringVar(&email, "email", "", "e-mail address (required)")
			fs.StringVar(&name, "name", "", "full name (required)")
			fs.StringVar(&role, "role", "", "admin, finance, catalogue, support, fulfilment, viewer, or a custom role's short name (required)")
		}
	}
	cfg, rest, err := config.Load("backoffice user "+sub, args, env.Getenv, env.Stderr, extra)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "add":
		return userAdd(ctx, env, st, email, name, role)
	case "list":
		return userList(ctx, env, st)
	case "disable":
		if len(rest) != 1 {
			return usageError{"usage: backoffice user disable EMAIL"}
		}
		return userDisable(ctx, env, st, rest[0])
	case "reset-password":
		if len(rest) != 1 {
			return usageError{"usage: backoffice user reset-password EMAIL"}
		}
		return userResetPassword(ctx, env, st, rest[0])
	}
	return usageError{"unknown user subcommand " + sub + "; use add, list, disable or reset-password"}
}

// readPassword takes a password from standard input when one is piped in,
// or generates one. generated is true when the caller must print it.
func readPassword(env Env) (pw string, generated bool, err error) {
	if f, ok := env.Stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return auth.GeneratePassword(), true, nil // a terminal: nothing piped
		}
	}
	if env.Stdin == nil {
		return auth.GeneratePassword(), true, nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return auth.GeneratePassword(), true, nil
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return auth.GeneratePassword(), true, nil
	}
	return line, false, nil
}

func userAdd(ctx context.Context, env Env, st *store.Store, email, name, role string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	if email == "" || name == "" || role == "" || !strings.Contains(email, "@") {
		return usageError{"usage: backoffice user add --email E --name N --role R (all three required)"}
	}
	if len(role) > auth.MaxRoleName {
		return usageError{fmt.Sprintf("role must be at most %d characters", auth.MaxRoleName)}
	}
	book := auth.NewRoleBook(st, nil)
	r, err := book.Parse(ctx, role)
	if errors.Is(err, auth.ErrUnknownRole) {
		return usageError{"role must be admin, finance, catalogue, support, fulfilment, viewer, or the short name of a custom role made on /roles"}
	}
	if err != nil {
		return err
	}
	grants, err := book.Grants(ctx, r)
	if err != nil {
		return err
	}
	pw, generated, err := readPassword(env)
	if err != nil {
		return err
	}
	if !generated {
		if err := auth.CheckPassword(pw, email, name); err != nil {
			return err
		}
	}
	hash, err := auth.NewHasher().Hash(ctx, pw)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	u := &store.User{Email: email, Name: name, Role: string(r), Status: "active", PasswordHash: hash,
		MustChangePassword: generated, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("a user with e-mail %s already exists", email)
		}
		return err
	}
	audit(ctx, st, "users.create", u, "added from the command line")
	fmt.Fprintf(env.Stdout, "Added %s <%s> as %s.\n", name, email, grants.Label())
	if generated {
		fmt.Fprintf(env.Stdout, "One-time password (shown once; they choose their own at first sign-in): %s\n", pw)
	}
	return nil
}

func userList(ctx context.Context, env Env, st *store.Store) error {
	users, err := st.ListUsers(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSTATUS\t2FA\tLAST SIGN-IN")
	for _, u := range users {
		last := "never"
		if !u.LastLoginAt.IsZero() {
			last = u.LastLoginAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		tfa := "off"
		if u.TOTPEnabled {
			tfa = "on"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, u.Status, tfa, last)
	}
	return tw.Flush()
}

func userDisable(ctx context.Context, env Env, st *store.Store, email string) error {
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with e-mail %s", email)
	}
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	u.Status, u.UpdatedAt = "disabled", now
	if err := st.UpdateUser(ctx, u); err != nil {
		return err
	}
	n, err := st.RevokeUserSessions(ctx, u.ID, "", now)
	if err != nil {
		return err
	}
	audit(ctx, st, "users.disable", u, "disabled from the command line")
	fmt.Fprintf(env.Stdout, "Disabled %s; %d session(s) ended.\n", u.Email, n)
	return nil
}

func userResetPassword(ctx context.Context, env Env, st *store.Store, email string) error {
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with e-mail %s", email)
	}
	if err != nil {
		return err
	}
	pw, generated, err := readPassword(env)
	if err != nil {
		return err
	}
	if !generated {
		if err := auth.CheckPassword(pw, u.Email, u.Name); err != nil {
			return err
		}
	}
	hash, err := auth.NewHasher().Hash(ctx, pw)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	u.PasswordHash, u.MustChangePassword, u.UpdatedAt = hash, generated, now
	if err := st.UpdateUser(ctx, u); err != nil {
		return err
	}
	if _, err := st.RevokeUserSessions(ctx, u.ID, "", now); err != nil {
		return err
	}
	audit(ctx, st, "users.reset_password", u, "reset from the command line")
	fmt.Fprintf(env.Stdout, "Password of %s reset; their sessions are ended.\n", u.Email)
	if generated {
		fmt.Fprintf(env.Stdout, "One-time password (shown once): %s\n", pw)
	}
	return nil
}

// audit records a command-line change in the same log as the panel's.
func audit(ctx context.Context, st *store.Store, action string, u *store.User, detail string) {
	_ = st.AppendAudit(ctx, &store.AuditEntry{At: time.Now().UTC(), Actor: "system", Action: action,
		Target: fmt.Sprintf("user:%d", u.ID), Params: fmt.Sprintf(`{"email":%q}`, u.Email), Outcome: "ok", Detail: detail})
}
