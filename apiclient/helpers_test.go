package apiclient

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testUser     = "APIuser1817037"
	testPassword = "s3cr3t-Pa55word"
)

// seen is what the fake API recorded of one request.
type seen struct {
	Method      string
	Path        string
	ContentType string
	User, Pass  string
	AuthOK      bool
	Accept      string
	Query       url.Values
	Form        url.Values // body only, for POST
	RawBody     string
}

// fakeAPI is an httptest server that records requests and answers with a
// handler chosen by the test.
type fakeAPI struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	reqs []seen
}

func newFakeAPI(t testing.TB, h http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		s := seen{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Accept: r.Header.Get("Accept"), Query: r.URL.Query()}
		s.User, s.Pass, s.AuthOK = r.BasicAuth()
		if r.Method == http.MethodPost {
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(r.Body)
			s.RawBody = buf.String()
			s.Form, _ = url.ParseQuery(s.RawBody)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, s)
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) last() seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[len(f.reqs)-1]
}

// newTestClient builds a client with fast retries, so fault tests stay quick.
func newTestClient(t testing.TB, base string, opts ...ClientOption) *Client {
	t.Helper()
	all := append([]ClientOption{
		WithRetry(3, time.Millisecond, 5*time.Millisecond),
		WithTimeouts(3*time.Second, 3*time.Second),
	}, opts...)
	c, err := New(base, testUser, testPassword, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// respond writes body with a content type and status.
func respond(w http.ResponseWriter, status int, contentType string, body []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func jsonHandler(status int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		respond(w, status, "application/json", body)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger used from several
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func debugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func text(t *testing.T, what string, got Text, want string) {
	t.Helper()
	if !got.Valid || got.Value != want {
		t.Errorf("%s = %+v, want %q", what, got, want)
	}
}

func null(t *testing.T, what string, got Text) {
	t.Helper()
	if got.Valid {
		t.Errorf("%s = %q, want null", what, got.Value)
	}
}

func intv(t *testing.T, what string, got Int, want int64) {
	t.Helper()
	if !got.Valid || got.Value != want {
		t.Errorf("%s = %+v, want %d", what, got, want)
	}
}
