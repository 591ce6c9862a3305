package fhir_test

import "testing"

// TestFHIR runs the API's tests on one world: a patient with ten days of
// history written through the packages' APIs, their clinician, a clinician
// outside the care team, a counselor without a grant and another patient.
// The subtests run in order (they count audit rows); the FHIR schema is
// installed and compiled meanwhile.
func TestFHIR(t *testing.T) {
	schema := fhirSchema(t)
	e := newEnv(t)
	s := e.seed(10)
	t.Run("routes answer", func(t *testing.T) { routesAnswer(t, e.in(t)) })
	t.Run("access on every route", func(t *testing.T) { accessOnEveryRoute(t, e.in(t)) })
	t.Run("psychotherapy notes never appear", func(t *testing.T) { psychotherapyNeverAppears(t, e.in(t), s) })
	t.Run("bad input", func(t *testing.T) { badInput(t, e.in(t)) })
	t.Run("output validates against the FHIR R4 schema", func(t *testing.T) { validatesAgainstSchema(t, e.in(t), schema) })
	t.Run("practitioner reads", func(t *testing.T) { practitionerReads(t, e.in(t)) })
}
