package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"backoffice/auth"
	"backoffice/handlers"
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
