package e2e

import (
	"testing"

	"github.com/go-rod/rod/lib/proto"
)

// TestPagesFitPhoneWidths walks the main pages at 320, 360 and 1280 px:
// nothing scrolls sideways, every visible control is at least 44 px tall
// (inline text links 24 px), the phone header is one row under the sandbox
// bar, and the skip link is invisible until focused, then 44 px tall.
func TestPagesFitPhoneWidths(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	page := signInAs(t, b, p, "admin", true)
	pages := []string{
		"/", "/me", "/me/password", "/me/2fa", "/me/sessions", "/account",
		"/products", "/products/4635212971", "/products/new",
		"/options", "/options/4688355343", "/coupons", "/coupons/APITEST002",
		"/sales", "/sales/" + fx.TangibleTwoInvoices, "/ship", "/ship?sale=" + fx.TangibleTwoInvoices,
		"/users", "/users/new", "/audit",
	}
	const measure = `(width) => {
		const out = [];
		const vis = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
			return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && e.closest("[hidden]") === null && e.offsetParent !== null; };
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
		if (width < 600 && top && top.getBoundingClientRect().height > 56) out.push("header is " + Math.round(top.getBoundingClientRect().height) + " px tall");
		const skip = document.querySelector(".skip").getBoundingClientRect();
		if (skip.width > 1 || skip.height > 1) out.push("skip link visible before focus");
		return out;
	}`
	for _, w := range []int{320, 360, 1280} {
		if err := (proto.EmulationSetDeviceMetricsOverride{Width: w, Height: 740, DeviceScaleFactor: 1, Mobile: w < 600}).Call(page); err != nil {
			t.Fatal(err)
		}
		for _, path := range pages {
			page.MustNavigate(p.URL + path).MustWaitLoad()
			for _, problem := range page.MustEval(measure, w).Arr() {
				t.Errorf("%d px %s: %s", w, path, problem.String())
			}
		}
	}
	// Tab once: the skip link appears, 44 px tall.
	page.MustNavigate(p.URL + "/").MustWaitLoad()
	page.Keyboard.MustType('\t')
	h := page.MustEval(`() => document.activeElement.classList.contains("skip") ? document.activeElement.getBoundingClientRect().height : 0`).Num()
	if h < 44 {
		t.Errorf("focused skip link is %.0f px tall", h)
	}
}
