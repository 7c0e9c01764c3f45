package panelclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

const page = `<!doctype html><html><head><meta name="csrf-token" content="tok123"></head><body>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="tok123"><button>Sign out</button></form>
<form class="stack" method="post" action="/products">
  <input type="hidden" name="_csrf" value="tok123">
  <input type="hidden" name="_idem" value="key-abc">
  <input name="name" type="text" value="Lamp &amp; shade">
  <input name="untyped" value="u">
  <input name="off" type="checkbox" value="1">
  <input name="on" type="checkbox" value="1" checked>
  <input name="cat" type="checkbox" value="2" checked>
  <input name="cat" type="checkbox" value="3" checked>
  <input name="pick" type="radio" value="a">
  <input name="pick" type="radio" value="b" checked>
  <input name="gone" value="x" disabled>
  <textarea name="description">Two
lines</textarea>
  <select name="unit"><option value="week">Week</option><option value="month" selected>Month</option></select>
  <select name="first"><option value="x">X</option><option value="y">Y</option></select>
  <select name="text"><option>Plain</option></select>
  <button type="submit" name="go" value="1">Save</button>
  <input type="submit" name="also" value="no">
</form>
<a href="/products/1">one</a><a href="/products/2">two</a><a href="/products/1">again</a><a href="/sales">sales</a>
</body></html>`

func TestFormReadsWhatABrowserSends(t *testing.T) {
	p := &Page{Method: "GET", Path: "/products/new", Status: 200, Header: http.Header{}, Body: []byte(page)}
	f, err := p.Form(`form[action="/products"]`)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{
		"_csrf": {"tok123"}, "_idem": {"key-abc"}, "name": {"Lamp & shade"}, "untyped": {"u"},
		"on": {"1"}, "cat": {"2", "3"}, "pick": {"b"}, "description": {"Two\nlines"},
		"unit": {"month"}, "first": {"x"}, "text": {"Plain"},
	}
	if f.Values.Encode() != want.Encode() {
		t.Errorf("values\n got %s\nwant %s", f.Values.Encode(), want.Encode())
	}
	if f.Method != "POST" || f.Action != "/products" || f.Key() != "key-abc" {
		t.Errorf("method %s action %s key %s", f.Method, f.Action, f.Key())
	}
	c := f.Clone()
	c.Values.Set("name", "changed")
	if f.Values.Get("name") != "Lamp & shade" {
		t.Error("changing a clone changed the form")
	}
	if p.CSRF() != "tok123" {
		t.Errorf("CSRF %q", p.CSRF())
	}
	if got := p.Links("/products/"); len(got) != 2 || got[0] != "/products/1" || got[1] != "/products/2" {
		t.Errorf("links %v", got)
	}
	if _, err := p.Form(`form[action="/nowhere"]`); err == nil {
		t.Error("a missing form was found")
	}
}

func TestUpstreamTime(t *testing.T) {
	for h, want := range map[string]time.Duration{
		"upstream;dur=12.5":                      12500 * time.Microsecond,
		`app;dur=3, upstream;desc="API";dur=300`: 300 * time.Millisecond,
	} {
		p := &Page{Header: http.Header{"Server-Timing": {h}}}
		if got, ok := p.UpstreamTime(); !ok || got != want {
			t.Errorf("%q: %v %v, want %v", h, got, ok, want)
		}
	}
	if _, ok := (&Page{Header: http.Header{"Server-Timing": {"db;dur=4"}}}).UpstreamTime(); ok {
		t.Error("an entry without upstream read as the upstream time")
	}
}

// One browser on two origins keeps one set of cookies, sends forms as a
// same-origin browser does, and follows no redirect by itself.
func TestBrowserSharesCookiesAcrossOrigins(t *testing.T) {
	var gotOrigin, gotSite, gotCookie string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/set":
			http.SetCookie(w, &http.Cookie{Name: "s", Value: "v1", Path: "/"})
			w.Header().Set("X-Request-ID", "rid-1")
			http.Redirect(w, r, "/next", http.StatusSeeOther)
		case "/post":
			gotOrigin, gotSite = r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")
			if c, err := r.Cookie("s"); err == nil {
				gotCookie = c.Value
			}
		}
	})
	a, b := httptest.NewServer(h), httptest.NewServer(h)
	defer a.Close()
	defer b.Close()
	br := New(a.URL, nil)
	ctx := context.Background()
	p, err := br.Get(ctx, "/set")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Redirected("/next") || p.RequestID != "rid-1" {
		t.Fatalf("status %d location %q request id %q", p.Status, p.Location(), p.RequestID)
	}
	if _, err := br.On(b.URL).Post(ctx, "/post", url.Values{"x": {"1"}}); err != nil {
		t.Fatal(err)
	}
	if gotCookie != "v1" || gotOrigin != b.URL || gotSite != "same-origin" {
		t.Errorf("on B: cookie %q origin %q site %q", gotCookie, gotOrigin, gotSite)
	}
	if br.CookieHeader() != "s=v1" {
		t.Errorf("cookie header %q", br.CookieHeader())
	}
}
