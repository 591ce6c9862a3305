package web

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestParseDateAndInstant(t *testing.T) {
	utc := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in           string
		date, instnt time.Time
		dateErr      error
		instErr      error
	}{
		{in: ""},
		{in: "2026-03-02", date: utc(2026, 3, 2, 0, 0), instnt: utc(2026, 3, 2, 0, 0)},
		{in: "2026-03-02T15:04:00Z", dateErr: errBadDate, instnt: utc(2026, 3, 2, 15, 4)},
		{in: "2026-02-30", dateErr: errBadDate, instErr: errBadDate},
		{in: "1999-12-31", dateErr: errBadTimeSpan, instErr: errBadTimeSpan},
		{in: "2101-01-01T00:00:00Z", dateErr: errBadDate, instErr: errBadTimeSpan},
		{in: "02/03/2026", dateErr: errBadDate, instErr: errBadDate},
		{in: "2026-3-2", dateErr: errBadDate, instErr: errBadDate},
	} {
		d, err := parseDate(tc.in)
		if !errors.Is(err, tc.dateErr) || err == nil && !d.Equal(tc.date) {
			t.Errorf("parseDate(%q) = %v, %v; want %v, %v", tc.in, d, err, tc.date, tc.dateErr)
		}
		i, err := parseInstant(tc.in)
		if !errors.Is(err, tc.instErr) || err == nil && !i.Equal(tc.instnt) {
			t.Errorf("parseInstant(%q) = %v, %v; want %v, %v", tc.in, i, err, tc.instnt, tc.instErr)
		}
	}
}

func TestDayRange(t *testing.T) {
	now := time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("x", -5*3600))
	for _, tc := range []struct {
		query    string
		from, to string
		err      error
	}{
		{"", "2025-12-04", "2026-03-04", nil},
		{"?from=2026-01-01&to=2026-02-01", "2026-01-01", "2026-02-01", nil},
		{"?to=2026-02-01", "2025-11-03", "2026-02-01", nil},
		{"?from=2020-01-01&to=2026-01-01", "", "", errLongRange},
		{"?from=soon", "", "", errBadDate},
	} {
		from, to, err := dayRange(httptest.NewRequest("GET", "/x"+tc.query, nil), now)
		if !errors.Is(err, tc.err) || err == nil && (dateString(from) != tc.from || dateString(to) != tc.to) {
			t.Errorf("dayRange(%q) = %s, %s, %v; want %s, %s, %v", tc.query, dateString(from), dateString(to), err, tc.from, tc.to, tc.err)
		}
	}
}

// FuzzChartInput feeds untrusted strings to the query parsers and the
// safety plan's nested decoder: they never panic, and they fail only with
// a classified, user-safe error.
func FuzzChartInput(f *testing.F) {
	for _, s := range []string{"", "2026-03-02", "2026-03-02T15:04:05+01:00", "{}", `{"warning_signs":["a"]}`,
		`{"help_contacts":[{"name":"a","phone":"1"}]}`, `{"x":1}`, "null", "[", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (time.Time, error){parseDate, parseInstant, parseTimeField} {
			if v, err := parse(s); err != nil {
				if fault.CodeOf(err) != fault.Invalid {
					t.Fatalf("%q: unclassified error %v", s, err)
				}
			} else if !v.IsZero() && (v.Year() < 2000 || v.Year() > 2100) {
				t.Fatalf("%q parsed to %v, outside 2000–2100", s, v)
			}
		}
		if _, err := (safetyPlanRequest{Plan: []byte(s)}).plan(); err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("plan %q: unclassified error %v", s, err)
		}
	})
}
