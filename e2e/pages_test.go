package e2e

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"

	"backoffice/sandbox"
)

// mainPages are the panel's main pages as an admin sees them: every list,
// detail, form, money page and delete confirmation. The team member's page
// is found on /users (its id is made at start-up). First a support member
// asks for a refund, so the approvals page and the sale show one waiting;
// atConfirm, when set, is handed the refund's confirmation page (the answer
// to a POST, so it has no address of its own to walk).
func mainPages(t *testing.T, b *rod.Browser, admin *rod.Page, p *panel, fx sandbox.Fixtures, atConfirm func(*rod.Page)) []string {
	t.Helper()
	support := signInAs(t, b, p, "support", true)
	inv := fx.Invoices[fx.Intangible][0]
	support.MustNavigate(p.URL + "/sales/" + fx.Intangible).MustWaitLoad()
	fillRefund(support, "#refund-"+inv, "12.50", "The buyer did not like the item", "Scratched lid; the buyer keeps it")
	submit(support, "#refund-"+inv+` button[type=submit]`)
	if atConfirm != nil {
		atConfirm(support)
	}
	submit(support, `main form button[type=submit]`)
	admin.MustNavigate(p.URL + "/users").MustWaitLoad()
	member := ""
	for _, a := range admin.MustElements(`main a[href^="/users/"]`) {
		if h := a.MustAttribute("href"); h != nil && regexp.MustCompile(`^/users/[^/]+$`).MatchString(*h) && *h != "/users/new" {
			member = *h
			break
		}
	}
	if member == "" {
		t.Fatal("no team member's page linked from /users")
	}
	return []string{
		"/", "/me", "/me/password", "/me/2fa", "/me/sessions",
		"/products", "/products?name=tea", "/products/4635212971", "/products/new", "/products/4635212971/edit", "/products/4635212971/delete",
		"/options", "/options/4688355343", "/options/new", "/options/4688355343/edit", "/options/4688355343/delete",
		"/coupons", "/coupons/APITEST002", "/coupons/new", "/coupons/APITEST002/edit", "/coupons/APITEST002/delete",
		"/sales", "/sales?customer_name=Okonkwo", "/sales/" + fx.TangibleTwoInvoices, "/sales/" + fx.WithComments,
		"/sales/" + fx.AuthExpiring, "/sales/" + fx.Intangible, "/sales/" + fx.IntangibleTwoItems, "/sales/" + fx.Recurring,
		"/sales/" + fx.Recurring + "/recurring/" + fx.RecurringLineitem + "/stop", "/sales/" + fx.Recurring + "/recurring/stop-all",
		"/sales/" + fx.TangibleTwoInvoices + "/slip",
		"/ship", "/ship?sale=" + fx.TangibleTwoInvoices, "/ship?sale=" + fx.Intangible, "/ship/queue",
		"/roles", "/roles/new", "/roles/finance", "/approvals", "/payments", "/settings", "/account",
		"/users", "/users/new", member, "/audit", "/no/such/page",
	}
}

// measure lists what is wrong with the page at a device width: sideways
// scroll, controls under 44 px (inline text links 24 px), a header taller
// than one row on a phone or at 1280 px (an admin's, the longest), a
// visible skip link, an e-mail broken over lines
// although one line of its box would hold it.
const measure = `(width) => {
	const out = [];
	const vis = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
		return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && e.closest("[hidden]") === null && e.offsetParent !== null && e.checkVisibility(); };
	// Against the device width: a mobile browser widens its layout
	// viewport to fit content that sticks out, so innerWidth would grow.
	if (document.documentElement.scrollWidth > width) out.push("page is " + document.documentElement.scrollWidth + " px wide");
	for (const e of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")) {
		if (!vis(e) || e.classList.contains("skip")) continue;
		const h = e.getBoundingClientRect().height;
		const inline = e.tagName === "A" && !e.classList.contains("btn") && getComputedStyle(e).display === "inline";
		const box = e.type === "checkbox" || e.type === "radio";
		const min = inline ? 24 : box ? 20 : 44;
		if (h < min) out.push(e.tagName.toLowerCase() + " " + JSON.stringify((e.textContent || e.name || e.id).trim().slice(0, 30)) + " is " + Math.round(h) + " px tall");
	}
	const top = document.querySelector(".top-in");
	if ((width < 600 || width >= 1280) && top && top.getBoundingClientRect().height > 56) out.push("header is " + Math.round(top.getBoundingClientRect().height) + " px tall");
	const skip = document.querySelector(".skip");
	if (skip) { const r = skip.getBoundingClientRect(); if (r.width > 1 || r.height > 1) out.push("skip link visible before focus"); }
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n; (n = walk.nextNode());) {
		if (!n.parentElement || !vis(n.parentElement)) continue;
		const re = /[^\s@<>()"'{},:;]+@[^\s@<>()"'{},:;]+\.[a-z]{2,}/gi;
		for (let m; (m = re.exec(n.data));) {
			const r = document.createRange();
			r.setStart(n, m.index);
			r.setEnd(n, m.index + m[0].length);
			const rects = [...r.getClientRects()].filter(x => x.width > 0);
			const lines = new Set(rects.map(x => Math.round(x.top)));
			// Broken although it would fit on one line of its box.
			let box = n.parentElement;
			while (box.parentElement && getComputedStyle(box).display.startsWith("inline")) box = box.parentElement;
			const room = box.clientWidth;
			const long = rects.reduce((sum, x) => sum + x.width, 0);
			if (lines.size > 1 && long <= room) out.push("e-mail " + m[0] + " is broken over " + lines.size + " lines");
		}
	}
	return out;
}`

func setWidth(t *testing.T, page *rod.Page, w int) {
	t.Helper()
	if err := (proto.EmulationSetDeviceMetricsOverride{Width: w, Height: 740, DeviceScaleFactor: 1, Mobile: w < 600}).Call(page); err != nil {
		t.Fatal(err)
	}
}

// TestPagesFitPhoneWidths walks every main page at 320, 360 and 1280 px:
// nothing scrolls sideways, every visible control is at least 44 px tall
// (inline text links 24 px), the header is one row under the sandbox bar
// on a phone and at 1280 px, no e-mail is broken over lines, axe-core finds nothing, and the skip
// link is invisible until focused, then 44 px tall. Lists' filters fold
// behind a button on a phone and show from 40rem.
func TestPagesFitPhoneWidths(t *testing.T) {
	axe := axeSource(t)
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	anon := phone(t, b)
	page := signInAs(t, b, p, "admin", true)
	measureHere := func(pg *rod.Page, w int, name string) {
		t.Helper()
		for _, problem := range pg.MustEval(measure, w).Arr() {
			t.Errorf("%d px %s: %s", w, name, problem.String())
		}
		checkA11y(t, pg, axe, name+" at "+strconv.Itoa(w)+" px")
	}
	pages := mainPages(t, b, page, p, fx, func(confirm *rod.Page) {
		for _, w := range []int{320, 360, 1280} {
			setWidth(t, confirm, w)
			measureHere(confirm, w, "the refund's confirmation")
		}
		setWidth(t, confirm, 360)
	})
	check := func(pg *rod.Page, w int, path string) {
		t.Helper()
		pg.MustNavigate(p.URL + path).MustWaitLoad()
		measureHere(pg, w, path)
	}
	for _, w := range []int{320, 360, 1280} {
		setWidth(t, anon, w)
		check(anon, w, "/login")
		setWidth(t, page, w)
		for _, path := range pages {
			check(page, w, path)
		}
		// The filters: folded on a phone unless one is set, always shown wide.
		for _, c := range []struct {
			path string
			open bool
		}{{"/products", w >= 640}, {"/products?name=tea", true}, {"/sales", w >= 640}, {"/audit", w >= 640}} {
			page.MustNavigate(p.URL + c.path).MustWaitLoad()
			shown := page.MustEval(`() => { const f = document.querySelector("details.fold form"); return !!f && f.checkVisibility(); }`).Bool()
			if shown != c.open {
				t.Errorf("%d px %s: filter form shown %v, want %v", w, c.path, shown, c.open)
			}
		}
	}
	// New recovery codes (the answer to a POST): "I have saved them".
	page.MustNavigate(p.URL + "/me/2fa").MustWaitLoad()
	fill(page, "password", "e2e passphrase for admin")
	submit(page, `form[action="/me/2fa/recovery"] button[type=submit]`)
	for _, w := range []int{320, 360, 1280} {
		setWidth(t, page, w)
		measureHere(page, w, "the new recovery codes")
	}
	// On a phone the Filter button opens the form.
	setWidth(t, page, 360)
	page.MustNavigate(p.URL + "/products").MustWaitLoad()
	openFilters(page)
	if !page.MustElement(`main input[name=name]`).MustVisible() {
		t.Error("the Filter button did not show the filters")
	}
	// Tab once: the skip link appears, 44 px tall.
	page.MustNavigate(p.URL + "/").MustWaitLoad()
	page.Keyboard.MustType('\t')
	h := page.MustEval(`() => document.activeElement.classList.contains("skip") ? document.activeElement.getBoundingClientRect().height : 0`).Num()
	if h < 44 {
		t.Errorf("focused skip link is %.0f px tall", h)
	}
}

// openFilters opens a list's folded filter form when it is folded (on a
// phone, with no filter set).
func openFilters(page *rod.Page) {
	if page.MustEval(`() => { const d = document.querySelector("details.fold"); return !!d && !d.open && getComputedStyle(d.querySelector("summary")).display !== "none"; }`).Bool() {
		page.MustElement(`details.fold > summary`).MustClick()
	}
}
