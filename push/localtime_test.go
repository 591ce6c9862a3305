package push

import (
	"errors"
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestInstantAcrossDST pins the rule for wall times on daylight-saving
// change days: a time in the spring-forward gap fires at the first instant
// after the gap (03:00 local); a time that occurs twice fires at its first
// occurrence.
func TestInstantAcrossDST(t *testing.T) {
	tests := []struct {
		zone, wall, want, why string
	}{
		{"America/New_York", "2026-03-08T01:30:00Z", "2026-03-08T06:30:00Z", "before the gap: EST"},
		{"America/New_York", "2026-03-08T02:30:00Z", "2026-03-08T07:00:00Z", "in the gap: 03:00 EDT"},
		{"America/New_York", "2026-11-01T01:30:00Z", "2026-11-01T05:30:00Z", "repeated: first, EDT"},
		{"America/New_York", "2026-11-01T02:30:00Z", "2026-11-01T07:30:00Z", "after the overlap: EST only"},
		{"Europe/Berlin", "2026-03-29T01:30:00Z", "2026-03-29T00:30:00Z", "before the gap: CET"},
		{"Europe/Berlin", "2026-03-29T02:30:00Z", "2026-03-29T01:00:00Z", "in the gap: 03:00 CEST"},
		{"Europe/Berlin", "2026-10-25T01:30:00Z", "2026-10-24T23:30:00Z", "before the overlap: CEST only"},
		{"Europe/Berlin", "2026-10-25T02:30:00Z", "2026-10-25T00:30:00Z", "repeated: first, CEST"},
		{"America/New_York", "2026-07-01T09:15:30Z", "2026-07-01T13:15:30Z", "ordinary summer day"},
		{"Europe/Berlin", "2026-01-15T08:00:00Z", "2026-01-15T07:00:00Z", "ordinary winter day"},
		{"Australia/Lord_Howe", "2026-04-05T01:45:00Z", "2026-04-04T14:45:00Z", "half-hour overlap: first"},
		{"Australia/Lord_Howe", "2026-10-04T02:15:00Z", "2026-10-03T15:30:00Z", "half-hour gap: 02:30"},
		{"UTC", "2026-03-08T02:30:00Z", "2026-03-08T02:30:00Z", "no DST"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.wall[:16]+" "+tt.why, func(t *testing.T) {
			got, err := Local{Wall: utc(tt.wall), Zone: tt.zone}.Instant()
			if err != nil {
				t.Fatal(err)
			}
			if want := utc(tt.want); !got.Equal(want) {
				t.Fatalf("Instant = %s (%s local), want %s", got.UTC().Format(time.RFC3339), got.In(mustZone(t, tt.zone)).Format("15:04 MST"), tt.want)
			}
		})
	}
}

func TestInstantRefusesUnknownZones(t *testing.T) {
	for _, zone := range []string{"", "Local", "Mars/Olympus", "../etc/passwd"} {
		if _, err := (Local{Wall: utc("2026-01-01T00:00:00Z"), Zone: zone}).Instant(); !errors.Is(err, ErrZone) {
			t.Errorf("zone %q: err = %v, want ErrZone", zone, err)
		}
	}
}

// TestNextDailyAcrossDST follows a daily reminder through both change days
// in both zones: it fires once per local day, at 03:00 on the spring day
// when its time is in the gap, and at the first occurrence on the fall day.
func TestNextDailyAcrossDST(t *testing.T) {
	tests := []struct {
		zone, time, after string
		want              []string
	}{
		{"America/New_York", "02:30", "2026-03-07T17:00:00Z", []string{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}},
		{"America/New_York", "01:30", "2026-03-07T17:00:00Z", []string{"2026-03-08T06:30:00Z", "2026-03-09T05:30:00Z"}},
		{"America/New_York", "01:30", "2026-10-31T16:00:00Z", []string{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		{"America/New_York", "02:30", "2026-10-31T16:00:00Z", []string{"2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z"}},
		{"Europe/Berlin", "02:30", "2026-03-28T11:00:00Z", []string{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}},
		{"Europe/Berlin", "01:30", "2026-03-28T11:00:00Z", []string{"2026-03-29T00:30:00Z", "2026-03-29T23:30:00Z"}},
		{"Europe/Berlin", "02:30", "2026-10-24T10:00:00Z", []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}},
		{"Europe/Berlin", "01:30", "2026-10-24T10:00:00Z", []string{"2026-10-24T23:30:00Z", "2026-10-26T00:30:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.time+" from "+tt.after[:10], func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			c, err := parseClock(tt.time)
			if err != nil {
				t.Fatal(err)
			}
			at := utc(tt.after)
			for i, want := range tt.want {
				at = nextDaily(at, []clock{c}, loc)
				if !at.Equal(utc(want)) {
					t.Fatalf("occurrence %d = %s (%s), want %s", i+1, at.UTC().Format(time.RFC3339), at.In(loc).Format("Jan 2 15:04 MST"), want)
				}
			}
		})
	}
}

// TestNextDailyOncePerDay walks three weeks around each change day with
// several daily times and checks every time fires exactly once a day.
func TestNextDailyOncePerDay(t *testing.T) {
	for _, tc := range []struct{ zone, start string }{
		{"America/New_York", "2026-02-28T12:00:00Z"},
		{"America/New_York", "2026-10-25T12:00:00Z"},
		{"Europe/Berlin", "2026-03-21T12:00:00Z"},
		{"Europe/Berlin", "2026-10-18T12:00:00Z"},
	} {
		loc := mustZone(t, tc.zone)
		times, err := parseDailyTimes([]string{"01:30", "02:30", "08:00", "23:59"})
		if err != nil {
			t.Fatal(err)
		}
		at := utc(tc.start)
		first := at.In(loc).Format("2006-01-02")
		perDay := map[string]int{}
		for range 21 * len(times) {
			next := nextDaily(at, times, loc)
			if !next.After(at) {
				t.Fatalf("%s: next %s not after %s", tc.zone, next, at)
			}
			at = next
			perDay[at.In(loc).Format("2006-01-02")]++
		}
		for day, n := range perDay {
			if n != len(times) && day != first && day != at.In(loc).Format("2006-01-02") {
				t.Errorf("%s %s: %d reminders, want %d", tc.zone, day, n, len(times))
			}
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want clock
		ok   bool
	}{
		{"00:00", clock{0, 0}, true},
		{"08:05", clock{8, 5}, true},
		{"23:59", clock{23, 59}, true},
		{"24:00", clock{}, false},
		{"12:60", clock{}, false},
		{"8:00", clock{}, false},
		{"08:0", clock{}, false},
		{"08.00", clock{}, false},
		{"-1:00", clock{}, false},
		{"0a:00", clock{}, false},
		{"", clock{}, false},
		{"08:00:00", clock{}, false},
	}
	for _, tt := range tests {
		got, err := parseClock(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("parseClock(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("clock %q formats as %q", tt.in, got.String())
		}
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"08:00", "23:59", "24:00", "aa:bb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseClock(s)
		if err != nil {
			return
		}
		if c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59 || c.String() != s {
			t.Fatalf("parseClock(%q) = %+v", s, c)
		}
	})
}

func TestQuietUntil(t *testing.T) {
	tests := []struct {
		name, start, end, zone, now string
		quiet                       bool
		until                       string
	}{
		{"wraps, evening", "22:00", "07:00", "America/New_York", "2026-11-23T04:00:00Z", true, "2026-11-23T12:00:00Z"},
		{"wraps, early morning", "22:00", "07:00", "America/New_York", "2026-11-23T11:59:00Z", true, "2026-11-23T12:00:00Z"},
		{"wraps, at the end", "22:00", "07:00", "America/New_York", "2026-11-23T12:00:00Z", false, ""},
		{"wraps, before the start", "22:00", "07:00", "America/New_York", "2026-11-23T02:59:00Z", false, ""},
		{"same day", "13:00", "14:00", "Europe/Berlin", "2026-11-23T12:30:00Z", true, "2026-11-23T13:00:00Z"},
		{"same day, after", "13:00", "14:00", "Europe/Berlin", "2026-11-23T13:00:00Z", false, ""},
		{"end in the gap", "01:00", "02:30", "America/New_York", "2026-03-08T06:59:00Z", true, "2026-03-08T07:00:00Z"},
		{"end after fall-back", "00:00", "02:30", "Europe/Berlin", "2026-10-24T23:30:00Z", true, "2026-10-25T00:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Preferences{QuietStart: tt.start, QuietEnd: tt.end, Zone: tt.zone}.compile()
			if err != nil {
				t.Fatal(err)
			}
			until, quiet := r.quietUntil(utc(tt.now))
			if quiet != tt.quiet {
				t.Fatalf("quiet = %v, want %v", quiet, tt.quiet)
			}
			if quiet && !until.Equal(utc(tt.until)) {
				t.Fatalf("until = %s, want %s", until.UTC().Format(time.RFC3339), tt.until)
			}
		})
	}
}

func TestPreferencesValidation(t *testing.T) {
	tests := []struct {
		name string
		p    Preferences
		want error
	}{
		{"none", Preferences{}, nil},
		{"quiet hours", Preferences{QuietStart: "22:00", QuietEnd: "07:00", Zone: "Europe/Berlin"}, nil},
		{"opt out", Preferences{OptOut: []Kind{KindMedication}}, nil},
		{"start only", Preferences{QuietStart: "22:00", Zone: "Europe/Berlin"}, ErrClock},
		{"equal bounds", Preferences{QuietStart: "22:00", QuietEnd: "22:00", Zone: "Europe/Berlin"}, ErrQuietHours},
		{"no zone", Preferences{QuietStart: "22:00", QuietEnd: "07:00"}, ErrQuietHours},
		{"bad zone", Preferences{QuietStart: "22:00", QuietEnd: "07:00", Zone: "Nowhere/Else"}, ErrZone},
		{"crisis", Preferences{OptOut: []Kind{KindCrisisAlert}}, ErrCrisisOptOut},
		{"unknown kind", Preferences{OptOut: []Kind{"newsletter"}}, ErrUnknownKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.compile()
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("compile = %v, want %v", err, tt.want)
			}
		})
	}
}
