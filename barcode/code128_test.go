package barcode

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// modulesOf reads the drawn SVG back into its modules (true = bar), the way
// a scanner sees the symbol: from the path's rectangles, not from the
// encoder's own tables.
func modulesOf(t *testing.T, svg string) []bool {
	t.Helper()
	vb := regexp.MustCompile(`viewBox="0 0 (\d+) \d+"`).FindStringSubmatch(svg)
	if vb == nil {
		t.Fatalf("no viewBox in %q", svg)
	}
	n, _ := strconv.Atoi(vb[1])
	mods := make([]bool, n)
	for _, m := range regexp.MustCompile(`M(\d+) 0h(\d+)v\d+h-(\d+)z`).FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(m[1])
		w, _ := strconv.Atoi(m[2])
		if m[3] != m[2] || x+w > n {
			t.Fatalf("malformed bar %q", m[0])
		}
		for i := x; i < x+w; i++ {
			if mods[i] {
				t.Fatalf("bars overlap at module %d", i)
			}
			mods[i] = true
		}
	}
	return mods
}

// bitsOf turns a string of 0 and 1 into modules.
func bitsOf(s string) []bool {
	out := make([]bool, len(s))
	for i := range s {
		out[i] = s[i] == '1'
	}
	return out
}

// decode reads modules back into text the way a scanner does: it checks the
// quiet zones, splits the runs into symbols by their widths, verifies the
// start, the check symbol and the stop, and follows the code set switches.
func decode(t *testing.T, mods []bool, quiet int) (text string, symbols int) {
	t.Helper()
	for i := 0; i < quiet; i++ {
		if mods[i] || mods[len(mods)-1-i] {
			t.Fatalf("quiet zone has a bar at module %d", i)
		}
	}
	var runs []int
	for i := quiet; i < len(mods)-quiet; {
		j := i
		for j < len(mods)-quiet && mods[j] == mods[i] {
			j++
		}
		if (len(runs)%2 == 0) != mods[i] {
			t.Fatalf("run %d at module %d has the wrong colour", len(runs), i)
		}
		runs = append(runs, j-i)
		i = j
	}
	byWidths := map[string]int{}
	for v, w := range code128Widths {
		byWidths[w] = v
	}
	var values []int
	for len(runs) > 7 {
		var w strings.Builder
		sum := 0
		for _, r := range runs[:6] {
			w.WriteString(strconv.Itoa(r))
			sum += r
		}
		v, ok := byWidths[w.String()]
		if !ok || sum != 11 || v > 105 {
			t.Fatalf("symbol %d: widths %s are no Code 128 symbol", len(values), w.String())
		}
		values = append(values, v)
		runs = runs[6:]
	}
	var w strings.Builder
	for _, r := range runs {
		w.WriteString(strconv.Itoa(r))
	}
	if w.String() != "2331112" {
		t.Fatalf("stop pattern %s", w.String())
	}
	if len(values) < 3 {
		t.Fatalf("only %d symbols", len(values))
	}
	sum := values[0]
	for i := 1; i < len(values)-1; i++ {
		sum += i * values[i]
	}
	if sum%103 != values[len(values)-1] {
		t.Fatalf("check symbol %d, want %d", values[len(values)-1], sum%103)
	}
	var set byte
	switch values[0] {
	case startB:
		set = 'B'
	case startC:
		set = 'C'
	default:
		t.Fatalf("start symbol %d", values[0])
	}
	var b strings.Builder
	for _, v := range values[1 : len(values)-1] {
		switch {
		case set == 'B' && v == codeC:
			set = 'C'
		case set == 'C' && v == codeB:
			set = 'B'
		case set == 'B' && v < 95:
			b.WriteByte(byte(v + ' '))
		case set == 'C' && v < 100:
			b.WriteString(strconv.Itoa(v/10) + strconv.Itoa(v%10))
		default:
			t.Fatalf("value %d makes no sense in code set %c", v, set)
		}
	}
	return b.String(), len(values) + 1
}

func TestCode128RoundTrip(t *testing.T) {
	tests := []struct {
		text    string
		symbols int // start + data + check + stop: the shortest encoding
	}{
		{"9800009201", 1 + 5 + 2},            // all in code set C
		{"9093735704385", 1 + 8 + 2},         // six pairs in C, a switch, the last digit in B
		{"0", 1 + 1 + 2},                     // one digit: B
		{"42", 1 + 1 + 2},                    // C
		{"123", 1 + 3 + 2},                   // B is as short as C and a switch
		{"1Z5R89390357567127", 1 + 12 + 2},   // 1 Z 5 R in B, a switch, 7 pairs in C
		{"AB-12345678-x", 1 + 3 + 5 + 3 + 2}, // B, switch, 4 pairs, switch, B
		{"ab12cd", 1 + 6 + 2},                // two digits are not worth switching
		{" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", 1 + 33 + 2},
		{strings.Repeat("7", MaxCode128Length), 1 + 40 + 2},
	}
	for _, tc := range tests {
		svg, err := Code128SVG(tc.text)
		if err != nil {
			t.Fatalf("Code128SVG(%q): %v", tc.text, err)
		}
		got, n := decode(t, modulesOf(t, svg), quietZone)
		if got != tc.text {
			t.Errorf("decoded %q, want %q", got, tc.text)
		}
		if n != tc.symbols {
			t.Errorf("%q: %d symbols, want the shortest, %d", tc.text, n, tc.symbols)
		}
		if strings.Contains(svg, "style") || strings.Contains(svg, "<script") {
			t.Errorf("%q: the SVG needs an inline style or script", tc.text)
		}
	}
}

// TestCode128KnownSymbols compares with module strings published with an
// independent encoder (github.com/boombuler/barcode, code128/encode_test.go).
func TestCode128KnownSymbols(t *testing.T) {
	for text, want := range map[string]string{
		"334455":    "11010011100101000110001000110111011101000110100100111101100011101011",
		"HI345678H": "110100100001100010100011000100010101110111101000101100011100010110110000101001011110111011000101000111011000101100011101011",
	} {
		values, err := Code128(text)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, v := range values {
			for i, c := range code128Widths[v] {
				b.WriteString(strings.Repeat(string("10"[i%2]), int(c-'0')))
			}
		}
		if b.String() != want {
			t.Errorf("%q:\n got %s\nwant %s", text, b.String(), want)
		}
		if got, _ := decode(t, bitsOf(want), 0); got != text {
			t.Errorf("the decoder reads %q as %q", want, got)
		}
	}
}

func TestCode128Refuses(t *testing.T) {
	for _, text := range []string{"", strings.Repeat("1", MaxCode128Length+1), "café", "a\nb", "tab\t"} {
		if _, err := Code128SVG(text); err != ErrCode128Text {
			t.Errorf("Code128SVG(%q) error %v, want ErrCode128Text", text, err)
		}
	}
}

func TestCode128SVGEscapesItsLabel(t *testing.T) {
	svg, err := Code128SVG(`"><script>`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(svg, "<script") || !strings.Contains(svg, `aria-label="Barcode &#34;&gt;&lt;script&gt;"`) {
		t.Errorf("label not escaped: %s", svg)
	}
}

func TestCode128TableIsCode128(t *testing.T) {
	// Every symbol: six elements of 1–4 modules, 11 in all, bars even and
	// spaces odd (the parity scanners rely on), all distinct.
	seen := map[string]bool{}
	for v, w := range code128Widths[:106] {
		bars, spaces := 0, 0
		for i, c := range w {
			if c < '1' || c > '4' {
				t.Fatalf("value %d: width %c", v, c)
			}
			if i%2 == 0 {
				bars += int(c - '0')
			} else {
				spaces += int(c - '0')
			}
		}
		if len(w) != 6 || bars+spaces != 11 || bars%2 != 0 || spaces%2 != 1 || seen[w] {
			t.Errorf("value %d: %s is not a valid, distinct Code 128 symbol", v, w)
		}
		seen[w] = true
	}
}

// shortest counts, by trying every way, the fewest data symbols (switches
// included) that encode text when the symbol starts in set.
func shortest(text string, set byte) int {
	if text == "" {
		return 0
	}
	pair := len(text) > 1 && isDigit(text[0]) && isDigit(text[1])
	if set == 'C' {
		best := 1 + shortest(text, 'B') // switch to B
		if pair {
			best = min(best, 1+shortest(text[2:], 'C'))
		}
		return best
	}
	best := 1 + shortest(text[1:], 'B')
	if pair {
		best = min(best, 2+shortest(text[2:], 'C')) // switch, then the pair
	}
	return best
}

func TestCode128IsShortest(t *testing.T) {
	// Every string of up to 9 characters over "1" and "A" ("1" stands for
	// any digit), e.g. 1A11A111A.
	for n := 1; n <= 9; n++ {
		for mask := 0; mask < 1<<n; mask++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = "1A"[mask>>i&1]
			}
			text := string(b)
			values, err := Code128(text)
			if err != nil {
				t.Fatal(err)
			}
			want := min(shortest(text, 'B'), shortest(text, 'C'))
			if got := len(values) - 3; got != want {
				t.Errorf("%q: %d data symbols, the shortest is %d", text, got, want)
			}
		}
	}
}

func TestCode128BarsMatchTheSVG(t *testing.T) {
	bars, err := Code128Bars("9800009201")
	if err != nil {
		t.Fatal(err)
	}
	mods := make([]bool, bars.Width)
	for _, b := range bars.Bars {
		for i := b.X; i < b.X+b.W; i++ {
			mods[i] = true
		}
	}
	if got, _ := decode(t, mods, quietZone); got != "9800009201" {
		t.Fatalf("bars decode to %q", got)
	}
	svg, _ := Code128SVG("9800009201")
	if want := modulesOf(t, svg); len(want) != len(mods) || fmt.Sprint(want) != fmt.Sprint(mods) {
		t.Fatal("Code128Bars and Code128SVG draw different symbols")
	}
}
