package apiclient

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestTextDecoding(t *testing.T) {
	cases := []struct {
		in    string
		want  Text
		blank bool
	}{
		{`"28.85"`, Text{"28.85", true}, false},
		{`""`, Text{"", true}, true},
		{`"null"`, Text{"null", true}, true},
		{`null`, Text{}, true},
		{`0`, Text{"0", true}, false},
		{`1.50`, Text{"1.50", true}, false},
		{`12345678901234567890`, Text{"12345678901234567890", true}, false},
		{`-3e2`, Text{"-3e2", true}, false},
		{`true`, Text{"true", true}, false},
		{`"a \"quoted\" \u00e9"`, Text{`a "quoted" é`, true}, false},
	}
	for _, tc := range cases {
		var got Text
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		eq(t, tc.in, got, tc.want)
		eq(t, tc.in+" blank", got.Blank(), tc.blank)
	}
	for _, bad := range []string{`{}`, `[]`, `["a"]`} {
		var got Text
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	// Round trip through MarshalJSON.
	b, _ := json.Marshal(struct{ A, B Text }{NewText("1.00"), Text{}})
	eq(t, "marshal", string(b), `{"A":"1.00","B":null}`)
	eq(t, "String", fmt.Sprint(NewText("x")), "x")
	eq(t, "Or", Text{}.Or("-"), "-")
}

func TestIntDecoding(t *testing.T) {
	ok := map[string]Int{
		`1`: {1, true}, `"1"`: {1, true}, `" 20 "`: {20, true}, `0`: {0, true},
		`null`: {}, `""`: {}, `"null"`: {}, `3.0`: {3, true},
	}
	for in, want := range ok {
		var got Int
		if err := json.Unmarshal([]byte(in), &got); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		eq(t, in, got, want)
	}
	for _, bad := range []string{`"many"`, `1.5`, `{}`, `[1]`, `true`} {
		var got Int
		err := json.Unmarshal([]byte(bad), &got)
		if err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	b, _ := json.Marshal([]Int{{5, true}, {}})
	eq(t, "marshal", string(b), `[5,null]`)
}

func TestTextList(t *testing.T) {
	for in, want := range map[string]string{`["1","2"]`: "1,2", `"7"`: "7", `7`: "7", `null`: "", `[]`: ""} {
		var l TextList
		if err := json.Unmarshal([]byte(in), &l); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		eq(t, in, strings.Join(l.Strings(), ","), want)
	}
	var l TextList
	if err := json.Unmarshal([]byte(`{}`), &l); err == nil {
		t.Error("object accepted")
	}
}

func TestPercentFromFraction(t *testing.T) {
	for in, want := range map[string]string{
		"0.05": "5", "0.10": "10", "0.125": "12.5", "1": "100", "0.5": "50",
		"0": "0", "0.00": "0", ".25": "25", "1.0": "100", "0.0001": "0.01",
	} {
		got, ok := percentFromFraction(in)
		if !ok || got != want {
			t.Errorf("percentFromFraction(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "5%", "."} {
		if got, ok := percentFromFraction(bad); ok {
			t.Errorf("percentFromFraction(%q) = %q, accepted", bad, got)
		}
	}
	_, ok := CouponSummary{}.PercentOff()
	eq(t, "no percentage", ok, false)
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret("wh1sky")
	holder := struct{ Word Secret }{s}
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", holder, holder, &holder),
	} {
		if strings.Contains(out, "wh1sky") {
			t.Errorf("printed: %s", out)
		}
	}
	b, _ := json.Marshal(holder)
	if strings.Contains(string(b), "wh1sky") {
		t.Errorf("marshalled: %s", b)
	}
	eq(t, "Reveal", s.Reveal(), "wh1sky")
}
