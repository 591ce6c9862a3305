package fhir

import (
	"strconv"
	"strings"
	"time"
)

// maxIDLen is FHIR's limit on a resource id.
const maxIDLen = 64

// validID reports whether s is a syntactically valid FHIR id:
// [A-Za-z0-9\-\.]{1,64}.
func validID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// parseNum parses a positive int64 in canonical decimal form (no sign, no
// leading zeros), the only form Haven writes.
func parseNum(s string) (int64, bool) {
	if s == "" || s[0] == '0' || len(s) > 19 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// scopedID is "{patient}-{local}": the id of a patient-scoped resource.
func scopedID(patientID int64, local ...string) string {
	return itoa(patientID) + "-" + strings.Join(local, "-")
}

// localID is a parsed id of a patient-scoped resource.
type localID struct {
	patient int64
	kind    string    // Observation only: "score" or "mood"
	num     int64     // the domain id (appointment, response, …)
	day     time.Time // Observation "mood" only: the local day, midnight UTC
}

// parseScoped parses "{patient}-{n}". ok is false when s is not of that form.
func parseScoped(s string) (localID, bool) {
	p, rest, found := strings.Cut(s, "-")
	if !found {
		return localID{}, false
	}
	pid, ok1 := parseNum(p)
	n, ok2 := parseNum(rest)
	return localID{patient: pid, num: n}, ok1 && ok2
}

// parseObservation parses "{patient}-score-{response}" and
// "{patient}-mood-{YYYYMMDD}".
func parseObservation(s string) (localID, bool) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return localID{}, false
	}
	pid, ok := parseNum(parts[0])
	if !ok {
		return localID{}, false
	}
	switch parts[1] {
	case "score":
		n, ok := parseNum(parts[2])
		return localID{patient: pid, kind: "score", num: n}, ok
	case "mood":
		day, err := time.Parse("20060102", parts[2])
		return localID{patient: pid, kind: "mood", day: day}, err == nil && len(parts[2]) == 8
	}
	return localID{}, false
}

func scoreObservationID(patientID, responseID int64) string {
	return scopedID(patientID, "score", itoa(responseID))
}

func moodObservationID(patientID int64, day time.Time) string {
	return scopedID(patientID, "mood", day.Format("20060102"))
}

// parsePatientRef parses a patient search value: "42" or "Patient/42".
func parsePatientRef(s string) (int64, bool) {
	return parseNum(strings.TrimPrefix(s, "Patient/"))
}
