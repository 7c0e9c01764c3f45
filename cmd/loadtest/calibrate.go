package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"backoffice/multiinstance"
)

// calibrationLatency is the latency the calibration adds to time the
// upstream round trips; it must stand well above the noise of a busy
// machine.
const calibrationLatency = 100 * time.Millisecond

// calibrate learns, for each kind of request, how many upstream round trips
// it waits for one after the other, so that the added latency can be told
// from the upstream's own. One person of each role runs through their mix
// twice:
//
//  1. with no upstream latency, one request at a time, reading the
//     sandbox's call counts after each request: the calls a page makes;
//  2. with calibrationLatency, the roles side by side: the slowest a page
//     gets is its fastest time plus that latency per round trip.
//
// A page's round trips are the time difference in units of the latency,
// bounded by the calls it made (see roundTrips). The changes made on the way are part of the run's ledger.
func calibrate(ctx context.Context, r *run, t *target, stderr io.Writer) error {
	fmt.Fprintln(stderr, "calibrating the upstream round trips of each page ...")
	probers := map[string]*user{}
	for _, u := range t.users {
		if probers[u.role] == nil {
			probers[u.role] = u
		}
	}
	if err := t.control.SetFaults(ctx, multiinstance.Faults{Latency: "0s"}); err != nil {
		return err
	}
	fast := map[string]time.Duration{}
	fewest, most := map[string]int{}, map[string]int{} // calls per request of each kind
	total := func() (int, error) {
		m, err := t.control.Calls(ctx)
		n := 0
		for _, v := range m {
			n += v
		}
		return n, err
	}
	last, err := total()
	if err != nil {
		return err
	}
	var probeErr error
	r.upstream.mu.Lock()
	r.upstream.probe = func(kind string, d time.Duration) {
		n, err := total()
		if err != nil {
			probeErr = err
			return
		}
		if old, ok := fast[kind]; !ok || d < old {
			fast[kind] = d
		}
		if c, ok := fewest[kind]; !ok || n-last < c {
			fewest[kind] = n - last
		}
		most[kind] = max(most[kind], n-last)
		last = n
	}
	r.upstream.mu.Unlock()
	for _, role := range roles {
		u := probers[role]
		if u == nil {
			continue
		}
		for _, a := range r.mixFor(role) {
			for range 2 {
				_ = a.do(ctx, u)
			}
		}
	}
	if probeErr != nil {
		return fmt.Errorf("calibration: sandbox call counts: %w", probeErr)
	}

	if err := t.control.SetFaults(ctx, multiinstance.Faults{Latency: calibrationLatency.String()}); err != nil {
		return err
	}
	slow := map[string]time.Duration{}
	var mu sync.Mutex
	r.upstream.mu.Lock()
	r.upstream.probe = func(kind string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if old, ok := slow[kind]; !ok || d < old {
			slow[kind] = d
		}
	}
	r.upstream.mu.Unlock()
	var wg sync.WaitGroup
	for _, u := range probers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, a := range r.mixFor(u.role) {
				for range 2 {
					_ = a.do(ctx, u)
				}
			}
		}()
	}
	wg.Wait()

	r.upstream.mu.Lock()
	defer r.upstream.mu.Unlock()
	r.upstream.probe = nil
	for k, s := range slow {
		f, ok := fast[k]
		if !ok {
			continue
		}
		r.upstream.rounds[k] = roundTrips(s-f, fewest[k], most[k])
	}
	return nil
}

// roundTrips converts the extra time a page took with calibrationLatency
// into round trips: at least one when it always calls upstream, at most as
// many as the calls it made. (A page whose calls are sometimes answered
// from a cache gets an estimate.)
func roundTrips(extra time.Duration, fewest, most int) int {
	n := int(math.Round(float64(extra) / float64(calibrationLatency)))
	return min(max(n, min(1, fewest)), most)
}
