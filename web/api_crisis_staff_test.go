package web

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/records"
)

// openCrisis raises a crisis for a fresh patient (with a safety plan, an
// emergency contact and a clinician, doc@clinic.example, on the care team;
// the care team's admin is admin@clinic.example) and returns its id.
func openCrisis(t *testing.T, e *crisisEnv) (patient account.Account, pc *client, id int64) {
	t.Helper()
	ctx := context.Background()
	patient = e.createUser(account.RolePatient, "pat@example.org", "Pat Lee")
	doc := e.createUser(account.RoleClinician, "doc@clinic.example", "Dr Inside")
	admin := e.createUser(account.RoleAdmin, "admin@clinic.example", "Team Admin")
	if err := e.acct.AddToCareTeam(ctx, account.Actor{UserID: admin.ID, Role: account.RoleAdmin}, patient.ID, doc.ID); err != nil {
		t.Fatal(err)
	}
	self := account.Actor{UserID: patient.ID, Role: account.RolePatient}
	if _, err := e.recs.SaveSafetyPlan(ctx, self, patient.ID, 0, records.SafetyPlan{
		WarningSigns: []string{"Not sleeping"}, CopingStrategies: []string{"Walk the dog"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.recs.AddEmergencyContact(ctx, self, patient.ID, records.EmergencyContact{Name: "Sam Lee", Relation: "sister", Phone: "+1 555 0100"}); err != nil {
		t.Fatal(err)
	}
	pc = e.client()
	pc.signIn("pat@example.org")
	var got crisisRequest
	pc.do("POST", "/api/crisis", nil).want(t, 201).decode(t, &got)
	return patient, pc, got.EscalationID
}

// TestCrisisForStaff: who may read the queue and a context, claiming,
// the context, bad input, resolving, a claim with chat down, the on-call
// switch and coverage, and a clinician's manual escalation.
func TestCrisisForStaff(t *testing.T) {
	t.Parallel()
	e := newCrisisEnv(t)
	cc, casey := e.counselor("casey@clinic.example", "Casey Counselor")
	jo, joAcct := e.counselor("jo@clinic.example", "Jo Counselor")
	patient, pc, id := openCrisis(t, e)
	doc := e.client()
	doc.staff("doc@clinic.example")
	admin := e.client()
	admin.staff("admin@clinic.example")

	t.Run("only counselors read the queue", func(t *testing.T) {
		for name, c := range map[string]*client{"patient": pc, "clinician": doc, "admin": admin, "signed out": e.client()} {
			r := c.do("GET", "/api/crisis/queue", nil)
			want := 403
			if name == "signed out" {
				want = 401
			}
			if r.status != want || strings.Contains(string(r.body), "button:") {
				t.Errorf("%s reads the queue: %d %s", name, r.status, r.body)
			}
		}
		var q struct {
			Items []queueEntry `json:"items"`
		}
		r := cc.do("GET", "/api/crisis/queue", nil).want(t, 200)
		r.decode(t, &q)
		if len(q.Items) != 1 || q.Items[0].ID != id || q.Items[0].Severity != "high" || q.Items[0].Source != "button" ||
			q.Items[0].TriggerRef != "button:" || q.Items[0].Held != "" {
			t.Fatalf("queue %+v", q.Items)
		}
		if strings.Contains(string(r.body), "Pat Lee") {
			t.Fatal("the queue names the patient")
		}
	})

	t.Run("nobody reads the context before holding it", func(t *testing.T) {
		cc.do("GET", crisisPath(id, ""), nil).want(t, 403)
	})

	t.Run("the claim joins the counselor", func(t *testing.T) {
		var claim claimResponse
		cc.do("POST", crisisPath(id, "/claim"), nil).want(t, 200).decode(t, &claim)
		if claim.EscalationID != id || claim.ConversationRef != "c"+strconv.FormatInt(id, 10) || claim.State != "in_conversation" {
			t.Fatalf("claim %+v", claim)
		}
		var mine crisisRequest
		pc.do("GET", "/api/crisis/mine?id="+strconv.FormatInt(id, 10), nil).want(t, 200).decode(t, &mine)
		if mine.Status != "joined" || mine.CounselorName != "Casey Counselor" || mine.ConversationRef != claim.ConversationRef {
			t.Fatalf("patient sees %+v", mine)
		}
		if st := e.notify.to(patient.ID, crisis.EventStatus); st[len(st)-1].data["counselor_name"] != "Casey Counselor" {
			t.Fatalf("patient's last status %+v", st[len(st)-1])
		}
		if msg := jo.do("POST", crisisPath(id, "/claim"), nil).want(t, 409).errorOf(t).Message; msg != "Another counselor has already taken this" {
			t.Fatalf("late claim told %q", msg)
		}
	})

	t.Run("a counselor not holding it cannot read the context", func(t *testing.T) {
		r := jo.do("GET", crisisPath(id, ""), nil).want(t, 403)
		if msg := r.errorOf(t).Message; msg != "Only the counselor who took this crisis request can do that" {
			t.Fatalf("refusal %q", msg)
		}
		if strings.Contains(string(r.body), "Pat Lee") || strings.Contains(string(r.body), "Walk the dog") {
			t.Fatalf("the refusal leaks context: %s", r.body)
		}
		if n := e.auditCount(joAcct.ID, patient.ID, "access.denied"); n != 1 {
			t.Fatalf("%d refusals audited, want 1", n)
		}
		jo.do("POST", crisisPath(id, "/resolve"), map[string]any{"disposition": "de_escalated"}).want(t, 403)
		doc.do("GET", crisisPath(id, ""), nil).want(t, 403) // on the care team, but not holding it
		e.client().do("GET", crisisPath(id, ""), nil).want(t, 401)
		cc.do("GET", crisisPath(id+1000, ""), nil).want(t, 404)
	})

	t.Run("bad input is never a 500", func(t *testing.T) {
		crisisBadInputIsNever500(t, e, cc, pc, doc, patient, id)
	})

	var ctx crisisContext
	t.Run("the holder reads the whole context", func(t *testing.T) {
		before := len(e.notify.to(casey.ID, crisis.EventLocation))
		pc.do("POST", "/api/crisis/location", map[string]any{"lat": 40.7128, "lon": -74.006, "accuracy": 25}).want(t, 200)
		if len(e.notify.to(casey.ID, crisis.EventLocation)) != before+1 {
			t.Fatal("the counselor was not told of the shared location")
		}
		cc.do("GET", crisisPath(id, ""), nil).want(t, 200).decode(t, &ctx)
		if ctx.Patient.DisplayName != "Pat Lee" || ctx.Escalation.TriggerRef != "button:" || ctx.Escalation.Severity != "high" ||
			ctx.SafetyPlan == nil || ctx.SafetyPlan.Version != 1 || ctx.SafetyPlan.Plan.CopingStrategies[0] != "Walk the dog" ||
			len(ctx.CareTeam) != 1 || ctx.CareTeam[0].DisplayName != "Dr Inside" ||
			len(ctx.EmergencyContacts) != 1 || ctx.EmergencyContacts[0].Name != "Sam Lee" ||
			ctx.Location == nil || ctx.Location.Lat != 40.7128 || ctx.Location.Accuracy != 25 {
			t.Fatalf("context %+v", ctx)
		}
		if n := e.auditCount(casey.ID, patient.ID, "crisis.context.read"); n == 0 {
			t.Fatal("the context read was not audited")
		}
	})

	t.Run("the holder resolves with follow-ups", func(t *testing.T) {
		if len(ctx.CareTeam) != 1 {
			t.Fatal("no context to resolve with")
		}
		due := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		bad := map[string]any{"disposition": "de_escalated", "follow_ups": []map[string]any{{"kind": "call_back", "assignee_id": patient.ID, "due": due}}}
		if msg := cc.do("POST", crisisPath(id, "/resolve"), bad).want(t, 400).errorOf(t).Message; !strings.Contains(msg, "care team") {
			t.Fatalf("assignee outside the team: %q", msg)
		}
		good := map[string]any{"disposition": "de_escalated", "follow_ups": []map[string]any{
			{"kind": "call_back", "due": due}, {"kind": "care_team_review", "assignee_id": ctx.CareTeam[0].ID, "due": due}}}
		cc.do("POST", crisisPath(id, "/resolve"), good).want(t, 200)
		fus, err := e.svc.FollowUps(context.Background(), id)
		if err != nil || len(fus) != 2 || fus[0].AssigneeID == fus[1].AssigneeID {
			t.Fatalf("follow-ups %+v %v", fus, err)
		}
		if len(e.notify.to(ctx.CareTeam[0].ID, crisis.EventResolved)) != 1 {
			t.Fatal("the care team was not told")
		}
		var mine crisisRequest
		pc.do("GET", "/api/crisis/mine?id="+strconv.FormatInt(id, 10), nil).want(t, 200).decode(t, &mine)
		if mine.Open || mine.Status != "resolved" {
			t.Fatalf("after resolving, the patient sees %+v", mine)
		}
		cc.do("GET", crisisPath(id, ""), nil).want(t, 403) // access ended with the resolution
		if msg := cc.do("POST", crisisPath(id, "/resolve"), good).want(t, 409).errorOf(t).Message; !strings.Contains(msg, "already resolved") {
			t.Fatalf("resolving twice: %q", msg)
		}
	})

	t.Run("a claim stands when the conversation cannot open", func(t *testing.T) {
		var got crisisRequest
		pc.do("POST", "/api/crisis", nil).want(t, 201).decode(t, &got)
		e.convs.fail.Store(true)
		var claim claimResponse
		cc.do("POST", crisisPath(got.EscalationID, "/claim"), nil).want(t, 200).decode(t, &claim)
		if claim.State != "claimed" || claim.ConversationRef != "" || !strings.Contains(claim.ConversationError, "could not be opened") {
			t.Fatalf("claim with chat down: %+v", claim)
		}
		e.convs.fail.Store(false)
		claim = claimResponse{}
		cc.do("POST", crisisPath(got.EscalationID, "/claim"), nil).want(t, 200).decode(t, &claim)
		if claim.State != "in_conversation" || claim.ConversationRef == "" || claim.ConversationError != "" {
			t.Fatalf("claim retried: %+v", claim)
		}
		cc.do("POST", crisisPath(got.EscalationID, "/resolve"), map[string]any{"disposition": "not_a_crisis"}).want(t, 200)
	})

	t.Run("the on-call switch and coverage", func(t *testing.T) {
		var st onCallState
		cc.do("GET", "/api/crisis/oncall", nil).want(t, 200).decode(t, &st)
		if !st.OnCall || !st.Coverage.Covered || st.Coverage.OnCall != 2 {
			t.Fatalf("on call: %+v", st)
		}
		jo.do("PUT", "/api/crisis/oncall", map[string]any{"switch": "off"}).want(t, 200)
		cc.do("PUT", "/api/crisis/oncall", map[string]any{"switch": "off"}).want(t, 200).decode(t, &st)
		if st.OnCall || st.Coverage.Covered {
			t.Fatalf("switched off: %+v", st)
		}
		var cov coverageState
		admin.do("GET", "/api/crisis/coverage", nil).want(t, 200).decode(t, &cov)
		if cov.Covered {
			t.Fatalf("admin sees coverage %+v", cov)
		}
		cc.do("PUT", "/api/crisis/oncall", map[string]any{"switch": "shift"}).want(t, 200)
		cc.do("PUT", "/api/crisis/oncall", map[string]any{"switch": "on"}).want(t, 200).decode(t, &st)
		if !st.OnCall || !st.Coverage.Covered {
			t.Fatalf("switched on: %+v", st)
		}
		if msg := cc.do("PUT", "/api/crisis/oncall", map[string]any{"switch": "maybe"}).want(t, 400).errorOf(t).Message; !strings.Contains(msg, "shift, on or off") {
			t.Fatalf("bad switch: %q", msg)
		}
		admin.do("PUT", "/api/crisis/oncall", map[string]any{"switch": "on"}).want(t, 403)
		pc.do("GET", "/api/crisis/coverage", nil).want(t, 403)
	})

	t.Run("only the care team escalates by hand", func(t *testing.T) {
		outside := e.createUser(account.RoleClinician, "out@clinic.example", "Dr Outside")
		oc := e.client()
		oc.staff("out@clinic.example")
		path := "/api/patients/" + strconv.FormatInt(patient.ID, 10) + "/escalate"
		oc.do("POST", path, map[string]any{"severity": "high"}).want(t, 403)
		if n := e.auditCount(outside.ID, patient.ID, "access.denied"); n != 1 {
			t.Fatalf("%d refusals audited, want 1", n)
		}
		if msg := doc.do("POST", path, map[string]any{"severity": "urgent"}).want(t, 400).errorOf(t).Message; !strings.Contains(msg, "low, medium or high") {
			t.Fatalf("bad severity: %q", msg)
		}
		offers := len(e.notify.to(casey.ID, crisis.EventOffer))
		var out struct {
			EscalationID int64 `json:"escalation_id"`
		}
		doc.do("POST", path, map[string]any{"severity": "medium", "conversation_id": 17}).want(t, 201).decode(t, &out)
		esc, err := e.svc.Get(context.Background(), out.EscalationID)
		if err != nil || esc.Source != crisis.SourceClinician || esc.TriggerRef != "conversation:17" || esc.Severity != crisis.Medium {
			t.Fatalf("escalation %+v %v", esc, err)
		}
		if len(e.notify.to(casey.ID, crisis.EventOffer)) != offers+1 {
			t.Fatal("the on-call counselor got no offer")
		}
		doc.do("POST", path, map[string]any{}).want(t, 200) // attaches to the open one
	})
}
