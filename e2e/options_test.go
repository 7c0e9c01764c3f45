package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"backoffice/apiclient"
)

// ocWaitGone waits until no element matches selector (an htmx swap).
func ocWaitGone(t *testing.T, page *rod.Page, selector string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if has, _, _ := page.Has(selector); !has {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s is still on the page", selector)
}

// ocAddRow presses "Add a value": with JavaScript htmx appends a row in
// place; without, the form is posted back and comes back one row longer.
func ocAddRow(t *testing.T, page *rod.Page, js bool, index string) {
	t.Helper()
	if js {
		ocMark(page)
		page.MustElement(`#add-row[value="` + index + `"]`).MustClick()
		page.MustElement("#f-vn-" + index)
		ocStillMarked(t, page)
		return
	}
	submit(page, "#add-row")
}

// ocMark and ocStillMarked prove a change happened in place (htmx), not
// by loading a new page.
func ocMark(page *rod.Page) { page.MustEval(`() => { window.ocInPlace = true }`) }

func ocStillMarked(t *testing.T, page *rod.Page) {
	t.Helper()
	if !page.MustEval(`() => window.ocInPlace === true`).Bool() {
		t.Error("the page was reloaded instead of changed in place")
	}
}

func ocFillRow(page *rod.Page, index, name, surcharge string) {
	page.MustElement("#f-vn-" + index).MustSelectAllText().MustInput(name)
	page.MustElement("#f-vs-" + index).MustSelectAllText().MustInput(surcharge)
}

// TestOptionJourney: a catalogue user creates an option with three values,
// adding rows with "Add a value", then removes one value on the edit page;
// the sandbox shows the option with three values, then two. Once with
// JavaScript, once as plain forms.
func TestOptionJourney(t *testing.T) {
	b := newBrowser(t)
	p := startPanel(t, nil)
	api := p.API(t)
	ctx := context.Background()
	for _, js := range []bool{true, false} {
		name := "E2E Size (no JS)"
		if js {
			name = "E2E Size (JS)"
		}
		t.Run(name, func(t *testing.T) {
			page := signInAs(t, b, p, "catalogue", js)
			page.MustNavigate(p.URL + "/options").MustWaitLoad()
			submit(page, `main a[href="/options/new"]`)
			fill(page, "option_name", name)
			ocFillRow(page, "0", "Small", "0")
			ocAddRow(t, page, js, "1")
			ocFillRow(page, "1", "Medium", "1.50")
			ocAddRow(t, page, js, "2")
			ocFillRow(page, "2", "Large", "3")
			if got := page.MustElement(`main [name=option_name]`).MustProperty("value").String(); got != name {
				t.Fatalf("the option name was lost while adding rows: %q", got)
			}
			submit(page, `main .actions button[type=submit]`)
			id := strings.TrimPrefix(path(page), "/options/")
			if id == path(page) || strings.Contains(id, "/") {
				t.Fatalf("after create the page is at %s: %s", path(page), text(page, "main"))
			}
			if msg := text(page, "#flash"); !strings.Contains(msg, "created with 3 values") {
				t.Errorf("flash %q", msg)
			}
			o, err := api.DetailOption(ctx, apiclient.DetailOptionParams{OptionID: id})
			if err != nil {
				t.Fatalf("sandbox: %v", err)
			}
			if got := ocValueList(o); got != "Small=0.00,Medium=1.50,Large=3.00" || o.OptionName.Value != name {
				t.Fatalf("sandbox has %q: %s", o.OptionName.Value, got)
			}

			// Remove Medium on the edit page.
			submit(page, `main a[href="/options/`+id+`/edit"]`)
			if js {
				ocMark(page)
				page.MustElement(`button[name=remove_row][value="1"]`).MustClick()
				ocWaitGone(t, page, "#f-vn-1")
				ocStillMarked(t, page)
			} else {
				submit(page, `button[name=remove_row][value="1"]`)
			}
			if rows := len(page.MustElements("fieldset.vrow")); rows != 2 {
				t.Fatalf("%d rows after removing one", rows)
			}
			submit(page, `main .actions button[type=submit]`)
			if got := path(page); got != "/options/"+id {
				t.Fatalf("after saving the page is at %s: %s", got, text(page, "main"))
			}
			if msg := text(page, "#flash"); !strings.Contains(msg, "1 value removed") {
				t.Errorf("flash %q", msg)
			}
			o, err = api.DetailOption(ctx, apiclient.DetailOptionParams{OptionID: id})
			if err != nil {
				t.Fatalf("sandbox: %v", err)
			}
			if got := ocValueList(o); got != "Small=0.00,Large=3.00" {
				t.Errorf("sandbox after the removal: %s", got)
			}
		})
	}
}

func ocValueList(o *apiclient.Option) string {
	var out []string
	for _, v := range o.OptionValues {
		out = append(out, v.OptionValueName.Value+"="+v.OptionValueSurcharge.Value)
	}
	return strings.Join(out, ",")
}
