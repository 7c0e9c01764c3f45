//go:build race

package store

// raceEnabled lets single-goroutine bulk tests shrink under -race, where the
// transpiled SQLite runs about 25 times slower and there is no concurrency
// to check.
const raceEnabled = true
