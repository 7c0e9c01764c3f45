package templates

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTemplatesStayWithinTheCSPAndEscaping fails on markup that would bypass
// templ's escaping or the nonce-based CSP: templ.Raw (except for the QR code,
// which the server draws itself), templ.SafeURL and friends, hx-on handlers,
// inline styles, inline event handlers and inline scripts.
func TestTemplatesStayWithinTheCSPAndEscaping(t *testing.T) {
	allowedRaw := map[string]bool{filepath.Join("pages", "me", "me.templ"): true}
	bad := []struct {
		re  *regexp.Regexp
		why string
	}{
		{regexp.MustCompile(`templ\.Safe(URL|CSS|Script)`), "bypasses templ's sanitising"},
		{regexp.MustCompile(`\bhx-on`), "hx-on needs eval, which the CSP forbids"},
		{regexp.MustCompile(`\sstyle=`), "inline styles are refused by the CSP"},
		{regexp.MustCompile(`\son[a-z]+=`), "inline event handlers are refused by the CSP"},
		{regexp.MustCompile(`<script>`), "inline scripts are refused by the CSP"},
	}
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".templ") {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		if strings.Contains(src, "templ.Raw") && !allowedRaw[path] {
			t.Errorf("%s uses templ.Raw: text from the API must never be rendered raw", path)
		}
		for _, r := range bad {
			if loc := r.re.FindStringIndex(src); loc != nil {
				line := strings.Count(src[:loc[0]], "\n") + 1
				t.Errorf("%s:%d: %s", path, line, r.why)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("only %d templates found; is the test in the right folder?", n)
	}
}
