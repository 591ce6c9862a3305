package meds

import (
	"slices"
	"time"
)

// maxDailyTimes bounds a medication's dose times a day (as push does).
const maxDailyTimes = 24

// loadZone loads an IANA zone by name; "", "Local" and anything that is not
// a zone name are refused (ErrZone).
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || len(name) > 64 || name[0] == '/' {
		return nil, ErrZone
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '+' || c == '-') {
			return nil, ErrZone
		}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, ErrZone
	}
	return loc, nil
}

// parseDate parses YYYY-MM-DD (years 1900 to 2199) to midnight UTC.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 || t.Year() < 1900 || t.Year() > 2199 {
		return time.Time{}, ErrDate
	}
	return t, nil
}

// localDay returns t's date in loc as midnight UTC, comparable with parseDate's.
func localDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// validClock reports whether s is HH:MM, 00:00 to 23:59.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[:2] <= "23" && s[3:] <= "59"
}

// parseTimes validates daily dose times and returns them sorted, without
// duplicates (ErrTimes).
func parseTimes(in []string) ([]string, error) {
	if len(in) > maxDailyTimes {
		return nil, ErrTimes
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !validClock(s) {
			return nil, ErrTimes
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out, nil
}
