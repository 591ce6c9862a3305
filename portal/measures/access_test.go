package measures_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/measures"
)

// patientCalls calls every exported method that takes a patient, as actor
// on patient p.
func patientCalls(e *env, p int64) map[string]func(a account.Actor) error {
	ctx, now := e.ctx, e.clock.Now()
	return map[string]func(a account.Actor) error{
		"Assign": func(a account.Actor) error {
			_, err := e.svc.Assign(ctx, a, measures.AssignRequest{PatientID: p, Instrument: measures.PHQ9, Due: now, Zone: "UTC"})
			return err
		},
		"AssignPreVisit": func(a account.Actor) error {
			_, err := e.svc.AssignPreVisit(ctx, a, p, measures.PHQ9, 1, now, "UTC")
			return err
		},
		"EndAssignment": func(a account.Actor) error { return e.svc.EndAssignment(ctx, a, p, 1) },
		"Assignments": func(a account.Actor) error {
			_, err := e.svc.Assignments(ctx, a, p)
			return err
		},
		"Submit": func(a account.Actor) error {
			_, err := e.svc.Submit(ctx, a, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, Answers: phq9(4, 0)})
			return err
		},
		"Series": func(a account.Actor) error {
			_, err := e.svc.Series(ctx, a, p, measures.PHQ9, time.Time{}, time.Time{})
			return err
		},
		"Response": func(a account.Actor) error {
			_, err := e.svc.Response(ctx, a, p, 1)
			return err
		},
		"CheckIn": func(a account.Actor) error {
			_, err := e.svc.CheckIn(ctx, a, p, measures.MoodInput{Score: 5, Zone: "UTC"})
			return err
		},
		"Moods": func(a account.Actor) error {
			_, err := e.svc.Moods(ctx, a, p, now.AddDate(0, 0, -7), now)
			return err
		},
		"MoodTrend": func(a account.Actor) error {
			_, err := e.svc.MoodTrend(ctx, a, p, now.AddDate(0, 0, -7), now)
			return err
		},
	}
}

func testEveryPatientFunctionRefusesOutsiders(t *testing.T, e *env) {
	p := e.patient.UserID
	calls := patientCalls(e, p)

	// The table must cover every exported method that takes an Actor.
	actorType := reflect.TypeOf(account.Actor{})
	svcType := reflect.TypeOf(e.svc)
	for i := range svcType.NumMethod() {
		m := svcType.Method(i)
		for j := 1; j < m.Type.NumIn(); j++ {
			if m.Type.In(j) == actorType {
				if _, ok := calls[m.Name]; !ok {
					t.Errorf("%s takes an Actor but is missing from the access table", m.Name)
				}
			}
		}
	}

	strangers := map[string]account.Actor{"clinician outside the team": e.outsider, "another patient": e.other, "counselor without a grant": e.counselor}
	for name, call := range calls {
		for who, actor := range strangers {
			err := call(actor)
			if !errors.Is(err, account.ErrForbidden) || fault.CodeOf(err) != fault.Forbidden {
				t.Errorf("%s by %s: err = %v, want account.ErrForbidden", name, who, err)
			}
		}
	}
	if got, want := e.audits(t, "access.denied", e.outsider, p), len(calls); got != want {
		t.Errorf("%d refusals of the outsider audited, want %d", got, want)
	}
	tables := []string{"measure_assignments", "measure_responses", "measure_moods", "test_escalations", "test_reminders"}
	for _, tbl := range tables {
		if n := e.rows(t, tbl); n != 0 {
			t.Errorf("%s has %d rows after refused calls", tbl, n)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'measures.%' AND patient_id = $1`, p); n != 0 {
		t.Errorf("%d measures.* audit rows after refused calls", n)
	}
}

func testEveryReadIsAuditedOnce(t *testing.T, e *env) {
	p := e.patient.UserID
	sub, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.GAD7, Answers: gad7(3)})
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	reads := map[string]func(context.Context, account.Actor) error{
		"Assignments": func(ctx context.Context, a account.Actor) error { _, err := e.svc.Assignments(ctx, a, p); return err },
		"Series": func(ctx context.Context, a account.Actor) error {
			_, err := e.svc.Series(ctx, a, p, measures.GAD7, time.Time{}, time.Time{})
			return err
		},
		"Response": func(ctx context.Context, a account.Actor) error {
			_, err := e.svc.Response(ctx, a, p, sub.ID)
			return err
		},
		"Moods": func(ctx context.Context, a account.Actor) error {
			_, err := e.svc.Moods(ctx, a, p, now, now)
			return err
		},
		"MoodTrend": func(ctx context.Context, a account.Actor) error {
			_, err := e.svc.MoodTrend(ctx, a, p, now, now)
			return err
		},
	}
	for name, read := range reads {
		for _, actor := range []account.Actor{e.doc, e.patient} {
			before := e.audits(t, "measures.read", actor, p)
			if err := read(e.ctx, actor); err != nil {
				t.Fatalf("%s by %s: %v", name, actor.Role, err)
			}
			if after := e.audits(t, "measures.read", actor, p); after != before+1 {
				t.Errorf("%s by %s: %d audit rows, want 1", name, actor.Role, after-before)
			}
		}
	}
	var ip, role string
	err = e.pool.QueryRow(e.ctx, `SELECT host(client_ip), actor_role FROM audit_log WHERE action = 'measures.read' AND actor_id = $1 LIMIT 1`, e.doc.UserID).Scan(&ip, &role)
	if err != nil || ip != "198.51.100.4" || role != "clinician" {
		t.Fatalf("audit row: ip %q role %q, %v", ip, role, err)
	}
}
