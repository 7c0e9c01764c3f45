package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backoffice/auth"
	"backoffice/handlers"
	"backoffice/store"
)

// Issue 12, item 6: after an action the page lands on its result.

// The comment's confirmation is drawn in the comments section, where the
// redirect lands (#comments), and not at the top of the page.
func TestCommentAddedIsShownAtTheComments(t *testing.T) {
	h := newHarness(t)
	fx := h.sb.SaleFixtures()
	b, _ := h.signedInAs("support")
	id := fx.Intangible
	key := openSale(t, b, id, "comments")
	resp := b.post("/sales/"+id+"/comments", url.Values{"comment": {"Called the buyer."}, "_idem": {key}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sales/"+id+"#comments" {
		t.Fatalf("comment: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	b.get("/sales/" + id)
	doc := dom(b.body)
	want := "Comment added to sale " + id + "."
	if got := strings.TrimSpace(doc.Find("#comments .flash").Text()); got != want {
		t.Errorf("flash in the comments section = %q, want %q", got, want)
	}
	if got := doc.Find("#flash .flash").Length(); got != 0 {
		t.Errorf("%d flashes at the top of the page too", got)
	}
	// Shown once.
	b.get("/sales/" + id)
	if strings.Contains(b.body, want) {
		t.Error("the confirmation is shown twice")
	}
	// The same form sent twice lands at the comments too, with its
	// "already sent" answer at the top (it was not placed).
	resp = b.post("/sales/"+id+"/comments", url.Values{"comment": {"Called the buyer."}, "_idem": {key}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "#comments") {
		t.Errorf("repeat: %d %q", resp.StatusCode, loc)
	}
}

// autofocused lists the name of every element carrying autofocus.
func autofocused(body string) []string {
	var out []string
	dom(body).Find("main [autofocus]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("name", s.AttrOr("id", "?")))
	})
	return out
}

// A form with several invalid fields gives autofocus to the first one only
// (a browser honours one; the script picks the first too), plain and htmx.
func TestOnlyTheFirstInvalidFieldHasAutofocus(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	form := prodValid(t, b, "")
	form.Set("price", "12,50")
	form.Set("tangible", "1")
	form.Set("weight", "heavy")
	if resp := b.post("/products", form); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid product: %d", resp.StatusCode)
	}
	invalid := attrs(b.body, `main [aria-invalid="true"]`, "name")
	if len(invalid) < 3 || invalid[0] != "name" {
		t.Fatalf("invalid fields %v", invalid)
	}
	if got := autofocused(b.body); len(got) != 1 || got[0] != "name" {
		t.Errorf("autofocus on %v, want only the first invalid field (name)", got)
	}
	// The first invalid field further down: the name (marked Focus on a
	// new product) gives way.
	form = prodValid(t, b, "Mug")
	form.Set("price", "12,50")
	form.Set("long_description", strings.Repeat("x", 6000))
	b.post("/products", form)
	if got := autofocused(b.body); len(got) != 1 || got[0] != "price" {
		t.Errorf("autofocus on %v, want only price", got)
	}
	if got := attrs(b.body, "[data-focus]", "name"); len(got) != 1 || got[0] != "price" {
		t.Errorf("data-focus on %v, want only price", got)
	}

	// A comment too long: the textarea is focused and keeps its text.
	fx := h.sb.SaleFixtures()
	s, _ := h.signedInAs("support")
	id := fx.IntangibleTwoItems
	long := strings.Repeat("y", 6000)
	for _, hx := range []bool{false, true} {
		key := openSale(t, s, id, "comments")
		var headers []string
		if hx {
			headers = []string{"HX-Request", "true"}
		}
		s.post("/sales/"+id+"/comments", url.Values{"comment": {long}, "_idem": {key}}, headers...)
		if got := autofocused(s.body); len(got) != 1 || got[0] != "comment" {
			t.Errorf("htmx %v: autofocus on %v, want the comment only", hx, got)
		}
		if got := dom(s.body).Find(`textarea[name="comment"]`).Text(); got != long {
			t.Errorf("htmx %v: the comment was not kept (%d characters)", hx, len(got))
		}
	}
}

// The revealed secret word is the first card of the page, with a copy
// button that only the script shows.
func TestRevealedSecretIsAtTheTopWithCopy(t *testing.T) {
	h := newHarness(t)
	u, pw, secret := h.addUser("ada@example.com", "admin", true)
	b := h.browser()
	b.signIn(u.Email, pw, secret)
	b.get("/account")
	if got := dom(b.body).Find("main section.card").First().Find("h2").Text(); got != "Company" {
		t.Errorf("before the reveal the first card is %q", got)
	}
	code, _ := auth.TOTPCode(secret, h.clock.Now())
	b.post("/account/secret", url.Values{"password": {pw}, "code": {code}})
	first := dom(b.body).Find("main section.card").First()
	if first.AttrOr("id", "") != "secret" || first.Find("code#secret-word").Text() != "wh1sky" {
		t.Fatalf("the first card after the reveal: %q", first.Text())
	}
	copyBtn := first.Find(`button[data-copy="#secret-word"]`)
	if copyBtn.Length() != 1 || copyBtn.AttrOr("type", "") != "button" {
		t.Error("no copy button for the secret word")
	} else if _, hidden := copyBtn.Attr("hidden"); !hidden {
		t.Error("the copy button is shown without the script")
	}
	if n := dom(b.body).Find("#secret").Length(); n != 1 {
		t.Errorf("%d secret cards", n)
	}
	// A member's new one-time password comes with a copy button too.
	carl, _, _ := h.addUser("carl@example.com", "support", false)
	if resp := b.post("/users/"+itoa(carl.ID)+"/reset-password", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("reset password: %d", resp.StatusCode)
	}
	if dom(b.body).Find(`button[data-copy="#one-time-password"]`).Length() != 1 || dom(b.body).Find("code#one-time-password").Text() == "" {
		t.Error("no copy button for the one-time password")
	}
}

// New recovery codes come with copy, download and print, all in the
// browser: the codes are text on the page, and nothing serves them later.
func TestRecoveryCodesCopyDownloadPrint(t *testing.T) {
	h := newHarness(t)
	u, pw, secret := h.addUser("ada@example.com", "admin", true)
	b := h.browser()
	b.signIn(u.Email, pw, secret)
	b.get("/me/2fa")
	if resp := b.post("/me/2fa/recovery", url.Values{"password": {pw}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("new recovery codes: %d %.300s", resp.StatusCode, b.body)
	}
	codes := texts(b.body, "#recovery-codes li code")
	if len(codes) != 10 {
		t.Fatalf("%d codes", len(codes))
	}
	doc := dom(b.body)
	for sel, want := range map[string]string{
		`button[data-copy="#recovery-codes"]`:     "Copy codes",
		`button[data-download="#recovery-codes"]`: "Download codes",
		`button[data-print]`:                      "Print codes",
	} {
		s := doc.Find(sel)
		if s.Length() != 1 || strings.TrimSpace(s.Text()) != want {
			t.Errorf("%s: %d, %q", sel, s.Length(), s.Text())
			continue
		}
		if _, hidden := s.Attr("hidden"); !hidden {
			t.Errorf("%s is shown without the script", sel)
		}
	}
	if doc.Find(`button[data-download]`).AttrOr("data-filename", "") != "backoffice-recovery-codes.txt" {
		t.Error("the download has no file name")
	}
	if doc.Find(`link[rel="stylesheet"][media="print"]`).Length() != 1 {
		t.Error("the page has no print style")
	}
	if doc.Find(".no-print a").Length() != 1 {
		t.Error("the way on is printed with the codes")
	}
	// The codes are not at any address: no link on the page holds them.
	for _, href := range attrs(b.body, "a", "href") {
		if strings.Contains(href, codes[0]) {
			t.Errorf("a link carries a code: %s", href)
		}
	}
	_ = handlers.NewFormKey
}

// Issue 12, item 8: consistency.

// Disabling a team member asks first, like a delete: the member page links
// to a confirmation page (a GET that changes nothing); its form disables,
// ends their sessions and is audited.
func TestDisableMemberAsksFirst(t *testing.T) {
	h := newHarness(t)
	admin, self := h.signedInAs("admin")
	carl, cpw, _ := h.addUser("carl@example.com", "fulfilment", false)
	carlB := h.browser()
	carlB.signIn(carl.Email, cpw, "")
	id := itoa(carl.ID)
	audits := func() int {
		es, err := h.st.ListAudit(context.Background(), store.AuditFilter{Action: "users.disable", Target: "user:" + id})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}

	admin.get("/users/" + id)
	link := dom(admin.body).Find(`main a[href="/users/` + id + `/disable"]`)
	if link.Length() != 1 || !link.HasClass("btn-danger") {
		t.Fatalf("the member page has no red link to disable: %d", link.Length())
	}
	if n := dom(admin.body).Find(`form[action="/users/` + id + `/disable"]`).Length(); n != 0 {
		t.Error("the member page disables with one click")
	}
	if resp := admin.get("/users/" + id + "/disable"); resp.StatusCode != http.StatusOK {
		t.Fatalf("confirm page: %d", resp.StatusCode)
	}
	doc := dom(admin.body)
	if got := doc.Find("main h1").Text(); got != "Disable "+carl.Name+"?" {
		t.Errorf("question %q", got)
	}
	f := doc.Find(`main form[method="post"][action="/users/` + id + `/disable"]`)
	if f.Length() != 1 || f.Find("button.btn-danger").Text() != "Disable account" {
		t.Fatal("the confirm page has no red Disable account button")
	}
	if doc.Find(`main a[href="/users/`+id+`"]`).Text() != "Cancel" {
		t.Error("no Cancel back to the member")
	}
	if u, _ := h.st.UserByID(context.Background(), carl.ID); u.Status != "active" || audits() != 0 {
		t.Fatalf("the GET changed something: %s, %d audit entries", u.Status, audits())
	}
	if resp := carlB.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatal("the member was signed out by the GET")
	}
	resp := admin.post("/users/"+id+"/disable", url.Values{"_idem": {mustFormKey(t, admin.body)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/users/"+id {
		t.Fatalf("disable: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if u, _ := h.st.UserByID(context.Background(), carl.ID); u.Status != "disabled" {
		t.Errorf("status %s", u.Status)
	}
	if n := audits(); n != 1 {
		t.Errorf("%d audit entries for the disable", n)
	}
	if resp := carlB.get("/"); resp.StatusCode == http.StatusOK {
		t.Error("the member's session still works")
	}
	// Disabled already: the confirm page goes back to the member; oneself
	// is refused.
	if resp := admin.get("/users/" + id + "/disable"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("confirm for a disabled member: %d", resp.StatusCode)
	}
	if resp := admin.get("/users/" + itoa(self.ID) + "/disable"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("confirm for oneself: %d", resp.StatusCode)
	}
}

// Every record's Delete is the same red link to its confirmation page.
func TestDeleteIsTheSameRedButtonEverywhere(t *testing.T) {
	h := newHarness(t)
	admin, _ := h.signedInAs("admin")
	if resp := admin.post("/roles", url.Values{"label": {"Refunds only"}, "permissions": {"sales.view"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new role: %d", resp.StatusCode)
	}
	for page, what := range map[string]string{
		"/products/" + prodLiveTest: "product",
		"/options/" + colorOption:   "option",
		"/coupons/HEADPHONES-20":    "coupon",
		"/roles/refunds-only":       "role",
	} {
		admin.get(page)
		del := dom(admin.body).Find(`main a[href="` + page + `/delete"]`)
		if del.Length() != 1 {
			t.Errorf("%s: %d delete links", page, del.Length())
			continue
		}
		if del.AttrOr("class", "") != "btn btn-danger" || del.Text() != "Delete "+what {
			t.Errorf("%s: delete is %q %q", page, del.AttrOr("class", ""), del.Text())
		}
		admin.get(page + "/delete")
		if b := dom(admin.body).Find(`main form[action="` + page + `/delete"] button[type="submit"]`); !b.HasClass("btn-danger") {
			t.Errorf("%s/delete: the confirm button is not red", page)
		}
	}
}

// Every form with problems starts with the same box: the form's own
// message, if any, and how many fields are marked.
func TestEveryFormHasTheSameErrorSummary(t *testing.T) {
	h := newHarness(t)
	admin, _ := h.signedInAs("admin")
	summary := func(body string) []string {
		var out []string
		dom(body).Find(`main div.alert.alert-error[role="alert"] p`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.Text())
		})
		return out
	}
	form := prodValid(t, admin, "")
	form.Set("price", "x")
	admin.post("/products", form)
	if got := summary(admin.body); len(got) != 1 || got[0] != "2 fields need fixing; each is marked below." {
		t.Errorf("product form summary %q", got)
	}
	admin.get("/users/new")
	admin.post("/users", url.Values{"email": {"not-an-address"}, "name": {""}, "role": {"support"}})
	if got := summary(admin.body); len(got) != 1 || got[0] != "2 fields need fixing; each is marked below." {
		t.Errorf("team member form summary %q", got)
	}
	admin.post("/roles", url.Values{"label": {""}})
	if got := summary(admin.body); len(got) != 1 || got[0] != "2 fields need fixing; each is marked below." {
		t.Errorf("role form summary %q", got)
	}
	admin.get("/coupons/new")
	admin.post("/coupons", url.Values{"_idem": {mustFormKey(t, admin.body)}, "code": {"bad code!"}})
	if got := summary(admin.body); len(got) == 0 || !strings.HasSuffix(got[len(got)-1], "marked below.") {
		t.Errorf("coupon form summary %q", got)
	}
	// A problem of no single field comes first, then the count.
	admin.get("/me/password")
	admin.post("/me/password", url.Values{"current_password": {"wrong"}, "new_password": {"x"}, "confirm_password": {"y"}})
	if got := summary(admin.body); len(got) == 0 || !strings.HasSuffix(got[len(got)-1], "marked below.") {
		t.Errorf("password form summary %q", got)
	}
}

// "Clear search" is offered only when something is searched for.
func TestClearSearchOnlyWithASearch(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("support")
	clear := func() int {
		n := 0
		dom(b.body).Find("a").Each(func(_ int, s *goquery.Selection) {
			if s.Text() == "Clear search" {
				n++
			}
		})
		return n
	}
	for path, want := range map[string]int{
		"/sales":                            0,
		"/sales?size=50":                    0,
		"/sales?customer_name=ana":          1,
		"/sales?number=":                    0,
		"/sales?sale_date_begin=2026-01-01": 1,
	} {
		b.get(path)
		if got := clear(); got != want {
			t.Errorf("%s: %d Clear search links, want %d", path, got, want)
		}
		b.get(path, "HX-Request", "true")
		if got := clear(); got != want {
			t.Errorf("%s (htmx): %d Clear search links, want %d", path, got, want)
		}
	}
}

// The coupon list names one order: "Date added" with its direction, the
// default being newest first, as the selects say in the column's words.
func TestCouponSortShowsOneOrder(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("support")
	selected := func(name string) string {
		return strings.TrimSpace(dom(b.body).Find(`select[name="` + name + `"] option[selected]`).Text())
	}
	b.get("/coupons")
	if strings.Contains(dom(b.body).Find(`select[name="sort"]`).Text(), "Newest") {
		t.Error("the sort menu still names an order of its own")
	}
	if s, d := selected("sort"), selected("dir"); s != "Date added" || d != "Newest first" {
		t.Errorf("default order shown as %q, %q", s, d)
	}
	newest := ocCodes(b.body)
	b.get("/coupons?dir=asc")
	if s, d := selected("sort"), selected("dir"); s != "Date added" || d != "Oldest first" {
		t.Errorf("ascending shown as %q, %q", s, d)
	}
	oldest := ocCodes(b.body)
	if len(newest) == 0 || len(oldest) == 0 || newest[0] == oldest[0] {
		t.Errorf("ascending and descending give the same first coupon: %v / %v", newest, oldest)
	}
	// The default's links leave dir out; the other's carry it.
	b.get("/coupons?dir=desc")
	if got := strings.Join(ocCodes(b.body), ","); got != strings.Join(newest, ",") {
		t.Errorf("dir=desc is not the default order: %s", got)
	}

	// Picking Code in the form and leaving the order as it was reads A to
	// Z: the order select sends a column's usual direction as none.
	b.get("/coupons")
	if v := dom(b.body).Find(`select[name="dir"] option[selected]`).AttrOr("value", "?"); v != "" {
		t.Errorf("the default order's option sends %q", v)
	}
	byCode := func() []string {
		codes := ocCodes(b.body)
		sorted := slices.Clone(codes)
		slices.SortFunc(sorted, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
		if len(codes) < 2 || !slices.Equal(codes, sorted) {
			t.Errorf("Code without touching the order: %v, want A to Z", codes)
		}
		return codes
	}
	form := "/coupons?code=&type=&sort=code&dir=&size=20"
	b.get(form)
	byCode()
	if s, d := selected("sort"), selected("dir"); s != "Code" || d != "A to Z" {
		t.Errorf("after picking Code the form shows %q, %q", s, d)
	}
	if v := dom(b.body).Find(`select[name="dir"] option:not([selected])`).AttrOr("value", "?"); v != "desc" {
		t.Errorf("Descending sends %q after picking Code", v)
	}
	// With htmx the form asked, but the server chose the direction, so
	// the order fields come back with the results.
	b.get(form, "HX-Request", "true", "HX-Trigger", "cp-filters")
	byCode()
	if oob := dom(b.body).Find(`[hx-swap-oob] select[name="dir"] option[selected]`); strings.TrimSpace(oob.Text()) != "A to Z" {
		t.Errorf("the htmx answer does not show the order it chose: %.400s", b.body)
	}
	// An explicit direction is kept, and the form then leaves the fields.
	b.get("/coupons?code=&type=&sort=code&dir=desc&size=20", "HX-Request", "true", "HX-Trigger", "cp-filters")
	if codes := ocCodes(b.body); len(codes) < 2 || strings.ToLower(codes[0]) < strings.ToLower(codes[1]) {
		t.Errorf("Code, Descending: %v", codes)
	}
	if strings.Contains(b.body, "hx-swap-oob") {
		t.Error("an explicit order brought the form's fields back")
	}
}

// Fields that apply only when a box is ticked sit in its fieldset's .when
// block with a note for browsers that cannot hide them; the server ignores
// them unless the box is ticked.
func TestConditionalProductFields(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/products/new")
	doc := dom(b.body)
	for box, fields := range map[string][]string{
		"tangible":   {"weight", "handling"},
		"recurring":  {"recurrence_n", "recurrence_unit", "duration_n", "duration_unit", "startup_fee"},
		"commission": {"commission_type", "commission_amount"},
	} {
		fs := doc.Find(`fieldset.ticks:has(input[type="checkbox"][name="` + box + `"])`)
		if fs.Length() != 1 {
			t.Errorf("%s: no fieldset.ticks", box)
			continue
		}
		if fs.Find(".when .when-note").Length() != 1 {
			t.Errorf("%s: no 'applies only when' note", box)
		}
		for _, f := range fields {
			if fs.Find(`.when [name="`+f+`"]`).Length() != 1 {
				t.Errorf("%s: %s is not in its .when block", box, f)
			}
		}
	}
	// Unticked, the fields are ignored, even when filled in wrongly.
	form := prodValid(t, b, "Plain Download")
	for k, v := range map[string]string{"weight": "heavy", "handling": "x", "recurrence_n": "0", "startup_fee": "1,50",
		"commission_type": "bribe", "commission_amount": "-5"} {
		form.Set(k, v)
	}
	resp := b.post("/products", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unticked boxes with junk in their fields: %d %q", resp.StatusCode, texts(b.body, ".err"))
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/products/")
	p := h.prodDetail(id)
	if p.Tangible.Value == "1" || p.Weight.Value != "" && p.Weight.Value != "0.00" || p.CommissionType.Value == "bribe" || p.StartupFee.Value == "1,50" {
		t.Errorf("ignored fields reached 2Checkout: tangible %q weight %q commission %q startup %q",
			p.Tangible.Value, p.Weight.Value, p.CommissionType.Value, p.StartupFee.Value)
	}
}

// Home tiles show only what the role may reach, and promise editing only to
// roles that may edit.
func TestHomeTilesPerRole(t *testing.T) {
	h := newHarness(t)
	cases := map[string]map[string]string{
		"admin": {"Scan to ship": "", "Find a sale": "", "Products": "Look up, create and edit products.",
			"Options": "Create and edit product options and their values.", "Coupons": "Create and edit discount codes and what they apply to.",
			"Account": "Contact and company details; the INS secret word.", "Team": "", "Audit log": "", "Roles": ""},
		"catalogue": {"Find a sale": "", "Products": "Look up, create and edit products.",
			"Options": "Create and edit product options and their values.", "Coupons": "Create and edit discount codes and what they apply to."},
		"support": {"Find a sale": "", "Products": "Look up products, their prices and options.",
			"Options": "Product options and their values.", "Coupons": "Discount codes and what they apply to.",
			"Account": "Contact and company details."},
		"fulfilment": {"Scan to ship": "", "Find a sale": "", "Products": "Look up products, their prices and options."},
		"viewer": {"Find a sale": "", "Products": "Look up products, their prices and options.",
			"Options": "Product options and their values.", "Coupons": "Discount codes and what they apply to.",
			"Account": "Contact and company details."},
	}
	never := map[string][]string{
		"catalogue":  {"Scan to ship", "Account", "Team", "Audit log", "Roles"},
		"support":    {"Scan to ship", "Team", "Audit log", "Roles"},
		"fulfilment": {"Options", "Coupons", "Account", "Team", "Audit log", "Roles"},
		"viewer":     {"Scan to ship", "Team", "Audit log", "Roles"},
	}
	for role, want := range cases {
		b, _ := h.signedInAs(role)
		b.get("/")
		got := map[string]string{}
		dom(b.body).Find("ul.tiles li a").Each(func(_ int, s *goquery.Selection) {
			got[s.Find("strong").Text()] = s.Find("span").Text()
		})
		for label, hint := range want {
			g, ok := got[label]
			if !ok {
				t.Errorf("%s: no %s tile", role, label)
			} else if hint != "" && g != hint {
				t.Errorf("%s: %s tile says %q, want %q", role, label, g, hint)
			}
		}
		for _, label := range never[role] {
			if _, ok := got[label]; ok {
				t.Errorf("%s: a %s tile", role, label)
			}
		}
		// Every tile leads somewhere the role may go.
		dom(b.body).Find("ul.tiles li a").Each(func(_ int, s *goquery.Selection) {
			if resp := b.get(s.AttrOr("href", "")); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: tile %s → %d", role, s.AttrOr("href", ""), resp.StatusCode)
			}
		})
	}
}

// TestSignInFocus: on arrival nothing takes focus (a badge scan must not
// land in the e-mail field); after a refused password the password field
// does, with the e-mail kept.
func TestSignInFocus(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.get("/login")
	if n := dom(b.body).Find("[autofocus]").Length(); n != 0 {
		t.Errorf("%d fields take focus on arrival", n)
	}
	b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"wrong"}})
	d := dom(b.body)
	if name, _ := d.Find("[autofocus]").Attr("name"); name != "password" || d.Find("[autofocus]").Length() != 1 {
		t.Errorf("after a refused password the focus is on %q", name)
	}
	if v, _ := d.Find(`input[name="email"]`).Attr("value"); v != "ana@example.com" {
		t.Errorf("e-mail not kept: %q", v)
	}
}
