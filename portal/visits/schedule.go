package visits

import (
	"slices"
	"time"
)

// span is a local time range on one day, in minutes since midnight.
type span struct{ from, to int }

// schedule is an Availability parsed for slot generation.
type schedule struct {
	zone   string
	loc    *time.Location
	weekly [7][]span
	off    map[date][]span
	extra  map[date][]span
}

// parseAvailability validates av and returns it parsed.
func parseAvailability(av Availability) (*schedule, error) {
	loc, err := LoadZone(av.Zone)
	if err != nil {
		return nil, err
	}
	if len(av.Weekly) > maxWeekly || len(av.Exceptions) > maxExceptions {
		return nil, ErrTooManyRules
	}
	sc := &schedule{zone: av.Zone, loc: loc, off: map[date][]span{}, extra: map[date][]span{}}
	for _, w := range av.Weekly {
		if w.Weekday < time.Sunday || w.Weekday > time.Saturday {
			return nil, ErrWeekday
		}
		sp, err := parseSpan(w.Start, w.End)
		if err != nil {
			return nil, err
		}
		sc.weekly[w.Weekday] = append(sc.weekly[w.Weekday], sp)
	}
	for _, e := range av.Exceptions {
		if err := sc.addException(e); err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// addException validates e and adds it to sc.
func (sc *schedule) addException(e Exception) error {
	d, err := parseDate(e.Date)
	if err != nil {
		return err
	}
	switch {
	case e.Kind == Off && e.Start == "" && e.End == "":
		sc.off[d] = append(sc.off[d], span{0, 24 * 60})
		return nil
	case e.Kind != Off && e.Kind != Extra:
		return ErrExceptionKind
	}
	sp, err := parseSpan(e.Start, e.End)
	if err != nil {
		return err
	}
	if e.Kind == Off {
		sc.off[d] = append(sc.off[d], sp)
	} else {
		sc.extra[d] = append(sc.extra[d], sp)
	}
	return nil
}

// parseSpan parses a local start and end, end after start.
func parseSpan(start, end string) (span, error) {
	a, err := parseClock(start)
	if err != nil {
		return span{}, err
	}
	b, err := parseClock(end)
	if err != nil {
		return span{}, err
	}
	if b <= a {
		return span{}, ErrEndBeforeStart
	}
	return span{a, b}, nil
}

// windows returns the open spans of day d: the weekly hours and extra hours
// merged, minus the hours off, in order.
func (sc *schedule) windows(d date) []span {
	open := append(slices.Clone(sc.weekly[d.weekday()]), sc.extra[d]...)
	open = merge(open)
	for _, off := range sc.off[d] {
		open = subtract(open, off)
	}
	return open
}

// merge sorts spans and joins those that overlap or touch.
func merge(in []span) []span {
	slices.SortFunc(in, func(a, b span) int { return a.from - b.from })
	var out []span
	for _, sp := range in {
		if n := len(out); n > 0 && sp.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, sp.to)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// subtract removes cut from the ordered spans.
func subtract(in []span, cut span) []span {
	var out []span
	for _, sp := range in {
		if sp.to <= cut.from || sp.from >= cut.to {
			out = append(out, sp)
			continue
		}
		if sp.from < cut.from {
			out = append(out, span{sp.from, cut.from})
		}
		if sp.to > cut.to {
			out = append(out, span{cut.to, sp.to})
		}
	}
	return out
}

// slots returns the slots of length d that start in [from, to), in order:
// each window is cut into back-to-back slots from its start, in real
// (elapsed) time, so a window spanning a clock change holds as many slots
// as fit in its true length.
func (sc *schedule) slots(from, to time.Time, length time.Duration) []Slot {
	var out []Slot
	last := dateOf(to.In(sc.loc))
	for d := dateOf(from.In(sc.loc)).addDays(-1); !last.before(d); d = d.addDays(1) {
		for _, w := range sc.windows(d) {
			start, end := instantOf(d, w.from, sc.loc), instantOf(d, w.to, sc.loc)
			for t := start; !t.Add(length).After(end); t = t.Add(length) {
				if !t.Before(from) && t.Before(to) {
					out = append(out, Slot{Start: t, End: t.Add(length), Zone: sc.zone})
				}
			}
		}
	}
	return out
}
