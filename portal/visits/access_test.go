package visits

import (
	"fmt"
	"testing"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
)

// fixture is a patient with a booked visit, a waitlist entry and an open
// offer.
type fixture struct {
	patient     int64
	appt, offer Appointment
	entry       WaitlistEntry
	freeSlot    time.Time
}

func (e *env) fixture() fixture {
	e.t.Helper()
	var f fixture
	f.patient = e.patient(e.clinician)
	f.appt = e.book(f.patient, at(2026, 3, 9, 9, 0))
	f.entry = e.join(f.patient, at(2026, 3, 31, 0, 0))
	other := e.patient(e.clinician)
	freed := e.book(other, at(2026, 3, 10, 9, 0))
	if err := e.svc.Cancel(e.ctx, pat(other), freed.ID); err != nil {
		e.t.Fatal(err)
	}
	id := e.offerOf(f.patient)
	if id == 0 {
		e.t.Fatal("fixture: no offer")
	}
	f.offer = Appointment{ID: id}
	f.freeSlot = at(2026, 3, 11, 9, 0)
	return f
}

// patientCalls calls every exported function that acts on the fixture
// patient's data, as actor.
func (e *env) patientCalls(f fixture) map[string]func(account.Actor) error {
	return map[string]func(account.Actor) error{
		"Book": func(a account.Actor) error {
			_, err := e.svc.Book(e.ctx, a, BookRequest{PatientID: f.patient, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Start: f.freeSlot})
			return err
		},
		"Cancel": func(a account.Actor) error { return e.svc.Cancel(e.ctx, a, f.appt.ID) },
		"Reschedule": func(a account.Actor) error {
			_, err := e.svc.Reschedule(e.ctx, a, f.appt.ID, f.freeSlot)
			return err
		},
		"Get": func(a account.Actor) error {
			_, err := e.svc.Get(e.ctx, a, f.appt.ID)
			return err
		},
		"Appointments": func(a account.Actor) error {
			_, err := e.svc.Appointments(e.ctx, a, f.patient, t0, t0.AddDate(0, 1, 0))
			return err
		},
		"JoinWaitlist": func(a account.Actor) error {
			_, err := e.svc.JoinWaitlist(e.ctx, a, WaitlistRequest{PatientID: f.patient, ClinicianID: e.clinician, VisitTypeID: e.medCheck.ID, Before: t0.AddDate(0, 1, 0)})
			return err
		},
		"LeaveWaitlist": func(a account.Actor) error { return e.svc.LeaveWaitlist(e.ctx, a, f.entry.ID) },
		"Waitlist": func(a account.Actor) error {
			_, err := e.svc.Waitlist(e.ctx, a, f.patient)
			return err
		},
		"AcceptOffer": func(a account.Actor) error {
			_, err := e.svc.AcceptOffer(e.ctx, a, f.offer.ID)
			return err
		},
		"DeclineOffer": func(a account.Actor) error { return e.svc.DeclineOffer(e.ctx, a, f.offer.ID) },
		"VideoRoom": func(a account.Actor) error {
			_, err := e.svc.VideoRoom(e.ctx, a, f.appt.ID)
			return err
		},
	}
}

func TestOutsidersAreRefusedEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	outsider := e.user(account.RoleClinician) // on nobody's care team
	otherPatient := e.patient(e.clinician)
	counselor := e.user(account.RoleCounselor)
	actors := map[string]account.Actor{
		"clinician off the team":    clin(outsider),
		"another patient":           pat(otherPatient),
		"counselor without a grant": {UserID: counselor, Role: account.RoleCounselor},
		"operator":                  account.Operator(),
	}
	for name, call := range e.patientCalls(f) {
		for who, actor := range actors {
			t.Run(name+"/"+who, func(t *testing.T) {
				before := e.audits("access.denied", f.patient)
				err := call(actor)
				if fault.CodeOf(err) != fault.Forbidden {
					t.Fatalf("err = %v (code %v), want forbidden", err, fault.CodeOf(err))
				}
				if got := e.audits("access.denied", f.patient); got != before+1 {
					t.Fatalf("access.denied rows %d → %d, want one more", before, got)
				}
			})
		}
	}
	// Nothing changed.
	if got, err := e.svc.Get(e.ctx, pat(f.patient), f.appt.ID); err != nil || got.Status != Booked || !got.Start.Equal(f.appt.Start) {
		t.Fatalf("appointment changed by refused calls: %+v, %v", got, err)
	}
	if e.offerOf(f.patient) != f.offer.ID {
		t.Fatal("offer changed by refused calls")
	}
}

func TestEveryReadAndWriteIsAuditedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fixture()
	e.clock.Advance(7*24*time.Hour - 2*time.Hour - 5*time.Minute) // 08:55 EDT on the visit's day
	reads := []struct {
		action string
		call   func(account.Actor) error
	}{
		{"visits.read", e.patientCalls(f)["Get"]},
		{"visits.list", e.patientCalls(f)["Appointments"]},
		{"visits.waitlist_read", e.patientCalls(f)["Waitlist"]},
		{"visits.join", e.patientCalls(f)["VideoRoom"]},
	}
	for _, r := range reads {
		for _, actor := range []account.Actor{pat(f.patient), clin(e.clinician)} {
			before := e.audits(r.action, f.patient)
			if err := r.call(actor); err != nil {
				t.Fatalf("%s by %s: %v", r.action, actor.Role, err)
			}
			if got := e.audits(r.action, f.patient); got != before+1 {
				t.Fatalf("%s by %s: %d audit rows → %d, want one more", r.action, actor.Role, before, got)
			}
			var actorID int64
			e.pool.QueryRow(e.ctx, `SELECT actor_id FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1`, r.action).Scan(&actorID)
			if actorID != actor.UserID {
				t.Fatalf("%s audited as actor %d, want %d", r.action, actorID, actor.UserID)
			}
		}
	}
	if _, _, err := e.svc.DayView(e.ctx, clin(e.clinician), e.clinician, "2026-03-09"); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT count(*) FROM audit_log WHERE action = 'visits.day' AND target = $1`,
		fmt.Sprintf("clinician:%d/day:2026-03-09", e.clinician)); got != 1 {
		t.Fatalf("%d visits.day rows", got)
	}
	// Writes: one row each (from the fixture).
	for action, want := range map[string]int{"visits.book": 1, "visits.waitlist_join": 1} {
		if got := e.audits(action, f.patient); got != want {
			t.Errorf("%s rows = %d, want %d", action, got, want)
		}
	}
	// The offer was made by the system, not by whoever cancelled.
	var actorID *int64
	var role string
	e.pool.QueryRow(e.ctx, `SELECT actor_id, actor_role FROM audit_log WHERE action = 'visits.offer' AND patient_id = $1`, f.patient).Scan(&actorID, &role)
	if actorID != nil || role != "system" {
		t.Fatalf("visits.offer audited as %v/%q, want the system", actorID, role)
	}
}
