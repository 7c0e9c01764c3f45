package static

import (
	"strings"
	"testing"
)

func TestTrimCSS(t *testing.T) {
	in := "/* a header\n   over two lines */\n.a {\n  color: red; /* why */\n\n  content: \"/* kept */\";\n}\n  .b::after { content: '\\'/*'; }\n"
	want := ".a {\ncolor: red;\ncontent: \"/* kept */\";\n}\n.b::after { content: '\\'/*'; }\n"
	if got := string(trimCSS([]byte(in))); got != want {
		t.Errorf("trimCSS:\n got %q\nwant %q", got, want)
	}
	if got := string(trimCSS([]byte(".a/**/.b{margin:0/* x */auto}"))); got != ".a .b{margin:0 auto}\n" {
		t.Errorf("a comment between words: %q", got)
	}
	if got := string(trimCSS([]byte(".a { color: red; } /* never closed"))); got != ".a { color: red; }\n" {
		t.Errorf("an unclosed comment: %q", got)
	}
}

// The served stylesheets keep every rule of the source, and none of its
// comments.
func TestServedCSSKeepsEveryRule(t *testing.T) {
	a, err := New("/static/")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app.css", "print.css"} {
		src, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		served := string(a.byName[name].raw)
		if strings.Contains(served, "/*") || len(served) >= len(src) {
			t.Errorf("%s: served %d bytes of %d; comments left: %v", name, len(served), len(src), strings.Contains(served, "/*"))
		}
		rules := 0
		for line := range strings.Lines(string(src)) {
			if line = strings.TrimSpace(line); strings.Contains(line, "{") && !strings.Contains(line, "*") {
				rules++
				if !strings.Contains(served, "\n"+line+"\n") && !strings.HasPrefix(served, line+"\n") {
					t.Errorf("%s: the rule %q is not served", name, line)
				}
			}
		}
		if rules < 10 {
			t.Errorf("%s: only %d rules found", name, rules)
		}
	}
}
