package fhir_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"haven/portal/account"
	"haven/portal/audit"
)

// accessOnEveryRoute asks every data route as people on and off the
// patient's care team: a clinician outside the team, a counselor without a
// grant and another patient are refused with 403 and an OperationOutcome
// holding no data; the patient and their clinician are served. Every
// request writes exactly one fhir.read row with its outcome and patient.
func accessOnEveryRoute(t *testing.T, e *env) {
	pid := e.patient.UserID
	cases := []struct {
		who   string
		actor account.Actor
		want  int
	}{
		{"clinician outside the care team", e.outsider, http.StatusForbidden},
		{"counselor without a grant", e.counselor, http.StatusForbidden},
		{"another patient", e.other, http.StatusForbidden},
		{"clinician on the care team", e.doc, http.StatusOK},
		{"the patient", e.patient, http.StatusOK},
	}
	for _, route := range e.routes() {
		target := targetOf(route)
		practitioner := strings.HasPrefix(target, "Practitioner/")
		for _, c := range cases {
			outcome := audit.OK
			if c.want == http.StatusForbidden {
				outcome = audit.Denied
			}
			before := e.audits(c.actor, target, outcome)
			status, body := e.do(c.actor, http.MethodGet, route)
			if status != c.want {
				t.Errorf("%s: GET %s: status %d, want %d: %.300s", c.who, route, status, c.want, body)
				continue
			}
			if c.want == http.StatusForbidden {
				wantOutcome(t, body, "forbidden")
				if strings.Contains(string(body), "Pat Patient") || strings.Contains(string(body), "Sertraline") {
					t.Errorf("%s: GET %s: the refusal carries data: %s", c.who, route, body)
				}
			}
			if got := e.audits(c.actor, target, outcome) - before; got != 1 {
				t.Errorf("%s: GET %s: %d fhir.read rows (%s), want 1", c.who, route, got, outcome)
			}
			var logged int64
			must(t, e.pool.QueryRow(e.ctx, `SELECT coalesce(patient_id, 0) FROM audit_log WHERE action = 'fhir.read'
				AND actor_id = $1 AND target = $2 ORDER BY id DESC LIMIT 1`, c.actor.UserID, target).Scan(&logged))
			if want := map[bool]int64{false: pid, true: 0}[practitioner]; logged != want {
				t.Errorf("%s: GET %s: audited patient %d, want %d", c.who, route, logged, want)
			}
		}
	}
}

// practitionerReads: staff are read directly by themselves and by those
// who share a care team with them. It adds to the patient's care team.
func practitionerReads(t *testing.T, e *env) {
	doc := "/fhir/Practitioner/" + strconv.FormatInt(e.doc.UserID, 10)
	e.get(e.doc, doc, http.StatusOK)
	e.get(e.patient, doc, http.StatusOK)
	e.get(e.other, doc, http.StatusForbidden)
	e.get(e.outsider, doc, http.StatusForbidden)
	colleague := e.user(account.RoleClinician, "Dr Colleague")
	must(t, e.acct.AddToCareTeam(e.ctx, e.admin, e.patient.UserID, colleague.UserID))
	e.get(colleague, doc, http.StatusOK)
	e.get(e.counselor, "/fhir/Practitioner/"+strconv.FormatInt(e.counselor.UserID, 10), http.StatusOK)
	// A patient is not a Practitioner, even to themself or their clinician.
	e.get(e.patient, "/fhir/Practitioner/"+strconv.FormatInt(e.patient.UserID, 10), http.StatusForbidden)
	e.get(e.doc, "/fhir/Practitioner/"+strconv.FormatInt(e.patient.UserID, 10), http.StatusForbidden)
	// A disabled colleague is still shown, as inactive.
	must(t, e.acct.Disable(e.ctx, account.Operator(), colleague.UserID))
	body := e.get(e.doc, "/fhir/Practitioner/"+strconv.FormatInt(colleague.UserID, 10), http.StatusOK)
	if !strings.Contains(string(body), `"active":false`) {
		t.Errorf("a disabled colleague is shown active: %s", body)
	}
}

// wantOutcome fails unless body is an OperationOutcome whose issue has code.
func wantOutcome(t *testing.T, body []byte, code string) {
	t.Helper()
	var oo struct {
		ResourceType string `json:"resourceType"`
		Issue        []struct {
			Severity, Code, Diagnostics string
		} `json:"issue"`
	}
	if err := json.Unmarshal(body, &oo); err != nil || oo.ResourceType != "OperationOutcome" || len(oo.Issue) != 1 {
		t.Fatalf("not an OperationOutcome (%v): %.300s", err, body)
	}
	if oo.Issue[0].Code != code || oo.Issue[0].Severity != "error" || oo.Issue[0].Diagnostics == "" {
		t.Errorf("issue %+v, want code %q", oo.Issue[0], code)
	}
}
