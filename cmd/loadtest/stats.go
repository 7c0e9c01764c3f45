package main

import (
	"sort"
	"sync"
	"time"
)

// stats collects the requests of the measured window, by kind (a route as
// the report names it, e.g. "GET /products/:id").
type stats struct {
	mu    sync.Mutex
	on    bool
	start time.Time
	end   time.Time
	kinds map[string]*kindStats
}

type kindStats struct {
	n          int
	durations  []time.Duration
	added      []time.Duration // page time minus upstream time, when known
	unexpected int             // answers with a status the action did not expect
	noAnswer   int             // transport errors: refused, reset, timed out
}

func newStats() *stats { return &stats{kinds: map[string]*kindStats{}} }

func (s *stats) begin() {
	s.mu.Lock()
	s.on, s.start = true, time.Now()
	s.mu.Unlock()
}

func (s *stats) finish() {
	s.mu.Lock()
	s.on, s.end = false, time.Now()
	s.mu.Unlock()
}

func (s *stats) kind(k string) *kindStats {
	ks := s.kinds[k]
	if ks == nil {
		ks = &kindStats{}
		s.kinds[k] = ks
	}
	return ks
}

// answered records one answered request. added < 0 means unknown.
func (s *stats) answered(kind string, elapsed, added time.Duration, expected bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.on {
		return
	}
	ks := s.kind(kind)
	ks.n++
	ks.durations = append(ks.durations, elapsed)
	if added >= 0 {
		ks.added = append(ks.added, added)
	}
	if !expected {
		ks.unexpected++
	}
}

func (s *stats) failed(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.on {
		return
	}
	s.kind(kind).noAnswer++
}

// summary is the report's line for one kind, or for all of them.
type summary struct {
	kind                    string
	n, unexpected, noAnswer int
	p50, p90, p99           time.Duration
	addedN                  int
	a50, a90, a99           time.Duration
}

func summarize(kind string, ks []*kindStats) summary {
	sm := summary{kind: kind}
	var d, a []time.Duration
	for _, k := range ks {
		sm.n += k.n
		sm.unexpected += k.unexpected
		sm.noAnswer += k.noAnswer
		d = append(d, k.durations...)
		a = append(a, k.added...)
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	sm.p50, sm.p90, sm.p99 = percentile(d, 50), percentile(d, 90), percentile(d, 99)
	sm.addedN = len(a)
	sm.a50, sm.a90, sm.a99 = percentile(a, 50), percentile(a, 90), percentile(a, 99)
	return sm
}

// percentile is the nearest-rank percentile of sorted values; 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// snapshot returns the kinds in name order, and the window's length.
func (s *stats) snapshot() ([]string, map[string]*kindStats, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.kinds))
	for k := range s.kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	end := s.end
	if s.on || end.IsZero() {
		end = time.Now()
	}
	return names, s.kinds, end.Sub(s.start)
}
