package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// reading is one scrape of the panel's /metrics: every family summed over
// its series (histograms as name_sum and name_count), and each series of a
// family on its own under "name{labels}".
type reading map[string]float64

func parseMetrics(r io.Reader) (reading, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	out := reading{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			series := name + labelString(m.GetLabel())
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out.add(name, series, m.GetCounter().GetValue())
			case dto.MetricType_GAUGE:
				out.add(name, series, m.GetGauge().GetValue())
			case dto.MetricType_UNTYPED:
				out.add(name, series, m.GetUntyped().GetValue())
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				out.add(name+"_sum", name+"_sum"+labelString(m.GetLabel()), h.GetSampleSum())
				out.add(name+"_count", name+"_count"+labelString(m.GetLabel()), float64(h.GetSampleCount()))
			case dto.MetricType_SUMMARY:
				s := m.GetSummary()
				out.add(name+"_sum", name+"_sum"+labelString(m.GetLabel()), s.GetSampleSum())
				out.add(name+"_count", name+"_count"+labelString(m.GetLabel()), float64(s.GetSampleCount()))
			}
		}
	}
	return out, nil
}

func (r reading) add(name, series string, v float64) {
	r[name] += v
	if series != name {
		r[series] = v
	}
}

func labelString(ls []*dto.LabelPair) string {
	if len(ls) == 0 {
		return ""
	}
	parts := make([]string, 0, len(ls))
	for _, l := range ls {
		parts = append(parts, l.GetName()+"="+strconv.Quote(l.GetValue()))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

func scrape(ctx context.Context, hc *http.Client, base, token string) (reading, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/metrics: status %d", resp.StatusCode)
	}
	return parseMetrics(resp.Body)
}

// Names the report reads from /metrics. The first group exists today; the
// rest are the ones issue 13 adds, used as soon as the panel exposes them.
const (
	mCPU           = "process_cpu_seconds_total"
	mRSS           = "process_resident_memory_bytes"
	mHeap          = "go_memstats_heap_inuse_bytes"
	mRequests      = "backoffice_http_requests_total"
	mUpstreamCalls = "backoffice_upstream_calls_total"
	mUpstreamSum   = "backoffice_upstream_seconds_sum"
	mUpstreamCount = "backoffice_upstream_seconds_count"
	mWriteOutcomes = "backoffice_write_outcomes_total"
	mIdemHits      = "backoffice_idempotency_hits_total"
	// mUpstreamConns is the counter this harness asks the panel to add: new
	// TCP connections its API client opened (httptrace GotConn with
	// Reused=false, or a counting DialContext).
	mUpstreamConns = "backoffice_upstream_connections_total"
)

// monitor scrapes /metrics once a second and keeps what the report needs:
// counters summed across restarts (a counter that goes down was reset by a
// restart, so its new value is all increase) and the peaks of the gauges.
type monitor struct {
	hc    *http.Client
	base  func() string
	token string

	mu       sync.Mutex
	prev     reading
	prevAt   time.Time          // when the scrape of prev began
	total    map[string]float64 // increase since start, per counter key
	peakRSS  float64
	peakHeap float64
	scrapes  int
	failures int
	lastErr  error
	present  map[string]bool
}

func newMonitor(hc *http.Client, base func() string, token string) *monitor {
	return &monitor{hc: hc, base: base, token: token, total: map[string]float64{}, present: map[string]bool{}}
}

// sample takes one reading now.
func (m *monitor) sample(ctx context.Context) {
	began := time.Now()
	r, err := scrape(ctx, m.hc, m.base(), m.token)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.failures++
		m.lastErr = err
		return
	}
	m.observe(r, began)
}

// observe adds a reading taken at began. A reading older than the last one
// (two scrapes overlapped) is dropped: its lower counters would otherwise
// look like a restart.
func (m *monitor) observe(r reading, began time.Time) {
	if began.Before(m.prevAt) {
		return
	}
	m.prevAt = began
	m.scrapes++
	for k, v := range r {
		m.present[k] = true
		if !isCounterKey(k) {
			continue
		}
		if m.prev == nil {
			continue // the first reading is the baseline
		}
		if old, ok := m.prev[k]; ok && v >= old {
			m.total[k] += v - old
		} else if ok {
			m.total[k] += v // reset by a restart
		} else {
			m.total[k] += v // a series that appeared since the last reading
		}
	}
	m.peakRSS = max(m.peakRSS, r[mRSS])
	m.peakHeap = max(m.peakHeap, r[mHeap])
	m.prev = r
}

// rebase makes the next reading a new baseline, for the start of the
// measured window.
func (m *monitor) rebase(ctx context.Context) {
	m.sample(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.total = map[string]float64{}
	m.peakRSS, m.peakHeap = m.prev[mRSS], m.prev[mHeap]
}

func isCounterKey(k string) bool {
	name, _, _ := strings.Cut(k, "{")
	return strings.HasSuffix(name, "_total") || strings.HasSuffix(name, "_sum") || strings.HasSuffix(name, "_count")
}

func (m *monitor) run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.sample(ctx)
		}
	}
}

// increase is how much counter key grew in the measured window, and whether
// the panel exposes it.
func (m *monitor) increase(key string) (float64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total[key], m.present[key]
}

// series returns the increases of every series of a family.
func (m *monitor) series(name string) map[string]float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]float64{}
	for k, v := range m.total {
		if strings.HasPrefix(k, name+"{") {
			out[strings.TrimPrefix(k, name)] = v
		}
	}
	return out
}

// procPeakRSS reads the kernel's peak resident set (VmHWM) of a process this
// harness started; 0 when unavailable (not Linux, or the process is gone).
func procPeakRSS(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, _ := strconv.ParseFloat(f[0], 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// procCPU reads a process's user+system CPU time from /proc; 0 when
// unavailable.
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields after it are fixed.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / clockTicks
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go supports.
const clockTicks = 100
