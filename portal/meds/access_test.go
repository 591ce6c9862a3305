package meds

import (
	"testing"

	"haven/portal/account"
	"haven/portal/fault"
)

// patientCalls calls every exported function that acts on the env
// patient's data, as actor, on medication m and refill r.
func (e *env) patientCalls(m Medication, r Refill) map[string]func(account.Actor) error {
	return map[string]func(account.Actor) error{
		"Add": func(a account.Actor) error {
			_, err := e.svc.Add(e.ctx, a, e.patient, sertraline())
			return err
		},
		"Update": func(a account.Actor) error {
			_, err := e.svc.Update(e.ctx, a, m.ID, sertraline())
			return err
		},
		"Remove": func(a account.Actor) error { return e.svc.Remove(e.ctx, a, m.ID) },
		"List": func(a account.Actor) error {
			_, err := e.svc.List(e.ctx, a, e.patient)
			return err
		},
		"Get": func(a account.Actor) error {
			_, err := e.svc.Get(e.ctx, a, m.ID)
			return err
		},
		"SetReminders": func(a account.Actor) error { return e.svc.SetReminders(e.ctx, a, m.ID, true, "") },
		"RequestRefill": func(a account.Actor) error {
			_, err := e.svc.RequestRefill(e.ctx, a, m.ID)
			return err
		},
		"DecideRefill": func(a account.Actor) error {
			_, err := e.svc.DecideRefill(e.ctx, a, r.ID, true, "")
			return err
		},
		"Refills": func(a account.Actor) error {
			_, err := e.svc.Refills(e.ctx, a, e.patient)
			return err
		},
		"RecordDose": func(a account.Actor) error {
			return e.svc.RecordDose(e.ctx, a, m.ID, "2026-03-12", "08:00", Taken)
		},
		"Adherence": func(a account.Actor) error {
			_, err := e.svc.Adherence(e.ctx, a, e.patient, 7)
			return err
		},
	}
}

func TestOutsidersAreRefusedEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.add(sertraline())
	r, err := e.svc.RequestRefill(e.ctx, pat(e.patient), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	outsider := e.user(account.RoleClinician)
	actors := map[string]account.Actor{
		"clinician off the team":    clin(outsider),
		"another patient":           pat(e.patientOf(e.clinician)),
		"admin without break-glass": {UserID: e.user(account.RoleAdmin), Role: account.RoleAdmin},
	}
	for name, call := range e.patientCalls(m, r) {
		for who, actor := range actors {
			t.Run(name+"/"+who, func(t *testing.T) {
				before := e.audits("access.denied", e.patient)
				err := call(actor)
				if fault.CodeOf(err) != fault.Forbidden {
					t.Fatalf("err = %v (code %v), want forbidden", err, fault.CodeOf(err))
				}
				if got := e.audits("access.denied", e.patient); got != before+1 {
					t.Fatalf("access.denied rows %d → %d, want one more", before, got)
				}
			})
		}
	}
	got, err := e.svc.Get(e.ctx, pat(e.patient), m.ID)
	if err != nil || got.RemindersOn || got.Name != "Sertraline" {
		t.Fatalf("medication changed by refused calls: %+v, %v", got, err)
	}
	if n := e.count(`SELECT count(*) FROM med_refills WHERE state = 'requested'`); n != 1 {
		t.Fatalf("refills changed by refused calls")
	}
	_, err = e.svc.PendingRefills(e.ctx, clin(outsider), e.clinician)
	if fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("another clinician's refill queue: %v", err)
	}
}

func TestEveryReadIsAuditedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.add(sertraline())
	e.add(sertraline())
	if _, err := e.svc.RequestRefill(e.ctx, pat(e.patient), m.ID); err != nil {
		t.Fatal(err)
	}
	calls := e.patientCalls(m, Refill{})
	reads := map[string]string{"List": "meds.read", "Get": "meds.read", "Refills": "meds.refill_read", "Adherence": "meds.adherence_read"}
	for name, action := range reads {
		for _, actor := range []account.Actor{pat(e.patient), clin(e.clinician)} {
			before := e.audits(action, e.patient)
			if err := calls[name](actor); err != nil {
				t.Fatalf("%s by %s: %v", name, actor.Role, err)
			}
			if got := e.audits(action, e.patient); got != before+1 {
				t.Fatalf("%s by %s: audit rows %d → %d, want exactly one more", name, actor.Role, before, got)
			}
			var actorID int64
			e.pool.QueryRow(e.ctx, `SELECT actor_id FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`, action).Scan(&actorID)
			if actorID != actor.UserID {
				t.Fatalf("%s audited as actor %d, want %d", name, actorID, actor.UserID)
			}
		}
	}
	if _, err := e.svc.PendingRefills(e.ctx, clin(e.clinician), e.clinician); err != nil {
		t.Fatal(err)
	}
	if got := e.audits("meds.refill_queue", 0); got != 1 {
		t.Fatalf("%d meds.refill_queue rows", got)
	}
}
