// Command loadtest puts a Backoffice panel under the load of a team at work
// and checks that nothing was lost or done twice.
//
// It starts a panel of its own (built from this repository, with the
// sandbox as its Admin API) or drives one given with -url. Simulated people
// of each role sign in and work through a realistic mix: lists, searches,
// detail pages, comments, parcels shipped, products and coupons created,
// edited and deleted, with double clicks and back-button resends of the same
// form. Optional faults: upstream latency, a share of failed calls, forced
// errors, dropped connections, a restart of the panel half-way.
//
// The report gives pages per second, page time and the time the panel adds
// to its upstream calls (p50, p90, p99), server CPU per page and peak
// memory (from /metrics), new upstream connections per page, and for the
// changes: attempted, seen upstream, audited, lost and doubled. The exit
// status is 1 when any change was lost or doubled, 2 on a usage or set-up
// error, 3 when changes were made but could not be checked.
//
//	go run ./cmd/loadtest -duration 30s            # the CI smoke
//	go run ./cmd/loadtest -page /products -roles viewer -users 100 -duration 30s
//	go run ./cmd/loadtest -latency 300ms -fail-rate 0.05 -drop-rate 0.02 -restart
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"backoffice/multiinstance"
	"backoffice/panelclient"
)

type options struct {
	duration    time.Duration
	users       int
	roles       []string
	page        string
	think       time.Duration
	url         string
	adminEmail  string
	adminTOTP   string
	bin         string
	sandboxMode string
	databaseURL string
	large       int
	gomaxprocs  string

	adminPassword   string
	sandboxURL      string
	sandboxUser     string
	sandboxPassword string
	metricsToken    string

	latency    time.Duration
	failRate   float64
	forceError string
	dropRate   float64
	restart    bool

	doubleRate, resendRate, staleRate float64
	keep                              bool
	noGzip                            bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "duration", time.Minute, "how long to measure (after sign-in and warm-up)")
	fs.IntVar(&o.users, "users", 4, "simulated people per role")
	rolesFlag := fs.String("roles", strings.Join(roles, ","), "roles to simulate, comma-separated")
	fs.StringVar(&o.page, "page", "", "load one page only, e.g. /products, /sales/{sale}, /healthz ({sale}, {product}, {coupon}: a random one)")
	fs.DurationVar(&o.think, "think", 0, "pause between one person's actions (0: none, as fast as the panel answers)")
	fs.StringVar(&o.url, "url", "", "drive this running panel instead of starting one (needs -admin-email and LOADTEST_ADMIN_PASSWORD)")
	fs.StringVar(&o.adminEmail, "admin-email", "", "with -url: an admin who adds the simulated users and reads the audit log")
	fs.StringVar(&o.adminTOTP, "admin-totp-secret", "", "with -url: that admin's authenticator key, when they have a second factor")
	fs.StringVar(&o.sandboxURL, "sandbox-url", "", "with -url: where the sandbox's /_sandbox/ control endpoints are (default: URL/sandbox)")
	fs.StringVar(&o.sandboxUser, "sandbox-user", "", "with -url: the sandbox's API username (password: LOADTEST_SANDBOX_PASSWORD); without it changes cannot be checked upstream")
	fs.StringVar(&o.bin, "bin", "", "a built backoffice binary to start (default: go build this repository)")
	fs.StringVar(&o.sandboxMode, "sandbox", "process", "process: the sandbox runs as its own service (backoffice sandbox); inprocess: mounted in the panel as with go run .")
	fs.StringVar(&o.databaseURL, "database-url", "", "postgres://... for the panel the harness starts (default: SQLite in a temporary directory)")
	fs.IntVar(&o.large, "large", 0, "extra generated products in the sandbox")
	fs.StringVar(&o.gomaxprocs, "gomaxprocs", "", "GOMAXPROCS for the panel the harness starts")
	fs.DurationVar(&o.latency, "latency", 0, "upstream latency added by the sandbox to every call, e.g. 300ms")
	fs.Float64Var(&o.failRate, "fail-rate", 0, "share of upstream calls failing with a 500, 0 to 1")
	fs.StringVar(&o.forceError, "force-error", "", "method=CODE pairs the sandbox always fails, e.g. mark_shipped=INTERNAL_ERROR")
	fs.Float64Var(&o.dropRate, "drop-rate", 0, "share of upstream calls whose connection is dropped (needs -sandbox process)")
	fs.BoolVar(&o.restart, "restart", false, "restart the panel gracefully half-way through (needs the harness to start it, -sandbox process)")
	fs.Float64Var(&o.doubleRate, "double", 0.05, "share of changes sent twice at once (a double click)")
	fs.Float64Var(&o.resendRate, "resend", 0.05, "share of changes sent again later with the same form (the back button)")
	fs.Float64Var(&o.staleRate, "stale", 0.02, "share of changes sent again edited, with the same form key (must be refused)")
	fs.BoolVar(&o.noGzip, "no-gzip", false, "do not accept gzip (browsers do; wrk and ab do not unless told)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (logs, database) of the panel the harness starts")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	o.adminPassword = os.Getenv("LOADTEST_ADMIN_PASSWORD")
	o.sandboxPassword = os.Getenv("LOADTEST_SANDBOX_PASSWORD")
	o.metricsToken = os.Getenv("LOADTEST_METRICS_TOKEN")
	for _, r := range strings.Split(*rolesFlag, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if _, ok := mixes[r]; !ok {
			return nil, fmt.Errorf("-roles: unknown role %q; want some of %s", r, strings.Join(roles, ", "))
		}
		o.roles = append(o.roles, r)
	}
	switch {
	case len(o.roles) == 0:
		return nil, errors.New("-roles: name at least one role")
	case o.users < 1:
		return nil, errors.New("-users: want at least 1")
	case o.duration < time.Second:
		return nil, errors.New("-duration: want at least 1s")
	case o.failRate < 0 || o.failRate > 1 || o.dropRate < 0 || o.dropRate > 1:
		return nil, errors.New("-fail-rate and -drop-rate: want a share from 0 to 1")
	case o.dropRate > 0 && (o.url != "" || o.sandboxMode != "process"):
		return nil, errors.New("-drop-rate needs the harness to start the panel with -sandbox process (the drops happen on the way to that service)")
	case o.restart && (o.url != "" || o.sandboxMode != "process"):
		return nil, errors.New("-restart needs the harness to start the panel with -sandbox process (so the sandbox and its call counts outlive the restart)")
	case o.url != "" && (o.bin != "" || o.databaseURL != ""):
		return nil, errors.New("-bin and -database-url are for the panel the harness starts, not with -url")
	}
	if o.sandboxUser != "" && o.sandboxPassword == "" {
		return nil, errors.New("-sandbox-user needs LOADTEST_SANDBOX_PASSWORD")
	}
	return o, nil
}

func main() { os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr)) }

func realMain(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := &run{opts: o, stats: newStats(), ledger: &ledger{}, id: runID(), began: time.Now(), upstream: &upstreamModel{rounds: map[string]int{}}}
	var t *target
	if o.url != "" {
		t, err = useURL(ctx, o, r)
	} else {
		t, err = startOwn(ctx, o, r)
	}
	if t != nil {
		defer t.stop(o.keep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest: set-up:", err)
		return 2
	}
	code, err := measure(ctx, o, r, t, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 2
	}
	return code
}

func runID() string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 4)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return string(b)
}

// measure signs everyone in, runs the load and reports.
func measure(ctx context.Context, o *options, r *run, t *target, stdout, stderr io.Writer) (int, error) {
	env := describeMachine()
	if t.auditor.br == nil {
		t.auditor.br = panelclient.New(t.url, r.transport())
		if err := t.auditor.signIn(ctx); err != nil {
			return 0, err
		}
	}
	fmt.Fprintf(stderr, "signing in %d users ...\n", len(t.users))
	if err := signInAll(ctx, r, t); err != nil {
		return 0, err
	}
	var err error
	if r.catalog, err = t.discover(ctx); err != nil {
		return 0, err
	}
	for _, u := range t.users {
		u.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	callsBefore, callsErr := callsOf(ctx, t)
	if callsErr != nil {
		fmt.Fprintf(stderr, "sandbox call counts unavailable (%v): changes cannot be checked upstream\n", callsErr)
		t.control = nil
	}
	if o.latency > 0 {
		if t.control == nil {
			fmt.Fprintln(stderr, "no sandbox control: the added latency cannot be calibrated and is left out")
		} else if err := calibrate(ctx, r, t, stderr); err != nil {
			return 0, err
		}
	}
	r.upstream.latency = o.latency
	if err := setFaults(ctx, t, o); err != nil {
		return 0, err
	}

	mon := newMonitor(&http.Client{Timeout: 10 * time.Second}, func() string { return t.url }, o.metricsToken)
	mon.rebase(ctx)
	cpu0, _ := t.panelCPU()
	sandboxCPU0 := t.sandboxCPU()
	self0 := selfCPU()
	conns0 := t.proxyConns()
	dropped0 := t.proxyDropped()
	mctx, stopMon := context.WithCancel(ctx)
	monDone := make(chan struct{})
	go func() { mon.run(mctx); close(monDone) }()

	fmt.Fprintf(stderr, "running %d users for %s ...\n", len(t.users), o.duration)
	r.stats.begin()
	var wg sync.WaitGroup
	for _, u := range t.users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u.loop(ctx)
		}()
	}
	restarted := make(chan string, 1)
	if o.restart {
		go func() {
			sleep(ctx, o.duration/2)
			if ctx.Err() != nil {
				restarted <- "not done: interrupted"
				return
			}
			start := time.Now()
			if err := t.restart(ctx); err != nil {
				restarted <- "FAILED: " + err.Error()
				return
			}
			restarted <- fmt.Sprintf("the panel restarted gracefully %s in; it listened again %s later",
				(o.duration / 2).Round(time.Second), time.Since(start).Round(time.Millisecond))
		}()
	}
	sleep(ctx, o.duration)
	r.stopping.Store(true)
	r.stats.finish()
	stopMon()
	<-monDone
	mon.sample(ctx)
	cpu1, ownPanel := t.panelCPU()
	sandboxCPU1 := t.sandboxCPU()
	self1 := selfCPU()
	conns1 := t.proxyConns()
	dropped1 := t.proxyDropped()
	waitUsers(&wg, stderr)

	// The checks run without faults, so they see what 2Checkout holds.
	if err := setFaults(ctx, t, &options{}); err != nil {
		fmt.Fprintln(stderr, "clearing the faults:", err)
	}
	var restartNote string
	if o.restart {
		restartNote = <-restarted
	}
	rep := &report{opts: o, env: env, restartNote: restartNote, stats: r.stats, mon: mon, target: t}
	rep.cpu, rep.ownCPU = cpu1-cpu0, ownPanel
	rep.sandboxCPU = sandboxCPU1 - sandboxCPU0
	rep.selfCPU = self1 - self0
	rep.conns, rep.dropped = conns1-conns0, dropped1-dropped0
	rep.peakRSS = t.panelPeakRSS()
	if callsErr == nil {
		after, err := callsOf(ctx, t)
		if err != nil {
			return 0, fmt.Errorf("sandbox call counts after the run: %w", err)
		}
		rep.calls = map[string]int{}
		for k, v := range after {
			rep.calls[k] = v - callsBefore[k]
		}
	}
	rows, err := auditRows(ctx, t, r)
	if err != nil {
		return 0, err
	}
	verify(ctx, t, r)
	if rep.calls != nil {
		rep.byKind, rep.all = account(r.ledger.writes, rows, rep.calls)
	}
	rep.writes = len(r.ledger.writes)
	if t.panel == nil {
		t.cleanUp(ctx)
	}
	rep.print(stdout)
	switch {
	case rep.all != nil && (rep.all.lost > 0 || rep.all.doubled > 0):
		return 1, nil
	case rep.all == nil && rep.writes > 0:
		return 3, nil
	}
	return 0, nil
}

func waitUsers(wg *sync.WaitGroup, stderr io.Writer) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		fmt.Fprintln(stderr, "some users were still waiting for an answer after 2 minutes; reporting without them")
	}
}

func signInAll(ctx context.Context, r *run, t *target) error {
	work := make(chan *user)
	errs := make(chan error, len(t.users))
	var wg sync.WaitGroup
	// Two at a time: each sign-in hashes with argon2id (19 MiB), and a burst
	// would raise the panel's memory before the measured window.
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if u.br != nil {
					continue // signed in already (with -url)
				}
				u.br = panelclient.New(t.url, r.transport())
				if err := u.signIn(ctx); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, u := range t.users {
		work <- u
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs // nil when none
}

func callsOf(ctx context.Context, t *target) (map[string]int, error) {
	if t.control == nil {
		return nil, errors.New("no sandbox credentials given")
	}
	return t.control.Calls(ctx)
}

func setFaults(ctx context.Context, t *target, o *options) error {
	if t.proxy != nil {
		t.proxy.setDropRate(o.dropRate)
	}
	if t.control == nil {
		if o.latency > 0 || o.failRate > 0 || o.forceError != "" {
			return errors.New("faults need the sandbox's control endpoints (-sandbox-user with -url)")
		}
		return nil
	}
	return t.control.SetFaults(ctx, multiinstance.Faults{Latency: o.latency.String(), FailRate: fmt.Sprint(o.failRate), ForceError: o.forceError})
}

func (t *target) sandboxCPU() float64 {
	if t.sandbox == nil {
		return 0
	}
	return procCPU(t.sandbox.Pid())
}

func (t *target) proxyConns() int64 {
	if t.proxy == nil {
		return 0
	}
	return t.proxy.conns.Load()
}

func (t *target) proxyDropped() int64 {
	if t.proxy == nil {
		return 0
	}
	return t.proxy.dropped.Load()
}

func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
