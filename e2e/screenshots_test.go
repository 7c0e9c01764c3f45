package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// TestScreenshots is a tool, not a check: with BACKOFFICE_SCREENSHOTS set to
// a folder it writes a full-page PNG of every main page at 360 px wide (1 px a pixel), in
// the light and the dark theme, for a person to look at:
//
//	BACKOFFICE_SCREENSHOTS=screenshots go test ./e2e -run Screenshots
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("BACKOFFICE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set BACKOFFICE_SCREENSHOTS=<folder> to write screenshots of the main pages")
	}
	if !filepath.IsAbs(dir) {
		// go test runs in the package's folder; a relative folder is the
		// repository's, where the command was typed.
		dir = filepath.Join("..", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)
	anon := phone(t, b)
	admin := signInAs(t, b, p, "admin", true)
	var confirm []byte
	pages := mainPages(t, b, admin, p, fx, func(page *rod.Page) {
		setWidth(t, page, 360)
		confirm = page.MustScreenshotFullPage()
	})
	setWidth(t, anon, 360)
	setWidth(t, admin, 360)
	unsafe := regexp.MustCompile(`[^a-zA-Z0-9]+`)
	n := 0
	for _, dark := range []bool{false, true} {
		theme := "light"
		if dark {
			theme = "dark"
		}
		setDark(t, anon, dark)
		setDark(t, admin, dark)
		for _, path := range append([]string{"/login"}, pages...) {
			page := admin
			if path == "/login" {
				page = anon
			}
			page.MustNavigate(p.URL + path).MustWaitLoad().MustWaitIdle()
			png, err := page.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			name := strings.Trim(unsafe.ReplaceAllString(path, "-"), "-")
			if name == "" {
				name = "home"
			}
			if err := os.WriteFile(filepath.Join(dir, name+"-360-"+theme+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	// The phone header with its menu open, over the home page.
	admin.MustNavigate(p.URL + "/").MustWaitLoad()
	admin.MustElement(".menu > summary").MustClick()
	png, err := admin.Screenshot(false, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "home-menu-360-dark.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "refund-confirmation-360-light.png"), confirm, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d screenshots to %s", n+2, dir)
}
