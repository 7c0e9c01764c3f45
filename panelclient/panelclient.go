// Package panelclient is a scripted browser for the Backoffice panel, for
// programs that drive running panels over HTTP: the test of several
// instances and the load harness. A Browser is one person at one browser (a
// cookie jar); it reads pages with goquery and submits forms the way a
// browser without JavaScript does, hidden fields (the CSRF token, the form
// key) included, with the Origin and Sec-Fetch-Site headers a same-origin
// browser sends. It follows no redirect by itself, so callers see each
// answer the panel gives.
package panelclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// MaxBody bounds how much of one answer is read into memory; the panel's
// biggest pages (the audit CSV aside) are a few hundred kilobytes.
const MaxBody = 64 << 20

// Browser is one cookie jar talking to panels. Copies made by On share the
// jar, as one browser reaching several instances behind a load balancer.
type Browser struct {
	// Base is the origin requests go to, e.g. "http://127.0.0.1:8080".
	Base   string
	client *http.Client
}

// New returns a browser with an empty cookie jar. transport may be nil for
// http.DefaultTransport.
func New(base string, transport http.RoundTripper) *Browser {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &Browser{Base: strings.TrimRight(base, "/"), client: &http.Client{
		Jar: jar, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// On returns the same browser (the same cookies) aimed at another origin.
func (b *Browser) On(base string) *Browser {
	c := *b
	c.Base = strings.TrimRight(base, "/")
	return &c
}

// Cookies returns the cookies the browser would send to its base origin.
func (b *Browser) Cookies() []*http.Cookie {
	u, err := url.Parse(b.Base + "/")
	if err != nil {
		return nil
	}
	return b.client.Jar.Cookies(u)
}

// CookieHeader is the Cookie header the browser would send to its base
// origin, for replaying a session from another client.
func (b *Browser) CookieHeader() string {
	var parts []string
	for _, c := range b.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// Page is one answer of the panel.
type Page struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
	// RequestID is the panel's X-Request-ID, the key of the request's log
	// lines and audit entries.
	RequestID string
	// Elapsed is the time from sending the request to reading the last byte.
	Elapsed time.Duration
	doc     *goquery.Document
}

// Location is the redirect target of a 3xx answer, as a path when it points
// at the same site.
func (p *Page) Location() string { return p.Header.Get("Location") }

// Redirected reports whether the answer is a 303 See Other to a path
// starting with prefix: the panel's answer to a form that did its work.
func (p *Page) Redirected(prefix string) bool {
	return p.Status == http.StatusSeeOther && strings.HasPrefix(p.Location(), prefix)
}

// Doc parses the body as HTML, once.
func (p *Page) Doc() *goquery.Document {
	if p.doc == nil {
		d, err := goquery.NewDocumentFromReader(bytes.NewReader(p.Body))
		if err != nil { // the html parser accepts anything; keep a usable value
			d = goquery.NewDocumentFromNode(nil)
		}
		p.doc = d
	}
	return p.doc
}

// Text returns the trimmed text of the elements matching selector.
func (p *Page) Text(selector string) string {
	return strings.Join(strings.Fields(p.Doc().Find(selector).Text()), " ")
}

// Links returns the distinct href values starting with prefix, in page
// order.
func (p *Page) Links(prefix string) []string {
	var out []string
	seen := map[string]bool{}
	p.Doc().Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		h, _ := s.Attr("href")
		if strings.HasPrefix(h, prefix) && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	})
	return out
}

// CSRF returns the page's CSRF token (the meta tag htmx reads, or the first
// hidden _csrf field).
func (p *Page) CSRF() string {
	if v, ok := p.Doc().Find(`meta[name="csrf-token"]`).Attr("content"); ok {
		return v
	}
	v, _ := p.Doc().Find(`input[name="_csrf"]`).Attr("value")
	return v
}

// UpstreamTime reads a Server-Timing entry named "upstream" (the time the
// page spent waiting for the Admin API), when the panel sends one.
func (p *Page) UpstreamTime() (time.Duration, bool) {
	for _, h := range p.Header.Values("Server-Timing") {
		for _, entry := range strings.Split(h, ",") {
			parts := strings.Split(strings.TrimSpace(entry), ";")
			if strings.TrimSpace(parts[0]) != "upstream" {
				continue
			}
			for _, prm := range parts[1:] {
				k, v, _ := strings.Cut(strings.TrimSpace(prm), "=")
				if k != "dur" {
					continue
				}
				ms, err := strconv.ParseFloat(strings.Trim(v, `"`), 64)
				if err == nil && ms >= 0 {
					return time.Duration(ms * float64(time.Millisecond)), true
				}
			}
		}
	}
	return 0, false
}

// Get loads path (with its query) from the browser's base origin.
func (b *Browser) Get(ctx context.Context, path string) (*Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.Base+path, nil)
	if err != nil {
		return nil, err
	}
	return b.Do(req)
}

// Post sends form to path as a same-origin browser would (Origin and
// Sec-Fetch-Site set); the caller includes the _csrf field.
func (b *Browser) Post(ctx context.Context, path string, form url.Values) (*Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.Base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.Base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.Do(req)
}

// Follow loads the page a redirect points at; any other answer is returned
// as it is.
func (b *Browser) Follow(ctx context.Context, p *Page) (*Page, error) {
	if p.Status < 300 || p.Status > 399 || p.Location() == "" {
		return p, nil
	}
	loc := p.Location()
	if strings.HasPrefix(loc, "http://") || strings.HasPrefix(loc, "https://") {
		return nil, fmt.Errorf("redirect to another site: %s", loc)
	}
	return b.Get(ctx, loc)
}

// Do sends req with the browser's cookies and reads the whole answer.
func (b *Browser) Do(req *http.Request) (*Page, error) {
	start := time.Now()
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", req.Method, req.URL.Path, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("%s %s: answer larger than %d bytes", req.Method, req.URL.Path, MaxBody)
	}
	return &Page{Method: req.Method, Path: req.URL.RequestURI(), Status: resp.StatusCode, Header: resp.Header,
		Body: body, RequestID: resp.Header.Get("X-Request-ID"), Elapsed: time.Since(start)}, nil
}

// Form is an HTML form with the values a browser would submit as it stands.
type Form struct {
	Action string
	Method string
	Values url.Values
}

// ErrNoForm is returned when a page has no form matching the selector.
var ErrNoForm = errors.New("no such form on the page")

// Form reads the first form matching selector (e.g. `form[action="/products"]`).
func (p *Page) Form(selector string) (*Form, error) {
	sel := p.Doc().Find(selector).First()
	if sel.Length() == 0 {
		return nil, fmt.Errorf("%s %s: %w: %s", p.Method, p.Path, ErrNoForm, selector)
	}
	f := &Form{Method: strings.ToUpper(sel.AttrOr("method", "GET")), Values: url.Values{}}
	f.Action = sel.AttrOr("action", "")
	if f.Action == "" {
		f.Action = p.Path
	}
	sel.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		if !ok || name == "" {
			return
		}
		if _, disabled := s.Attr("disabled"); disabled {
			return
		}
		switch goquery.NodeName(s) {
		case "textarea":
			f.Values.Add(name, s.Text())
		case "select":
			opts := s.Find("option")
			chosen := opts.Filter("[selected]")
			if chosen.Length() == 0 {
				chosen = opts.First()
			}
			chosen.Each(func(_ int, o *goquery.Selection) {
				v, ok := o.Attr("value")
				if !ok {
					v = strings.TrimSpace(o.Text())
				}
				f.Values.Add(name, v)
			})
		default:
			switch strings.ToLower(s.AttrOr("type", "text")) {
			case "submit", "button", "image", "reset", "file":
			case "checkbox", "radio":
				if _, checked := s.Attr("checked"); checked {
					f.Values.Add(name, s.AttrOr("value", "on"))
				}
			default:
				f.Values.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	return f, nil
}

// Clone returns a copy whose values can be changed without touching f.
func (f *Form) Clone() *Form {
	c := *f
	c.Values = url.Values{}
	for k, v := range f.Values {
		c.Values[k] = append([]string(nil), v...)
	}
	return &c
}

// Key is the form's idempotency key (the hidden _idem field).
func (f *Form) Key() string { return f.Values.Get("_idem") }

// Submit sends the form as it stands.
func (b *Browser) Submit(ctx context.Context, f *Form) (*Page, error) {
	if f.Method == http.MethodGet {
		return b.Get(ctx, f.Action+"?"+f.Values.Encode())
	}
	return b.Post(ctx, f.Action, f.Values)
}
