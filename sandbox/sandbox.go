package sandbox

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config configures a Sandbox. Only Username and Password are required.
type Config struct {
	// Username and Password are the only credentials accepted (HTTP Basic).
	// Both must be non-empty, so that an anonymous client can never match.
	Username, Password string
	// StatePath is the JSON file holding the whole state; "" keeps it in
	// memory only. The file is written atomically after every successful
	// write call; it is loaded at New when it exists, else seeded and written.
	StatePath string
	// PublicURL is the base used in URLs inside responses (page_info URLs,
	// sale_url, product_url); default "https://www.2checkout.com/api".
	PublicURL string
	// LargeCatalog adds that many generated products for load tests. It only
	// matters when the state is seeded (first start, Reset): a state file
	// that already exists is loaded as it is.
	LargeCatalog int
	// Faults are the initial fault knobs; see SetFaults.
	Faults Faults
	// Now is the clock used for timestamps, the 180-day refund limit, the
	// reauthorization rules and the seed's dates: a state is seeded (at New
	// without a state file, or at Reset) as of Now's day, every fixture
	// dated relative to it; default time.Now.
	Now func() time.Time
	// Logger receives one debug line per API call and errors about the
	// state file; nil discards.
	Logger *slog.Logger
	// INSURL is where the sandbox posts its INS messages, form-encoded as
	// the real service does, from a background queue kept in the state
	// (retried with backoff, given up after 8 attempts). Empty: nothing is
	// sent, but the messages are still recorded (status "unsent").
	INSURL string
	// OrdersEvery, when positive, makes a buyer place a new order that
	// often, and moves the orders placed so far on (see OrderStep).
	OrdersEvery time.Duration
}

// Sandbox is an offline fake of the 2Checkout Admin API. It is safe for
// concurrent use: one RWMutex guards the state, so reads run in parallel.
type Sandbox struct {
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) bool
	publicURL string
	userHash  [32]byte
	passHash  [32]byte
	methods   map[string]*methodSpec

	faultMu sync.RWMutex
	faults  Faults

	callMu sync.Mutex
	calls  map[string]int

	mu        sync.RWMutex
	st        *state
	idx       *index
	lastSaved []byte

	// INS delivery: the receiver, the worker's wake-up call, the messages
	// an attempt holds in flight (under mu), and whether the write call in
	// progress queued any (under mu).
	insURL    string
	insClient *http.Client
	insWake   chan struct{}
	inflight  map[int64]bool
	insQueued bool

	stop context.CancelFunc
	bg   sync.WaitGroup
}

// New builds a Sandbox, loading cfg.StatePath when it exists and seeding
// (and writing) it otherwise.
func New(cfg Config) (*Sandbox, error) {
	if cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("sandbox: username and password are required")
	}
	if cfg.LargeCatalog < 0 {
		return nil, errors.New("sandbox: LargeCatalog must not be negative")
	}
	if err := cfg.Faults.validate(); err != nil {
		return nil, err
	}
	if cfg.INSURL != "" {
		if err := validINSURL(cfg.INSURL); err != nil {
			return nil, err
		}
	}
	if cfg.OrdersEvery < 0 {
		return nil, errors.New("sandbox: OrdersEvery must not be negative")
	}
	s := &Sandbox{
		cfg:       cfg,
		log:       cfg.Logger,
		now:       cfg.Now,
		sleep:     sleepCtx,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		userHash:  sha256.Sum256([]byte(cfg.Username)),
		passHash:  sha256.Sum256([]byte(cfg.Password)),
		methods:   methodTable(),
		faults:    cfg.Faults.clone(),
		calls:     map[string]int{},
		insURL:    cfg.INSURL,
		insClient: newINSClient(),
		insWake:   make(chan struct{}, 1),
		inflight:  map[int64]bool{},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.publicURL == "" {
		s.publicURL = "https://www.2checkout.com/api"
	}
	if err := s.loadOrSeed(); err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	if s.insURL != "" {
		s.bg.Go(func() { s.runINS(ctx) })
	}
	if cfg.OrdersEvery > 0 {
		s.bg.Go(func() { s.runOrders(ctx, cfg.OrdersEvery) })
	}
	return s, nil
}

// Close stops the background work (INS deliveries, the order generator)
// and waits for it. A delivery cut short stays pending in the state and is
// sent after the next start. The HTTP handler keeps working.
func (s *Sandbox) Close() error {
	s.stop()
	s.bg.Wait()
	return nil
}

// ServeHTTP serves "/api/<group>/<method>" and the control endpoints under
// "/_sandbox/". Callers mount it with http.StripPrefix.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The body is read to the end before anything else so that every answer,
	// errors included, leaves the keep-alive connection reusable.
	body, bodyErr := readBody(w, r)
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		s.serveAPI(w, r, body, bodyErr)
	case strings.HasPrefix(r.URL.Path, "/_sandbox/"):
		s.serveControl(w, r, body, bodyErr)
	default:
		http.NotFound(w, r)
	}
}

// Calls reports how many authenticated requests reached an API method
// (successful or not) since New or the last Reset. Unauthenticated requests
// are not counted, so a client that waits for the 401 challenge before
// sending credentials still counts once per call.
func (s *Sandbox) Calls(method string) int {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	return s.calls[normalizeMethodName(method)]
}

func (s *Sandbox) callCounts() map[string]int {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

func (s *Sandbox) countCall(method string) {
	s.callMu.Lock()
	s.calls[method]++
	s.callMu.Unlock()
}

// SaleFixtures returns the ids of seeded records of each kind, for tests.
func (s *Sandbox) SaleFixtures() Fixtures {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.Fixtures.clone()
}

// Reset puts the state back to the deterministic seed, persists it and zeroes
// the call counters. Faults are configuration, not state, and are kept.
//
// The INS message counter carries on, as a merchant's does: a receiver that
// stored the old message_ids as seen must not take new messages for
// replays. Messages not yet delivered go with the old state.
func (s *Sandbox) Reset() error {
	now := s.now()
	st := seedState(s.cfg.LargeCatalog, now)
	s.mu.Lock()
	defer s.mu.Unlock()
	st.INS.NextMessageID = max(s.st.INS.NextMessageID, firstMessageID(now))
	if s.cfg.StatePath != "" {
		data, err := encodeState(st)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(s.cfg.StatePath, data); err != nil {
			return err
		}
		s.lastSaved = data
	}
	s.st = st
	s.idx = buildIndex(st)
	s.callMu.Lock()
	s.calls = map[string]int{}
	s.callMu.Unlock()
	return nil
}

func (s *Sandbox) serveAPI(w http.ResponseWriter, r *http.Request, body []byte, bodyErr error) {
	f := negotiate(r)
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="2CO API"`)
		writeError(w, f, errUnauthorized())
		return
	}
	spec := s.methods[strings.TrimPrefix(r.URL.Path, "/api/")]
	if spec == nil {
		writeError(w, f, errUnknownMethod())
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeError(w, f, errMethodNotAllowed())
		return
	}
	s.countCall(spec.name)
	start := time.Now()
	status := s.runAPI(w, r, spec, body, bodyErr, f)
	s.log.Debug("sandbox call", "method", spec.name, "status", status, "duration", time.Since(start))
}

func (s *Sandbox) runAPI(w http.ResponseWriter, r *http.Request, spec *methodSpec, body []byte, bodyErr error, f format) int {
	faults := s.Faults()
	if faults.Latency > 0 && !s.sleep(r.Context(), faults.Latency) {
		return 0 // the client went away; nobody is left to answer
	}
	if e := injectedError(faults, spec); e != nil {
		return writeError(w, f, e)
	}
	if bodyErr != nil {
		return writeError(w, f, bodyError(bodyErr))
	}
	vals, err := parseParams(r, body)
	if err != nil {
		return writeError(w, f, errMalformed())
	}
	p, perr := spec.bind(vals)
	if perr != nil {
		return writeError(w, f, perr)
	}
	c := &call{s: s, p: p, now: s.now().UTC(), ip: remoteIP(r), method: spec}

	var out []byte
	var apiErr *apiError
	if spec.write {
		s.mu.Lock()
		res, e := spec.fn(c)
		if e == nil {
			e = s.persistLocked()
		} else if c.dirty {
			_ = s.persistLocked() // the call's own error is what the client needs
		}
		if e == nil {
			out, apiErr = encodeResult(res, f)
		} else {
			apiErr = e
		}
		queued := s.insQueued
		s.insQueued = false
		s.mu.Unlock()
		if queued {
			s.wakeINS()
		}
	} else {
		s.mu.RLock()
		res, e := spec.fn(c)
		if e == nil {
			out, apiErr = encodeResult(res, f)
		} else {
			apiErr = e
		}
		s.mu.RUnlock()
	}
	if apiErr != nil {
		return writeError(w, f, apiErr)
	}
	writeBody(w, http.StatusOK, out, f)
	return http.StatusOK
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
