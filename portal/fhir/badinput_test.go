package fhir_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"haven/portal/account"
)

// badInput: bad ids, unknown types, routes and parameters, and other
// methods get an OperationOutcome with 400, 401, 404 or 405, never a 500;
// each signed-in GET of a read, search or $everything route still writes
// exactly one fhir.read row (outcome failed or denied).
func badInput(t *testing.T, e *env) {
	p := strconv.FormatInt(e.patient.UserID, 10)
	cases := []struct {
		method, target string
		status         int
		code           string
	}{
		{"GET", "/fhir/Patient/abc", 404, "not-found"},
		{"GET", "/fhir/Patient/0", 404, "not-found"},
		{"GET", "/fhir/Patient/-" + p, 404, "not-found"},
		{"GET", "/fhir/Patient/0" + p, 404, "not-found"},
		{"GET", "/fhir/Patient/99999999999999999999", 404, "not-found"},
		{"GET", "/fhir/Patient/a_b", 400, "invalid"},
		{"GET", "/fhir/Patient/" + strings.Repeat("1", 65), 400, "invalid"},
		{"GET", "/fhir/Patient/%20", 400, "invalid"},
		{"GET", "/fhir/Appointment/" + p, 404, "not-found"},
		{"GET", "/fhir/Appointment/" + p + "-1-2", 404, "not-found"},
		{"GET", "/fhir/Appointment/" + p + "-999999", 404, "not-found"},
		{"GET", "/fhir/MedicationStatement/" + p + "-999999", 404, "not-found"},
		{"GET", "/fhir/MedicationRequest/" + p + "-999999", 404, "not-found"},
		{"GET", "/fhir/QuestionnaireResponse/" + p + "-999999", 404, "not-found"},
		{"GET", "/fhir/Communication/" + p + "-999999", 404, "not-found"},
		{"GET", "/fhir/DocumentReference/" + p + "-999999", 404, "not-found"},
		{"GET", "/fhir/Observation/" + p + "-1", 404, "not-found"},
		{"GET", "/fhir/Observation/" + p + "-score-999999", 404, "not-found"},
		{"GET", "/fhir/Observation/" + p + "-mood-20241340", 404, "not-found"},
		{"GET", "/fhir/Observation/" + p + "-mood-19990101", 404, "not-found"},
		{"GET", "/fhir/Observation/" + p + "-pulse-1", 404, "not-found"},
		{"GET", "/fhir/CareTeam/" + strconv.FormatInt(e.doc.UserID, 10), 403, "forbidden"},
		{"GET", "/fhir/Practitioner/999999", 403, "forbidden"},
		{"GET", "/fhir/Medication/1", 404, "not-supported"},
		{"GET", "/fhir/Medication?patient=" + p, 404, "not-supported"},
		{"GET", "/fhir/patient/" + p, 404, "not-supported"},
		{"GET", "/fhir/Patient/" + p + "/$export", 404, "not-supported"},
		{"GET", "/fhir/Patient/" + p + "/x/y", 404, "not-supported"},
		{"GET", "/fhir/", 404, "not-supported"},
		{"GET", "/fhir/Patient/abc/$everything", 404, "not-found"},
		{"GET", "/fhir/Patient/a_b/$everything", 400, "invalid"},
		{"GET", "/fhir/Patient/" + p + "/$everything?_count=10", 400, "invalid"},
		{"GET", "/fhir/Patient/" + p + "/$everything?_elements=id", 400, "invalid"},
		{"GET", "/fhir/Observation", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=abc", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=Practitioner/" + p, 400, "invalid"},
		{"GET", "/fhir/Observation?patient=" + p + "&patient=" + p, 400, "invalid"},
		{"GET", "/fhir/Observation?patient=" + p + "&code=44261-6", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=" + p + "&_count=5", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=" + p + "&_elements=a.b", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=" + p + "&_elements=", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=" + p + "&_format=xml", 400, "invalid"},
		{"GET", "/fhir/Observation?patient=%zz", 400, "invalid"},
		{"GET", "/fhir/Patient?_id=" + p + "&patient=" + p, 400, "invalid"},
		{"GET", "/fhir/Patient/" + p + "?patient=" + p, 400, "invalid"},
		{"POST", "/fhir/Patient", 405, "not-supported"},
		{"PUT", "/fhir/Patient/" + p, 405, "not-supported"},
		{"DELETE", "/fhir/Observation/" + p + "-score-1", 405, "not-supported"},
		{"PATCH", "/fhir/metadata", 405, "not-supported"},
	}
	unrouted := map[string]bool{"/fhir/Patient/" + p + "/$export": true, "/fhir/Patient/" + p + "/x/y": true, "/fhir/": true}
	for _, c := range cases {
		before := e.allReads()
		status, body := e.do(e.patient, c.method, c.target)
		if status != c.status {
			t.Errorf("%s %s: status %d, want %d: %.300s", c.method, c.target, status, c.status, body)
			continue
		}
		wantOutcome(t, body, c.code)
		want := 1 // every signed-in read, search or $everything, failed or not
		if c.method != http.MethodGet || unrouted[c.target] {
			want = 0 // other methods and unknown routes read nothing
		}
		if got := e.allReads() - before; got != want {
			t.Errorf("%s %s: %d fhir.read rows, want %d", c.method, c.target, got, want)
		}
	}
	status, body := e.do(account.Actor{}, http.MethodGet, "/fhir/Patient/"+p)
	if status != http.StatusUnauthorized {
		t.Fatalf("signed out: status %d", status)
	}
	wantOutcome(t, body, "login")
	e.get(account.Actor{}, "/fhir/metadata", http.StatusOK)
	e.get(e.patient, "/fhir/Observation?patient=Patient/"+p+"&_format=json", http.StatusOK)
	e.get(e.patient, "/fhir/Patient?_id="+p, http.StatusOK)
}

// allReads counts every fhir.read row.
func (e *env) allReads() int {
	e.t.Helper()
	var n int
	must(e.t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_log WHERE action = 'fhir.read'`).Scan(&n))
	return n
}

// FuzzRequest sends arbitrary paths and queries under /fhir/: the answer is
// never a 500, and every error is an OperationOutcome.
func FuzzRequest(f *testing.F) {
	e := newWorld(f)
	e.patient = e.user(account.RolePatient, "Pat Patient")
	p := strconv.FormatInt(e.patient.UserID, 10)
	for _, seed := range [][2]string{
		{"Patient/" + p, ""}, {"Patient/" + p + "/$everything", ""}, {"Observation", "patient=" + p},
		{"Observation/" + p + "-mood-20240101", "_elements=note"}, {"Communication/" + p + "-1", "_elements=payload"},
		{"Appointment/" + p + "-1", ""}, {"Nope", "patient=1"}, {"Patient", "_id=1&_id=2"}, {"", "%"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		r := httptest.NewRequest(http.MethodGet, "/fhir/", nil)
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery = "/fhir/"+path, "", query
		r.Header.Set("X-Test-Actor", p)
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("GET /fhir/%q?%q: status %d: %s", path, query, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var oo struct{ ResourceType string }
			if err := json.Unmarshal(w.Body.Bytes(), &oo); err != nil || oo.ResourceType != "OperationOutcome" {
				t.Fatalf("GET /fhir/%q?%q: status %d without an OperationOutcome: %s", path, query, w.Code, w.Body)
			}
		}
	})
}
