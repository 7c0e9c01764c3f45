package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

type report struct {
	opts        *options
	env         string
	restartNote string
	stats       *stats
	mon         *monitor
	target      *target

	cpu        float64 // panel CPU seconds in the window, from /proc
	ownCPU     bool    // the harness started the panel (so /proc can be read)
	sandboxCPU float64
	selfCPU    float64
	conns      int64
	dropped    int64
	peakRSS    float64 // VmHWM of the panel process(es)

	calls  map[string]int
	writes int
	byKind map[string]*tally
	all    *tally
}

// describeMachine notes the conditions: the figures depend on what else the
// cores are doing.
func describeMachine() string {
	load := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = strings.Join(f[:3], " ")
		}
	}
	return fmt.Sprintf("%d CPU cores, load average %s at the start, %s", runtime.NumCPU(), load, runtime.Version())
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond))
	}
}

func mb(b float64) string { return fmt.Sprintf("%.1f MB", b/1e6) }

func itoa(n int) string { return fmt.Sprint(n) }

func (rep *report) print(w io.Writer) {
	o := rep.opts
	mode := "a realistic mix per role"
	if o.page != "" {
		mode = "one page: " + o.page
	}
	where := "a panel the harness started (sandbox: " + o.sandboxMode + ")"
	if o.url != "" {
		where = o.url
	}
	fmt.Fprintf(w, "\nBackoffice load test: %s, %d users per role (%s), %s\n", o.duration, o.users, strings.Join(o.roles, ", "), mode)
	fmt.Fprintf(w, "target: %s\n", where)
	fmt.Fprintf(w, "upstream faults: latency %s, fail rate %g, forced errors %q, dropped connections %g", o.latency, o.failRate, o.forceError, o.dropRate)
	if rep.dropped > 0 {
		fmt.Fprintf(w, " (%d dropped)", rep.dropped)
	}
	fmt.Fprintf(w, "; double %g, resend %g, edited resend %g", o.doubleRate, o.resendRate, o.staleRate)
	if o.noGzip {
		fmt.Fprint(w, "; without gzip")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "machine: %s; the load generator shares these cores\n", rep.env)
	if rep.restartNote != "" {
		fmt.Fprintf(w, "restart: %s\n", rep.restartNote)
	}

	names, kinds, window := rep.stats.snapshot()
	secs := window.Seconds()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nrequest\tn\tper s\tp50 ms\tp90 ms\tp99 ms\tadded p50\tp90\tp99\tunexpected\tno answer\t")
	var all []*kindStats
	for _, k := range names {
		ks := kinds[k]
		all = append(all, ks)
		rep.line(tw, summarize(k, []*kindStats{ks}), secs)
	}
	total := summarize("all", all)
	rep.line(tw, total, secs)
	tw.Flush()
	fmt.Fprintln(w, "(times are the whole answer as the user's browser gets it; \"added\" is that minus the upstream time:")
	fmt.Fprintln(w, " the panel's Server-Timing \"upstream\" when sent, else the latency knob times the page's calibrated")
	fmt.Fprintln(w, " upstream round trips; with no latency knob it is the whole time, the sandbox's own work included)")

	fmt.Fprintln(w, "\nserver")
	n := float64(total.n)
	per := func(v float64) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f µs", v/n*1e6)
	}
	if cpu, ok := rep.mon.increase(mCPU); ok {
		fmt.Fprintf(w, "  CPU per request        %s (process_cpu_seconds_total +%.2f s over %d requests)\n", per(cpu), cpu, total.n)
	} else {
		fmt.Fprintf(w, "  CPU per request        not read: /metrics unreachable (%v)\n", rep.mon.lastErr)
	}
	if rep.ownCPU {
		fmt.Fprintf(w, "                         /proc: panel %s, sandbox %s, load generator %s per request\n",
			per(rep.cpu), per(rep.sandboxCPU), per(rep.selfCPU))
	}
	fmt.Fprintf(w, "  peak memory            %s resident (process_resident_memory_bytes, sampled each second)", mb(rep.mon.peakRSS))
	if rep.peakRSS > 0 {
		fmt.Fprintf(w, "; %s VmHWM", mb(rep.peakRSS))
	}
	fmt.Fprintf(w, "; Go heap in use at most %s\n", mb(rep.mon.peakHeap))
	switch {
	case rep.target.proxy != nil:
		fmt.Fprintf(w, "  new upstream conns     %.4f per request (%d in all, counted by the harness between panel and sandbox)\n", float64(rep.conns)/max(n, 1), rep.conns)
	default:
		if v, ok := rep.mon.increase(mUpstreamConns); ok {
			fmt.Fprintf(w, "  new upstream conns     %.4f per request (%s +%.0f)\n", v/max(n, 1), mUpstreamConns, v)
		} else {
			fmt.Fprintf(w, "  new upstream conns     not exposed: the panel should count them as %s\n", mUpstreamConns)
		}
	}
	if rep.calls != nil {
		sum := 0
		for _, v := range rep.calls {
			sum += v
		}
		fmt.Fprintf(w, "  upstream calls         %.2f per request (%d counted by the sandbox, retries included)\n", float64(sum)/max(n, 1), sum)
	}
	var missing []string
	for _, m := range []string{mUpstreamCalls, mUpstreamSum, mWriteOutcomes, mIdemHits} {
		if v, ok := rep.mon.increase(m); ok {
			fmt.Fprintf(w, "  %-22s +%.0f", strings.TrimSuffix(m, "_sum"), v)
			if s := rep.mon.series(m); len(s) > 0 {
				fmt.Fprintf(w, "  %s", seriesLine(s))
			}
			fmt.Fprintln(w)
		} else {
			missing = append(missing, strings.TrimSuffix(m, "_sum"))
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "  not exposed yet        %s\n", strings.Join(missing, ", "))
	}

	fmt.Fprintln(w, "\nchanges")
	if rep.all == nil {
		if rep.writes == 0 {
			fmt.Fprintln(w, "  none made")
		} else {
			fmt.Fprintf(w, "  %d made but NOT CHECKED: no access to the sandbox's call counts\n", rep.writes)
		}
		return
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tattempted\tsends\tseen upstream\taudited\trefused repeats\tlost\tdoubled\t")
	for _, k := range writeKinds {
		t := rep.byKind[k.name]
		if t.attempted == 0 && t.seen == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", k.name, t.attempted, t.sends, t.seen, t.audited, t.refused, t.lost, t.doubled)
	}
	a := rep.all
	fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", a.attempted, a.sends, a.seen, a.audited, a.refused, a.lost, a.doubled)
	tw.Flush()
	fmt.Fprintln(w, "(attempted: distinct forms; sends: POSTs, repeats included; seen upstream: calls the sandbox counted;")
	fmt.Fprintln(w, " audited: entries saying the panel called 2Checkout; refused repeats: edited resends the panel refused)")
	for i, p := range a.problems {
		if i == 20 {
			fmt.Fprintf(w, "  ... and %d more\n", len(a.problems)-20)
			break
		}
		fmt.Fprintln(w, "  PROBLEM:", p)
	}
	if a.lost == 0 && a.doubled == 0 {
		fmt.Fprintln(w, "result: OK, nothing lost or done twice")
	} else {
		fmt.Fprintf(w, "result: FAIL, %d lost and %d doubled\n", a.lost, a.doubled)
	}
}

func (rep *report) line(tw io.Writer, s summary, secs float64) {
	added := "-\t-\t-"
	if s.addedN > 0 {
		added = ms(s.a50) + "\t" + ms(s.a90) + "\t" + ms(s.a99)
	}
	rate := 0.0
	if secs > 0 {
		rate = float64(s.n) / secs
	}
	fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t%d\t\n", s.kind, s.n, rate, ms(s.p50), ms(s.p90), ms(s.p99), added, s.unexpected, s.noAnswer)
}

func seriesLine(s map[string]float64) string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.0f", k, s[k]))
	}
	return strings.Join(parts, ", ")
}
