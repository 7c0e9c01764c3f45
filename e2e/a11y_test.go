package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// axeSource reads axe-core from the e2e package's node_modules (installed by
// `npm ci --prefix e2e`, which .ci/run does).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if strings.Contains(os.Getenv("BACKOFFICE_TEST_REQUIRE"), "chromium") {
			t.Fatalf("the accessibility check needs axe-core: run npm ci --prefix e2e (%v)", err)
		}
		t.Skip("the accessibility check needs axe-core: run npm ci --prefix e2e")
	}
	return string(b)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
		HTML   string   `json:"html"`
	} `json:"nodes"`
}

// checkA11y runs axe on the page as it is and reports every violation.
func checkA11y(t *testing.T, page *rod.Page, axe, name string) {
	t.Helper()
	page.MustWaitLoad()
	if page.MustEval(`() => typeof window.axe`).String() == "undefined" {
		// Evaluated through the DevTools protocol, so the page's CSP does not
		// apply to the injected script.
		page.MustEval(`() => { ` + axe + `; return true; }`)
	}
	raw := page.MustEval(`() => axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`).String()
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("%s: axe result: %v", name, err)
	}
	for _, v := range vs {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, strings.Join(n.Target, " ")+" "+n.HTML)
		}
		t.Errorf("%s: %s (%s): %s\n    %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "\n    "))
	}
}

func setDark(t *testing.T, page *rod.Page, dark bool) {
	t.Helper()
	v := "light"
	if dark {
		v = "dark"
	}
	err := proto.EmulationSetEmulatedMedia{Features: []*proto.EmulationMediaFeature{{Name: "prefers-color-scheme", Value: v}}}.Call(page)
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccessibilityOfMainPages runs axe-core on every main page at phone
// width, in the light and the dark theme, and expects no violations.
func TestAccessibilityOfMainPages(t *testing.T) {
	axe := axeSource(t)
	b := newBrowser(t)
	p := startPanel(t, nil)
	fx := fixtures(t)

	anon := phone(t, b)
	for _, path := range []string{"/login", strings.TrimPrefix(p.SetupURL, p.URL)} {
		anon.MustNavigate(p.URL + path)
		checkA11y(t, anon, axe, path)
	}

	admin := signInAs(t, b, p, "admin", true)
	pages := []string{
		"/", "/me", "/me/password", "/me/2fa", "/me/sessions",
		"/products", "/products/4635212971", "/products/new", "/products/4635212971/edit", "/products/4635212971/delete",
		"/options", "/options/4688355343", "/options/new", "/options/4688355343/edit",
		"/coupons", "/coupons/APITEST002", "/coupons/new", "/coupons/APITEST002/edit",
		"/sales", "/sales?customer_name=Okonkwo", "/sales/" + fx.TangibleTwoInvoices, "/sales/" + fx.WithComments,
		"/ship", "/ship?sale=" + fx.TangibleTwoInvoices, "/ship?sale=" + fx.Intangible,
		"/account", "/users", "/users/new", "/audit", "/no/such/page",
		"/ship/queue", "/sales/" + fx.TangibleTwoInvoices + "/slip", "/settings",
		// Issue 10: money and roles.
		"/sales/" + fx.AuthExpiring, "/sales/" + fx.IntangibleTwoItems, "/sales/" + fx.Recurring,
		"/sales/" + fx.Recurring + "/recurring/" + fx.RecurringLineitem + "/stop",
		"/approvals", "/payments", "/roles", "/roles/new", "/roles/finance",
	}
	for _, dark := range []bool{false, true} {
		setDark(t, admin, dark)
		for _, path := range pages {
			name := path
			if dark {
				name += " (dark)"
			}
			admin.MustNavigate(p.URL + path)
			checkA11y(t, admin, axe, name)
		}
	}
}
