package visits

import (
	"testing"
	"time"
)

func TestInstantOf(t *testing.T) {
	loc, err := LoadZone(ny)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		day  date
		min  int
		want string // RFC 3339 in UTC
	}{
		{"winter", date{2026, 3, 6}, 9 * 60, "2026-03-06T14:00:00Z"},
		{"summer", date{2026, 3, 9}, 9 * 60, "2026-03-09T13:00:00Z"},
		{"before the gap", date{2026, 3, 8}, 1*60 + 59, "2026-03-08T06:59:00Z"},
		{"in the gap: end of it", date{2026, 3, 8}, 2*60 + 30, "2026-03-08T07:00:00Z"},
		{"after the gap", date{2026, 3, 8}, 3 * 60, "2026-03-08T07:00:00Z"},
		{"fall-back: first occurrence", date{2026, 11, 1}, 1*60 + 30, "2026-11-01T05:30:00Z"},
		{"after fall-back", date{2026, 11, 1}, 2 * 60, "2026-11-01T07:00:00Z"},
		{"midnight", date{2026, 1, 1}, 0, "2026-01-01T05:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := instantOf(tt.day, tt.min, loc).UTC().Format(time.RFC3339); got != tt.want {
				t.Fatalf("instantOf(%v, %s) = %s, want %s", tt.day, clockString(tt.min), got, tt.want)
			}
		})
	}
}

func TestLoadZone(t *testing.T) {
	for _, ok := range []string{"America/New_York", "Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "America/Port-au-Prince"} {
		if _, err := LoadZone(ok); err != nil {
			t.Errorf("LoadZone(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "America/New_York'; DROP TABLE users;--",
		"America/New York", "America/New_York\x00", string(make([]byte, 65))} {
		if _, err := LoadZone(bad); err != ErrZone {
			t.Errorf("LoadZone(%q) = %v, want ErrZone", bad, err)
		}
	}
}

func TestRenderInViewerZone(t *testing.T) {
	start := time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)
	tests := []struct{ zone, want string }{
		{"America/New_York", "Mon 9 Mar 2026, 09:00 EDT"},
		{"Europe/Berlin", "Mon 9 Mar 2026, 14:00 CET"},
		{"Asia/Tokyo", "Mon 9 Mar 2026, 22:00 JST"},
		{"America/Los_Angeles", "Mon 9 Mar 2026, 06:00 PDT"},
	}
	for _, tt := range tests {
		got, err := Render(start, tt.zone)
		if err != nil || got != tt.want {
			t.Errorf("Render(%s) = %q, %v; want %q", tt.zone, got, err, tt.want)
		}
	}
	if _, err := Render(start, "Nowhere/Special"); err != ErrZone {
		t.Errorf("Render(unknown zone) = %v, want ErrZone", err)
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"00:00", 0, true}, {"09:30", 570, true}, {"23:59", 1439, true},
		{"24:00", 0, false}, {"9:30", 0, false}, {"09:60", 0, false}, {"0930", 0, false},
		{"", 0, false}, {"09:3a", 0, false}, {"-1:00", 0, false}, {"09:00'--", 0, false}, {"１２:００", 0, false},
	}
	for _, tt := range tests {
		got, err := parseClock(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseClock(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2026-03-08", true}, {"2000-01-01", true}, {"2026-02-29", false}, {"2026-3-8", false},
		{"1999-12-31", false}, {"2026-03-08T00:00", false}, {"", false}, {"2026-03-08'", false},
	}
	for _, tt := range tests {
		d, err := parseDate(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseDate(%q) = %v; want ok=%v", tt.in, err, tt.ok)
		}
		if err == nil && d.String() != tt.in {
			t.Errorf("parseDate(%q).String() = %q", tt.in, d.String())
		}
	}
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"09:00", "23:59", "24:00", "", "9:0", "ab:cd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseClock(s)
		if err != nil {
			return
		}
		if m < 0 || m >= 24*60 || clockString(m) != s {
			t.Fatalf("parseClock(%q) = %d (%s)", s, m, clockString(m))
		}
	})
}

func FuzzParseAvailability(f *testing.F) {
	f.Add(ny, "09:00", "12:00", "2026-03-08", "off", "", "")
	f.Add("Europe/Berlin", "23:00", "01:00", "2026-13-01", "extra", "10:00", "09:00")
	f.Fuzz(func(t *testing.T, zone, start, end, day, kind, exStart, exEnd string) {
		av := Availability{Zone: zone, Weekly: []WeeklyHours{{Weekday: time.Monday, Start: start, End: end}},
			Exceptions: []Exception{{Date: day, Kind: ExceptionKind(kind), Start: exStart, End: exEnd}}}
		sc, err := parseAvailability(av)
		if err != nil {
			return
		}
		// Whatever parses yields slots inside its windows, in order.
		from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		var prev time.Time
		for _, sl := range sc.slots(from, from.AddDate(0, 0, 14), 30*time.Minute) {
			if sl.Start.Before(prev) || !sl.End.After(sl.Start) {
				t.Fatalf("slots out of order: %v after %v", sl.Start, prev)
			}
			prev = sl.Start
		}
	})
}
