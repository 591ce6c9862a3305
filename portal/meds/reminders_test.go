package meds

import (
	"errors"
	"testing"
)

// lastReminder returns the op and times of the last reminder call for med.
func (e *env) lastReminder(medID int64) (op string, times []string) {
	e.t.Helper()
	e.pool.QueryRow(e.ctx, `SELECT op, times FROM test_reminders WHERE med_id = $1 ORDER BY ctid DESC LIMIT 1`, medID).Scan(&op, &times)
	return op, times
}

func TestDoseRemindersFollowThePatientAndTheList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.add(sertraline())
	wantErr(t, e.svc.SetReminders(e.ctx, clin(e.clinician), m.ID, true, ""), ErrPatientOnly)

	// A failing scheduler leaves reminders off.
	e.reminders.fail.Store(true)
	if err := e.svc.SetReminders(e.ctx, pat(e.patient), m.ID, true, ""); !errors.Is(err, errReminders) {
		t.Fatalf("err = %v", err)
	}
	if got, _ := e.svc.Get(e.ctx, pat(e.patient), m.ID); got.RemindersOn {
		t.Fatal("reminders on after the scheduler failed")
	}

	if err := e.svc.SetReminders(e.ctx, pat(e.patient), m.ID, true, "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	if op, times := e.lastReminder(m.ID); op != "schedule" || len(times) != 2 || times[0] != "08:00" {
		t.Fatalf("last reminder call %s %v", op, times)
	}
	if got, _ := e.svc.Get(e.ctx, pat(e.patient), m.ID); !got.RemindersOn || got.Zone != "Europe/Berlin" {
		t.Fatalf("after turning on: %+v", got)
	}

	// The clinician changes the times: the reminders follow.
	in := sertraline()
	in.DailyTimes, in.Zone = []string{"09:30"}, "Europe/Berlin"
	if _, err := e.svc.Update(e.ctx, clin(e.clinician), m.ID, in); err != nil {
		t.Fatal(err)
	}
	if op, times := e.lastReminder(m.ID); op != "schedule" || len(times) != 1 || times[0] != "09:30" {
		t.Fatalf("after new times: %s %v", op, times)
	}
	// No times left: reminders end.
	in.DailyTimes = nil
	got, err := e.svc.Update(e.ctx, clin(e.clinician), m.ID, in)
	if err != nil || got.RemindersOn {
		t.Fatalf("update without times: %+v, %v", got, err)
	}
	if op, _ := e.lastReminder(m.ID); op != "cancel" {
		t.Fatalf("after times removed: %s", op)
	}
	wantErr(t, e.svc.SetReminders(e.ctx, pat(e.patient), m.ID, true, ""), ErrNoTimes)
	wantErr(t, e.svc.SetReminders(e.ctx, pat(e.patient), m.ID, true, "Moon/Base"), ErrZone)

	// Off, then removed with reminders on: cancelled in the same transaction.
	m2 := e.add(sertraline())
	if err := e.svc.SetReminders(e.ctx, pat(e.patient), m2.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Remove(e.ctx, clin(e.clinician), m2.ID); err != nil {
		t.Fatal(err)
	}
	if op, _ := e.lastReminder(m2.ID); op != "cancel" {
		t.Fatalf("after remove: %s", op)
	}
	if got := e.audits("meds.reminders", e.patient); got != 2 {
		t.Fatalf("%d meds.reminders rows, want 2 (the failed attempt rolled back)", got)
	}
}
