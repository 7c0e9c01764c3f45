// Package trackingtest makes carriers' tracking numbers for tests, so that
// a test scans what a real label carries rather than a made-up string.
package trackingtest

import (
	"fmt"
	"testing"

	"backoffice/tracking"
)

// UPS returns a valid UPS tracking number (right check digit), different
// for each n.
func UPS(t testing.TB, n int) string {
	t.Helper()
	base := fmt.Sprintf("1ZTS%04d%09d", n, 312345) // the 17 characters before the check digit
	for d := '0'; d <= '9'; d++ {
		if m, ok := tracking.Identify(base + string(d)); ok && m.Carrier == tracking.UPS {
			return base + string(d)
		}
	}
	t.Fatalf("no check digit makes %s a UPS number", base)
	return ""
}
