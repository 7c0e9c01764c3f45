package auth

import (
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestQRSVG(t *testing.T) {
	text := OTPAuthURL("Backoffice", "alice@example.com", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	svg, err := QRSVG(text)
	if err != nil {
		t.Fatal(err)
	}
	// Well-formed XML, and the elements we expect.
	dec := xml.NewDecoder(strings.NewReader(svg))
	elems := map[string]int{}
	var root xml.StartElement
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if len(elems) == 0 {
				root = se
			}
			elems[se.Name.Local]++
			for _, a := range se.Attr {
				if a.Name.Local == "style" || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Errorf("forbidden attribute %s on <%s>", a.Name.Local, se.Name.Local)
				}
			}
		}
	}
	if elems["svg"] != 1 || elems["path"] != 1 || elems["rect"] != 1 || len(elems) != 3 {
		t.Fatalf("elements %v", elems)
	}
	attr := func(name string) string {
		for _, a := range root.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	if root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("namespace %q", root.Name.Space)
	}
	if attr("shape-rendering") != "crispEdges" || attr("role") != "img" || attr("aria-label") == "" {
		t.Errorf("missing accessibility/rendering attributes: %v", root.Attr)
	}
	if strings.Contains(svg, "JBSWY3DP") || strings.Contains(svg, "otpauth") {
		t.Error("the encoded text (a secret) leaks into the markup")
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, "<style") {
		t.Error("script or style element")
	}

	// viewBox = QR size + 2×4 quiet zone; every square stays inside the
	// quiet-zone margin.
	vb := strings.Fields(attr("viewBox"))
	if len(vb) != 4 || vb[0] != "0" || vb[1] != "0" || vb[2] != vb[3] {
		t.Fatalf("viewBox %q", attr("viewBox"))
	}
	n, _ := strconv.Atoi(vb[2])
	size := n - 8
	if size < 21 || (size-21)%4 != 0 {
		t.Fatalf("viewBox %d is not a QR version size plus quiet zone", n)
	}
	d := regexp.MustCompile(` d="([^"]*)"`).FindStringSubmatch(svg)
	if d == nil || d[1] == "" {
		t.Fatal("no path data")
	}
	cmds := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(d[1], -1)
	var joined strings.Builder
	for _, c := range cmds {
		joined.WriteString(c[0])
	}
	if joined.String() != d[1] {
		t.Fatal("path data is not a sequence of unit-high rectangles")
	}
	// Draw the path into a grid and check the three finder patterns' corners.
	grid := make([][]bool, n)
	for i := range grid {
		grid[i] = make([]bool, n)
	}
	for _, c := range cmds {
		x, _ := strconv.Atoi(c[1])
		y, _ := strconv.Atoi(c[2])
		w, _ := strconv.Atoi(c[3])
		if c[3] != c[4] || x < 4 || y < 4 || x+w > n-4 || y >= n-4 {
			t.Fatalf("square outside the symbol: %s", c[0])
		}
		for i := x; i < x+w; i++ {
			if grid[y][i] {
				t.Fatalf("overlapping squares at %d,%d", i, y)
			}
			grid[y][i] = true
		}
	}
	for _, p := range [][2]int{{4, 4}, {4 + size - 7, 4}, {4, 4 + size - 7}} {
		for i := range 7 {
			if !grid[p[1]][p[0]+i] || !grid[p[1]+i][p[0]] || !grid[p[1]+6][p[0]+i] || !grid[p[1]+i][p[0]+6] {
				t.Fatalf("finder pattern at %v incomplete", p)
			}
		}
		if grid[p[1]+1][p[0]+1] || !grid[p[1]+3][p[0]+3] {
			t.Fatalf("finder pattern at %v wrong inside", p)
		}
	}
}

func TestQRSVGSizeGrows(t *testing.T) {
	prev := 0
	for _, l := range []int{5, 50, 200, 800} {
		svg, err := QRSVG(strings.Repeat("x", l))
		if err != nil {
			t.Fatal(err)
		}
		vb := regexp.MustCompile(`viewBox="0 0 (\d+) \d+"`).FindStringSubmatch(svg)
		n, _ := strconv.Atoi(vb[1])
		if n <= prev {
			t.Fatalf("length %d: size %d not larger than %d", l, n, prev)
		}
		prev = n
	}
	if _, err := QRSVG(strings.Repeat("x", 10000)); err == nil {
		t.Fatal("10000 bytes cannot fit in a QR code")
	}
}
