package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/config"
	"backoffice/handlers"
	"backoffice/ins"
	"backoffice/pickqueue"
	"backoffice/sandbox"
	"backoffice/static"
	"backoffice/store"
)

// shutdownGrace is how long in-flight requests (an upstream write among
// them) get to finish after SIGTERM.
const shutdownGrace = 25 * time.Second

// defaultMemoryLimit is the Go heap's soft limit when GOMEMLIMIT is unset:
// issue 13's budget is 64 MB resident under 100 connections, and the rest
// of the process (stacks, the binary, SQLite's page cache) needs about 16.
const defaultMemoryLimit = 48 << 20

func serve(ctx context.Context, env Env, args []string) error {
	cfg, rest, err := config.Load("backoffice serve", args, env.Getenv, env.Stderr, nil)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{"unexpected arguments: " + strings.Join(rest, " ")}
	}
	log := newLogger(env.Stderr, cfg.LogLevel, cfg.LogFormat)
	if os.Getenv("GOMEMLIMIT") == "" {
		// Under load most of the heap is garbage of pages already sent; a
		// soft limit has the collector reclaim it before the heap doubles.
		// The runtime reads GOMEMLIMIT itself when it is set.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	public := cfg.BaseURL
	if public == "" {
		public = fmt.Sprintf("http://%s:%d", displayHost(cfg.Addr), port)
	}

	var sb *sandbox.Sandbox
	apiURL, apiUser, apiPass := cfg.APIURL, cfg.APIUsername, cfg.APIPassword
	if cfg.SandboxMode() {
		var fresh bool
		apiUser, apiPass, fresh, err = sandboxCredentials(cfg)
		if err != nil {
			return err
		}
		if cfg.SandboxINSURL == "" {
			// The sandbox notifies the panel itself, over loopback like its
			// API calls, at the receiver's address with its token if any.
			cfg.SandboxINSURL = fmt.Sprintf("http://127.0.0.1:%d/ins", port)
			if cfg.INSPathToken != "" {
				cfg.SandboxINSURL += "/" + cfg.INSPathToken
			}
		}
		sb, err = newSandbox(cfg, apiUser, apiPass, public+"/sandbox/api", log)
		if err != nil {
			return err
		}
		defer sb.Close() // its INS deliveries and orders, after the server stops
		// The panel reaches its sandbox over loopback like any other API, so
		// it exercises the same client, pool and timeouts as in production.
		apiURL = fmt.Sprintf("http://127.0.0.1:%d/sandbox/api", port)
		if fresh {
			fmt.Fprintf(env.Stdout, "Sandbox API credentials (shown once, kept in %s): user %s, password %s\n",
				filepath.Join(cfg.DataDir, sandboxCredsFile), apiUser, apiPass)
		}
	}
	// The breaker makes pages fail at once, with a clear message, while
	// 2Checkout is down, instead of each waiting for its timeout.
	metrics := handlers.NewMetrics()
	api, err := apiclient.New(apiURL, apiUser, apiPass, apiclient.WithLogger(log), apiclient.WithObserver(metrics.ObserveCall),
		apiclient.WithTimeouts(cfg.ReadTimeout, cfg.WriteTimeout),
		apiclient.WithBreaker(apiclient.DefaultBreakerFailures, apiclient.DefaultBreakerOpenFor))
	if err != nil {
		return fmt.Errorf("API client: %w", err)
	}
	// Before serving: writes this panel (or a peer) had in flight when it
	// stopped are marked unknown, so a resend of their form is answered at
	// once and the audit log says what is known.
	_, writeTimeout := api.Timeouts()
	recoverAtStart(ctx, st, writeTimeout, log)

	keys, err := sessionKeys(cfg)
	if err != nil {
		return err
	}
	sessions, err := auth.NewSessions(st, auth.SessionOptions{
		Keys: keys, Secure: strings.HasPrefix(cfg.BaseURL, "https://"),
		Idle: cfg.SessionIdle, Max: cfg.SessionMax, ShiftIdle: cfg.ShiftSessionIdle, ShiftMax: cfg.ShiftSessionMax,
		BadgeIdle: cfg.BadgeIdle, Passive: handlers.PassiveRequest,
	})
	if err != nil {
		return err
	}
	assets, err := static.New("/static/")
	if err != nil {
		return err
	}
	setup := handlers.NewSetupToken(st)
	// INS: the verifier reads the secret word ahead of the first message
	// (in the background: in sandbox mode its API is this very server);
	// the pick list is shared by every instance through the store.
	verifier := ins.NewVerifier(api, ins.VerifierOptions{})
	queue := pickqueue.New(st, pickqueue.Options{ReconcilerFresh: 3 * pickqueue.DefaultInterval, Logger: log})
	deps := handlers.Deps{Config: cfg, Store: st, API: api, Assets: assets, Sessions: sessions,
		Hasher: auth.NewHasher(), Logger: log, SetupToken: setup, Verifier: verifier, Queue: queue, Live: ctx, Metrics: metrics, BadgeKeys: keys}
	if sb != nil {
		deps.Sandbox = sb
	}
	srv, err := handlers.New(deps)
	if err != nil {
		return err
	}

	mode := "talking to " + cfg.APIURL
	if cfg.SandboxMode() {
		mode = "sandbox mode: the offline Admin API is at " + public + "/sandbox/api/"
	}
	fmt.Fprintf(env.Stdout, "Backoffice listening on %s (%s)\n", public, mode)
	n, err := st.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		tok, err := setup.Issue(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Setup: %s/setup?token=%s\n", public, tok)
	} else {
		fmt.Fprintf(env.Stdout, "Sign in at %s/login\n", public)
	}
	if env.Ready != nil {
		env.Ready(public)
	}
	hctx, stopHousekeeping := context.WithCancel(ctx)
	var background sync.WaitGroup
	background.Go(func() { housekeeping(hctx, st, cfg.ShiftSessionMax, writeTimeout, log) })
	background.Go(func() {
		if err := verifier.Warm(hctx); err != nil {
			log.Warn("INS: the secret word could not be read yet; it is read again at the first message", "error", err)
		}
	})
	// Without INS the reconciler fills the pick list from recent sales;
	// with it, it is a slower safety net. One instance at a time runs it.
	reconciler := pickqueue.NewReconciler(st, api, pickqueue.Config{Interval: pickqueue.DefaultInterval, Logger: log})
	background.Go(func() { reconciler.Run(hctx) })
	defer func() { stopHousekeeping(); background.Wait() }() // before the store closes
	return run(ctx, ln, srv.Handler, log)
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down; letting requests in flight finish")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	st, err := store.Open(ctx, store.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate store: %w", err)
	}
	return st, nil
}

// displayHost is the host to print for a listen address: "localhost" for
// the wildcard addresses.
func displayHost(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		return "localhost"
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func newSandbox(cfg *config.Config, user, pass, publicURL string, log *slog.Logger) (*sandbox.Sandbox, error) {
	faults, err := sandbox.ParseFaults(cfg.SandboxLatency, cfg.SandboxFailRate, cfg.SandboxForceError)
	if err != nil {
		return nil, fmt.Errorf("sandbox faults: %w", err)
	}
	if faults.INS, err = sandbox.ParseINSFaults(cfg.SandboxINSFault); err != nil {
		return nil, fmt.Errorf("sandbox INS fault: %w", err)
	}
	sb, err := sandbox.New(sandbox.Config{Username: user, Password: pass, StatePath: filepath.Join(cfg.DataDir, "sandbox.json"),
		PublicURL: publicURL, LargeCatalog: cfg.SandboxLarge, Faults: faults, Logger: log,
		INSURL: cfg.SandboxINSURL, OrdersEvery: cfg.SandboxOrdersEvery})
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	return sb, nil
}
