package fhir_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// types lists every resource type the server serves.
var types = []string{"Patient", "Practitioner", "CareTeam", "Appointment", "Communication", "MedicationStatement",
	"MedicationRequest", "QuestionnaireResponse", "Observation", "DocumentReference"}

// routes returns every data route about the patient: a search of each
// type, a read of one resource of each type found (of both Observation
// kinds), and $everything. The ids are found by searching as doc, whose
// rows in the audit log the caller may ignore.
func (e *env) routes() []string {
	e.t.Helper()
	pid := strconv.FormatInt(e.patient.UserID, 10)
	var out []string
	reads := map[string]bool{}
	for _, typ := range types {
		search := "/fhir/" + typ + "?patient=" + pid
		out = append(out, search)
		for _, res := range bundleOf(e.t, e.get(e.doc, search, http.StatusOK)) {
			id, _ := res["id"].(string)
			key := typ
			if typ == "Observation" {
				key += strings.Split(id, "-")[1]
			}
			if !reads[key] {
				reads[key] = true
				out = append(out, "/fhir/"+typ+"/"+id)
			}
		}
	}
	for _, typ := range types {
		if !reads[typ] && typ != "Observation" {
			e.t.Fatalf("the seeded history has no %s", typ)
		}
	}
	if !reads["Observationscore"] || !reads["Observationmood"] {
		e.t.Fatal("the seeded history lacks a score or a mood Observation")
	}
	return append(out, "/fhir/Patient/"+pid+"/$everything")
}

// targetOf is the audit target the server names for a route.
func targetOf(route string) string {
	route = strings.TrimPrefix(route, "/fhir/")
	if strings.HasSuffix(route, "/$everything") {
		return "Patient/$everything"
	}
	if typ, _, ok := strings.Cut(route, "?"); ok {
		return typ + "?patient"
	}
	return route
}

// routesAnswer: each search finds what seed(10) wrote, and every route answers.
func routesAnswer(t *testing.T, e *env) {
	pid := strconv.FormatInt(e.patient.UserID, 10)
	count := func(typ string) int {
		return len(bundleOf(t, e.get(e.patient, "/fhir/"+typ+"?patient="+pid, http.StatusOK)))
	}
	// 10 days: 10 check-ins, a PHQ-9 on day 0, a GAD-7 on day 3, one C-SSRS,
	// visits on days 2 and 9, a refill on day 5.
	for typ, want := range map[string]int{"Patient": 1, "CareTeam": 1, "Practitioner": 2, "Appointment": 2,
		"MedicationStatement": 3, "MedicationRequest": 1, "QuestionnaireResponse": 3, "Observation": 13,
		"Communication": 2, "DocumentReference": 1} {
		if got := count(typ); got != want {
			t.Errorf("%s?patient: %d entries, want %d", typ, got, want)
		}
	}
	all := bundleOf(t, e.get(e.patient, "/fhir/Patient/"+pid+"/$everything", http.StatusOK))
	if len(all) != 1+1+2+3+1+3+13+2+1+2 {
		t.Errorf("$everything: %d entries", len(all))
	}
	for _, route := range e.routes() {
		e.get(e.patient, route, http.StatusOK)
	}
}
