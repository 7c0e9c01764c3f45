// Package barcode draws linear barcodes on the server as SVG, so the
// packing slip prints the sale number as bars with no script, no image
// service and nothing for the CSP to allow. The human-readable line under
// the bars is left to the template.
package barcode

import (
	"errors"
	"html"
	"strconv"
	"strings"
)

// Code 128 (ISO/IEC 15417). Each symbol is three bars and three spaces, 11
// modules in all; the stop symbol has a fourth bar and is 13 modules. The
// widths below are bar, space, bar, space, bar, space for symbol values 0
// to 105, then the stop pattern, as tabulated in the standard (and at
// https://en.wikipedia.org/wiki/Code_128).
var code128Widths = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
	"132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
	"123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
	"311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
	"232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
	"313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
	"331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
	"111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
	"122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
	"421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
	"114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
	"211214", "211232", "2331112",
}

// Special symbol values.
const (
	codeC  = 99  // in code set B: switch to C
	codeB  = 100 // in code set C: switch to B
	startB = 104
	startC = 105
	stop   = 106
)

// MaxCode128Length bounds the text: a packing slip carries a sale number or
// a tracking number, and a longer symbol would not fit a label anyway.
const MaxCode128Length = 80

// ErrCode128Text is returned for text Code128 cannot encode.
var ErrCode128Text = errors.New("barcode: Code 128 text must be 1 to 80 printable ASCII characters")

// Code128 returns the symbol values for text: the start symbol, the data,
// the check symbol and the stop symbol. It uses code set B (printable
// ASCII) and code set C (two digits per symbol), switching between them
// wherever that gives the shortest symbol, so a sale number of digits is
// drawn at about half the width code set B alone would need.
func Code128(text string) ([]int, error) {
	if len(text) == 0 || len(text) > MaxCode128Length {
		return nil, ErrCode128Text
	}
	for i := 0; i < len(text); i++ {
		if text[i] < ' ' || text[i] > '~' {
			return nil, ErrCode128Text
		}
	}
	plan := planSets(text)
	var out []int
	set := plan[0]
	if set == 'C' {
		out = append(out, startC)
	} else {
		out = append(out, startB)
	}
	for i := 0; i < len(text); {
		if plan[i] != set {
			set = plan[i]
			if set == 'C' {
				out = append(out, codeC)
			} else {
				out = append(out, codeB)
			}
		}
		if set == 'C' {
			out = append(out, int(text[i]-'0')*10+int(text[i+1]-'0'))
			i += 2
		} else {
			out = append(out, int(text[i])-' ')
			i++
		}
	}
	out = append(out, checkValue(out), stop)
	return out, nil
}

// checkValue is the start value plus each data symbol's value times its
// position, modulo 103.
func checkValue(symbols []int) int {
	sum := symbols[0]
	for i := 1; i < len(symbols); i++ {
		sum += i * symbols[i]
	}
	return sum % 103
}

// planSets chooses, for each position, the code set its character is
// encoded in ('B' or 'C'; the second digit of a C pair copies the first),
// minimising the number of symbols: a dynamic programme over the position
// and the current set, where staying costs one symbol per character (per
// pair in C) and switching costs one more.
func planSets(text string) []byte {
	n := len(text)
	pair := func(i int) bool { return i+1 < n && isDigit(text[i]) && isDigit(text[i+1]) }
	// cost[s][i]: symbols needed for text[i:] when in set s (0=B, 1=C).
	cost := [2][]int{make([]int, n+1), make([]int, n+1)}
	const never = 1 << 30
	for i := n - 1; i >= 0; i-- {
		inB := 1 + cost[0][i+1]
		viaC := never
		if pair(i) {
			viaC = 2 + cost[1][i+2] // the switch, then the pair
		}
		cost[0][i] = min(inB, viaC)
		if pair(i) {
			cost[1][i] = 1 + cost[1][i+2]
		} else {
			cost[1][i] = 1 + inB // switch to B, then the character
		}
	}
	plan := make([]byte, n)
	set := byte('B')
	if pair(0) && cost[1][0] < cost[0][0] {
		set = 'C'
	}
	for i := 0; i < n; {
		if set == 'B' && pair(i) && 2+cost[1][i+2] < 1+cost[0][i+1] {
			set = 'C'
		} else if set == 'C' && !pair(i) {
			set = 'B'
		}
		plan[i] = set
		if set == 'C' {
			plan[i+1] = set
			i += 2
		} else {
			i++
		}
	}
	return plan
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Code 128's quiet zone must be at least ten modules on each side.
const quietZone = 10

// Drawing defaults, in CSS pixels: a 2 px module prints at about 0.53 mm,
// comfortably above the 0.25 mm hand-held scanners need, and a sale number
// of ten digits (start, five pairs, check: 7 symbols) is then
// 2·(10 + 7·11 + 13 + 10) = 220 px wide.
const (
	modulePixels = 2
	barPixels    = 64
)

// Bars is a symbol ready to draw: where each bar starts and how wide it is,
// in modules, quiet zones included, so a template can draw it as <rect>
// elements itself (no raw HTML) with whatever height it likes.
type Bars struct {
	Width int // modules, quiet zones included
	Bars  []Bar
}

// Bar is one dark bar.
type Bar struct{ X, W int }

// Code128Bars lays out text as a Code 128 symbol with a quiet zone of ten
// modules on each side.
func Code128Bars(text string) (Bars, error) {
	symbols, err := Code128(text)
	if err != nil {
		return Bars{}, err
	}
	out := Bars{Width: 2*quietZone + 11*(len(symbols)-1) + 13}
	x := quietZone
	for _, s := range symbols {
		for i, c := range code128Widths[s] {
			w := int(c - '0')
			if i%2 == 0 { // bars at even positions; spaces stay blank
				out.Bars = append(out.Bars, Bar{X: x, W: w})
			}
			x += w
		}
	}
	return out, nil
}

// Code128SVG draws text as a Code 128 barcode and returns a standalone SVG
// element with its quiet zones. Like auth.QRSVG it has no style attribute
// or script, so it passes a CSP without 'unsafe-inline'; width and height
// are presentation attributes the page's CSS may override. The text is in
// the aria-label only (escaped); the readable line under the bars is the
// template's.
func Code128SVG(text string) (string, error) {
	bars, err := Code128Bars(text)
	if err != nil {
		return "", err
	}
	w, h := strconv.Itoa(bars.Width), strconv.Itoa(barPixels/modulePixels)
	var b strings.Builder
	b.Grow(256 + 24*len(bars.Bars))
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 ` + w + ` ` + h)
	b.WriteString(`" width="` + strconv.Itoa(bars.Width*modulePixels) + `" height="` + strconv.Itoa(barPixels))
	b.WriteString(`" preserveAspectRatio="none" shape-rendering="crispEdges" role="img" aria-label="Barcode `)
	b.WriteString(html.EscapeString(text))
	b.WriteString(`"><rect width="` + w + `" height="100%" fill="#fff"/><path fill="#000" d="`)
	for _, bar := range bars.Bars {
		bw := strconv.Itoa(bar.W)
		b.WriteString("M" + strconv.Itoa(bar.X) + " 0h" + bw + "v" + h + "h-" + bw + "z")
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
