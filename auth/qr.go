package auth

import (
	"strconv"
	"strings"

	"rsc.io/qr"
)

// qrQuietZone is the blank margin, in modules, that scanners need around the
// symbol (ISO/IEC 18004 asks for four).
const qrQuietZone = 4

// qrModulePixels is the default rendered size of one module; the page's CSS
// may override width and height since they are presentation attributes.
const qrModulePixels = 5

// QRSVG draws text as a QR code (error-correction level M) and returns a
// standalone SVG element. It is rendered on the server so the TOTP secret
// never goes to a third-party QR service or needs client-side script. The
// markup has no style attributes or script, so it passes a CSP without
// 'unsafe-inline', and the text itself is not embedded anywhere in the
// markup (the aria-label is generic) because it usually carries a secret.
func QRSVG(text string) (string, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	n := code.Size + 2*qrQuietZone
	dim := strconv.Itoa(n)
	px := strconv.Itoa(n * qrModulePixels)

	var b strings.Builder
	b.Grow(64 + code.Size*code.Size*3)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 `)
	b.WriteString(dim + " " + dim)
	b.WriteString(`" width="` + px + `" height="` + px)
	b.WriteString(`" shape-rendering="crispEdges" role="img" aria-label="QR code">`)
	b.WriteString(`<rect width="` + dim + `" height="` + dim + `" fill="#fff"/>`)
	b.WriteString(`<path fill="#000" d="`)
	// Each horizontal run of dark modules becomes one rectangle made of unit
	// squares; this keeps the path several times shorter than one square per
	// module while drawing exactly the same pixels.
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < code.Size && code.Black(x, y) {
				x++
			}
			w := strconv.Itoa(x - start)
			b.WriteString("M" + strconv.Itoa(start+qrQuietZone) + " " + strconv.Itoa(y+qrQuietZone) +
				"h" + w + "v1h-" + w + "z")
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
