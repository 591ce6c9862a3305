package web

import (
	"net/url"
	"testing"
	"time"
)

func TestParseVisitTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" when refused
	}{
		{"2026-03-09T10:00:00-04:00", "2026-03-09T14:00:00Z"},
		{"2026-03-09T14:00:00Z", "2026-03-09T14:00:00Z"},
		{"2026-03-09T14:00:00.000Z", "2026-03-09T14:00:00Z"},
		{"2026-03-09T10:00:00", ""},
		{"2026-03-09", ""},
		{"1999-12-31T23:59:59Z", ""},
		{"2200-01-01T00:00:00Z", ""},
		{"", ""},
		{"'; DROP TABLE visit_appointments;--", ""},
	} {
		got, err := parseVisitTime(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("parseVisitTime(%q) = %v, want refused", tc.in, got)
		case tc.want != "" && (err != nil || got.UTC().Format(time.RFC3339) != tc.want):
			t.Errorf("parseVisitTime(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestQueryVisitID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64 // 0 when refused
	}{{"7", 7}, {"", 0}, {"0", 0}, {"-1", 0}, {"1e3", 0}, {"99999999999999999999", 0}, {" 7", 0}} {
		got, err := queryVisitID(url.Values{"type": {tc.in}}, "type", errVisitTypeNeeded)
		if (err == nil) != (tc.want != 0) || got != tc.want {
			t.Errorf("queryVisitID(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParseVisitTime: any input is refused or parsed to an instant in the
// accepted years that formats back to an equal instant.
func FuzzParseVisitTime(f *testing.F) {
	for _, s := range []string{"2026-03-09T10:00:00-04:00", "2026-03-09T14:00:00.5Z", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseVisitTime(s)
		if err != nil {
			return
		}
		if got.Year() < 2000 || got.Year() > 2199 {
			t.Fatalf("%q parsed to %v, outside the accepted years", s, got)
		}
		again, err := parseVisitTime(got.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(got) {
			t.Fatalf("%q: %v does not round-trip (%v, %v)", s, got, again, err)
		}
	})
}
