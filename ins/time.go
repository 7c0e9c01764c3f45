package ins

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the zone database inside the binary: a static image has none
)

// eastern is the service's time zone. Loading it cannot fail with the
// embedded database, so a failure is a broken build.
var eastern = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("ins: time zone %s: %v", name, err))
	}
	return loc
}

// Eastern returns U.S. Eastern time, the zone of the service's timestamps
// and dates.
func Eastern() *time.Location { return eastern }

const (
	timestampLayout = "2006-01-02 15:04:05"
	dateLayout      = "2006-01-02"
)

// ParseTimestamp reads a legacy INS timestamp, "2012-02-11 14:36:06 EST".
// EST and EDT give the offset exactly (so the repeated hour at the end of
// summer time is told apart); a timestamp without a zone is taken as
// Eastern local time. Other zone names are refused rather than guessed.
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("timestamp missing")
	}
	local, zone, _ := strings.Cut(s, " ")
	if clock, z, ok := strings.Cut(zone, " "); ok {
		local, zone = local+" "+clock, z
	} else {
		local, zone = s, ""
	}
	switch zone {
	case "":
		t, err := time.ParseInLocation(timestampLayout, local, eastern)
		if err != nil {
			return time.Time{}, fmt.Errorf("timestamp is not YYYY-MM-DD HH:MM:SS ZZZ")
		}
		return t, nil
	case "EST", "EDT":
		t, err := time.ParseInLocation(timestampLayout, local, eastern)
		if err != nil {
			return time.Time{}, fmt.Errorf("timestamp is not YYYY-MM-DD HH:MM:SS ZZZ")
		}
		offset := -5 * 3600
		if zone == "EDT" {
			offset = -4 * 3600
		}
		// Same wall clock, the offset the name says: in the hour that
		// happens twice, ParseInLocation alone would pick one at random.
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0,
			time.FixedZone(zone, offset)).In(eastern), nil
	case "UTC", "GMT":
		t, err := time.ParseInLocation(timestampLayout, local, time.UTC)
		if err != nil {
			return time.Time{}, fmt.Errorf("timestamp is not YYYY-MM-DD HH:MM:SS ZZZ")
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("timestamp has an unknown time zone")
}

// ParseDate reads an INS date ("2012-02-18") as midnight U.S. Eastern.
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(dateLayout, strings.TrimSpace(s), eastern)
	if err != nil {
		return time.Time{}, fmt.Errorf("date is not YYYY-MM-DD")
	}
	return t, nil
}
