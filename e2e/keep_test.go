package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// TestRecoveryCodesCopyAndDownload: with JavaScript the recovery codes page
// shows copy, download and print; copy puts the codes on the clipboard one
// a line, and without JavaScript the buttons stay hidden while the codes
// are on the page as text.
func TestRecoveryCodesCopyAndDownload(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	for _, js := range []bool{true, false} {
		email := "keeper-" + map[bool]string{true: "js", false: "nojs"}[js] + "@example.com"
		password := p.addUser(t, email, "admin")
		page := phone(t, b)
		if !js {
			withoutScripts(t, page)
		}
		page.MustNavigate(p.URL + "/login").MustWaitLoad()
		fill(page, "email", email)
		fill(page, "password", password)
		submit(page, `main button[type=submit]`)
		if err := page.Timeout(30 * time.Second).Wait(rod.Eval(`() => location.pathname === "/me/2fa"`)); err != nil {
			t.Fatalf("js %v: not sent to enrol: %v", js, err)
		}
		fill(page, "code", totpNow(t, text(page, "code.secret")))
		submit(page, `form[action="/me/2fa"] button[type=submit]`)
		codes := text(page, "#recovery-codes")
		if n := len(strings.Fields(codes)); n != 10 {
			t.Fatalf("js %v: %d codes on the page", js, n)
		}
		visible := func(sel string) bool {
			return page.MustEval(`s => { const e = document.querySelector(s); return !!e && e.offsetParent !== null; }`, sel).Bool()
		}
		for _, sel := range []string{"button[data-copy]", "button[data-download]", "button[data-print]"} {
			if got := visible(sel); got != js {
				t.Errorf("js %v: %s visible %v", js, sel, got)
			}
		}
		if !js {
			continue
		}
		origin := p.URL
		if err := (proto.BrowserGrantPermissions{Origin: origin, Permissions: []proto.BrowserPermissionType{
			proto.BrowserPermissionTypeClipboardReadWrite, proto.BrowserPermissionTypeClipboardSanitizedWrite}}).Call(b); err != nil {
			t.Fatal(err)
		}
		page.MustElement("button[data-copy]").MustClick()
		if err := page.Timeout(10 * time.Second).Wait(rod.Eval(`() => document.querySelector("[data-copy-status]").textContent !== ""`)); err != nil {
			t.Fatal("no word after copying")
		}
		if got := text(page, "[data-copy-status]"); got != "Copied." {
			t.Errorf("after copy: %q", got)
		}
		want := strings.Join(strings.Fields(codes), "\n") + "\n"
		// Reading the clipboard back needs a focused window, which a
		// headless browser may not have; then only "Copied." is checked.
		if clip, err := page.Eval(`() => navigator.clipboard.readText()`); err != nil {
			t.Logf("clipboard not readable here: %v", err)
		} else if clip.Value.String() != want {
			t.Errorf("clipboard %q, want %q", clip.Value.String(), want)
		}
		// The download is a file made in the page: catch the Blob it is
		// made from (headless Chrome reports downloads unreliably).
		page.MustEval(`() => { const o = URL.createObjectURL; window.__blobs = [];
			URL.createObjectURL = b => { window.__blobs.push(b); return o.call(URL, b); }; }`)
		page.MustElement("button[data-download]").MustClick()
		if got := page.MustEval(`() => window.__blobs.length ? window.__blobs[0].text() : ""`).String(); got != want {
			t.Errorf("downloaded %q, want %q", got, want)
		}
		if got := text(page, "[data-copy-status]"); got != "Downloaded backoffice-recovery-codes.txt." {
			t.Errorf("after download: %q", got)
		}
		if got := path(page); got != "/me/2fa" {
			t.Errorf("the buttons navigated to %s", got)
		}
	}
}
