package records_test

import (
	"reflect"
	"testing"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/records"
)

// notPatient names the exported methods that take an Actor but no patient:
// the resource library is clinic material.
var notPatient = map[string]bool{"AddResource": true, "Library": true}

// patientCalls calls every exported method that takes a patient, as actor
// on patient p.
func patientCalls(e *env, p int64) map[string]func(account.Actor) error {
	ctx := e.ctx
	discard := func(_ any, err error) error { return err }
	return map[string]func(account.Actor) error{
		"WriteNote": func(a account.Actor) error {
			return discard(e.svc.WriteNote(ctx, a, records.NewNote{PatientID: p, Kind: records.KindProgress, Title: "t", Body: "b"}))
		},
		"ShareNote":    func(a account.Actor) error { return e.svc.ShareNote(ctx, a, p, 1) },
		"WithholdNote": func(a account.Actor) error { return e.svc.WithholdNote(ctx, a, p, 1, records.Privacy) },
		"Notes":        func(a account.Actor) error { return discard(e.svc.Notes(ctx, a, p)) },
		"Note":         func(a account.Actor) error { return discard(e.svc.Note(ctx, a, p, 1)) },
		"AddGoal":      func(a account.Actor) error { return discard(e.svc.AddGoal(ctx, a, p, records.GoalInput{Text: "g"})) },
		"UpdateGoal": func(a account.Actor) error {
			return discard(e.svc.UpdateGoal(ctx, a, p, 1, records.GoalInput{Text: "g"}))
		},
		"AddProgress":   func(a account.Actor) error { return discard(e.svc.AddProgress(ctx, a, p, 1, "n")) },
		"TreatmentPlan": func(a account.Actor) error { return discard(e.svc.TreatmentPlan(ctx, a, p)) },
		"SaveSafetyPlan": func(a account.Actor) error {
			return discard(e.svc.SaveSafetyPlan(ctx, a, p, 0, records.SafetyPlan{WarningSigns: []string{"w"}}))
		},
		"CurrentSafetyPlan": func(a account.Actor) error { return discard(e.svc.CurrentSafetyPlan(ctx, a, p)) },
		"SafetyPlanAt":      func(a account.Actor) error { return discard(e.svc.SafetyPlanAt(ctx, a, p, 1)) },
		"SafetyPlanHistory": func(a account.Actor) error { return discard(e.svc.SafetyPlanHistory(ctx, a, p)) },
		"AddEmergencyContact": func(a account.Actor) error {
			return discard(e.svc.AddEmergencyContact(ctx, a, p, records.EmergencyContact{Name: "n", Phone: "555-0100"}))
		},
		"RemoveEmergencyContact": func(a account.Actor) error { return e.svc.RemoveEmergencyContact(ctx, a, p, 1) },
		"EmergencyContacts":      func(a account.Actor) error { return discard(e.svc.EmergencyContacts(ctx, a, p)) },
		"AssignResource":         func(a account.Actor) error { return e.svc.AssignResource(ctx, a, p, 1) },
		"UnassignResource":       func(a account.Actor) error { return e.svc.UnassignResource(ctx, a, p, 1) },
		"AssignedResources":      func(a account.Actor) error { return discard(e.svc.AssignedResources(ctx, a, p)) },
		"ExportForPatient":       func(a account.Actor) error { return discard(e.svc.ExportForPatient(ctx, a, p)) },
	}
}

func testEveryPatientFunctionRefusesOutsiders(t *testing.T, e *env) {
	p := e.patient.UserID
	calls := patientCalls(e, p)
	actorType := reflect.TypeOf(account.Actor{})
	svcType := reflect.TypeOf(e.svc)
	for i := range svcType.NumMethod() {
		m := svcType.Method(i)
		for j := 1; j < m.Type.NumIn(); j++ {
			if m.Type.In(j) != actorType || notPatient[m.Name] {
				continue
			}
			if _, ok := calls[m.Name]; !ok {
				t.Errorf("%s takes an Actor but is missing from the access table", m.Name)
			}
		}
	}
	strangers := map[string]account.Actor{"clinician outside the team": e.outsider, "another patient": e.other,
		"counselor without a grant": e.counselor, "admin without break-glass": e.admin}
	for name, call := range calls {
		for who, actor := range strangers {
			err := call(actor)
			if !isErr(err, account.ErrForbidden) || fault.CodeOf(err) != fault.Forbidden {
				t.Errorf("%s by %s: err = %v, want account.ErrForbidden", name, who, err)
			}
		}
	}
	if got, want := e.audits(t, "access.denied", e.outsider, p), len(calls); got != want {
		t.Errorf("%d refusals of the outsider audited, want %d", got, want)
	}
	for _, tbl := range []string{"record_notes", "record_goals", "record_goal_progress", "record_safety_plans",
		"record_emergency_contacts", "record_resource_assignments"} {
		if n := e.rows(t, tbl); n != 0 {
			t.Errorf("%s has %d rows after refused calls", tbl, n)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'records.%' AND patient_id = $1`, p); n != 0 {
		t.Errorf("%d records.* audit rows after refused calls", n)
	}
}

func testEveryReadIsAuditedOnce(t *testing.T, e *env) {
	p := e.patient.UserID
	n := e.note(t, e.doc, records.KindProgress, "t", "b", "")
	if _, err := e.svc.SaveSafetyPlan(e.ctx, e.patient, p, 0, firstPlan()); err != nil {
		t.Fatal(err)
	}
	discard := func(_ any, err error) error { return err }
	reads := map[string]func(account.Actor) error{
		"Notes":             func(a account.Actor) error { return discard(e.svc.Notes(e.ctx, a, p)) },
		"Note":              func(a account.Actor) error { return discard(e.svc.Note(e.ctx, a, p, n.ID)) },
		"TreatmentPlan":     func(a account.Actor) error { return discard(e.svc.TreatmentPlan(e.ctx, a, p)) },
		"CurrentSafetyPlan": func(a account.Actor) error { return discard(e.svc.CurrentSafetyPlan(e.ctx, a, p)) },
		"SafetyPlanAt":      func(a account.Actor) error { return discard(e.svc.SafetyPlanAt(e.ctx, a, p, 1)) },
		"SafetyPlanHistory": func(a account.Actor) error { return discard(e.svc.SafetyPlanHistory(e.ctx, a, p)) },
		"EmergencyContacts": func(a account.Actor) error { return discard(e.svc.EmergencyContacts(e.ctx, a, p)) },
		"AssignedResources": func(a account.Actor) error { return discard(e.svc.AssignedResources(e.ctx, a, p)) },
		"ExportForPatient":  func(a account.Actor) error { return discard(e.svc.ExportForPatient(e.ctx, a, p)) },
	}
	for name, read := range reads {
		action := "records.read"
		if name == "ExportForPatient" {
			action = "records.export"
		}
		for _, actor := range []account.Actor{e.doc, e.patient} {
			before := e.audits(t, action, actor, p)
			if err := read(actor); err != nil {
				t.Fatalf("%s by %s: %v", name, actor.Role, err)
			}
			if after := e.audits(t, action, actor, p); after != before+1 {
				t.Errorf("%s by %s: %d audit rows, want 1", name, actor.Role, after-before)
			}
		}
	}
}
