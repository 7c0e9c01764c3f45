package pickqueue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"backoffice/apiclient"
	"backoffice/ins"
	"backoffice/store"
)

// SalesAPI is what the Reconciler reads of the Admin API.
type SalesAPI interface {
	ListSales(ctx context.Context, p apiclient.ListSalesParams) (*apiclient.SaleList, error)
	DetailSale(ctx context.Context, p apiclient.DetailSaleParams) (*apiclient.Sale, error)
}

// ReconcilerStore is what the Reconciler needs of the store.
type ReconcilerStore interface {
	OpenPicks(ctx context.Context, limit int) ([]store.Pick, error)
	UpdatePicks(ctx context.Context, u store.PickUpdate) (int, error)
	RecordPickSync(ctx context.Context, source string, at time.Time, runErr string) error
	INSStats(ctx context.Context) (store.INSStats, error)
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
	PrunePicks(ctx context.Context, closedBefore time.Time) (int, error)
}

// Config tunes a Reconciler; the zero value gives the defaults.
type Config struct {
	// Interval between passes while no INS arrives; default DefaultInterval.
	Interval time.Duration
	// INSInterval between passes while INS is in use: a safety net for
	// lost messages; default 30 minutes.
	INSInterval time.Duration
	// INSFresh: see DefaultINSFresh.
	INSFresh time.Duration
	// Lookback: sales placed within this long are read; default 30 days.
	Lookback time.Duration
	// PageSize is list_sales' pagesize, 1-100; default 100.
	PageSize int
	// MaxPages read per pass; default 20.
	MaxPages int
	// Concurrency: detail_sale calls in flight at once; default 4.
	Concurrency int
	// Recheck: a sale that may still change (a parcel on the list, a
	// subscription for goods) is read again at most this often; default
	// 5 minutes. Shipped, refunded and digital sales are not read again.
	Recheck time.Duration
	// CacheSize bounds the sales remembered; default 20000.
	CacheSize int
	// Holder names this instance for the lease that lets one instance at
	// a time reconcile; default random.
	Holder string
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default: discard
}

// leaseName is the lease passes take, so instances take turns.
const leaseName = "pickqueue.reconciler"

// applyEvery: the list is updated after this many sales are read, so a
// long first pass fills it progressively.
const applyEvery = 50

// Reconciler fills and prunes the pick list from the Admin API for a
// merchant without INS. One pass lists recent sales (newest first), reads
// the details of those it has not seen or that may have changed, and
// updates the list. At rest a pass costs one list_sales call plus the
// re-reads due. Passes are serialised across instances by a lease.
type Reconciler struct {
	st     ReconcilerStore
	api    SalesAPI
	cfg    Config
	holder string
	now    func() time.Time
	log    *slog.Logger

	mu     sync.Mutex
	cache  map[string]seen
	warm   bool // a full listing has been read, so known pages can end one
	active bool // INS was in use at the last pass
}

// seen is what the Reconciler remembers of a sale.
type seen struct {
	checked time.Time
	// final: nothing about the sale can put a parcel on the list any more
	// (digital goods only, or every parcel closed and no subscription).
	final bool
}

// NewReconciler returns a Reconciler; call Run to start it.
func NewReconciler(st ReconcilerStore, api SalesAPI, cfg Config) *Reconciler {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Interval, DefaultInterval)
	def(&cfg.INSInterval, 30*time.Minute)
	def(&cfg.INSFresh, DefaultINSFresh)
	def(&cfg.Lookback, 30*24*time.Hour)
	def(&cfg.Recheck, 5*time.Minute)
	if cfg.PageSize <= 0 || cfg.PageSize > 100 {
		cfg.PageSize = 100
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 20
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 20000
	}
	r := &Reconciler{st: st, api: api, cfg: cfg, holder: cfg.Holder, now: cfg.Now, log: cfg.Logger, cache: map[string]seen{}}
	if r.holder == "" {
		var b [8]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand)
		r.holder = hex.EncodeToString(b[:])
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// Run makes passes until ctx ends, then gives up its lease. It sleeps
// between passes, so it costs nothing at rest.
func (r *Reconciler) Run(ctx context.Context) {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := r.st.ReleaseLease(rctx, leaseName, r.holder); err != nil {
			r.log.Warn("pick list reconciler: lease not released", "error", err)
		}
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		rep, err := r.Pass(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			r.log.Warn("pick list reconciler: pass failed", "error", err)
		case !rep.Skipped && (rep.Changed > 0 || rep.Failed > 0):
			r.log.Info("pick list reconciler: pass", "listed", rep.Listed, "read", rep.Read, "changed", rep.Changed,
				"failed", rep.Failed, "ins", rep.INSActive)
		}
		timer.Reset(r.interval())
	}
}

func (r *Reconciler) interval() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active {
		return r.cfg.INSInterval
	}
	return r.cfg.Interval
}

// Report describes one pass.
type Report struct {
	Skipped   bool // another instance holds the lease
	INSActive bool // INS is in use: passes are a slower safety net
	Pages     int  // list_sales pages read
	Listed    int  // sales listed
	Read      int  // detail_sale calls that succeeded
	Failed    int  // detail_sale calls that failed (retried next pass)
	Changed   int  // pick list entries added, updated or closed
}

// Pass makes one pass now. A failure to list sales fails the pass; a sale
// that cannot be read is counted and read again next time.
func (r *Reconciler) Pass(ctx context.Context) (Report, error) {
	var rep Report
	now := r.now()
	stats, err := r.st.INSStats(ctx)
	if err != nil {
		return rep, fmt.Errorf("pickqueue: reconcile: %w", err)
	}
	rep.INSActive = insActive(stats, now, r.cfg.INSFresh)
	r.mu.Lock()
	r.active = rep.INSActive
	r.mu.Unlock()
	ok, err := r.st.AcquireLease(ctx, leaseName, r.holder, now, 2*r.interval()+time.Minute)
	if err != nil {
		return rep, fmt.Errorf("pickqueue: reconcile: %w", err)
	}
	if !ok {
		rep.Skipped = true
		return rep, nil
	}
	passErr := r.pass(ctx, now, &rep)
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	msg := ""
	switch {
	case passErr != nil:
		msg = passErr.Error()
	case rep.Failed > 0:
		msg = fmt.Sprintf("%d of %d sales could not be read; they are read again next time", rep.Failed, rep.Failed+rep.Read)
	}
	if err := r.st.RecordPickSync(ctx, store.PickSourceReconciler, now, msg); err != nil {
		return rep, fmt.Errorf("pickqueue: reconcile: %w", err)
	}
	if passErr != nil {
		return rep, fmt.Errorf("pickqueue: reconcile: %w", passErr)
	}
	// Closed entries are kept while a source might still look at their
	// sales, so none of them can put a shipped parcel back.
	if _, err := r.st.PrunePicks(ctx, now.Add(-r.cfg.Lookback-7*24*time.Hour)); err != nil {
		return rep, fmt.Errorf("pickqueue: reconcile: %w", err)
	}
	return rep, nil
}

func (r *Reconciler) pass(ctx context.Context, now time.Time, rep *Report) error {
	var candidates []string
	queued := map[string]bool{}
	add := func(saleID string) bool {
		if queued[saleID] || !r.due(saleID, now) {
			return false
		}
		queued[saleID] = true
		candidates = append(candidates, saleID)
		return true
	}
	// Parcels on the list may have shipped elsewhere; subscriptions for
	// goods gain invoices. Both are read again when due, whatever the
	// listing shows.
	open, err := r.st.OpenPicks(ctx, store.MaxPicks)
	if err != nil {
		return err
	}
	for _, p := range open {
		add(p.SaleID)
	}
	r.mu.Lock()
	var changing []string
	for id, s := range r.cache {
		if !s.final {
			changing = append(changing, id)
		}
	}
	r.mu.Unlock()
	for _, id := range changing {
		add(id)
	}

	begin := now.Add(-r.cfg.Lookback).In(ins.Eastern()).Format("2006-01-02")
	r.mu.Lock()
	warm := r.warm
	r.mu.Unlock()
	for page := 1; page <= r.cfg.MaxPages; page++ {
		list, err := r.api.ListSales(ctx, apiclient.ListSalesParams{SaleDateBegin: begin, SortCol: "date_placed",
			SortDir: "DESC", Page: page, PageSize: r.cfg.PageSize})
		if apiclient.IsNotFound(err) {
			break // no sales in the window
		}
		if err != nil {
			return fmt.Errorf("list_sales page %d: %w", page, err)
		}
		rep.Pages++
		fresh := false
		for _, s := range list.Sales {
			rep.Listed++
			if add(s.SaleID.Value) {
				fresh = true
			}
		}
		// Newest first: once a page holds nothing new, the older pages
		// hold nothing new either (what may change is read above).
		if len(list.Sales) == 0 || page >= list.PageInfo.Pages() || (warm && !fresh) {
			break
		}
	}
	r.mu.Lock()
	r.warm = true
	r.mu.Unlock()

	return r.read(ctx, now, candidates, rep)
}

// read fetches the candidates' details, at most Concurrency at a time, and
// applies what they say to the list in batches.
func (r *Reconciler) read(ctx context.Context, now time.Time, ids []string, rep *Report) error {
	type result struct {
		id   string
		sale *apiclient.Sale
		err  error
	}
	jobs := make(chan string)
	results := make(chan result)
	var wg sync.WaitGroup
	for range min(r.cfg.Concurrency, len(ids)) {
		wg.Go(func() {
			for id := range jobs {
				s, err := r.api.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: id})
				results <- result{id: id, sale: s, err: err}
			}
		})
	}
	go func() {
		defer close(jobs)
		for _, id := range ids {
			select {
			case jobs <- id:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	up := store.PickUpdate{Source: store.PickSourceReconciler, Reopen: true}
	pending := 0
	var firstErr error
	flush := func() {
		if pending == 0 || firstErr != nil {
			return
		}
		up.At = r.now()
		n, err := r.st.UpdatePicks(ctx, up)
		if err != nil {
			firstErr = err
			return
		}
		rep.Changed += n
		up.Open, up.Closed, pending = nil, nil, 0
	}
	for res := range results {
		if res.err != nil {
			rep.Failed++
			if ctx.Err() == nil {
				r.log.Debug("pick list reconciler: sale not read", "sale_id", res.id, "error", res.err)
			}
			continue
		}
		rep.Read++
		c := classify(res.sale, now)
		up.Open = append(up.Open, c.open...)
		up.Closed = append(up.Closed, c.closed...)
		r.remember(res.id, seen{checked: now, final: c.final})
		if pending++; pending >= applyEvery {
			flush()
		}
	}
	flush()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (r *Reconciler) due(saleID string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.cache[saleID]
	return !ok || (!s.final && now.Sub(s.checked) >= r.cfg.Recheck)
}

func (r *Reconciler) remember(saleID string, s seen) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cache[saleID] = s
	if len(r.cache) <= r.cfg.CacheSize {
		return
	}
	// Forget finished sales first (reading one again costs one call);
	// sales that may change are needed for their re-reads.
	for id, c := range r.cache {
		if len(r.cache) <= r.cfg.CacheSize*9/10 {
			break
		}
		if c.final {
			delete(r.cache, id)
		}
	}
	r.warm = false // a forgotten sale must be listed again to be seen
}

// classified is what one sale means for the list.
type classified struct {
	open   []store.Pick
	closed []store.PickClosure
	final  bool
}

// classify reads a sale's detail: each invoice with goods is open (to
// pack), or closed as shipped, declined or refunded.
func classify(s *apiclient.Sale, now time.Time) classified {
	var c classified
	goods, recurring := false, false
	for _, inv := range s.Invoices {
		if inv.Recurring.Value == "1" {
			recurring = true
		}
		var products []apiclient.Lineitem
		tangible := false
		for _, li := range inv.Lineitems {
			if li.Type.Value != "product" {
				continue
			}
			products = append(products, li)
			if li.ProductTangible.Value == "Y" {
				tangible = true
			}
			if li.Billing.RecurringStatus.Value == "active" {
				recurring = true
			}
		}
		if !tangible {
			continue
		}
		goods = true
		closure := store.PickClosure{InvoiceID: inv.InvoiceID.Value, SaleID: s.SaleID.Value}
		switch {
		case !inv.DateShipped.Blank() || (inv.Shipping != nil && !inv.Shipping.DateShipped.Blank()):
			closure.Reason = store.PickShipped
		case strings.EqualFold(inv.Status.Value, "declined"):
			closure.Reason = store.PickDeclined
		case allRefunded(products):
			closure.Reason = store.PickRefunded
		}
		if closure.Reason != "" {
			c.closed = append(c.closed, closure)
			continue
		}
		c.open = append(c.open, store.Pick{InvoiceID: inv.InvoiceID.Value, SaleID: s.SaleID.Value,
			Customer: customer(s, inv), Destination: destination(inv.Shipping), Items: items(products),
			PlacedAt: placed(s, inv, now)})
	}
	// A digital sale never needs packing, nor do its renewals; a sale for
	// goods is done once nothing is open and nothing renews.
	c.final = !goods || (len(c.open) == 0 && !recurring)
	return c
}

func allRefunded(products []apiclient.Lineitem) bool {
	for _, li := range products {
		if li.Status.Value != "refund" {
			return false
		}
	}
	return len(products) > 0
}

func customer(s *apiclient.Sale, inv apiclient.Invoice) string {
	if n := strings.TrimSpace(inv.CustomerName.Value); n != "" {
		return n
	}
	return strings.TrimSpace(s.Customer.FirstName.Value + " " + s.Customer.LastName.Value)
}

func destination(sh *apiclient.Shipping) string {
	if sh == nil {
		return ""
	}
	var parts []string
	for _, p := range []apiclient.Text{sh.City, sh.State, sh.CountryCode} {
		if v := strings.TrimSpace(p.Value); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// items names each product line with its chosen options, which the packer
// needs ("Mug (Colour: blue)").
func items(products []apiclient.Lineitem) []string {
	var out []string
	for _, li := range products {
		if li.Fee() {
			continue // a parcel holds goods; the shipping fee is not packed
		}
		name := strings.TrimSpace(li.ProductName.Value)
		var opts []string
		for _, o := range li.Options {
			opts = append(opts, strings.TrimSpace(o.OptionName.Value+": "+o.OptionValue.Value))
		}
		if len(opts) > 0 {
			name += " (" + strings.Join(opts, ", ") + ")"
		}
		out = append(out, name)
	}
	return out
}

// placed reads the invoice's date_placed, "YYYY-MM-DD HH:MM:SS", taken as
// U.S. Eastern like the service's other times; failing that, the sale's.
func placed(s *apiclient.Sale, inv apiclient.Invoice, now time.Time) time.Time {
	for _, v := range []string{inv.DatePlaced.Value, s.DatePlaced.Value} {
		if t, err := time.ParseInLocation("2006-01-02 15:04:05", strings.TrimSpace(v), ins.Eastern()); err == nil {
			return t
		}
	}
	return now
}
