package meds

import (
	"math"
	"testing"
	"time"

	"haven/portal/account"
)

func TestAdherenceRecordedByThePatientSeenByTheTeam(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // now: Thu 12 March 2026, 21:00 New York
	m := e.add(sertraline())
	record := func(day, at string, s DoseStatus) {
		t.Helper()
		if err := e.svc.RecordDose(e.ctx, pat(e.patient), m.ID, day, at, s); err != nil {
			t.Fatalf("RecordDose(%s %s): %v", day, at, err)
		}
	}
	// The last 7 days are 6–12 March: 14 doses due (tonight's 20:00 included).
	for _, d := range []string{"2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"} {
		record(d, "08:00", Taken)
		record(d, "20:00", Taken)
	}
	record("2026-03-11", "08:00", Skipped)
	record("2026-03-12", "08:00", Taken)
	record("2026-03-12", "08:00", Skipped) // changed their mind: replaces
	record("2026-03-03", "08:00", Taken)   // outside the 7 days

	for _, actor := range []struct {
		name string
		a    Adherence
	}{{"patient", e.adherence(pat(e.patient), 7)}, {"clinician", e.adherence(clin(e.clinician), 7)}} {
		if c := actor.a.Counts; c.Expected != 14 || c.Taken != 10 || c.Skipped != 2 || c.Missed != 2 || !near(c.Rate, 10.0/14) {
			t.Fatalf("%s sees 7-day counts %+v", actor.name, c)
		}
		if len(actor.a.Medications) != 1 || actor.a.Medications[0].Name != "Sertraline" {
			t.Fatalf("%s sees %+v", actor.name, actor.a.Medications)
		}
	}
	// 30 days reach back to the start on 2 March: 11 days, 22 doses.
	if c := e.adherence(clin(e.clinician), 30).Counts; c.Expected != 22 || c.Taken != 11 || c.Skipped != 2 || c.Missed != 9 || !near(c.Rate, 11.0/22) {
		t.Fatalf("30-day counts %+v", c)
	}

	wantErr(t, e.svc.RecordDose(e.ctx, clin(e.clinician), m.ID, "2026-03-12", "08:00", Taken), ErrPatientOnly)
	wantErr(t, e.svc.RecordDose(e.ctx, pat(e.patient), m.ID, "2026-03-12", "12:00", Taken), ErrDoseTime)
	wantErr(t, e.svc.RecordDose(e.ctx, pat(e.patient), m.ID, "2026-03-13", "08:00", Taken), ErrDoseDay) // tomorrow
	wantErr(t, e.svc.RecordDose(e.ctx, pat(e.patient), m.ID, "2026-03-01", "08:00", Taken), ErrDoseDay) // before the start
	wantErr(t, e.svc.RecordDose(e.ctx, pat(e.patient), m.ID, "2026-03-12", "08:00", "forgot"), ErrDoseStatus)
	wantErr(t, e.svc.RecordDose(e.ctx, pat(e.patient), m.ID, "12/03/2026", "08:00", Taken), ErrDate)
	_, err := e.svc.Adherence(e.ctx, pat(e.patient), e.patient, 0)
	wantErr(t, err, ErrDays)
	_, err = e.svc.Adherence(e.ctx, pat(e.patient), e.patient, 91)
	wantErr(t, err, ErrDays)

	e.clock.Advance(-2 * time.Hour) // 19:00: tonight's dose is not due yet
	if c := e.adherence(pat(e.patient), 7).Counts; c.Expected != 13 {
		t.Fatalf("at 19:00 expected %d doses, want 13", c.Expected)
	}
	wantErr(t, e.svc.RecordDose(e.ctx, pat(e.patient), m.ID, "2026-03-12", "20:00", Taken), ErrDoseDay)
	if got := e.audits("meds.dose", e.patient); got != 14 {
		t.Fatalf("%d meds.dose audit rows, want 14", got)
	}
}

func (e *env) adherence(actor account.Actor, days int) Adherence {
	e.t.Helper()
	a, err := e.svc.Adherence(e.ctx, actor, e.patient, days)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
