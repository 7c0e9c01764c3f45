// Package static embeds the panel's CSS, JavaScript, icons and the vendored
// htmx, and serves them under content-hashed names so browsers may cache them
// for a year: a changed file gets a new name, so nobody runs stale code.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
)

//go:embed *.css *.js *.txt *.webmanifest icons
var files embed.FS

// asset is one embedded file with its precomputed hashed name and gzip form.
type asset struct {
	name, hashed, ctype string
	raw, gz             []byte
	etag                string
}

// Assets serves the embedded files. Build it once with New.
type Assets struct {
	byName   map[string]*asset
	byHashed map[string]*asset
	prefix   string
}

// New reads and hashes every embedded file. prefix is the URL path the files
// are served under, e.g. "/static/".
func New(prefix string) (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}, prefix: prefix}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := files.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read embedded %s: %w", p, err)
		}
		ext := path.Ext(p)
		if ext == ".css" {
			raw = trimCSS(raw)
		}
		sum := sha256.Sum256(raw)
		h := hex.EncodeToString(sum[:])[:12]
		hashed := strings.TrimSuffix(p, ext) + "." + h + ext
		ctype := mime.TypeByExtension(ext)
		switch ext {
		case ".webmanifest":
			ctype = "application/manifest+json"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".txt":
			ctype = "text/plain; charset=utf-8"
		}
		it := &asset{name: p, hashed: hashed, ctype: ctype, raw: raw, etag: `"` + h + `"`}
		if compressible(ext) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			if _, err := zw.Write(raw); err != nil {
				return fmt.Errorf("gzip %s: %w", p, err)
			}
			if err := zw.Close(); err != nil {
				return fmt.Errorf("gzip %s: %w", p, err)
			}
			it.gz = buf.Bytes()
		}
		a.byName[p] = it
		a.byHashed[hashed] = it
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// trimCSS drops a stylesheet's comments, indentation and blank lines. They
// are for whoever edits the file, and were a fifth of the CSS every first
// load downloads (gzipped), which the page-weight budget counts. Quoted
// strings are copied as they are, so a "/*" inside one stays.
func trimCSS(src []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(src))
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			out.WriteByte(c)
			if c == '\\' && i+1 < len(src) {
				i++
				out.WriteByte(src[i])
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
			out.WriteByte(c)
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return trimLines(out.Bytes())
			}
			i += 2 + end + 1 // the loop steps past the closing '/'
			// A comment separates what it sits between ("a/**/b" is
			// two words, not "ab").
			if n := out.Len(); n > 0 && !isSpace(out.Bytes()[n-1]) {
				out.WriteByte(' ')
			}
		default:
			out.WriteByte(c)
		}
	}
	return trimLines(out.Bytes())
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// trimLines trims every line and drops the empty ones.
func trimLines(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for line := range bytes.Lines(b) {
		if line = bytes.TrimSpace(line); len(line) > 0 {
			out = append(append(out, line...), '\n')
		}
	}
	return out
}

func compressible(ext string) bool {
	switch ext {
	case ".css", ".js", ".svg", ".txt", ".webmanifest":
		return true
	}
	return false
}

// Path returns the hashed URL of an embedded file, e.g. "app.css" →
// "/static/app.3f2a9c1d0b7e.css". An unknown name panics: it is a programming
// error caught by the first test that renders the page.
func (a *Assets) Path(name string) string {
	it, ok := a.byName[name]
	if !ok {
		panic("static: no embedded file " + name)
	}
	return a.prefix + it.hashed
}

// Names lists the embedded files, sorted.
func (a *Assets) Names() []string {
	out := make([]string, 0, len(a.byName))
	for n := range a.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Size returns the number of bytes a browser downloads for a file: the gzip
// form when there is one. Used by the page-weight tests.
func (a *Assets) Size(name string) int {
	it, ok := a.byName[name]
	if !ok {
		return 0
	}
	if it.gz != nil {
		return len(it.gz)
	}
	return len(it.raw)
}

// ServeHTTP serves a hashed file with year-long immutable caching, gzip when
// the browser accepts it. Unhashed or unknown names are 404s so a stale
// reference shows up in tests instead of silently caching the wrong file.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, a.prefix)
	it, ok := a.byHashed[name]
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", it.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", it.etag)
	h.Set("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == it.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := it.raw
	if it.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = it.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) != "gzip" {
			continue
		}
		switch strings.ReplaceAll(q, " ", "") {
		case "q=0", "q=0.0", "q=0.00", "q=0.000":
			return false
		}
		return true
	}
	return false
}

// Text returns an embedded file's content, for files a handler fills in
// (the web app manifest names the icons by their hashed URLs).
func (a *Assets) Text(name string) string {
	it, ok := a.byName[name]
	if !ok {
		panic("static: no embedded file " + name)
	}
	return string(it.raw)
}
