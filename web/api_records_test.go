package web

import (
	"strconv"
	"strings"
	"testing"

	"haven/portal/records"
)

type notesResponse struct {
	Notes []noteJSON `json:"notes"`
}

// TestHiddenNotesNeverReachThePatient: a withheld note and a psychotherapy
// note are in no answer the patient's API gives, by list or by id, while
// the clinician sees them; sharing and withholding move a note in and out
// of the patient's view.
func TestHiddenNotesNeverReachThePatient(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	p := "/api/patients/" + ch.pid + "/notes"
	write := func(kind, title, withhold string) noteJSON {
		t.Helper()
		var n noteJSON
		ch.c.ic.do("POST", p, noteRequest{Kind: kind, Title: title, Body: title + " body text", Withhold: withhold}).want(t, 201).decode(t, &n)
		return n
	}
	shared := write("visit_summary", "Visit summary March", "")
	withheld := write("progress", "Withheld observation", "preventing_harm")
	private := write("psychotherapy", "Process notes", "")
	if shared.SharedAt.IsZero() || withheld.Withheld != "preventing_harm" || !private.SharedAt.IsZero() || shared.AuthorName != "Dr Inside" {
		t.Fatalf("written notes %+v %+v %+v", shared, withheld, private)
	}

	patientSees := func(hidden []string, want ...int64) {
		t.Helper()
		r := ch.c.pc.do("GET", p, nil).want(t, 200)
		for _, hidden := range append(hidden, "Process notes", "preventing_harm", "privacy", "psychotherapy", "withheld") {
			if strings.Contains(string(r.body), hidden) {
				t.Fatalf("the patient's notes contain %q: %s", hidden, r.body)
			}
		}
		var got notesResponse
		r.decode(t, &got)
		if len(got.Notes) != len(want) {
			t.Fatalf("patient sees %d notes, want %d", len(got.Notes), len(want))
		}
		for i, id := range want {
			if got.Notes[i].ID != id {
				t.Fatalf("patient's note %d is %d, want %d", i, got.Notes[i].ID, id)
			}
		}
	}
	hidden := []string{"Withheld observation"}
	patientSees(hidden, shared.ID)
	for _, n := range []noteJSON{withheld, private} {
		r := ch.c.pc.do("GET", p+"/"+strconv.FormatInt(n.ID, 10), nil).want(t, 404)
		if strings.Contains(string(r.body), n.Title) {
			t.Fatalf("refusal leaks the title: %s", r.body)
		}
	}
	var staff notesResponse
	ch.c.ic.do("GET", p, nil).want(t, 200).decode(t, &staff)
	if len(staff.Notes) != 3 {
		t.Fatalf("clinician sees %d notes, want 3", len(staff.Notes))
	}

	// Psychotherapy notes cannot be shared or withheld; a withheld note
	// can be shared, and withheld again.
	priv := p + "/" + strconv.FormatInt(private.ID, 10)
	if e := ch.c.ic.do("POST", priv+"/share", nil).want(t, 400).errorOf(t); e.Message != records.ErrPsychotherapy.Message {
		t.Fatalf("sharing a psychotherapy note: %+v", e)
	}
	if e := ch.c.ic.do("POST", p, noteRequest{Kind: "psychotherapy", Title: "T", Body: "B", Withhold: "privacy"}).want(t, 400).errorOf(t); e.Message != records.ErrPsychotherapy.Message {
		t.Fatalf("withholding a new psychotherapy note: %+v", e)
	}
	held := p + "/" + strconv.FormatInt(withheld.ID, 10)
	ch.c.pc.do("POST", held+"/share", nil).want(t, 403)
	ch.c.ic.do("POST", held+"/share", nil).want(t, 204)
	patientSees(nil, withheld.ID, shared.ID)
	if e := ch.c.ic.do("POST", held+"/withhold", withholdRequest{Exception: "because"}).want(t, 400).errorOf(t); e.Message != records.ErrBadException.Message {
		t.Fatalf("unknown exception: %+v", e)
	}
	ch.c.ic.do("POST", held+"/withhold", withholdRequest{Exception: "privacy"}).want(t, 204)
	patientSees(hidden, shared.ID)
	if e := ch.c.ic.do("POST", p, noteRequest{Kind: "letter", Title: "T", Body: "B"}).want(t, 400).errorOf(t); e.Message != records.ErrBadKind.Message {
		t.Fatalf("unknown kind: %+v", e)
	}
	ch.c.pc.do("POST", p, noteRequest{Kind: "progress", Title: "T", Body: "B"}).want(t, 403)
}

// TestSafetyPlanStaleSaveIsAConflict: two editors start from the same
// version; the second save is refused with 409 and a clear message, and
// history keeps every version.
func TestSafetyPlanStaleSaveIsAConflict(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	p := "/api/patients/" + ch.pid + "/safety-plan"
	var v safetyPlanJSON
	ch.c.pc.do("GET", p, nil).want(t, 200).decode(t, &v)
	if v.Version != 0 || len(v.Plan.Professionals) != 1 || v.Plan.Professionals[0].Phone != "988" || v.Plan.WarningSigns == nil {
		t.Fatalf("empty plan %+v", v)
	}
	first := records.SafetyPlan{WarningSigns: []string{"Not sleeping"}, HelpContacts: []records.Contact{{Name: "Sam", Phone: "555-0100"}}}
	ch.c.pc.do("PUT", p, map[string]any{"base_version": 0, "plan": first}).want(t, 200).decode(t, &v)
	if v.Version != 1 || v.SavedRole != "patient" || v.SavedBy != ch.c.patient.ID {
		t.Fatalf("saved %+v", v)
	}
	second := first
	second.CopingStrategies = []string{"Go for a walk"}
	ch.c.ic.do("PUT", p, map[string]any{"base_version": 1, "plan": second}).want(t, 200).decode(t, &v)
	if v.Version != 2 || v.SavedRole != "clinician" {
		t.Fatalf("clinician saved %+v", v)
	}
	stale := first
	stale.WarningSigns = append(stale.WarningSigns, "Pacing at night")
	e := ch.c.pc.do("PUT", p, map[string]any{"base_version": 1, "plan": stale}).want(t, 409).errorOf(t)
	if e.Code != "conflict" || !strings.Contains(e.Message, "changed by someone else") || !strings.Contains(e.Message, "Reload") {
		t.Fatalf("stale save: %+v", e)
	}
	var hist struct {
		Versions []revisionJSON `json:"versions"`
	}
	ch.c.pc.do("GET", p+"/history", nil).want(t, 200).decode(t, &hist)
	if len(hist.Versions) != 2 || hist.Versions[0].Version != 2 || hist.Versions[1].Version != 1 {
		t.Fatalf("history %+v", hist)
	}
	ch.c.pc.do("GET", p+"/versions/1", nil).want(t, 200).decode(t, &v)
	if len(v.Plan.CopingStrategies) != 0 || v.Plan.WarningSigns[0] != "Not sleeping" {
		t.Fatalf("version 1 %+v", v.Plan)
	}
	ch.c.pc.do("GET", p+"/versions/9", nil).want(t, 404)
	ch.c.pc.do("GET", p+"/versions/0", nil).want(t, 400)
	for _, tc := range []struct {
		body any
		want string
	}{
		{map[string]any{"base_version": 2}, records.ErrEmptySafetyPlan.Message},
		{map[string]any{"base_version": -1, "plan": first}, errBadBase.Message},
		{map[string]any{"base_version": 2, "plan": records.SafetyPlan{HelpContacts: []records.Contact{{Name: "Al", Phone: "call me"}}}}, records.ErrBadContact.Message},
		{map[string]any{"base_version": 2, "plan": []string{"x"}}, `Field "plan" must be an object.`},
		{map[string]any{"base_version": 2, "plan": map[string]any{"warning_signs": []string{"x"}, "mood": 3}}, `unknown field "mood"`},
	} {
		if e := ch.c.pc.do("PUT", p, tc.body).want(t, 400).errorOf(t); !strings.Contains(e.Message, tc.want) {
			t.Fatalf("%+v: %+v, want %q", tc.body, e, tc.want)
		}
	}
}

// TestTreatmentPlanContactsAndResources walks the rest of the chart.
func TestTreatmentPlanContactsAndResources(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	p := "/api/patients/" + ch.pid
	var g goalJSON
	ch.c.ic.do("POST", p+"/treatment-plan/goals", goalRequest{Text: "Sleep seven hours", TargetDate: "2026-06-30"}).want(t, 201).decode(t, &g)
	if g.Status != "active" || g.TargetDate != "2026-06-30" {
		t.Fatalf("goal %+v", g)
	}
	gid := strconv.FormatInt(g.ID, 10)
	ch.c.pc.do("POST", p+"/treatment-plan/goals", goalRequest{Text: "x"}).want(t, 403)
	ch.c.pc.do("POST", p+"/treatment-plan/goals/"+gid+"/progress", progressRequest{Note: "Six hours most nights"}).want(t, 201)
	ch.c.ic.do("PUT", p+"/treatment-plan/goals/"+gid, goalRequest{Text: "Sleep seven hours", Status: "achieved"}).want(t, 200)
	if e := ch.c.ic.do("PUT", p+"/treatment-plan/goals/"+gid, goalRequest{Text: "x", TargetDate: "30/06/2026"}).want(t, 400).errorOf(t); e.Message != errBadDate.Message {
		t.Fatalf("bad date: %+v", e)
	}
	ch.c.ic.do("PUT", p+"/treatment-plan/goals/99999", goalRequest{Text: "x"}).want(t, 404)
	var plan struct {
		Goals []goalJSON `json:"goals"`
	}
	ch.c.pc.do("GET", p+"/treatment-plan", nil).want(t, 200).decode(t, &plan)
	if len(plan.Goals) != 1 || plan.Goals[0].Status != "achieved" || len(plan.Goals[0].Progress) != 1 || plan.Goals[0].Progress[0].AuthorRole != "patient" {
		t.Fatalf("plan %+v", plan)
	}

	var c contactJSON
	ch.c.pc.do("POST", p+"/emergency-contacts", contactRequest{Name: "Sam", Relation: "sister", Phone: "(555) 010-0199"}).want(t, 201).decode(t, &c)
	if e := ch.c.pc.do("POST", p+"/emergency-contacts", contactRequest{Name: "Sam", Phone: "12"}).want(t, 400).errorOf(t); e.Message != records.ErrBadPhone.Message {
		t.Fatalf("bad phone: %+v", e)
	}
	var contacts struct {
		Contacts []contactJSON `json:"contacts"`
	}
	ch.c.ic.do("GET", p+"/emergency-contacts", nil).want(t, 200).decode(t, &contacts)
	if len(contacts.Contacts) != 1 || contacts.Contacts[0].Relation != "sister" || contacts.Contacts[0].ID != c.ID {
		t.Fatalf("contacts %+v", contacts)
	}
	ch.c.ic.do("DELETE", p+"/emergency-contacts/"+strconv.FormatInt(c.ID, 10), nil).want(t, 204)
	ch.c.ic.do("DELETE", p+"/emergency-contacts/"+strconv.FormatInt(c.ID, 10), nil).want(t, 404)

	var res resourceJSON
	ch.c.pc.do("POST", "/api/resources", resourceRequest{Kind: "article", Title: "x", Body: "y"}).want(t, 403)
	ch.c.pc.do("GET", "/api/resources", nil).want(t, 403)
	if e := ch.c.ic.do("POST", "/api/resources", resourceRequest{Kind: "article", Title: "Sleep", URL: "javascript:alert(1)"}).want(t, 400).errorOf(t); e.Message != records.ErrBadURL.Message {
		t.Fatalf("script link: %+v", e)
	}
	ch.c.ic.do("POST", "/api/resources", resourceRequest{Kind: "article", Title: "Sleep hygiene", URL: "https://example.org/sleep"}).want(t, 201).decode(t, &res)
	rid := strconv.FormatInt(res.ID, 10)
	ch.c.ic.do("PUT", p+"/resources/"+rid, nil).want(t, 204)
	ch.c.ic.do("PUT", p+"/resources/999999", nil).want(t, 404)
	var lib, mine struct {
		Resources []resourceJSON `json:"resources"`
	}
	ch.c.ic.do("GET", "/api/resources", nil).want(t, 200).decode(t, &lib)
	ch.c.pc.do("GET", p+"/resources", nil).want(t, 200).decode(t, &mine)
	if len(lib.Resources) != 1 || len(mine.Resources) != 1 || mine.Resources[0].URL != "https://example.org/sleep" || mine.Resources[0].AssignedAt.IsZero() {
		t.Fatalf("library %+v, patient's %+v", lib, mine)
	}
	ch.c.ic.do("DELETE", p+"/resources/"+rid, nil).want(t, 204)
	ch.c.pc.do("GET", p+"/resources", nil).want(t, 200).decode(t, &mine)
	if len(mine.Resources) != 0 {
		t.Fatalf("unassigned resource still listed: %+v", mine)
	}
}
