package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		case "/api/x":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if err := probe(addr, "/healthz", "200", time.Second); err != nil {
		t.Errorf("healthy panel: %v", err)
	}
	if err := probe(addr, "/api/x", "401", time.Second); err != nil {
		t.Errorf("healthy sandbox: %v", err)
	}
	if err := probe(addr, "/missing", "200", time.Second); err == nil {
		t.Error("a 404 passed as healthy")
	}
	srv.Close()
	if err := probe(addr, "/healthz", "200", time.Second); err == nil {
		t.Error("a stopped server passed as healthy")
	}
}

func TestLocalAddr(t *testing.T) {
	for in, want := range map[string]string{":8080": "127.0.0.1:8080", "0.0.0.0:9090": "127.0.0.1:9090", "": "127.0.0.1:8080", "[::]:7000": "127.0.0.1:7000"} {
		if got := localAddr(in); got != want {
			t.Errorf("localAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
