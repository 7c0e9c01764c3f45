package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Faults are knobs that make the sandbox misbehave on purpose, for tests
// and demos. They apply to authenticated API calls only, never to the
// control endpoints, except INS, which applies to INS deliveries.
type Faults struct {
	// Latency is added before answering every API call.
	Latency time.Duration
	// FailRate is the share (0..1) of calls answered 500 INTERNAL_ERROR.
	FailRate float64
	// ForceError maps a method name (e.g. "mark_shipped") to the error code
	// every call of it is answered with, using that code's documented
	// message and status. No state changes on a forced error.
	ForceError map[string]string
	// INS makes INS deliveries misbehave.
	INS INSFaults
}

// INSFaults make INS deliveries misbehave, as a real network and a real
// service sometimes do. Each is the share (0..1) of deliveries it hits.
type INSFaults struct {
	// Drop: the message is not sent at all and is recorded as dropped
	// (never retried), as if lost on the way.
	Drop float64
	// Duplicate: the message is posted twice, same message_id.
	Duplicate float64
	// Reorder: messages due together are posted newest first; a message due
	// alone is held back for up to 5 seconds so a later one can overtake
	// it.
	Reorder float64
}

// ParseINSFaults parses the INS fault knob: a comma-separated list of drop,
// duplicate and reorder, each optionally with "=share" (default 1), e.g.
// "duplicate,reorder" or "drop=0.2". Empty means none.
func ParseINSFaults(s string) (INSFaults, error) {
	var f INSFaults
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, share, hasShare := strings.Cut(part, "=")
		v := 1.0
		if hasShare {
			var err error
			if v, err = strconv.ParseFloat(strings.TrimSpace(share), 64); err != nil || math.IsNaN(v) || v < 0 || v > 1 {
				return INSFaults{}, fmt.Errorf("sandbox: INS fault %q: the share must be between 0 and 1", part)
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "drop":
			f.Drop = v
		case "duplicate":
			f.Duplicate = v
		case "reorder":
			f.Reorder = v
		default:
			return INSFaults{}, fmt.Errorf("sandbox: INS fault %q: want drop, duplicate or reorder", part)
		}
	}
	return f, nil
}

// String renders the INS faults in ParseINSFaults syntax.
func (f INSFaults) String() string {
	var parts []string
	for _, x := range []struct {
		name  string
		share float64
	}{{"drop", f.Drop}, {"duplicate", f.Duplicate}, {"reorder", f.Reorder}} {
		switch {
		case x.share >= 1:
			parts = append(parts, x.name)
		case x.share > 0:
			parts = append(parts, x.name+"="+strconv.FormatFloat(x.share, 'f', -1, 64))
		}
	}
	return strings.Join(parts, ",")
}

func (f INSFaults) clamp() INSFaults {
	c := func(v float64) float64 {
		if math.IsNaN(v) || v < 0 {
			return 0
		}
		return min(v, 1)
	}
	return INSFaults{Drop: c(f.Drop), Duplicate: c(f.Duplicate), Reorder: c(f.Reorder)}
}

var codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// ParseFaults parses fault settings as given on a command line or in the
// environment: a Go duration ("300ms"), a share ("0.1") and a comma-separated
// list of method=CODE pairs ("mark_shipped=INTERNAL_ERROR,detail_sale=FORBIDDEN").
// Empty strings mean "none". Method names may carry their group
// ("sales/mark_shipped"); unknown methods are rejected so typos show.
func ParseFaults(latency, failRate, forceError string) (Faults, error) {
	var f Faults
	if s := strings.TrimSpace(latency); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return Faults{}, fmt.Errorf("sandbox: latency: %w", err)
		}
		f.Latency = d
	}
	if s := strings.TrimSpace(failRate); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return Faults{}, fmt.Errorf("sandbox: fail rate: %w", err)
		}
		f.FailRate = v
	}
	if s := strings.TrimSpace(forceError); s != "" {
		f.ForceError = map[string]string{}
		for _, pair := range strings.Split(s, ",") {
			pair = strings.TrimSpace(pair)
			if pair == "" {
				continue
			}
			m, code, found := strings.Cut(pair, "=")
			if !found {
				return Faults{}, fmt.Errorf("sandbox: force error %q: want method=CODE", pair)
			}
			f.ForceError[normalizeMethodName(strings.TrimSpace(m))] = strings.TrimSpace(code)
		}
	}
	if err := f.validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}

func (f Faults) validate() error {
	if f.Latency < 0 {
		return fmt.Errorf("sandbox: latency must not be negative")
	}
	if math.IsNaN(f.FailRate) || f.FailRate < 0 || f.FailRate > 1 {
		return fmt.Errorf("sandbox: fail rate must be between 0 and 1")
	}
	if f.INS != f.INS.clamp() {
		return fmt.Errorf("sandbox: INS fault shares must be between 0 and 1")
	}
	known := methodNames()
	for m, code := range f.ForceError {
		if !known[m] {
			return fmt.Errorf("sandbox: force error: unknown method %q", m)
		}
		if !codePattern.MatchString(code) {
			return fmt.Errorf("sandbox: force error: bad code %q for %s", code, m)
		}
	}
	return nil
}

func (f Faults) clone() Faults {
	out := f
	if f.ForceError != nil {
		out.ForceError = make(map[string]string, len(f.ForceError))
		for k, v := range f.ForceError {
			out.ForceError[k] = v
		}
	}
	return out
}

// forceErrorString renders ForceError in ParseFaults syntax, sorted, so
// the control endpoint's answer can be fed back to it.
func (f Faults) forceErrorString() string {
	keys := make([]string, 0, len(f.ForceError))
	for k := range f.ForceError {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + f.ForceError[k]
	}
	return strings.Join(parts, ",")
}

// SetFaults replaces the fault knobs at run time. Invalid settings (a
// negative latency, a rate or share outside 0..1, an unknown method) are
// ignored field by field: latency, rates and shares are clamped, unknown
// methods dropped.
func (s *Sandbox) SetFaults(f Faults) {
	f = f.clone()
	if f.Latency < 0 {
		f.Latency = 0
	}
	if math.IsNaN(f.FailRate) || f.FailRate < 0 {
		f.FailRate = 0
	}
	if f.FailRate > 1 {
		f.FailRate = 1
	}
	f.INS = f.INS.clamp()
	known := methodNames()
	for m, code := range f.ForceError {
		if !known[m] || !codePattern.MatchString(code) {
			delete(f.ForceError, m)
		}
	}
	s.faultMu.Lock()
	s.faults = f
	s.faultMu.Unlock()
}

// Faults returns a copy of the current fault knobs.
func (s *Sandbox) Faults() Faults {
	s.faultMu.RLock()
	defer s.faultMu.RUnlock()
	return s.faults.clone()
}

// injectedError decides whether this call fails on purpose: a forced code
// wins over the random failure share.
func injectedError(f Faults, spec *methodSpec) *apiError {
	if code, ok := f.ForceError[spec.name]; ok {
		return forcedError(spec, code)
	}
	if f.FailRate > 0 && (f.FailRate >= 1 || rand.Float64() < f.FailRate) {
		return newErr("INTERNAL_ERROR", msgInternal, "")
	}
	return nil
}

// normalizeMethodName accepts "mark_shipped" and "sales/mark_shipped".
func normalizeMethodName(m string) string {
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		return m[i+1:]
	}
	return m
}
