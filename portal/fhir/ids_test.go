package fhir

import (
	"strings"
	"testing"
	"time"
)

func TestParseScoped(t *testing.T) {
	for _, c := range []struct {
		in           string
		ok           bool
		patient, num int64
	}{
		{"12-34", true, 12, 34},
		{"1-1", true, 1, 1},
		{"9223372036854775807-9223372036854775807", true, 1<<63 - 1, 1<<63 - 1},
		{"12", false, 0, 0},
		{"12-", false, 0, 0},
		{"-34", false, 0, 0},
		{"0-34", false, 0, 0},
		{"12-034", false, 0, 0},
		{"12-3-4", false, 0, 0},
		{"12-score-4", false, 0, 0},
		{"12-+4", false, 0, 0},
		{"9223372036854775808-1", false, 0, 0},
		{"a-b", false, 0, 0},
		{"", false, 0, 0},
	} {
		got, ok := parseScoped(c.in)
		if ok != c.ok || ok && (got.patient != c.patient || got.num != c.num) {
			t.Errorf("parseScoped(%q) = %+v, %v; want %d, %d, %v", c.in, got, ok, c.patient, c.num, c.ok)
		}
	}
}

func TestParseObservation(t *testing.T) {
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		ok   bool
		want localID
	}{
		{"7-score-15", true, localID{patient: 7, kind: "score", num: 15}},
		{"7-mood-20240229", true, localID{patient: 7, kind: "mood", day: day}},
		{"7-mood-20230229", false, localID{}},
		{"7-mood-2024229", false, localID{}},
		{"7-mood-020240229", false, localID{}},
		{"7-mood-2024-02-29", false, localID{}},
		{"7-score-0", false, localID{}},
		{"7-score", false, localID{}},
		{"7-pulse-1", false, localID{}},
		{"x-score-1", false, localID{}},
		{"7-15", false, localID{}},
	} {
		got, ok := parseObservation(c.in)
		if ok != c.ok || ok && (got.patient != c.want.patient || got.kind != c.want.kind || got.num != c.want.num ||
			!got.day.Equal(c.want.day)) {
			t.Errorf("parseObservation(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if id := moodObservationID(7, day); id != "7-mood-20240229" {
		t.Errorf("moodObservationID = %q", id)
	}
}

func TestValidID(t *testing.T) {
	for in, want := range map[string]bool{"a": true, "A-1.b": true, strings.Repeat("x", 64): true,
		"": false, strings.Repeat("x", 65): false, "a_b": false, "a b": false, "a/b": false, "é": false} {
		if got := validID(in); got != want {
			t.Errorf("validID(%q) = %v", in, got)
		}
	}
}

func TestParsePatientRef(t *testing.T) {
	for in, want := range map[string]int64{"42": 42, "Patient/42": 42, "Practitioner/42": 0, "Patient/": 0,
		"042": 0, "-42": 0, "": 0, "Patient/Patient/42": 0} {
		got, ok := parsePatientRef(in)
		if got != want || ok != (want != 0) {
			t.Errorf("parsePatientRef(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

// FuzzIDs: whatever an id, the parsers never panic, and what they accept
// is written back exactly as given (one id per resource).
func FuzzIDs(f *testing.F) {
	for _, s := range []string{"1-2", "1-score-2", "1-mood-20240101", "0-1", "1--2", "9223372036854775807-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if id, ok := parseScoped(s); ok && scopedID(id.patient, itoa(id.num)) != s {
			t.Errorf("parseScoped(%q) accepted a non-canonical id: %+v", s, id)
		}
		if id, ok := parseObservation(s); ok {
			var back string
			if id.kind == "score" {
				back = scoreObservationID(id.patient, id.num)
			} else {
				back = moodObservationID(id.patient, id.day)
			}
			if back != s {
				t.Errorf("parseObservation(%q) accepted a non-canonical id: %q", s, back)
			}
		}
	})
}
