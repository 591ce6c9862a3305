package visits

import (
	"fmt"
	"time"
)

// date is a calendar date without a zone.
type date struct {
	y int
	m time.Month
	d int
}

// parseDate parses YYYY-MM-DD (years 2000 to 2199).
func parseDate(s string) (date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 || t.Year() < 2000 || t.Year() > 2199 {
		return date{}, ErrDate
	}
	return dateOf(t), nil
}

// dateOf returns the date of t's fields (in t's own location).
func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

// String formats d as YYYY-MM-DD.
func (d date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d) }

// addDays returns d moved by n days.
func (d date) addDays(n int) date {
	return dateOf(time.Date(d.y, d.m, d.d+n, 12, 0, 0, 0, time.UTC))
}

// weekday returns d's day of the week.
func (d date) weekday() time.Weekday {
	return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
}

// before reports whether d is earlier than e.
func (d date) before(e date) bool {
	return d.y < e.y || d.y == e.y && (d.m < e.m || d.m == e.m && d.d < e.d)
}

// parseClock parses HH:MM (00:00 to 23:59) into minutes since midnight.
func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, ErrClock
	}
	digit := func(i int) int {
		if s[i] < '0' || s[i] > '9' {
			return -1000
		}
		return int(s[i] - '0')
	}
	h, m := digit(0)*10+digit(1), digit(3)*10+digit(4)
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, ErrClock
	}
	return h*60 + m, nil
}

// clockString formats minutes since midnight as HH:MM.
func clockString(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }
