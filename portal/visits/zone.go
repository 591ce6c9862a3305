package visits

import (
	"time"
)

// LoadZone loads an IANA zone by name ("America/New_York"). "", "Local"
// and anything that is not a zone name are refused with ErrZone, so nothing
// depends on the server's own zone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || len(name) > 64 || !zoneName(name) {
		return nil, ErrZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, ErrZone
	}
	return loc, nil
}

// zoneName reports whether s looks like an IANA name: letters, digits and
// "/_+-", not starting with "/".
func zoneName(s string) bool {
	if s[0] == '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

// InZone returns t as seen in the named zone (ErrZone if unknown), for
// showing an instant to a viewer anywhere.
func InZone(t time.Time, zone string) (time.Time, error) {
	loc, err := LoadZone(zone)
	if err != nil {
		return time.Time{}, err
	}
	return t.In(loc), nil
}

// RenderLayout is the layout Render uses: "Mon 9 Mar 2026, 09:00 EDT".
const RenderLayout = "Mon 2 Jan 2006, 15:04 MST"

// Render formats t for a viewer in zone with RenderLayout (ErrZone if the
// zone is unknown).
func Render(t time.Time, zone string) (string, error) {
	l, err := InZone(t, zone)
	if err != nil {
		return "", err
	}
	return l.Format(RenderLayout), nil
}

// instantOf returns the instant at which the wall clock in loc reads the
// date plus min minutes: the first occurrence when that reading occurs
// twice (fall-back), the first instant after the gap when it does not
// occur (spring-forward).
func instantOf(d date, min int, loc *time.Location) time.Time {
	wall := time.Date(d.y, d.m, d.d, min/60, min%60, 0, 0, time.UTC)
	var first, lo, hi time.Time
	for _, probe := range []time.Duration{-36 * time.Hour, 0, 36 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		c := wall.Add(-time.Duration(off) * time.Second)
		r := reading(c, loc)
		switch {
		case r.Equal(wall):
			if first.IsZero() || c.Before(first) {
				first = c
			}
		case r.Before(wall):
			if lo.IsZero() || c.After(lo) {
				lo = c
			}
		default:
			if hi.IsZero() || c.Before(hi) {
				hi = c
			}
		}
	}
	if !first.IsZero() || lo.IsZero() || hi.IsZero() {
		return first
	}
	// In a gap: lo reads before wall and hi after; find the transition.
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if reading(mid, loc).After(wall) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// reading returns t's wall clock in loc as a UTC time with the same fields.
func reading(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}
