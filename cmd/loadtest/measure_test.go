package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const exposition = `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 5.1e+07
# TYPE backoffice_http_requests_total counter
backoffice_http_requests_total{method="GET",route="/products",status="200"} 100
backoffice_http_requests_total{method="POST",route="/products",status="303"} 4
# TYPE backoffice_upstream_seconds histogram
backoffice_upstream_seconds_bucket{method="list_products",le="0.1"} 3
backoffice_upstream_seconds_bucket{method="list_products",le="+Inf"} 4
backoffice_upstream_seconds_sum{method="list_products"} 0.5
backoffice_upstream_seconds_count{method="list_products"} 4
`

func TestParseMetrics(t *testing.T) {
	r, err := parseMetrics(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]float64{
		mCPU: 12.5, mRSS: 51e6, mRequests: 104, mUpstreamSum: 0.5, mUpstreamCount: 4,
		`backoffice_http_requests_total{method="POST",route="/products",status="303"}`: 4,
	} {
		if r[k] != want {
			t.Errorf("%s = %v, want %v", k, r[k], want)
		}
	}
}

func TestMonitorCountsAcrossARestart(t *testing.T) {
	m := newMonitor(nil, nil, "")
	t0 := time.Now()
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	m.observe(reading{mCPU: 10, mRSS: 40e6}, at(0))
	m.observe(reading{mCPU: 12, mRSS: 60e6}, at(2))
	m.observe(reading{mCPU: 11, mRSS: 50e6}, at(1)) // a slow scrape that began earlier: not a restart
	m.observe(reading{mCPU: 1, mRSS: 20e6}, at(3))  // restarted: the counter began again
	m.observe(reading{mCPU: 3, mRSS: 30e6}, at(4))
	if cpu, ok := m.increase(mCPU); !ok || cpu != 5 {
		t.Errorf("CPU increase %v (%v), want 2 before and 3 after the restart", cpu, ok)
	}
	if m.peakRSS != 60e6 {
		t.Errorf("peak RSS %v, want 60e6", m.peakRSS)
	}
	if _, ok := m.increase(mUpstreamConns); ok {
		t.Error("a metric the panel does not expose reads as exposed")
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[int]time.Duration{50: 50 * time.Millisecond, 90: 90 * time.Millisecond, 99: 99 * time.Millisecond} {
		if got := percentile(d, p); got != want {
			t.Errorf("p%d = %v, want %v", p, got, want)
		}
	}
	if got := percentile(d[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one value = %v", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of none = %v", got)
	}
}

func TestRoundTrips(t *testing.T) {
	for _, c := range []struct {
		extra        time.Duration
		fewest, most int
		want         int
	}{
		{100 * time.Millisecond, 1, 1, 1},
		{30 * time.Millisecond, 1, 1, 1},  // noise: it always calls, so at least one
		{30 * time.Millisecond, 0, 1, 0},  // cached at times: as measured
		{420 * time.Millisecond, 2, 2, 2}, // a busy machine: no more than its calls
		{190 * time.Millisecond, 3, 3, 2}, // calls made side by side
		{0, 0, 0, 0},
	} {
		if got := roundTrips(c.extra, c.fewest, c.most); got != c.want {
			t.Errorf("roundTrips(%v, %d, %d) = %d, want %d", c.extra, c.fewest, c.most, got, c.want)
		}
	}
}

// The proxy passes calls through on kept-alive connections, counts the
// connections, and when told drops calls by closing the connection.
func TestUpstreamProxy(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte("answer"))
	}))
	defer srv.Close()
	p, err := newUpstreamProxy(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := &http.Client{Transport: &http.Transport{}}
	for range 20 {
		resp, err := client.Post("http://"+p.Addr()+"/api", "text/plain", strings.NewReader("call"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "answer" {
			t.Fatalf("answer %q", b)
		}
	}
	if n := p.conns.Load(); n != 1 {
		t.Errorf("%d connections for 20 calls on a kept-alive client, want 1", n)
	}
	// Every call dropped: about half before the server saw them, half after.
	p.setDropRate(1)
	before := hits.Load()
	const calls = 40
	for range calls {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write([]byte("GET /api HTTP/1.1\r\nHost: x\r\n\r\n"))
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
			t.Error("a dropped call was answered")
		}
		c.Close()
	}
	if n := p.dropped.Load(); n != calls {
		t.Errorf("%d drops counted, want %d", n, calls)
	}
	// Binomial(40, 1/2): outside 5..35 once in ten million runs.
	if seen := hits.Load() - before; seen < 5 || seen > 35 {
		t.Errorf("the server saw %d of %d dropped calls; want about half (dropped after it answered)", seen, calls)
	}
}
