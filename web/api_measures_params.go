package web

import (
	"net/http"
	"strconv"
	"time"

	"haven/portal/fault"
)

// Query and body parameter errors of the measures and records routes.
var (
	errBadDate     = fault.New(fault.Invalid, "Give dates as YYYY-MM-DD.")
	errBadTime     = fault.New(fault.Invalid, "Give times as an ISO 8601 date and time, such as 2026-03-02T15:00:00Z.")
	errBadVersion  = fault.New(fault.Invalid, "The version in the address must be a positive whole number.")
	errLongRange   = fault.New(fault.Invalid, "Choose a range of at most two years.")
	errBadTimeSpan = fault.New(fault.Invalid, "Choose dates between the years 2000 and 2100.")
)

// maxRangeDays bounds a date range asked for in a query.
const maxRangeDays = 2*366 + 1

// parseDate parses a calendar date (YYYY-MM-DD) as midnight UTC; "" is the
// zero time. Years outside 2000–2100 are refused.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, errBadDate
	}
	if d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, errBadTimeSpan
	}
	return d, nil
}

// parseInstant parses an RFC 3339 time or a calendar date (midnight UTC);
// "" is the zero time. Years outside 2000–2100 are refused.
func parseInstant(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return parseDate(s)
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, errBadTimeSpan
	}
	return t, nil
}

// parseTimeField parses an RFC 3339 time given in a request body.
func parseTimeField(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errBadTime
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, errBadTimeSpan
	}
	return t, nil
}

// dayRange reads the from and to query dates of a day-by-day view (mood).
// Without them it is the last 90 days up to tomorrow (so today is
// included in every zone); a range over two years is refused.
func dayRange(r *http.Request, now time.Time) (from, to time.Time, err error) {
	q := r.URL.Query()
	if from, err = parseDate(q.Get("from")); err != nil {
		return
	}
	if to, err = parseDate(q.Get("to")); err != nil {
		return
	}
	if to.IsZero() {
		y, m, d := now.UTC().AddDate(0, 0, 1).Date()
		to = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -90)
	}
	if to.Sub(from) > maxRangeDays*24*time.Hour {
		return time.Time{}, time.Time{}, errLongRange
	}
	return from, to, nil
}

// pathInt parses the {name} path value as a positive int (a version).
func pathInt(r *http.Request, name string) (int, error) {
	n, err := strconv.Atoi(r.PathValue(name))
	if err != nil || n <= 0 || n > 1<<30 {
		return 0, errBadVersion
	}
	return n, nil
}

// dateString formats a calendar date as YYYY-MM-DD, or "" for the zero time.
func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
