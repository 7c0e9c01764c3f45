package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

const (
	testUser = "api-user"
	testPass = "api-pass-0123456789"
)

// testNow is a clock inside the 180-day window of every fixture sale.
var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func newTestSandbox(t *testing.T, mod ...func(*Config)) *Sandbox {
	t.Helper()
	cfg := Config{Username: testUser, Password: testPass, Now: func() time.Time { return testNow }}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// resp is a decoded JSON answer.
type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func do(t *testing.T, s http.Handler, r *http.Request) resp {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	raw, _ := io.ReadAll(w.Result().Body)
	out := resp{status: w.Code, header: w.Header(), raw: raw}
	if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&out.body); err != nil {
			t.Fatalf("bad JSON %q: %v", raw, err)
		}
	}
	return out
}

// post calls a method with an urlencoded POST, asking for JSON.
func post(t *testing.T, s http.Handler, method string, form url.Values) resp {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/api/"+method, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	return do(t, s, r)
}

// get calls a method with GET and a query string, asking for JSON.
func get(t *testing.T, s http.Handler, method string, q url.Values) resp {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/api/"+method+"?"+q.Encode(), nil)
	r.Header.Set("Accept", "application/json")
	r.SetBasicAuth(testUser, testPass)
	return do(t, s, r)
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func (r resp) wantOK(t *testing.T, msg string) {
	t.Helper()
	if r.status != http.StatusOK || r.body["response_code"] != "OK" {
		t.Fatalf("want OK, got %d %s", r.status, r.raw)
	}
	if msg != "" && r.body["response_message"] != msg {
		t.Fatalf("response_message = %v, want %q", r.body["response_message"], msg)
	}
}

// wantErr checks status, code, and parameter ("" = the key must be absent).
func (r resp) wantErr(t *testing.T, status int, code, param string) map[string]any {
	t.Helper()
	errs, _ := r.body["errors"].([]any)
	if r.status != status || len(errs) != 1 {
		t.Fatalf("want %d %s, got %d %s", status, code, r.status, r.raw)
	}
	e := errs[0].(map[string]any)
	if e["code"] != code {
		t.Fatalf("code = %v, want %s (%s)", e["code"], code, r.raw)
	}
	p, has := e["parameter"]
	if param == "" && has {
		t.Fatalf("unexpected parameter %v", p)
	}
	if param != "" && p != param {
		t.Fatalf("parameter = %v, want %s", p, param)
	}
	if param != "" {
		var want string
		switch code {
		case "PARAMETER_MISSING":
			want = "Required parameter missing: " + param
		case "PARAMETER_INVALID":
			want = "Invalid value for parameter: " + param
		}
		if want != "" && e["message"] != want {
			t.Fatalf("message = %v, want %q", e["message"], want)
		}
	}
	return e
}

func (r resp) wantErrMsg(t *testing.T, status int, code, msg string) {
	t.Helper()
	e := r.wantErr(t, status, code, "")
	if e["message"] != msg {
		t.Fatalf("message = %q, want %q", e["message"], msg)
	}
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func wantKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := keysOf(m); !slices.Equal(got, want) {
		t.Fatalf("%s keys:\n got %v\nwant %v", what, got, want)
	}
}

func obj(v any) map[string]any { return v.(map[string]any) }
func arr(v any) []any          { return v.([]any) }

// sale fetches a sale's detail as JSON.
func sale(t *testing.T, s http.Handler, id string) map[string]any {
	t.Helper()
	r := get(t, s, "sales/detail_sale", form("sale_id", id))
	r.wantOK(t, "Sale detail retrieved")
	return obj(r.body["sale"])
}

func comments(t *testing.T, s http.Handler, id string) []string {
	t.Helper()
	var out []string
	for _, c := range arr(sale(t, s, id)["comments"]) {
		out = append(out, obj(c)["comment"].(string))
	}
	return out
}
