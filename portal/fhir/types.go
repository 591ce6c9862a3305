package fhir

import "time"

// The FHIR datatypes Haven emits. Field names follow the FHIR JSON
// representation; empty values are omitted, as FHIR forbids empty elements.

type meta struct {
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Tag         []coding `json:"tag,omitempty"`
}

type coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type concept struct {
	Coding []coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

type period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

type extension struct {
	URL            string     `json:"url"`
	ValueInteger   *int64     `json:"valueInteger,omitempty"`
	ValueDateTime  string     `json:"valueDateTime,omitempty"`
	ValueReference *reference `json:"valueReference,omitempty"`
}

type annotation struct {
	Text string `json:"text"`
}

type humanName struct {
	Text string `json:"text,omitempty"`
}

type contactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// instant formats t as a FHIR instant (UTC, RFC 3339), or "" for the zero time.
func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// fhirDate formats the calendar date of t (in t's location) as a FHIR date.
func fhirDate(t time.Time) string { return t.Format(time.DateOnly) }

func metaAt(t time.Time) meta { return meta{LastUpdated: instant(t)} }

func ref(typ, id string) reference { return reference{Reference: typ + "/" + id} }

func int64p(n int64) *int64 { return &n }

// latest returns the latest of ts (the zero time when all are zero).
func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}
