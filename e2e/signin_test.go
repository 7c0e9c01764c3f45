package e2e

import "testing"

// TestSignInHelperWithoutJavaScript checks the journey helper itself: an
// admin signs in and enrols the second factor with JavaScript disabled.
func TestSignInHelperWithoutJavaScript(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	page := signInAs(t, b, p, "admin", false)
	if got := text(page, "h1"); got == "" {
		t.Fatal("no heading on the home page")
	}
	if loaded := page.MustEval(`() => typeof window.htmx`).String(); loaded != "undefined" {
		t.Fatalf("htmx loaded on a page without scripts: %s", loaded)
	}
}
