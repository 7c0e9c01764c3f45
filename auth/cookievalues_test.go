package auth

import (
	"reflect"
	"testing"

	"github.com/gorilla/securecookie"
)

func TestCookieValuesRoundTrip(t *testing.T) {
	in := map[any]any{valToken: "tok", valCSRF: "csrf", valFlash: []string{"ok", "Saved <b>"}}
	b, err := cookieValues{}.Serialize(in)
	if err != nil {
		t.Fatal(err)
	}
	var out map[any]any
	if err := (cookieValues{}).Deserialize(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("read back %v, want %v", out, in)
	}
}

// A cookie written by a panel before the change (gob) still reads, so an
// upgrade signs nobody out.
func TestCookieValuesReadsGobCookies(t *testing.T) {
	in := map[any]any{valToken: "tok", valCSRF: "csrf", valFlash: []string{"ok", "Saved"}}
	b, err := securecookie.GobEncoder{}.Serialize(in)
	if err != nil {
		t.Fatal(err)
	}
	var out map[any]any
	if err := (cookieValues{}).Deserialize(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("read back %v, want %v", out, in)
	}
}

func TestCookieValuesRefusesOtherTypes(t *testing.T) {
	for _, in := range []map[any]any{{1: "x"}, {"n": 3}} {
		if _, err := (cookieValues{}).Serialize(in); err == nil {
			t.Errorf("%v serialized", in)
		}
	}
	var out map[any]any
	if err := (cookieValues{}).Deserialize([]byte(`{"t":3}`), &out); err == nil {
		t.Error("a number read as a session value")
	}
}
