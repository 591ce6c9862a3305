package fhir_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// BenchmarkEverything times GET Patient/{id}/$everything, as the patient,
// for two years of history seeded through the packages' APIs: a mood
// check-in every day, a visit every week, a PHQ-9 every two weeks, a GAD-7
// every four, three medications with a refill every 60 days, notes and two
// conversations. One op is one request; it reports the Bundle's entries
// and size.
//
//	go test -run '^$' -bench Everything -benchtime 20x ./portal/fhir/
func BenchmarkEverything(b *testing.B) {
	e := newEnv(b)
	start := time.Now()
	e.seed(730)
	b.Logf("seeded two years in %v", time.Since(start).Round(time.Millisecond))
	route := "/fhir/Patient/" + strconv.FormatInt(e.patient.UserID, 10) + "/$everything"
	var body []byte
	for b.Loop() {
		body = e.get(e.patient, route, http.StatusOK)
	}
	b.ReportMetric(float64(len(bundleOf(b, body))), "entries")
	b.ReportMetric(float64(len(body))/1024, "KiB")
}
