// Package cli is the backoffice command: serve (the default), sandbox, user
// and migrate. It reads the configuration, wires the store, the API client,
// the sandbox and the panel together, and runs them; it holds no business
// rules of its own.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Env is the outside world a command runs in, so tests can run commands
// in-process with their own input, output and environment.
type Env struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, when set, receives the panel's base URL once it listens (tests).
	Ready func(url string)
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	cmd, args := "serve", env.Args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, env, args)
	case "sandbox":
		err = serveSandbox(ctx, env, args)
	case "migrate":
		err = migrate(ctx, env, args)
	case "user":
		err = user(ctx, env, args)
	case "help", "-h", "--help":
		usage(env.Stdout)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "backoffice: unknown command %q\n\n", cmd)
		usage(env.Stderr)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "backoffice %s: %v\n", cmd, err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usage(w io.Writer) {
	fmt.Fprint(w, `Backoffice: a web panel for a merchant's team in front of the 2Checkout Admin API.

Usage:
  backoffice [serve] [flags]      serve the panel (the default)
  backoffice sandbox [flags]      serve only the offline Admin API, for testing your own client
  backoffice migrate [flags]      apply the store's migrations (serve applies them too)
  backoffice user add --email E --name N --role R    add a user (password from standard input, or generated)
  backoffice user list
  backoffice user disable E
  backoffice user reset-password E

Every flag has an environment variable; run "backoffice serve -h" for the list.
`)
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
