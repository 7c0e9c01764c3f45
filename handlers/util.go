package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/form"
)

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func userTarget(id int64) string { return "user:" + itoa64(id) }

// plural counts a word in English: "1 parcel", "3 parcels".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

// roughly says how long something has waited in the unit a person would
// use: a parcel on the pick list, a refund awaiting approval.
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

// timeLayout is how the panel shows a moment: day, month and year a person
// reads without thinking, and always the zone, so nobody wonders whose
// time it is ("3 Dec 2026 14:05 UTC").
const timeLayout = "2 Jan 2006 15:04 MST"

// formatTime shows a time in UTC, the zone the API uses, for places that
// do not know the team's zone.
func formatTime(t time.Time) string { return formatTimeIn(t, time.UTC) }

// formatTimeIn shows a time in loc, the team's zone (config time-zone);
// nil is UTC. It is the one format every page's times use.
func formatTimeIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "never"
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(timeLayout)
}

// shortAgent reduces a User-Agent to the browser and platform a person
// recognises.
func shortAgent(ua string) string {
	browser := "Browser"
	for _, b := range []string{"Edg/", "Firefox/", "Chrome/", "Safari/", "curl/"} {
		if strings.Contains(ua, b) {
			browser = map[string]string{"Edg/": "Edge", "Firefox/": "Firefox", "Chrome/": "Chrome", "Safari/": "Safari", "curl/": "curl"}[b]
			break
		}
	}
	platform := ""
	for _, p := range []string{"Android", "iPhone", "iPad", "Windows", "Mac OS X", "Linux"} {
		if strings.Contains(ua, p) {
			platform = p
			break
		}
	}
	if platform == "Mac OS X" {
		platform = "macOS"
	}
	if platform != "" {
		return browser + " on " + platform
	}
	return browser
}

// flag01 writes a flag as the API's parameters and the panel's own query
// strings take it.
func flag01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// apiIDMaxDigits bounds the API's numeric ids (products, options, sales,
// invoices): they fit in 19 digits.
const apiIDMaxDigits = 19

// pathID reads a numeric API id from the path parameter name: digits only,
// else 404 without asking the API. Ids of records never come from a form
// body, so a field cannot redirect a change.
func pathID(c echo.Context, name string) (string, error) {
	id := c.Param(name)
	if !form.IsDigits(id, apiIDMaxDigits) {
		return "", echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// posted reads a posted form (body and query): a body that cannot be read
// is a 400. Every handler that takes a form reads it here.
func posted(c echo.Context) (url.Values, error) {
	vals, err := c.FormParams()
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest)
	}
	return vals, nil
}
