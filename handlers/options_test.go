package handlers_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/apiclient"
	"backoffice/sandbox"
	"backoffice/store"
)

// ocUpstream stands between the panel and the sandbox for the option and
// coupon tests: it records what each API method was last sent, and can
// answer with an HTML page, hang, or make calls of a method fail from the
// n-th one on.
type ocUpstream struct {
	sb       *sandbox.Sandbox
	mu       sync.Mutex
	mode     string // "", "html" or "hang"
	last     map[string]url.Values
	failFrom map[string]int
	seen     map[string]int
}

func (u *ocUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	method := path.Base(r.URL.Path)
	params := r.URL.Query()
	if form, err := url.ParseQuery(string(body)); err == nil {
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	u.mu.Lock()
	u.seen[method]++
	n, from, mode := u.seen[method], u.failFrom[method], u.mode
	u.last[method] = params
	u.mu.Unlock()
	switch mode {
	case "html":
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><body>Maintenance</body></html>")
		return
	case "hang":
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if from > 0 && n >= from {
		u.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{method: "INTERNAL_ERROR"}})
		defer u.sb.SetFaults(sandbox.Faults{})
	}
	u.sb.ServeHTTP(w, r)
}

func (u *ocUpstream) setMode(m string) { u.mu.Lock(); u.mode = m; u.mu.Unlock() }

// failCallsFrom makes calls of method fail (INTERNAL_ERROR) from the n-th
// call the proxy sees on, counting from now.
func (u *ocUpstream) failCallsFrom(method string, n int) {
	u.mu.Lock()
	u.failFrom[method] = u.seen[method] + n
	u.mu.Unlock()
}

// count is how many calls of method reached the proxy.
func (u *ocUpstream) count(method string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.seen[method]
}

func (u *ocUpstream) lastSent(method string) url.Values {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.last[method]
}

// newOCHarness is the shared harness with the panel's API client pointed at
// an ocUpstream in front of the same sandbox, with short timeouts so a hung
// upstream is quick to test.
func newOCHarness(t *testing.T) (*harness, *ocUpstream) {
	t.Helper()
	var up *ocUpstream
	h := newHarnessVia(t, func(sb *sandbox.Sandbox) http.Handler {
		up = &ocUpstream{sb: sb, last: map[string]url.Values{}, failFrom: map[string]int{}, seen: map[string]int{}}
		return up
	}, apiclient.WithTimeouts(1500*time.Millisecond, 1500*time.Millisecond))
	return h, up
}

// ocKnown is the list of value ids the option edit form on the last page
// was drawn with.
func ocKnown(t *testing.T, b *browser) string {
	t.Helper()
	v, ok := fieldValue(b.body, "known")
	if !ok || v == "" {
		t.Fatalf("no known value ids on the page: %.400s", b.body)
	}
	return v
}

// ocFormKey is the idempotency key of the form on the last page.
func ocFormKey(t *testing.T, b *browser) string {
	t.Helper()
	return mustFormKey(t, b.body)
}

// ocFieldErr is the error shown next to the input with id f-<id>, "" if none.
func ocFieldErr(body, id string) string {
	return fieldError(body, id)
}

// ocTopErr is the message at the top of a form.
func ocTopErr(body string) string {
	return topError(body)
}

func ocOption(t *testing.T, api *apiclient.Client, id string) *apiclient.Option {
	t.Helper()
	o, err := api.DetailOption(context.Background(), apiclient.DetailOptionParams{OptionID: id})
	if err != nil {
		t.Fatalf("detail_option %s: %v", id, err)
	}
	return o
}

// ocValues lists an option's values as "name=surcharge".
func ocValues(o *apiclient.Option) []string {
	var out []string
	for _, v := range o.OptionValues {
		out = append(out, v.OptionValueName.Value+"="+v.OptionValueSurcharge.Value)
	}
	return out
}

const colorOption = "4701000100" // seeded: Red 0.00, Blue 0.00, Matte Black 1.50

func TestOptionPagesByRole(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		role          string
		view, edit    bool
		editBtn, delB bool
	}{
		{"admin", true, true, true, true},
		{"catalogue", true, true, true, true},
		{"support", true, false, false, false},
		{"viewer", true, false, false, false},
		{"fulfilment", false, false, false, false},
	} {
		t.Run(tc.role, func(t *testing.T) {
			b, _ := h.signedInAs(tc.role)
			for _, p := range []string{"/options", "/options/" + colorOption} {
				resp := b.get(p)
				if (resp.StatusCode == http.StatusOK) != tc.view {
					t.Fatalf("%s: status %d", p, resp.StatusCode)
				}
			}
			if tc.view {
				if !strings.Contains(b.body, "Matte Black") || !strings.Contains(b.body, "<h1>Color</h1>") {
					t.Errorf("detail page lacks the option: %.300s", b.body)
				}
				if got := strings.Contains(b.body, `href="/options/`+colorOption+`/edit"`); got != tc.editBtn {
					t.Errorf("edit button shown: %v", got)
				}
				if got := strings.Contains(b.body, `href="/options/`+colorOption+`/delete"`); got != tc.delB {
					t.Errorf("delete button shown: %v", got)
				}
			}
			for _, p := range []string{"/options/new", "/options/" + colorOption + "/edit", "/options/value-row?add_row=1"} {
				if resp := b.get(p); (resp.StatusCode == http.StatusOK) != tc.edit {
					t.Errorf("%s: status %d", p, resp.StatusCode)
				}
			}
			// A direct POST by a role without options.edit is refused and
			// nothing reaches the API.
			if !tc.edit {
				before := h.sb.Calls("create_option")
				b.get("/")
				if resp := b.post("/options", url.Values{"option_name": {"X"}, "value_name": {"a"}, "value_surcharge": {"1"}, "_idem": {strings.Repeat("k", 40)}}); resp.StatusCode != http.StatusForbidden {
					t.Errorf("create by %s: %d", tc.role, resp.StatusCode)
				}
				if h.sb.Calls("create_option") != before {
					t.Error("a refused create reached the API")
				}
			}
		})
	}
}

func TestOptionListQueryFragmentAndPaging(t *testing.T) {
	h, up := newOCHarness(t)
	ctx := context.Background()
	for i := 0; i < 12; i++ {
		if _, err := h.api.CreateOption(ctx, apiclient.CreateOptionParams{OptionName: "Size " + string(rune('A'+i)),
			OptionValueNames: []string{"Small", "Large"}, OptionValueSurcharges: []string{"0.00", "2.00"}}); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := h.signedInAs("support")

	resp := b.get("/options?name=size&value=larg&sort=option_name&dir=desc&size=10")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	sent := up.lastSent("list_options")
	for k, want := range map[string]string{"option_name": "size", "option_value_name": "larg", "sort_col": "option_name",
		"sort_dir": "DESC", "pagesize": "10", "cur_page": "1"} {
		if got := sent.Get(k); got != want {
			t.Errorf("upstream %s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(b.body, "<html") || !strings.Contains(b.body, "Size L") || strings.Contains(b.body, "Size B<") {
		t.Errorf("page 1 sorted by name descending should start at Size L and stop before Size B: %.200s", b.body)
	}
	if !strings.Contains(b.body, "Page 1 of 2 · 12 results") {
		t.Error("pager summary missing")
	}
	next := regexp.MustCompile(`rel="next" href="([^"]+)"`).FindStringSubmatch(b.body)
	if next == nil {
		t.Fatal("no next link")
	}
	// The next page, as htmx asks for it: only the results fragment, with
	// the sort carried out of band into the filter form.
	resp = b.get(html.UnescapeString(next[1]), "HX-Request", "true")
	if strings.Contains(b.body, "<html") || strings.Contains(b.body, "<form") || !regexp.MustCompile(`<div id="opt-sort"[^>]*hx-swap-oob="true"`).MatchString(b.body) ||
		!strings.Contains(b.body, `<option value="option_name" selected>`) || !strings.Contains(b.body, `<option value="desc" selected>`) {
		t.Errorf("htmx page is not the fragment with the order fields out of band: %.300s", b.body)
	}
	if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "HX-Request") {
		t.Error("no Vary: HX-Request")
	}
	if got := up.lastSent("list_options").Get("cur_page"); got != "2" {
		t.Errorf("next page asked upstream for page %q", got)
	}
	if !strings.Contains(b.body, "Size A") || !strings.Contains(b.body, "Size B") || strings.Contains(b.body, "Size C") {
		t.Errorf("page 2 should hold Size B and Size A only")
	}
	if len(b.body) > 5*1024 {
		t.Errorf("fragment is %d bytes", len(b.body))
	}
	// Changed from the filter form itself: the form is left alone.
	b.get("/options?name=size&sort=option_name", "HX-Request", "true", "HX-Trigger", "opt-filters")
	if strings.Contains(b.body, "hx-swap-oob") || !strings.Contains(b.body, "Size A") {
		t.Errorf("a filter-form request got the form back: %.300s", b.body)
	}
	// Past the last page: a plain message and a way back, not an error.
	if resp := b.get("/options?name=size&page=9"); resp.StatusCode != http.StatusOK || !strings.Contains(b.body, "There is no page 9") {
		t.Errorf("past the end: %d", resp.StatusCode)
	}
	// Unknown sort and size values fall back to the defaults.
	b.get("/options?sort=vendor_id&size=7&dir=sideways")
	sent = up.lastSent("list_options")
	if sent.Get("sort_col") != "option_id" || sent.Get("pagesize") != "20" || sent.Get("sort_dir") != "ASC" {
		t.Errorf("defaults not used: %v", sent)
	}
}

// ocOptionForm is a filled option form.
func ocOptionForm(key, name string, rows ...[3]string) url.Values {
	v := url.Values{"_idem": {key}, "option_name": {name}}
	for _, r := range rows {
		v.Add("value_id", r[0])
		v.Add("value_name", r[1])
		v.Add("value_surcharge", r[2])
	}
	return v
}

func TestOptionCreateWithRowButtonsWithoutJavaScript(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/options/new")
	key := ocFormKey(t, b)
	if !strings.Contains(b.body, `name="add_row"`) || !strings.Contains(b.body, `id="f-vn-0"`) {
		t.Fatal("the new form has no first row or no add button")
	}
	// "Add a value" posts the form back: one more row, input kept, nothing sent.
	f := ocOptionForm(key, "Finish", [3]string{"", "Oak", "0"})
	f.Set("add_row", "1")
	if resp := b.post("/options", f); resp.StatusCode != http.StatusOK {
		t.Fatalf("add row: %d", resp.StatusCode)
	}
	if !strings.Contains(b.body, `id="f-vn-1"`) || !strings.Contains(b.body, `value="Oak"`) || !strings.Contains(b.body, `value="Finish"`) {
		t.Fatalf("the added row or the input is missing: %.500s", b.body)
	}
	if ocFormKey(t, b) != key {
		t.Error("the form key changed although nothing was sent")
	}
	// Remove the first of three rows.
	f = ocOptionForm(key, "Finish", [3]string{"", "Oak", "0"}, [3]string{"", "Walnut", "5"}, [3]string{"", "Ash", "2.5"})
	f.Set("remove_row", "0")
	b.post("/options", f)
	if strings.Contains(b.body, `value="Oak"`) || !strings.Contains(b.body, `value="Walnut"`) || strings.Contains(b.body, `id="f-vn-2"`) {
		t.Fatalf("remove row did not drop Oak: %.600s", b.body)
	}
	if n := h.sb.Calls("create_option"); n != 0 {
		t.Fatalf("row buttons sent %d create calls", n)
	}
	// Save: created upstream with both values, in order.
	resp := b.post("/options", ocOptionForm(key, "Finish", [3]string{"", "Walnut", "5"}, [3]string{"", "Ash", "2.5"}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", resp.StatusCode, ocTopErr(b.body))
	}
	loc := resp.Header.Get("Location")
	id := strings.TrimPrefix(loc, "/options/")
	o := ocOption(t, h.api, id)
	if o.OptionName.Value != "Finish" || strings.Join(ocValues(o), ",") != "Walnut=5.00,Ash=2.50" {
		t.Fatalf("sandbox has %q %v", o.OptionName.Value, ocValues(o))
	}
	b.get(loc)
	if !strings.Contains(b.body, "Option “Finish” created with 2 values.") {
		t.Error("no flash after create")
	}
}

func TestOptionValueRowFragment(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	resp := b.get("/options/value-row?add_row=3", "HX-Request", "true")
	if resp.StatusCode != http.StatusOK || strings.Contains(b.body, "<html") {
		t.Fatalf("row: %d %.200s", resp.StatusCode, b.body)
	}
	for _, want := range []string{`id="f-vn-3"`, `id="f-vs-3"`, `name="remove_row" value="3"`, `hx-swap="delete"`,
		`id="add-row"`, `value="4"`, `hx-swap-oob="true"`} {
		if !strings.Contains(b.body, want) {
			t.Errorf("row fragment lacks %s", want)
		}
	}
	if strings.Contains(b.body, "hx-on") || strings.Contains(b.body, "<script") {
		t.Error("inline script in the row")
	}
	if resp := b.get("/options/value-row?remove_row=3", "HX-Request", "true"); resp.StatusCode != http.StatusOK || b.body != "" {
		t.Errorf("remove: %d %q", resp.StatusCode, b.body)
	}
	for _, bad := range []string{"", "-1", "abc", "1000", "99999999999999999999"} {
		if resp := b.get("/options/value-row?add_row="+url.QueryEscape(bad), "HX-Request", "true"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("add_row=%q: %d", bad, resp.StatusCode)
		}
	}
}

func TestOptionFormValidation(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/options/new")
	key := ocFormKey(t, b)
	ok := [3]string{"", "Red", "1.00"}
	long := strings.Repeat("é", 256)
	cases := []struct {
		name  string
		form  url.Values
		field string // "" = the top of the form or the values
		want  string
	}{
		{"empty name", ocOptionForm(key, "  ", ok), "option_name", "Option name is required."},
		{"name 256 multi-byte", ocOptionForm(key, long, ok), "option_name", "256 characters long; at most 255"},
		{"name 10000", ocOptionForm(key, strings.Repeat("a", 10000), ok), "option_name", "at most 255"},
		{"no values", ocOptionForm(key, "Finish"), "values", "Add at least one value."},
		{"value name empty", ocOptionForm(key, "Finish", [3]string{"", " ", "1"}), "vn-0", "Value name is required."},
		{"value name 256", ocOptionForm(key, "Finish", [3]string{"", long, "1"}), "vn-0", "at most 255"},
		{"comma", ocOptionForm(key, "Finish", [3]string{"", "A", "12,34"}), "vs-0", "digits and a dot only"},
		{"exponent", ocOptionForm(key, "Finish", ok, [3]string{"", "A", "1e3"}), "vs-1", "digits and a dot only"},
		{"NaN", ocOptionForm(key, "Finish", [3]string{"", "A", "NaN"}), "vs-0", "digits and a dot only"},
		{"negative", ocOptionForm(key, "Finish", [3]string{"", "A", "-1"}), "vs-0", "digits and a dot only"},
		{"three decimals", ocOptionForm(key, "Finish", [3]string{"", "A", "12.345"}), "vs-0", "at most two decimals"},
		{"empty surcharge", ocOptionForm(key, "Finish", [3]string{"", "A", ""}), "vs-0", "Surcharge is required."},
		{"name twice", func() url.Values { v := ocOptionForm(key, "Finish", ok); v.Add("option_name", "Other"); return v }(), "option_name", "sent more than once"},
		{"invalid UTF-8", ocOptionForm(key, "Fin\xffish", ok), "option_name", "not valid text"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := b.post("/options", tc.form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", resp.StatusCode)
			}
			got := ocFieldErr(b.body, tc.field)
			if tc.field == "values" {
				got = html.UnescapeString(regexp.MustCompile(`id="values-err">([^<]*)<`).FindStringSubmatch(b.body + `id="values-err"><`)[1])
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("error next to %s = %q, want %q", tc.field, got, tc.want)
			}
		})
	}
	// A 255-character multi-byte name with a zero surcharge is fine.
	resp := b.post("/options", ocOptionForm(key, strings.Repeat("é", 255), [3]string{"", "Free", "0"}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("255 runes refused: %d %s", resp.StatusCode, ocFieldErr(b.body, "option_name"))
	}
	// Names and surcharges that do not pair up are refused outright.
	b.get("/options/new")
	mismatch := url.Values{"_idem": {ocFormKey(t, b)}, "option_name": {"Odd"}, "value_name": {"a", "b"}, "value_surcharge": {"1"}}
	if resp := b.post("/options", mismatch); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b.body, "do not pair up") {
		t.Errorf("count mismatch: %d", resp.StatusCode)
	}
	if n := h.sb.Calls("create_option"); n != 1 {
		t.Errorf("%d create_option calls, want only the valid one", n)
	}
}

func TestOptionEditSendsOneCallPerChange(t *testing.T) {
	h, up := newOCHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/options/" + colorOption + "/edit")
	key, known := ocFormKey(t, b), ocKnown(t, b)
	o := ocOption(t, h.api, colorOption)
	red, blue, black := o.OptionValues[0].OptionValueID.Value, o.OptionValues[1].OptionValueID.Value, o.OptionValues[2].OptionValueID.Value
	if !strings.Contains(b.body, `value="`+blue+`"`) || known != red+" "+blue+" "+black {
		t.Fatalf("the edit form does not carry the value ids: known %q", known)
	}
	// Meanwhile someone else adds Silver: it is not the form's to remove.
	silver := "Silver"
	if _, err := h.api.UpdateOption(context.Background(), apiclient.UpdateOptionParams{OptionID: colorOption, OptionName: "Color",
		OptionValueName: &silver, OptionValueSurcharge: apiclient.String("2.00")}); err != nil {
		t.Fatal(err)
	}
	// Rename; Red's surcharge changes; Blue is removed; Green is added;
	// Matte Black stays. Extra fields are ignored.
	f := ocOptionForm(key, "Colour", [3]string{red, "Red", "0.5"}, [3]string{black, "Matte Black", "1.5"}, [3]string{"", "Green", "0.25"})
	f.Set("known", known)
	f.Set("option_id", "4688550010")
	f.Set("vendor_id", "1")
	before := h.sb.Calls("update_option")
	resp := b.post("/options/"+colorOption, f)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d %s", resp.StatusCode, ocTopErr(b.body))
	}
	if n := h.sb.Calls("update_option") - before; n != 3 {
		t.Fatalf("%d update_option calls, want 3 (one per value change, the rename riding along)", n)
	}
	o = ocOption(t, h.api, colorOption)
	if o.OptionName.Value != "Colour" || strings.Join(ocValues(o), ",") != "Red=0.50,Matte Black=1.50,Silver=2.00,Green=0.25" {
		t.Fatalf("sandbox has %q %v", o.OptionName.Value, ocValues(o))
	}
	if got := up.lastSent("update_option"); got.Get("option_value_id") != blue || got.Has("option_value_name") || got.Get("option_id") != colorOption {
		t.Errorf("the removal was sent as %v", got)
	}
	if other := ocOption(t, h.api, "4688550010"); other.OptionName.Value != "Volume" {
		t.Error("a body option_id redirected the change")
	}
	b.get(resp.Header.Get("Location"))
	if !strings.Contains(b.body, "renamed, 1 value changed, 1 value added, 1 value removed") {
		t.Errorf("flash: %s", b.body[strings.Index(b.body, `id="flash"`):][:300])
	}
	// The same form sent again repeats nothing.
	if resp := b.post("/options/"+colorOption, f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: %d %s", resp.StatusCode, ocTopErr(b.body))
	}
	if n := h.sb.Calls("update_option") - before; n != 3 {
		t.Fatalf("the resent form made %d calls in all\n%s", n, ocAuditText(t, h))
	}
	if o := ocOption(t, h.api, colorOption); len(o.OptionValues) != 4 {
		t.Fatalf("Green was added twice: %v", ocValues(o))
	}
	// A rename alone is one call.
	b.get("/options/" + colorOption + "/edit")
	o = ocOption(t, h.api, colorOption)
	var rows [][3]string
	for _, v := range o.OptionValues {
		rows = append(rows, [3]string{v.OptionValueID.Value, v.OptionValueName.Value, v.OptionValueSurcharge.Value})
	}
	f = ocOptionForm(ocFormKey(t, b), "Color", rows...)
	f.Set("known", ocKnown(t, b))
	b.post("/options/"+colorOption, f)
	if n := h.sb.Calls("update_option") - before; n != 4 || ocOption(t, h.api, colorOption).OptionName.Value != "Color" {
		t.Fatalf("rename alone: %d calls", n)
	}
	// A value id that is not the option's is refused without a call.
	b.get("/options/" + colorOption + "/edit")
	if resp := b.post("/options/"+colorOption, ocOptionForm(ocFormKey(t, b), "Color", [3]string{"4688550013", "Low", "1"})); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("foreign value id: %d", resp.StatusCode)
	}
	if n := h.sb.Calls("update_option") - before; n != 4 {
		t.Errorf("a forged value id made a call")
	}
}

func TestOptionEditReportsPartialFailure(t *testing.T) {
	h, up := newOCHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/options/" + colorOption + "/edit")
	key := ocFormKey(t, b)
	o := ocOption(t, h.api, colorOption)
	red, black := o.OptionValues[0].OptionValueID.Value, o.OptionValues[2].OptionValueID.Value
	// Two changes: add Green, remove Blue. The second call fails.
	f := ocOptionForm(key, "Color", [3]string{red, "Red", "0.00"}, [3]string{black, "Matte Black", "1.50"}, [3]string{"", "Green", "0.25"})
	f.Set("known", ocKnown(t, b))
	up.failCallsFrom("update_option", 2)
	resp := b.post("/options/"+colorOption, f)
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d", resp.StatusCode)
	}
	body := html.UnescapeString(b.body)
	if !strings.Contains(body, "Made:") || !strings.Contains(body, "Add the value “Green” (surcharge 0.25)") ||
		!strings.Contains(body, "Not made:") || !strings.Contains(body, "Remove the value “Blue”: ") {
		t.Fatalf("the report does not say what was made and what not: %.1500s", body)
	}
	if got := strings.Join(ocValues(ocOption(t, h.api, colorOption)), ","); got != "Red=0.00,Blue=0.00,Matte Black=1.50,Green=0.25" {
		t.Fatalf("sandbox: %s", got)
	}
	newKey := ocFormKey(t, b)
	if newKey == key {
		t.Error("the form after a failed call keeps the old key")
	}
	// Green now carries its new id, so sending the form again removes Blue
	// without adding Green twice.
	green := ocOption(t, h.api, colorOption).OptionValues[3].OptionValueID.Value
	if !strings.Contains(b.body, `name="value_id" value="`+green+`"`) {
		t.Fatal("the re-shown form does not know Green's new id")
	}
	up.failCallsFrom("update_option", 1000)
	f = ocOptionForm(newKey, "Color", [3]string{red, "Red", "0.00"}, [3]string{black, "Matte Black", "1.50"}, [3]string{green, "Green", "0.25"})
	f.Set("known", ocKnown(t, b))
	if resp := b.post("/options/"+colorOption, f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second send: %d %s", resp.StatusCode, ocTopErr(b.body))
	}
	if got := strings.Join(ocValues(ocOption(t, h.api, colorOption)), ","); got != "Red=0.00,Matte Black=1.50,Green=0.25" {
		t.Fatalf("after the second send: %s", got)
	}
}

// upstreamFault is one way 2Checkout fails a call, with the status and the
// message the page must show.
type upstreamFault struct {
	name   string
	setup  func()
	status int
	want   string
}

// readFaults are the ways a read fails; refused names the reads whose
// credentials 2Checkout refuses.
func readFaults(h *harness, up *ocUpstream, refused ...string) []upstreamFault {
	force := map[string]string{}
	for _, m := range refused {
		force[m] = "UNAUTHORIZED"
	}
	return []upstreamFault{
		{"html instead of JSON", func() { up.setMode("html") }, http.StatusBadGateway, "could not read"},
		{"hangs", func() { up.setMode("hang") }, http.StatusGatewayTimeout, "did not answer in time"},
		{"401", func() { h.sb.SetFaults(sandbox.Faults{ForceError: force}) }, http.StatusBadGateway, "refused the panel's API credentials"},
		{"500", func() { h.sb.SetFaults(sandbox.Faults{FailRate: 1}) }, http.StatusBadGateway, "2Checkout"},
	}
}

// checkReadFaults opens each page under each fault: a clear page with the
// message and a way to try again; an htmx request (htmxPage) gets the
// message in the flash region.
func checkReadFaults(t *testing.T, h *harness, up *ocUpstream, b *browser, faults []upstreamFault, htmxPage string, pages ...string) {
	for _, tc := range faults {
		t.Run("read "+tc.name, func(t *testing.T) {
			tc.setup()
			defer func() { up.setMode(""); h.sb.SetFaults(sandbox.Faults{}) }()
			for _, p := range pages {
				resp := b.get(p)
				if resp.StatusCode != tc.status || !strings.Contains(html.UnescapeString(b.body), tc.want) {
					t.Errorf("%s: %d %.300s", p, resp.StatusCode, b.body)
				}
				if !strings.Contains(b.body, ">Try again</a>") {
					t.Errorf("%s: no retry offered", p)
				}
			}
			resp := b.get(htmxPage, "HX-Request", "true")
			if resp.Header.Get("HX-Retarget") != "#flash" || !strings.Contains(html.UnescapeString(b.body), tc.want) {
				t.Errorf("htmx read: %q %.200s", resp.Header.Get("HX-Retarget"), b.body)
			}
		})
	}
}

// writeFaults are the ways a write fails, with the write path's one
// policy: 502 when 2Checkout failed, 504 when the outcome is unknown.
func writeFaults(h *harness, up *ocUpstream, method string) []upstreamFault {
	return []upstreamFault{
		{"500", func() { h.sb.SetFaults(sandbox.Faults{ForceError: map[string]string{method: "INTERNAL_ERROR"}}) },
			http.StatusBadGateway, "internal error"},
		{"hangs", func() { up.setMode("hang") }, http.StatusGatewayTimeout, "not known whether the change was made"},
		{"html", func() { up.setMode("html") }, http.StatusGatewayTimeout, "not known whether the change was made"},
	}
}

// writeCase is one form sent under a fault: the page that draws it, where
// it posts, the API method it calls, and the input the answer must keep.
type writeCase struct {
	formPage, post, method string
	form                   url.Values
	kept                   []string
}

// checkWriteFault sends wc under tc: the form comes back with the input, the
// message and a new key, and the call was made exactly once.
func checkWriteFault(t *testing.T, h *harness, up *ocUpstream, b *browser, tc upstreamFault, wc writeCase) {
	t.Helper()
	b.get(wc.formPage)
	key := ocFormKey(t, b)
	wc.form.Set("_idem", key)
	tc.setup()
	before := up.count(wc.method)
	resp := b.post(wc.post, wc.form)
	up.setMode("")
	h.sb.SetFaults(sandbox.Faults{})
	if resp.StatusCode != tc.status {
		t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
	}
	if n := up.count(wc.method) - before; n != 1 {
		t.Errorf("%d %s calls, want exactly 1 (no automatic retry)", n, wc.method)
	}
	if msg := ocTopErr(b.body); msg == "" || !strings.Contains(msg, tc.want) {
		t.Errorf("message %q", msg)
	}
	for _, v := range wc.kept {
		if got, _ := fieldValue(b.body, v); got == "" || !strings.Contains(b.body, `value="`+wc.form.Get(v)+`"`) {
			t.Errorf("input %s=%q not kept", v, wc.form.Get(v))
		}
	}
	if ocFormKey(t, b) == key {
		t.Error("the form key was not renewed")
	}
}

func TestOptionUpstreamFailures(t *testing.T) {
	h, up := newOCHarness(t)
	b, _ := h.signedInAs("catalogue")
	checkReadFaults(t, h, up, b, readFaults(h, up, "list_options", "detail_option"), "/options?name=y", "/options?name=x", "/options/"+colorOption)
	for _, tc := range writeFaults(h, up, "create_option") {
		t.Run("write "+tc.name, func(t *testing.T) {
			checkWriteFault(t, h, up, b, tc, writeCase{formPage: "/options/new", post: "/options", method: "create_option",
				form: ocOptionForm("", "Finish", [3]string{"", "Walnut", "5"}), kept: []string{"option_name", "value_name"}})
		})
	}
}

func TestOptionParallelCreatesAndKeyReuse(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/options/new")
	key := ocFormKey(t, b)
	h.sb.SetFaults(sandbox.Faults{Latency: 200 * time.Millisecond})
	f := ocOptionForm(key, "Twice", [3]string{"", "Once", "1"})
	f.Set("_csrf", b.csrf)
	resps := b.postTwiceAtOnce(t, "/options", f)
	h.sb.SetFaults(sandbox.Faults{})
	locs := []string{resps[0].Header.Get("Location"), resps[1].Header.Get("Location")}
	if n := h.sb.Calls("create_option"); n != 1 {
		t.Fatalf("%d create_option calls for one form sent twice at once", n)
	}
	if locs[0] == "" || locs[0] != locs[1] {
		t.Errorf("both should land on the same option: %q %q", locs[0], locs[1])
	}
	// The same key with other values is refused.
	resp := b.post("/options", ocOptionForm(key, "Other", [3]string{"", "Once", "1"}))
	if resp.StatusCode != http.StatusConflict || h.sb.Calls("create_option") != 1 {
		t.Errorf("key reused for other values: %d, %d calls", resp.StatusCode, h.sb.Calls("create_option"))
	}
}

func TestOptionBadIDsNeverReachTheAPI(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("admin")
	for _, id := range []string{"abc", "-1", "0", "00", "99999999999999999999", "1e3", "..%2F..%2Fusers", "4701000100%00"} {
		for _, p := range []string{"/options/" + id, "/options/" + id + "/edit", "/options/" + id + "/delete"} {
			if resp := b.get(p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
		}
		if resp := b.post("/options/"+id+"/delete", url.Values{"_idem": {strings.Repeat("k", 40)}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST delete %s: %d", id, resp.StatusCode)
		}
	}
	for _, m := range []string{"detail_option", "update_option", "delete_option"} {
		if n := h.sb.Calls(m); n != 0 {
			t.Errorf("%s called %d times", m, n)
		}
	}
	// An option of another merchant: the API's refusal in plain words.
	if resp := b.get("/options/" + h.sb.SaleFixtures().ForbiddenOption); resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign option: %d", resp.StatusCode)
	}
	if resp := b.get("/options/12345"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown option: %d", resp.StatusCode)
	}
}

func TestOptionHostileTextIsInert(t *testing.T) {
	h := newHarness(t)
	const evil = `<script>alert(1)</script><div hx-get="/users" hx-trigger="load">x</div>"'&`
	r, err := h.api.CreateOption(context.Background(), apiclient.CreateOptionParams{OptionName: evil,
		OptionValueNames: []string{`<img src=x onerror=alert(2)>`}, OptionValueSurcharges: []string{"1.00"}})
	if err != nil {
		t.Fatal(err)
	}
	id := r.OptionID.Value
	b, _ := h.signedInAs("admin")
	check := func(where string) {
		t.Helper()
		for _, bad := range []string{"<script>alert", `<div hx-get="/users"`, "<img src=x"} {
			if strings.Contains(b.body, bad) {
				t.Errorf("%s: raw markup %q in the page", where, bad)
			}
		}
	}
	for _, p := range []string{"/options", "/options/" + id, "/options/" + id + "/edit", "/options/" + id + "/delete"} {
		b.get(p)
		check(p)
		if !strings.Contains(b.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the name is not shown as text", p)
		}
	}
	b.get("/options/" + id)
	if !strings.Contains(b.body, "<title>&lt;script&gt;alert(1)&lt;/script&gt;&lt;div hx-get=") {
		t.Error("the title does not show the name as text")
	}
	b.get("/options/" + id + "/delete")
	if resp := b.post("/options/"+id+"/delete", url.Values{"_idem": {ocFormKey(t, b)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	b.get("/options")
	check("flash")
	if !strings.Contains(b.body, "Option “&lt;script&gt;") {
		t.Error("the flash does not name the option as text")
	}
}

func TestOptionDeleteNeedsConfirmation(t *testing.T) {
	h := newHarness(t)
	b, _ := h.signedInAs("catalogue")
	b.get("/options/" + colorOption + "/delete")
	if !strings.Contains(b.body, `action="/options/`+colorOption+`/delete"`) || !strings.Contains(b.body, ">Cancel</a>") {
		t.Fatalf("confirmation page: %.400s", b.body)
	}
	if n := h.sb.Calls("delete_option"); n != 0 {
		t.Fatal("GET deleted the option")
	}
	key := ocFormKey(t, b)
	if resp := b.post("/options/"+colorOption+"/delete", url.Values{"_idem": {key}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/options" {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if _, err := h.api.DetailOption(context.Background(), apiclient.DetailOptionParams{OptionID: colorOption}); !apiclient.IsNotFound(err) {
		t.Fatalf("still there: %v", err)
	}
	// The write went through the write path: audited with what was deleted.
	entries := ocAuditText(t, h)
	if !strings.Contains(entries, "options.delete") || !strings.Contains(entries, "Matte Black") {
		t.Errorf("audit: %.400s", entries)
	}
}

// ocAuditText is the whole audit log as one string.
func ocAuditText(t *testing.T, h *harness) string {
	t.Helper()
	var sb strings.Builder
	rows, err := h.st.ListAudit(context.Background(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rows {
		sb.WriteString(e.Action + " " + e.Target + " " + e.Outcome + " " + e.Params + " " + e.Detail + "\n")
	}
	return sb.String()
}
