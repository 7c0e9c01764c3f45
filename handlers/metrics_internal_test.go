package handlers

import (
	"testing"
	"time"
)

// TestUpstreamTimeIsTheUnionOfCalls: two reads in parallel count once, a
// later one adds its own time.
func TestUpstreamTimeIsTheUnionOfCalls(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var u upstreamTime
	u.add(t0.Add(300*time.Millisecond), 300*time.Millisecond)  // 0–300
	u.add(t0.Add(250*time.Millisecond), 200*time.Millisecond)  // 50–250, inside
	u.add(t0.Add(400*time.Millisecond), 200*time.Millisecond)  // 200–400, overlaps
	u.add(t0.Add(1000*time.Millisecond), 100*time.Millisecond) // 900–1000, apart
	if got, want := u.total(), 500*time.Millisecond; got != want {
		t.Fatalf("upstream time %v, want %v", got, want)
	}
}
