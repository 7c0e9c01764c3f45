package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"backoffice/panelclient"
)

// run is what every simulated user shares.
type run struct {
	opts     *options
	stats    *stats
	ledger   *ledger
	catalog  *catalog
	upstream *upstreamModel
	id       string // short, upper-case: part of every tag
	began    time.Time
	seq      atomic.Int64
	stopping atomic.Bool

	trOnce sync.Once
	tr     *http.Transport

	goneMu   sync.Mutex
	goneList []removal
}

// removal is a page a write removed (a deleted product, a renamed coupon's
// old code): at the end it must answer 404.
type removal struct {
	w    *write
	path string
}

func (r *run) gone(w *write, path string) {
	r.goneMu.Lock()
	r.goneList = append(r.goneList, removal{w, path})
	r.goneMu.Unlock()
}

// transport is the users' connection pool: one connection per busy user,
// kept alive, as browsers do.
func (r *run) transport() *http.Transport {
	r.trOnce.Do(func() {
		n := r.opts.users*len(r.opts.roles) + 16
		r.tr = &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, IdleConnTimeout: 90 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute, DisableCompression: r.opts.noGzip}
	})
	return r.tr
}

// tag returns a text unique to one change of this run, safe in every field
// it goes into (names, coupon codes, tracking numbers).
func (r *run) tag() string {
	// Fixed width, so no tag is the beginning of another.
	n := strings.ToUpper(strconv.FormatInt(r.seq.Add(1), 36))
	return "LT" + r.id + strings.Repeat("0", max(0, 6-len(n))) + n
}

// catalog is what the users pick from: what the sandbox holds at the start.
type catalog struct {
	sales    []string
	products []string
	coupons  []string

	mu      sync.Mutex
	claimed map[string]bool // sales a packer has taken, so two do not race for one parcel
}

func (c *catalog) claimSale(rng *rand.Rand) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.claimed) >= len(c.sales) {
		return "", false
	}
	for range 8 {
		s := c.sales[rng.IntN(len(c.sales))]
		if !c.claimed[s] {
			c.claimed[s] = true
			return s, true
		}
	}
	for _, s := range c.sales {
		if !c.claimed[s] {
			c.claimed[s] = true
			return s, true
		}
	}
	return "", false
}

// upstreamModel says how much of a page's time was the Admin API's.
type upstreamModel struct {
	// latency is the sandbox's latency knob during the measured window.
	latency time.Duration
	// rounds is, per kind, how many upstream calls a page waits for one
	// after the other, measured before the run (see calibrate).
	mu     sync.Mutex
	rounds map[string]int
	// probe, while calibrating, is told of every answered request.
	probe func(kind string, elapsed time.Duration)
}

// added is the page time minus the upstream time: from the panel's
// Server-Timing header when it sends one, else the latency knob times the
// calibrated rounds. With no latency knob the whole page time counts (it
// then includes the sandbox's own work). -1: unknown.
func (m *upstreamModel) added(kind string, p *panelclient.Page) time.Duration {
	if up, ok := p.UpstreamTime(); ok {
		return max(p.Elapsed-up, 0)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.probe != nil {
		m.probe(kind, p.Elapsed)
	}
	if m.latency == 0 {
		return p.Elapsed
	}
	n, ok := m.rounds[kind]
	if !ok {
		return -1
	}
	return max(p.Elapsed-time.Duration(n)*m.latency, 0)
}

// user is one signed-in person.
type user struct {
	r               *run
	role            string
	email, password string
	br              *panelclient.Browser
	rng             *rand.Rand
	// What this user created and has not deleted, with the write that set
	// its current state, so the end of the run can check it upstream.
	products []*ownProduct
	coupons  []*ownCoupon
}

type ownProduct struct {
	id, tag string
	last    *write
	// uncertain is set once a change to it ended without a clear answer
	// ("outcome unknown", or no answer): what 2Checkout holds is then not
	// known, so the end of the run does not check it.
	uncertain bool
}

type ownCoupon struct {
	code      string
	last      *write
	uncertain bool
}

// unclear reports whether an answer may leave open whether the change was
// made: anything but the "done" redirect. (The panel's "outcome unknown"
// is a 504 on sale pages but a 422 with a message on the catalogue forms,
// so the status alone does not tell a refusal from an unknown outcome.)
func unclear(p *panelclient.Page) bool {
	return p == nil || p.Status != http.StatusSeeOther
}

// errNoAnswer marks a request that got no HTTP answer (refused during a
// restart, reset, timed out); the user pauses and carries on.
var errNoAnswer = errors.New("no answer")

// errSignedOut marks a request answered with the sign-in page.
var errSignedOut = errors.New("signed out")

// get loads path, counted under kind; want lists the statuses this step
// expects (200 when empty).
func (u *user) get(ctx context.Context, kind, path string, want ...int) (*panelclient.Page, error) {
	p, err := u.br.Get(ctx, path)
	return u.answer(kind, p, err, want)
}

func (u *user) submit(ctx context.Context, kind string, f *panelclient.Form, want ...int) (*panelclient.Page, error) {
	p, err := u.br.Submit(ctx, f)
	return u.answer(kind, p, err, want)
}

func (u *user) answer(kind string, p *panelclient.Page, err error, want []int) (*panelclient.Page, error) {
	if err != nil {
		u.r.stats.failed(kind)
		return nil, fmt.Errorf("%s: %w: %v", kind, errNoAnswer, err)
	}
	if len(want) == 0 {
		want = []int{http.StatusOK}
	}
	ok := false
	for _, w := range want {
		ok = ok || p.Status == w
	}
	u.r.stats.answered(kind, p.Elapsed, u.r.upstream.added(kind, p), ok)
	if p.Status == http.StatusSeeOther && strings.HasPrefix(p.Location(), "/login") {
		return p, errSignedOut
	}
	if !ok {
		return p, fmt.Errorf("%s: status %d", kind, p.Status)
	}
	return p, nil
}

func (u *user) follow(ctx context.Context, kind string, p *panelclient.Page) (*panelclient.Page, error) {
	if p.Status != http.StatusSeeOther {
		return p, nil
	}
	return u.get(ctx, kind, p.Location())
}

// signIn signs the user in through the sign-in form.
func (u *user) signIn(ctx context.Context) error {
	login, err := u.br.Get(ctx, "/login")
	if err != nil {
		return err
	}
	f, err := login.Form(`form[action="/login"]`)
	if err != nil {
		return err
	}
	f.Values.Set("email", u.email)
	f.Values.Set("password", u.password)
	resp, err := u.br.Submit(ctx, f)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusSeeOther || strings.HasPrefix(resp.Location(), "/login") {
		return fmt.Errorf("sign-in of %s: status %d, location %q", u.email, resp.Status, resp.Location())
	}
	return nil
}

// action is one thing a person does: a few pages, perhaps a change.
type action struct {
	name   string
	weight int
	do     func(ctx context.Context, u *user) error
}

// mixes is the realistic mix of each role: what people in that job do most.
var mixes = map[string][]action{
	"viewer": {
		{"browse products", 30, browseProducts},
		{"search products", 15, searchProducts},
		{"product detail", 20, productDetail},
		{"browse coupons", 10, browseCoupons},
		{"search sales", 10, searchSales},
		{"sale detail", 15, saleDetail},
	},
	"support": {
		{"find sale by number", 30, findSale},
		{"sale detail", 15, saleDetail},
		{"comment", 20, comment},
		{"search sales", 10, searchSales},
		{"search products", 10, searchProducts},
		{"browse coupons", 5, browseCoupons},
		{"account", 5, accountPage},
		{"home", 5, home},
	},
	"fulfilment": {
		{"scan to ship", 35, shipOnScreen},
		{"ship from the sale page", 10, shipOnSalePage},
		{"find sale by number", 20, findSale},
		{"comment", 10, comment},
		{"product detail", 10, productDetail},
		{"home", 5, home},
	},
	"catalogue": {
		{"browse products", 25, browseProducts},
		{"product detail", 15, productDetail},
		{"create product", 10, createProduct},
		{"update product", 10, updateProduct},
		{"delete product", 7, deleteProduct},
		{"browse coupons", 10, browseCoupons},
		{"create coupon", 7, createCoupon},
		{"update coupon", 7, updateCoupon},
		{"delete coupon", 5, deleteCoupon},
	},
	"admin": {
		{"browse products", 15, browseProducts},
		{"find sale by number", 15, findSale},
		{"sale detail", 10, saleDetail},
		{"comment", 10, comment},
		{"create product", 5, createProduct},
		{"update product", 5, updateProduct},
		{"delete product", 4, deleteProduct},
		{"create coupon", 4, createCoupon},
		{"update coupon", 3, updateCoupon},
		{"delete coupon", 3, deleteCoupon},
		{"ship from the sale page", 5, shipOnSalePage},
		{"audit log", 8, auditLog},
		{"team", 5, team},
		{"account", 4, accountPage},
	},
}

// Roles lists the roles in the order the report shows them.
var roles = []string{"admin", "catalogue", "support", "fulfilment", "viewer"}

func (u *user) pick() action {
	mix := u.r.mixFor(u.role)
	total := 0
	for _, a := range mix {
		total += a.weight
	}
	n := u.rng.IntN(total)
	for _, a := range mix {
		if n < a.weight {
			return a
		}
		n -= a.weight
	}
	return mix[len(mix)-1]
}

// mixFor is the role's mix, or one action on one page with -page.
func (r *run) mixFor(role string) []action {
	if r.opts.page != "" {
		return []action{{"page " + r.opts.page, 1, onePage}}
	}
	return mixes[role]
}

// loop runs actions until the run stops, then returns after the action in
// hand (a change in flight is never cut off).
func (u *user) loop(ctx context.Context) {
	for !u.r.stopping.Load() && ctx.Err() == nil {
		err := u.pick().do(ctx, u)
		switch {
		case errors.Is(err, errSignedOut):
			// A session can end under load only if something is wrong; sign
			// in again so the run carries on, and the report shows it.
			if err := u.signIn(ctx); err != nil {
				sleep(ctx, time.Second)
			}
		case errors.Is(err, errNoAnswer):
			sleep(ctx, 200*time.Millisecond) // a restart in progress, say
		}
		if t := u.r.opts.think; t > 0 {
			sleep(ctx, time.Duration(float64(t)*(0.5+u.rng.Float64())))
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func (u *user) any(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[u.rng.IntN(len(list))]
}

// onePage is -page: the same page again and again, with {sale}, {product}
// and {coupon} replaced by a random one of the catalog.
func onePage(ctx context.Context, u *user) error {
	p := u.r.opts.page
	p = strings.ReplaceAll(p, "{sale}", u.any(u.r.catalog.sales))
	p = strings.ReplaceAll(p, "{product}", u.any(u.r.catalog.products))
	p = strings.ReplaceAll(p, "{coupon}", url.PathEscape(u.any(u.r.catalog.coupons)))
	_, err := u.get(ctx, "GET "+u.r.opts.page, p)
	return err
}

var productQueries = []string{"", "", "?sort=name", "?sort=price&sort_dir=desc", "?page=2", "?sort=product_id&page=3"}
var productTerms = []string{"Painting", "Test", "Buddha", "Pro", "Live", "Gift"}
var customerTerms = []string{"Okonkwo", "Schmidt", "Nakamura", "Garcia", "Smith", "Lee"}

func browseProducts(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /products", "/products"+productQueries[u.rng.IntN(len(productQueries))])
	return err
}

func searchProducts(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /products?name=", "/products?name="+url.QueryEscape(u.any(productTerms)))
	return err
}

func productDetail(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /products/:id", "/products/"+u.any(u.r.catalog.products))
	return err
}

func browseCoupons(ctx context.Context, u *user) error {
	if _, err := u.get(ctx, "GET /coupons", "/coupons"); err != nil {
		return err
	}
	_, err := u.get(ctx, "GET /coupons/:code", "/coupons/"+url.PathEscape(u.any(u.r.catalog.coupons)))
	return err
}

func searchSales(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /sales?customer_name=", "/sales?customer_name="+url.QueryEscape(u.any(customerTerms)))
	return err
}

func saleDetail(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /sales/:id", "/sales/"+u.any(u.r.catalog.sales))
	return err
}

func findSale(ctx context.Context, u *user) error {
	p, err := u.get(ctx, "GET /sales?number=", "/sales?number="+u.any(u.r.catalog.sales), http.StatusSeeOther)
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /sales/:id", p)
	return err
}

func accountPage(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /account", "/account")
	return err
}

func home(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /", "/")
	return err
}

func auditLog(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /audit", "/audit")
	return err
}

func team(ctx context.Context, u *user) error {
	_, err := u.get(ctx, "GET /users", "/users")
	return err
}

// change sends a write's form the way people do: usually once, sometimes
// twice at once (a double click or tap), sometimes again later with the
// same form key (the back button and "resend"), and sometimes edited after
// going back, which the panel must refuse. It returns the answer to the
// first send.
func (u *user) change(ctx context.Context, kind string, w *write, f *panelclient.Form, edit func(*panelclient.Form)) (*panelclient.Page, error) {
	post := func(form *panelclient.Form, stale bool, want ...int) (*panelclient.Page, error) {
		p, err := u.submit(ctx, kind, form, want...)
		s := send{}
		if p != nil {
			s = send{requestID: p.RequestID, status: p.Status, location: p.Location()}
		}
		w.record(s, stale)
		return p, err
	}
	o := u.r.opts
	var first *panelclient.Page
	var err error
	if u.rng.Float64() < o.doubleRate {
		var wg sync.WaitGroup
		var second *panelclient.Page
		var err2 error
		wg.Add(1)
		go func() {
			defer wg.Done()
			second, err2 = post(f, false, http.StatusSeeOther)
		}()
		first, err = post(f, false, http.StatusSeeOther)
		wg.Wait()
		if first == nil {
			first, err = second, err2
		}
	} else {
		first, err = post(f, false, http.StatusSeeOther)
	}
	if first == nil || first.Status != http.StatusSeeOther {
		return first, err
	}
	if u.rng.Float64() < o.resendRate {
		_, _ = post(f, false, http.StatusSeeOther)
	}
	if edit != nil && u.rng.Float64() < o.staleRate {
		stale := f.Clone()
		edit(stale)
		_, _ = post(stale, true, http.StatusConflict)
	}
	return first, err
}

func comment(ctx context.Context, u *user) error {
	sale := u.any(u.r.catalog.sales)
	page, err := u.get(ctx, "GET /sales/:id", "/sales/"+sale)
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/sales/` + sale + `/comments"]`)
	if err != nil {
		return err
	}
	tag := u.r.tag()
	f.Values.Set("comment", "Load test comment "+tag+": customer asked about delivery.")
	w := u.r.ledger.begin("comment", f.Key(), "sale:"+sale, tag)
	w.check = "/sales/" + sale
	resp, err := u.change(ctx, "POST /sales/:id/comments", w, f, func(s *panelclient.Form) {
		s.Values.Set("comment", s.Values.Get("comment")+" (edited)")
	})
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /sales/:id", resp)
	return err
}

// shipOnScreen is the packer's scan-to-ship: scan the sale, scan the
// tracking number, next parcel. A sale with nothing left to ship shows no
// form and is left alone.
func shipOnScreen(ctx context.Context, u *user) error {
	sale, ok := u.r.catalog.claimSale(u.rng)
	if !ok {
		return findSale(ctx, u) // every parcel is out: look sales up instead
	}
	page, err := u.get(ctx, "GET /ship?sale=", "/ship?sale="+sale)
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/ship"][method="post"]`)
	if errors.Is(err, panelclient.ErrNoForm) {
		return nil // intangible, or already shipped
	}
	if err != nil {
		return err
	}
	chooseInvoice(page, `form[action="/ship"][method="post"]`, f)
	tag := u.r.tag()
	f.Values.Set("tracking", tag)
	f.Values.Set("confirm_tracking", "1") // the tag is no carrier's number: the packer ticks it
	w := u.r.ledger.begin("ship", f.Key(), "", tag)
	w.check = "/sales/" + sale
	resp, err := u.change(ctx, "POST /ship", w, f, func(s *panelclient.Form) { s.Values.Set("tracking", tag+"X") })
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /ship", resp)
	return err
}

func shipOnSalePage(ctx context.Context, u *user) error {
	sale, ok := u.r.catalog.claimSale(u.rng)
	if !ok {
		return saleDetail(ctx, u)
	}
	page, err := u.get(ctx, "GET /sales/:id", "/sales/"+sale)
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/sales/` + sale + `/ship"]`)
	if errors.Is(err, panelclient.ErrNoForm) {
		return nil
	}
	if err != nil {
		return err
	}
	chooseInvoice(page, `form[action="/sales/`+sale+`/ship"]`, f)
	tag := u.r.tag()
	f.Values.Set("tracking", tag)
	f.Values.Set("confirm_tracking", "1") // the tag is no carrier's number: the packer ticks it
	w := u.r.ledger.begin("ship", f.Key(), "", tag)
	w.check = "/sales/" + sale
	resp, err := u.change(ctx, "POST /sales/:id/ship", w, f, func(s *panelclient.Form) { s.Values.Set("tracking", tag+"X") })
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /sales/:id", resp)
	return err
}

// chooseInvoice picks the first invoice when a sale has several and the
// form leaves the choice to the packer.
func chooseInvoice(page *panelclient.Page, formSel string, f *panelclient.Form) {
	if f.Values.Get("invoice_id") != "" {
		return
	}
	if v, ok := page.Doc().Find(formSel + ` [name="invoice_id"]`).First().Attr("value"); ok && v != "" {
		f.Values.Set("invoice_id", v)
	} else if v, ok := page.Doc().Find(formSel + ` [name="invoice_id"] option[value]`).First().Attr("value"); ok {
		f.Values.Set("invoice_id", v)
	}
}

func createProduct(ctx context.Context, u *user) error {
	if len(u.products) >= 6 {
		return deleteProduct(ctx, u)
	}
	page, err := u.get(ctx, "GET /products/new", "/products/new")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/products"]`)
	if err != nil {
		return err
	}
	tag := u.r.tag()
	f.Values.Set("name", "Load test product "+tag)
	f.Values.Set("price", fmt.Sprintf("%d.%02d", 5+u.rng.IntN(90), u.rng.IntN(100)))
	f.Values.Set("description", "Made by the load test.")
	w := u.r.ledger.begin("product.create", f.Key(), "", tag)
	resp, err := u.change(ctx, "POST /products", w, f, func(s *panelclient.Form) { s.Values.Set("price", "1.00") })
	if err != nil {
		return err
	}
	id := strings.TrimPrefix(resp.Location(), "/products/")
	if id == "" || strings.ContainsAny(id, "/?#") {
		return fmt.Errorf("create product: redirected to %q", resp.Location())
	}
	u.products = append(u.products, &ownProduct{id: id, tag: tag, last: w})
	_, err = u.follow(ctx, "GET /products/:id", resp)
	return err
}

func updateProduct(ctx context.Context, u *user) error {
	if len(u.products) == 0 {
		return createProduct(ctx, u)
	}
	p := u.products[u.rng.IntN(len(u.products))]
	page, err := u.get(ctx, "GET /products/:id/edit", "/products/"+p.id+"/edit")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/products/` + p.id + `"]`)
	if err != nil {
		return err
	}
	tag := u.r.tag()
	f.Values.Set("name", "Load test product "+tag)
	f.Values.Set("price", fmt.Sprintf("%d.%02d", 5+u.rng.IntN(90), u.rng.IntN(100)))
	w := u.r.ledger.begin("product.update", f.Key(), "product:"+p.id, tag)
	resp, err := u.change(ctx, "POST /products/:id", w, f, func(s *panelclient.Form) { s.Values.Set("price", "1.00") })
	if resp != nil && resp.Status == http.StatusSeeOther {
		p.tag, p.last = tag, w
	}
	p.uncertain = p.uncertain || unclear(resp)
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /products/:id", resp)
	return err
}

func deleteProduct(ctx context.Context, u *user) error {
	if len(u.products) == 0 {
		return browseProducts(ctx, u)
	}
	i := u.rng.IntN(len(u.products))
	p := u.products[i]
	page, err := u.get(ctx, "GET /products/:id/delete", "/products/"+p.id+"/delete")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/products/` + p.id + `/delete"]`)
	if err != nil {
		return err
	}
	w := u.r.ledger.begin("product.delete", f.Key(), "product:"+p.id, "")
	resp, err := u.change(ctx, "POST /products/:id/delete", w, f, nil)
	p.uncertain = p.uncertain || unclear(resp)
	if resp != nil && resp.Status == http.StatusSeeOther {
		u.products = append(u.products[:i], u.products[i+1:]...)
		u.r.gone(w, "/products/"+p.id)
	}
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /products", resp)
	return err
}

func createCoupon(ctx context.Context, u *user) error {
	if len(u.coupons) >= 6 {
		return deleteCoupon(ctx, u)
	}
	page, err := u.get(ctx, "GET /coupons/new", "/coupons/new")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/coupons"]`)
	if err != nil {
		return err
	}
	code := u.r.tag()
	f.Values.Set("coupon_code", code)
	f.Values.Set("amount", strconv.Itoa(5+u.rng.IntN(30)))
	f.Values.Set("date_expire", time.Now().AddDate(1, 0, 0).Format("2006-01-02"))
	w := u.r.ledger.begin("coupon.create", f.Key(), "", code)
	resp, err := u.change(ctx, "POST /coupons", w, f, func(s *panelclient.Form) { s.Values.Set("amount", "1") })
	if err != nil {
		return err
	}
	u.coupons = append(u.coupons, &ownCoupon{code: code, last: w})
	_, err = u.follow(ctx, "GET /coupons/:code", resp)
	return err
}

func updateCoupon(ctx context.Context, u *user) error {
	if len(u.coupons) == 0 {
		return createCoupon(ctx, u)
	}
	c := u.coupons[u.rng.IntN(len(u.coupons))]
	page, err := u.get(ctx, "GET /coupons/:code/edit", "/coupons/"+c.code+"/edit")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/coupons/` + c.code + `"]`)
	if err != nil {
		return err
	}
	code := u.r.tag() // renamed: the new code is this change's tag
	f.Values.Set("new_code", code)
	f.Values.Set("amount", strconv.Itoa(5+u.rng.IntN(30)))
	w := u.r.ledger.begin("coupon.update", f.Key(), "coupon:"+c.code, code)
	resp, err := u.change(ctx, "POST /coupons/:code", w, f, func(s *panelclient.Form) { s.Values.Set("amount", "1") })
	c.uncertain = c.uncertain || unclear(resp)
	if resp != nil && resp.Status == http.StatusSeeOther {
		u.r.gone(w, "/coupons/"+c.code) // the old code is gone
		c.code, c.last = code, w
	}
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /coupons/:code", resp)
	return err
}

func deleteCoupon(ctx context.Context, u *user) error {
	if len(u.coupons) == 0 {
		return browseCoupons(ctx, u)
	}
	i := u.rng.IntN(len(u.coupons))
	c := u.coupons[i]
	page, err := u.get(ctx, "GET /coupons/:code/delete", "/coupons/"+c.code+"/delete")
	if err != nil {
		return err
	}
	f, err := page.Form(`form[action="/coupons/` + c.code + `/delete"]`)
	if err != nil {
		return err
	}
	w := u.r.ledger.begin("coupon.delete", f.Key(), "coupon:"+c.code, "")
	resp, err := u.change(ctx, "POST /coupons/:code/delete", w, f, nil)
	c.uncertain = c.uncertain || unclear(resp)
	if resp != nil && resp.Status == http.StatusSeeOther {
		u.coupons = append(u.coupons[:i], u.coupons[i+1:]...)
		u.r.gone(w, "/coupons/"+c.code)
	}
	if err != nil {
		return err
	}
	_, err = u.follow(ctx, "GET /coupons", resp)
	return err
}
