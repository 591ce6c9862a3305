package push

import (
	"time"

	"haven/portal/fault"
)

// Errors of local times.
var (
	ErrZone  = fault.New(fault.Invalid, "unknown time zone")
	ErrClock = fault.New(fault.Invalid, "times of day must be HH:MM")
)

// Local is a wall-clock reading in an IANA zone, as Haven stores
// appointment and due times.
type Local struct {
	// Wall's year, month, day, hour, minute and second are the reading; its
	// Location is ignored (a "timestamp without time zone" scanned by pgx
	// arrives in UTC and is used as it is).
	Wall time.Time
	Zone string // IANA name, e.g. "America/New_York"
}

// Instant returns the instant at which the wall clock in the zone reads
// l.Wall. A reading that occurs twice (fall-back) resolves to its first
// occurrence; one that does not occur (spring-forward gap) resolves to the
// first instant after the gap. ErrZone when the zone is unknown.
func (l Local) Instant() (time.Time, error) {
	loc, err := loadZone(l.Zone)
	if err != nil {
		return time.Time{}, err
	}
	w := l.Wall
	return resolve(time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC), loc), nil
}

// loadZone loads an IANA zone; "" and "Local" are refused so that nothing
// depends on the server's own zone.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, ErrZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, ErrZone
	}
	return loc, nil
}

// resolve returns the instant at which the wall clock in loc reads wall
// (whose fields are read in UTC): the first occurrence when the reading
// occurs twice, the end of the gap when it does not occur.
func resolve(wall time.Time, loc *time.Location) time.Time {
	var candidates []time.Time
	for _, probe := range []time.Duration{-36 * time.Hour, 0, 36 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		candidates = append(candidates, wall.Add(-time.Duration(off)*time.Second))
	}
	var first, latest time.Time
	for _, t := range candidates {
		if readsAs(t.In(loc), wall) && (first.IsZero() || t.Before(first)) {
			first = t
		}
		if t.After(latest) {
			latest = t
		}
	}
	if !first.IsZero() {
		return first
	}
	// In a gap every candidate misses. The latest one (wall minus the
	// offset before the gap) lies after the transition, and its zone
	// period begins at the transition: the first instant after the gap.
	start, _ := latest.In(loc).ZoneBounds()
	return start
}

// readsAs reports whether local shows the same wall clock as wall (UTC fields).
func readsAs(local, wall time.Time) bool {
	return time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), 0, time.UTC).Equal(wall)
}

// clock is a time of day, HH:MM.
type clock struct{ hour, minute int }

// parseClock parses "HH:MM" (00:00 to 23:59, two digits each).
func parseClock(s string) (clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return clock{}, ErrClock
	}
	d := func(i int) int {
		if s[i] < '0' || s[i] > '9' {
			return -100
		}
		return int(s[i] - '0')
	}
	h, m := d(0)*10+d(1), d(3)*10+d(4)
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return clock{}, ErrClock
	}
	return clock{h, m}, nil
}

// String formats c as HH:MM.
func (c clock) String() string {
	return time.Date(2000, 1, 1, c.hour, c.minute, 0, 0, time.UTC).Format("15:04")
}

// minutes is c as minutes since midnight.
func (c clock) minutes() int { return c.hour*60 + c.minute }

// on returns the instant c occurs on the local date of day in loc.
func (c clock) on(y int, m time.Month, d int, loc *time.Location) time.Time {
	return resolve(time.Date(y, m, d, c.hour, c.minute, 0, 0, time.UTC), loc)
}

// nextDaily returns the first instant strictly after after at which one of
// the daily times occurs in loc. Each time fires once a day: at the end of
// the gap on a spring-forward day, at its first occurrence on a fall-back day.
func nextDaily(after time.Time, times []clock, loc *time.Location) time.Time {
	var best time.Time
	local := after.In(loc)
	for day := -1; day <= 2; day++ {
		y, m, d := local.AddDate(0, 0, day).Date()
		for _, c := range times {
			t := c.on(y, m, d, loc)
			if t.After(after) && (best.IsZero() || t.Before(best)) {
				best = t
			}
		}
		if !best.IsZero() && day >= 0 {
			return best
		}
	}
	return best
}
