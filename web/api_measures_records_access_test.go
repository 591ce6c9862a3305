package web

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// chartRoute is one patient-scoped route of measures or records with a
// request valid for someone allowed to make it.
type chartRoute struct {
	pattern string // as registered, e.g. "GET /api/patients/{id}/notes/{note}"
	path    string // with the fixture's ids
	body    any    // nil: no body
}

// chartIDs are one of everything a patient-scoped route can name.
type chartIDs struct {
	assignment, response, note, goal, contact, resource string
}

// phq9Answers is a complete PHQ-9; item9 is the self-harm item's answer.
func phq9Answers(item9 int) map[string]int {
	a := map[string]int{"q1": 1, "q2": 1, "q3": 0, "q4": 2, "q5": 0, "q6": 0, "q7": 1, "q8": 0, "q9": item9}
	a["difficulty"] = 1
	return a
}

// chartFixture makes one of everything for the clinic's patient, through
// the API, and returns the ids.
func chartFixture(t *testing.T, ch *chartHarness) chartIDs {
	t.Helper()
	p, ic, pc := "/api/patients/"+ch.pid, ch.c.ic, ch.c.pc
	var ids chartIDs
	var obj struct {
		ID int64 `json:"id"`
	}
	get := func(r response) string {
		t.Helper()
		obj.ID = 0
		r.decode(t, &obj)
		if obj.ID <= 0 {
			t.Fatalf("no id in %s", r.body)
		}
		return strconv.FormatInt(obj.ID, 10)
	}
	ids.assignment = get(ic.do("POST", p+"/measures/assignments", map[string]any{"instrument": "phq9", "zone": "America/Chicago", "every_days": 14}).want(t, 201))
	ids.response = get(pc.do("POST", p+"/measures/responses", map[string]any{"instrument": "phq9", "answers": phq9Answers(0)}).want(t, 201))
	ids.note = get(ic.do("POST", p+"/notes", map[string]any{"kind": "progress", "title": "Session 1", "body": "We talked about sleep."}).want(t, 201))
	ids.goal = get(ic.do("POST", p+"/treatment-plan/goals", map[string]any{"text": "Sleep seven hours", "target_date": "2026-09-01"}).want(t, 201))
	ids.contact = get(pc.do("POST", p+"/emergency-contacts", map[string]any{"name": "Sam", "relation": "sister", "phone": "+1 555 010 0199"}).want(t, 201))
	ids.resource = get(ic.do("POST", "/api/resources", map[string]any{"kind": "exercise", "title": "Box breathing", "body": "Breathe in for four."}).want(t, 201))
	ic.do("PUT", p+"/resources/"+ids.resource, nil).want(t, 204)
	pc.do("PUT", p+"/safety-plan", map[string]any{"base_version": 0, "plan": map[string]any{"warning_signs": []string{"Not sleeping"}}}).want(t, 200)
	return ids
}

// chartRoutes lists every patient-scoped route of measures and records.
func chartRoutes(pid string, ids chartIDs) []chartRoute {
	p := "/api/patients/" + pid
	plan := map[string]any{"base_version": 1, "plan": map[string]any{"warning_signs": []string{"Pacing"}}}
	return []chartRoute{
		{"GET /api/patients/{id}/measures/assignments", p + "/measures/assignments", nil},
		{"POST /api/patients/{id}/measures/assignments", p + "/measures/assignments", map[string]any{"instrument": "gad7", "zone": "UTC"}},
		{"DELETE /api/patients/{id}/measures/assignments/{assignment}", p + "/measures/assignments/" + ids.assignment, nil},
		{"POST /api/patients/{id}/measures/responses", p + "/measures/responses", map[string]any{"instrument": "phq9", "answers": phq9Answers(0)}},
		{"GET /api/patients/{id}/measures/responses/{response}", p + "/measures/responses/" + ids.response, nil},
		{"GET /api/patients/{id}/measures/series/{instrument}", p + "/measures/series/phq9", nil},
		{"POST /api/patients/{id}/mood", p + "/mood", map[string]any{"score": 6, "zone": "UTC"}},
		{"GET /api/patients/{id}/mood", p + "/mood", nil},
		{"GET /api/patients/{id}/mood/trend", p + "/mood/trend", nil},

		{"GET /api/patients/{id}/notes", p + "/notes", nil},
		{"POST /api/patients/{id}/notes", p + "/notes", map[string]any{"kind": "progress", "title": "T", "body": "B"}},
		{"GET /api/patients/{id}/notes/{note}", p + "/notes/" + ids.note, nil},
		{"POST /api/patients/{id}/notes/{note}/share", p + "/notes/" + ids.note + "/share", nil},
		{"POST /api/patients/{id}/notes/{note}/withhold", p + "/notes/" + ids.note + "/withhold", map[string]any{"exception": "privacy"}},
		{"GET /api/patients/{id}/treatment-plan", p + "/treatment-plan", nil},
		{"POST /api/patients/{id}/treatment-plan/goals", p + "/treatment-plan/goals", map[string]any{"text": "Walk daily"}},
		{"PUT /api/patients/{id}/treatment-plan/goals/{goal}", p + "/treatment-plan/goals/" + ids.goal, map[string]any{"text": "Walk daily", "status": "achieved"}},
		{"POST /api/patients/{id}/treatment-plan/goals/{goal}/progress", p + "/treatment-plan/goals/" + ids.goal + "/progress", map[string]any{"note": "Three walks"}},
		{"GET /api/patients/{id}/safety-plan", p + "/safety-plan", nil},
		{"PUT /api/patients/{id}/safety-plan", p + "/safety-plan", plan},
		{"GET /api/patients/{id}/safety-plan/history", p + "/safety-plan/history", nil},
		{"GET /api/patients/{id}/safety-plan/versions/{version}", p + "/safety-plan/versions/1", nil},
		{"GET /api/patients/{id}/emergency-contacts", p + "/emergency-contacts", nil},
		{"POST /api/patients/{id}/emergency-contacts", p + "/emergency-contacts", map[string]any{"name": "Jo", "phone": "555 0100"}},
		{"DELETE /api/patients/{id}/emergency-contacts/{contact}", p + "/emergency-contacts/" + ids.contact, nil},
		{"GET /api/patients/{id}/resources", p + "/resources", nil},
		{"PUT /api/patients/{id}/resources/{resource}", p + "/resources/" + ids.resource, nil},
		{"DELETE /api/patients/{id}/resources/{resource}", p + "/resources/" + ids.resource, nil},
	}
}

func (r chartRoute) method() string { m, _, _ := strings.Cut(r.pattern, " "); return m }

// TestChartRoutesRefuseOutsiders: on every patient-scoped route of
// measures and records, a clinician outside the care team gets 403 and the
// refusal is in the audit log; the table is checked against the source so
// a new route cannot be left out.
func TestChartRoutesRefuseOutsiders(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	routes := chartRoutes(ch.pid, chartFixture(t, ch))
	listed := map[string]bool{}
	for _, r := range routes {
		listed[r.pattern] = true
	}
	for _, p := range registeredPatientRoutes(t) {
		if !listed[p] {
			t.Errorf("route %s is missing from chartRoutes", p)
		}
	}
	for _, r := range routes {
		t.Run(r.pattern, func(t *testing.T) {
			before := ch.auditCount(ch.c.outside.ID, ch.c.patient.ID, "access.denied")
			if e := ch.c.oc.do(r.method(), r.path, r.body).want(t, 403).errorOf(t); e.Code != "forbidden" {
				t.Fatalf("error %+v", e)
			}
			if after := ch.auditCount(ch.c.outside.ID, ch.c.patient.ID, "access.denied"); after != before+1 {
				t.Fatalf("access.denied rows %d → %d, want one more", before, after)
			}
		})
	}
}

// registeredPatientRoutes reads the patient-scoped patterns registered in
// the measures and records route lists.
func registeredPatientRoutes(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`s\.Handle\("([A-Z]+ /api/patients/[^"]+)"`)
	var out []string
	for _, f := range []string{"api_measures.go", "api_records.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			out = append(out, m[1])
		}
	}
	if len(out) < 20 {
		t.Fatalf("found only %d patient routes in the source", len(out))
	}
	return out
}

// TestChartReadsAreAudited: every patient-scoped read, by the care team
// and by the patient, writes exactly one read row to the audit log.
func TestChartReadsAreAudited(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	routes := chartRoutes(ch.pid, chartFixture(t, ch))
	for _, r := range routes {
		if r.method() != "GET" {
			continue
		}
		action := "records.read"
		if strings.Contains(r.path, "/measures/") || strings.Contains(r.path, "/mood") {
			action = "measures.read"
		}
		for _, who := range []struct {
			name string
			id   int64
			c    *client
		}{{"clinician", ch.c.inside.ID, ch.c.ic}, {"patient", ch.c.patient.ID, ch.c.pc}} {
			t.Run(r.pattern+" by "+who.name, func(t *testing.T) {
				before := ch.auditCount(who.id, ch.c.patient.ID, action)
				who.c.do("GET", r.path, nil).want(t, 200)
				if after := ch.auditCount(who.id, ch.c.patient.ID, action); after != before+1 {
					t.Fatalf("%s rows %d → %d, want one more", action, before, after)
				}
			})
		}
	}
}

// TestChartRoutesWithoutServicesAre503: a node without measures or records
// says so plainly.
func TestChartRoutesWithoutServicesAre503(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	p := h.createUser("patient", "pat@example.org", "Pat")
	c := h.client()
	c.signIn("pat@example.org")
	base := "/api/patients/" + strconv.FormatInt(p.ID, 10)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/api/measures/instruments", "Questionnaires"},
		{"GET", base + "/measures/assignments", "Questionnaires"},
		{"POST", base + "/mood", "Questionnaires"},
		{"GET", base + "/notes", "safety plans"},
		{"PUT", base + "/safety-plan", "safety plans"},
		{"GET", "/api/resources", "safety plans"},
	} {
		var body any
		if tc.method != "GET" {
			body = map[string]any{}
		}
		e := c.do(tc.method, tc.path, body).want(t, 503).errorOf(t)
		if e.Code != "unavailable" || !strings.Contains(e.Message, tc.want) || !strings.Contains(e.Message, "not available") {
			t.Errorf("%s %s: %+v", tc.method, tc.path, e)
		}
	}
	h.client().do("GET", base+"/notes", nil).want(t, 401)
}
