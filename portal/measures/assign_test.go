package measures_test

import (
	"errors"
	"testing"
	"time"

	"haven/portal/fault"
	"haven/portal/measures"
)

// reminders lists the test_reminders rows of an assignment, oldest first.
func (e *env) reminders(t *testing.T, assignmentID int64) []string {
	t.Helper()
	rows, err := e.pool.Query(e.ctx, `SELECT op || coalesce(' ' || to_char(due AT TIME ZONE zone, 'YYYY-MM-DD HH24:MI') || ' ' || zone, '')
		FROM test_reminders WHERE assignment_id = $1 ORDER BY ctid`, assignmentID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func testRepeatingAssignmentKeepsLocalTimeAcrossDST(t *testing.T, e *env) {
	p := e.patient.UserID
	ny, _ := time.LoadLocation("America/New_York")
	// Due Saturday 7 March 2026 09:00 in New York, every day; DST starts on the 8th.
	e.clock.Set(time.Date(2026, 3, 7, 8, 0, 0, 0, ny))
	a, err := e.svc.Assign(e.ctx, e.doc, measures.AssignRequest{PatientID: p, Instrument: measures.GAD7,
		Due: time.Date(2026, 3, 7, 9, 0, 0, 0, ny), Zone: "America/New_York", EveryDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a.EveryDays != 1 || a.AssignedBy != e.doc.UserID || !a.Open() {
		t.Fatalf("assignment = %+v", a)
	}
	e.clock.Set(time.Date(2026, 3, 7, 10, 0, 0, 0, ny))
	if _, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.GAD7, AssignmentID: a.ID, Answers: gad7(6)}); err != nil {
		t.Fatal(err)
	}
	open, err := e.svc.Assignments(e.ctx, e.patient, p)
	if err != nil || len(open) != 1 {
		t.Fatalf("open = %+v, %v", open, err)
	}
	if due := open[0].Due.In(ny); due.Day() != 8 || due.Hour() != 9 || open[0].CompletedAt.IsZero() {
		t.Fatalf("next due %v (completed %v), want 8 March 09:00 New York", due, open[0].CompletedAt)
	}
	want := []string{"schedule 2026-03-07 09:00 America/New_York", "schedule 2026-03-08 09:00 America/New_York"}
	if got := e.reminders(t, a.ID); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("reminders = %q, want %q", got, want)
	}
	// Submitted days late, the schedule skips to the next future day.
	e.clock.Set(time.Date(2026, 3, 12, 12, 0, 0, 0, ny))
	if _, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.GAD7, AssignmentID: a.ID, Answers: gad7(2)}); err != nil {
		t.Fatal(err)
	}
	open, _ = e.svc.Assignments(e.ctx, e.patient, p)
	if due := open[0].Due.In(ny); due.Day() != 13 || due.Hour() != 9 {
		t.Fatalf("next due after a late answer %v, want 13 March 09:00", due)
	}
}

func testOneOffAssignmentClosesOnCompletion(t *testing.T, e *env) {
	p := e.patient.UserID
	a, err := e.svc.Assign(e.ctx, e.doc, measures.AssignRequest{PatientID: p, Instrument: measures.PHQ9, Due: e.clock.Now().Add(time.Hour), Zone: "Europe/Paris"})
	if err != nil {
		t.Fatal(err)
	}
	// The wrong instrument does not complete it.
	_, err = e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.GAD7, AssignmentID: a.ID, Answers: gad7(1)})
	wantErr(t, err, measures.ErrWrongInstrument)
	// Another patient cannot complete it.
	_, err = e.svc.Submit(e.ctx, e.other, measures.SubmitRequest{PatientID: e.other.UserID, Instrument: measures.PHQ9, AssignmentID: a.ID, Answers: phq9(1, 0)})
	wantErr(t, err, measures.ErrNoAssignment)

	if _, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, AssignmentID: a.ID, Answers: phq9(1, 0)}); err != nil {
		t.Fatal(err)
	}
	if open, err := e.svc.Assignments(e.ctx, e.doc, p); err != nil || len(open) != 0 {
		t.Fatalf("open after completion = %+v, %v", open, err)
	}
	if got := e.reminders(t, a.ID); len(got) != 2 || got[1] != "cancel" {
		t.Fatalf("reminders = %q, want schedule then cancel", got)
	}
	_, err = e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, AssignmentID: a.ID, Answers: phq9(1, 0)})
	wantErr(t, err, measures.ErrAssignmentClosed)
}

func testPreVisitQuestionnaireFollowsTheAppointment(t *testing.T, e *env) {
	p := e.patient.UserID
	start := e.clock.Now().Add(48 * time.Hour)
	a, err := e.svc.AssignPreVisit(e.ctx, e.doc, p, measures.GAD7, 77, start, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Due.Equal(start) || a.AppointmentID != 77 || a.EveryDays != 0 {
		t.Fatalf("pre-visit = %+v", a)
	}
	// The visit moves: the same assignment moves with it.
	moved := start.Add(24 * time.Hour)
	b, err := e.svc.AssignPreVisit(e.ctx, e.doc, p, measures.GAD7, 77, moved, "UTC")
	if err != nil || b.ID != a.ID || !b.Due.Equal(moved) {
		t.Fatalf("rescheduled = %+v, %v", b, err)
	}
	if got := e.reminders(t, a.ID); len(got) != 2 {
		t.Fatalf("reminders = %q", got)
	}
	_, err = e.svc.Assign(e.ctx, e.doc, measures.AssignRequest{PatientID: p, Instrument: measures.GAD7, Due: moved, Zone: "UTC", AppointmentID: 77, EveryDays: 7})
	wantErr(t, err, measures.ErrPreVisitRepeat)
	// Completed, a later reschedule leaves it completed.
	if _, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.GAD7, AssignmentID: a.ID, Answers: gad7(0)}); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.AssignPreVisit(e.ctx, e.doc, p, measures.GAD7, 77, moved.Add(time.Hour), "UTC")
	if err != nil || c.ID != a.ID || c.Open() || c.CompletedAt.IsZero() {
		t.Fatalf("after completion = %+v, %v", c, err)
	}
}

func testAppointmentOfAnotherPatientIsRefused(t *testing.T, e *env) {
	// The doctor is on both patients' teams.
	if _, err := e.pool.Exec(e.ctx, `INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, e.other.UserID, e.doc.UserID); err != nil {
		t.Fatal(err)
	}
	start := e.clock.Now().Add(time.Hour)
	if _, err := e.svc.AssignPreVisit(e.ctx, e.doc, e.patient.UserID, measures.PHQ9, 5, start, "UTC"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.AssignPreVisit(e.ctx, e.doc, e.other.UserID, measures.PHQ9, 5, start, "UTC")
	wantErr(t, err, measures.ErrAppointmentTaken)
}

func testAssignRefusesBadInputAndNonClinicians(t *testing.T, e *env) {
	p := e.patient.UserID
	now := e.clock.Now()
	ok := measures.AssignRequest{PatientID: p, Instrument: measures.PHQ9, Due: now, Zone: "UTC"}
	mod := func(f func(*measures.AssignRequest)) measures.AssignRequest { r := ok; f(&r); return r }
	cases := []struct {
		name string
		req  measures.AssignRequest
		want error
	}{
		{"instrument", mod(func(r *measures.AssignRequest) { r.Instrument = "bdi" }), measures.ErrUnknownInstrument},
		{"zone", mod(func(r *measures.AssignRequest) { r.Zone = "Mars/Olympus" }), measures.ErrBadZone},
		{"empty zone", mod(func(r *measures.AssignRequest) { r.Zone = "" }), measures.ErrBadZone},
		{"no due time", mod(func(r *measures.AssignRequest) { r.Due = time.Time{} }), measures.ErrBadDue},
		{"too far ahead", mod(func(r *measures.AssignRequest) { r.Due = now.AddDate(3, 0, 0) }), measures.ErrBadDue},
		{"every 0 < n", mod(func(r *measures.AssignRequest) { r.EveryDays = -1 }), measures.ErrBadEvery},
		{"every n ≤ 365", mod(func(r *measures.AssignRequest) { r.EveryDays = 366 }), measures.ErrBadEvery},
	}
	for _, c := range cases {
		_, err := e.svc.Assign(e.ctx, e.doc, c.req)
		if !errors.Is(err, c.want) || fault.CodeOf(err) != fault.Invalid {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	// The patient may not assign themself questionnaires.
	_, err := e.svc.Assign(e.ctx, e.patient, ok)
	wantErr(t, err, measures.ErrCareTeamOnly)
	err = e.svc.EndAssignment(e.ctx, e.patient, p, 1)
	wantErr(t, err, measures.ErrCareTeamOnly)
	if n := e.rows(t, "measure_assignments") + e.rows(t, "test_reminders"); n != 0 {
		t.Fatalf("%d rows written by refused assignments", n)
	}
	if e.audits(t, "access.denied", e.patient, p) != 2 {
		t.Fatal("the patient's refused attempts were not audited")
	}
}

func testEndAssignmentCancelsItsReminder(t *testing.T, e *env) {
	p := e.patient.UserID
	a, err := e.svc.Assign(e.ctx, e.doc, measures.AssignRequest{PatientID: p, Instrument: measures.PHQ9, Due: e.clock.Now(), Zone: "UTC", EveryDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // ending twice is a no-op
		if err := e.svc.EndAssignment(e.ctx, e.doc, p, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.reminders(t, a.ID); len(got) != 2 || got[1] != "cancel" {
		t.Fatalf("reminders = %q", got)
	}
	if open, _ := e.svc.Assignments(e.ctx, e.patient, p); len(open) != 0 {
		t.Fatalf("open after end = %+v", open)
	}
	_, err = e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, AssignmentID: a.ID, Answers: phq9(3, 0)})
	wantErr(t, err, measures.ErrAssignmentClosed)
	wantErr(t, e.svc.EndAssignment(e.ctx, e.doc, p, a.ID+100), measures.ErrNoAssignment)
}
