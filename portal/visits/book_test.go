package visits

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestConcurrentBookingsOfOneSlotOneWins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 20
	patients := make([]int64, n)
	for i := range patients {
		patients[i] = e.patient(e.clinician)
	}
	slot := at(2026, 3, 9, 9, 0)
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i, p := range patients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = e.svc.Book(e.ctx, pat(p), BookRequest{PatientID: p, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Start: slot})
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, ErrSlotTaken):
			if fault.CodeOf(err) != fault.Conflict || !strings.HasPrefix(fault.MessageOf(err), "That time was just taken") {
				t.Fatalf("conflict error %v: code %v, message %q", err, fault.CodeOf(err), fault.MessageOf(err))
			}
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d bookings succeeded, want exactly 1", won)
	}
	if got := e.count(`SELECT count(*) FROM visit_appointments WHERE status = 'booked'`); got != 1 {
		t.Fatalf("%d booked rows, want 1", got)
	}
	if got := e.count(`SELECT count(*) FROM test_reminders WHERE op = 'schedule'`); got != 1 {
		t.Fatalf("%d reminder schedules committed, want 1 (losers' roll back)", got)
	}
	if got := e.audits("visits.book", 0); got != 1 {
		t.Fatalf("%d visits.book audit rows, want 1", got)
	}
}

func TestMixedLengthsCannotOverlap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p1, p2 := e.patient(e.clinician), e.patient(e.clinician)
	e.book(p1, at(2026, 3, 9, 9, 0)) // 09:00–09:50
	// A 25-minute check at 09:25 is a slot of its own grid but overlaps.
	_, err := e.svc.Book(e.ctx, pat(p2), BookRequest{PatientID: p2, ClinicianID: e.clinician, VisitTypeID: e.medCheck.ID, Start: at(2026, 3, 9, 9, 25)})
	wantErr(t, err, ErrSlotTaken)
	// The same patient cannot be in two visits at once, even with two clinicians.
	other := e.user("clinician")
	e.setHours(other, "09:00", "12:00")
	vt := e.visitType(other, "Therapy", 50, Video)
	e.exec(`INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, p1, other)
	_, err = e.svc.Book(e.ctx, pat(p1), BookRequest{PatientID: p1, ClinicianID: other, VisitTypeID: vt.ID, Start: at(2026, 3, 9, 9, 0)})
	wantErr(t, err, ErrPatientBusy)
}

func TestBookingChecks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.patient(e.clinician)
	book := func(start time.Time) error {
		_, err := e.svc.Book(e.ctx, pat(p), BookRequest{PatientID: p, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Start: start})
		return err
	}
	wantErr(t, book(at(2026, 3, 9, 9, 10)), ErrNotASlot) // off the grid
	wantErr(t, book(at(2026, 3, 9, 13, 0)), ErrNotASlot) // outside hours
	wantErr(t, book(at(2026, 3, 7, 9, 0)), ErrNotASlot)  // Saturday
	wantErr(t, book(at(2026, 2, 27, 9, 0)), ErrInPast)   // last week
	wantErr(t, book(at(2027, 3, 12, 9, 0)), ErrTooFar)   // over a year ahead
	e.clock.Advance(7*24*time.Hour - 3*time.Hour)        // Mon 9 March, 08:00 EDT
	err := book(at(2026, 3, 9, 9, 50))                   // 1 h 50 min ahead
	wantErr(t, err, ErrTooSoon)
	if msg := fault.MessageOf(err); !strings.Contains(msg, "2 hours") || !strings.Contains(msg, "+1 555 0100") {
		t.Fatalf("message %q does not give the notice and the clinic's phone", msg)
	}
	if err := book(at(2026, 3, 9, 10, 40)); err != nil { // 2 h 40 min ahead
		t.Fatal(err)
	}
	// Staff may book inside the notice on the patient's behalf.
	if _, err := e.svc.Book(e.ctx, clin(e.clinician), BookRequest{PatientID: p, ClinicianID: e.clinician,
		VisitTypeID: e.medCheck.ID, Start: at(2026, 3, 9, 9, 25)}); err != nil {
		t.Fatalf("clinician booking inside the notice: %v", err)
	}
}

func TestCancelInsideNoticeWindowRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.patient(e.clinician)
	a := e.book(p, at(2026, 3, 9, 9, 0))
	e.clock.Advance(6*24*time.Hour + 8*time.Hour) // Sun 8 March 19:00 EDT: 14 h before
	err := e.svc.Cancel(e.ctx, pat(p), a.ID)
	wantErr(t, err, ErrTooLate)
	msg := fault.MessageOf(err)
	for _, want := range []string{"24 hours", "call the clinic at +1 555 0100", "send your care team a message"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("message %q lacks %q", msg, want)
		}
	}
	if got, _ := e.svc.Get(e.ctx, pat(p), a.ID); got.Status != Booked {
		t.Fatalf("status after refused cancel = %s", got.Status)
	}
	_, err = e.svc.Reschedule(e.ctx, pat(p), a.ID, at(2026, 3, 10, 9, 0))
	wantErr(t, err, ErrTooLate)
	// The clinic can still cancel on the patient's call.
	if err := e.svc.Cancel(e.ctx, clin(e.clinician), a.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT count(*) FROM test_reminders WHERE op = 'cancel' AND appointment_id = $1`, a.ID); got != 1 {
		t.Fatalf("reminders cancelled %d times, want 1", got)
	}
	wantErr(t, e.svc.Cancel(e.ctx, clin(e.clinician), a.ID), ErrNotBooked)
}

func TestCancelOutsideWindowFreesSlot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.patient(e.clinician)
	a := e.book(p, at(2026, 3, 9, 9, 0))
	if err := e.svc.Cancel(e.ctx, pat(p), a.ID); err != nil {
		t.Fatal(err)
	}
	q := e.patient(e.clinician)
	if b := e.book(q, at(2026, 3, 9, 9, 0)); b.ID == a.ID {
		t.Fatal("rebooking reused the cancelled row")
	}
	if got := e.audits("visits.cancel", p); got != 1 {
		t.Fatalf("%d visits.cancel rows, want 1", got)
	}
}

func TestRescheduleIsAtomic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, q := e.patient(e.clinician), e.patient(e.clinician)
	a := e.book(p, at(2026, 3, 9, 9, 0))
	e.book(q, at(2026, 3, 9, 9, 50))

	_, err := e.svc.Reschedule(e.ctx, pat(p), a.ID, at(2026, 3, 9, 9, 50))
	wantErr(t, err, ErrSlotTaken)
	got, err := e.svc.Get(e.ctx, pat(p), a.ID)
	if err != nil || got.Status != Booked || !got.Start.Equal(a.Start) {
		t.Fatalf("after a failed reschedule: %+v, %v; want the old time kept", got, err)
	}
	before := e.count(`SELECT count(*) FROM test_reminders`)

	moved, err := e.svc.Reschedule(e.ctx, pat(p), a.ID, at(2026, 3, 10, 10, 40))
	if err != nil {
		t.Fatal(err)
	}
	if moved.ID != a.ID || !moved.Start.Equal(at(2026, 3, 10, 10, 40)) || SessionRoom(moved.ID) != SessionRoom(a.ID) {
		t.Fatalf("moved = %+v", moved)
	}
	if got := e.count(`SELECT count(*) FROM test_reminders WHERE appointment_id = $1 AND op = 'schedule' AND start_at = $2`,
		a.ID, moved.Start); got != 1 || e.count(`SELECT count(*) FROM test_reminders`) != before+1 {
		t.Fatalf("reminders not moved with the visit")
	}
	slots, err := e.svc.OpenSlots(e.ctx, pat(q), e.clinician, at(2026, 3, 9, 0, 0), at(2026, 3, 10, 0, 0), e.therapy.ID)
	if err != nil {
		t.Fatal(err)
	}
	if lt := localTimes(t, slots); !equalStrings(lt, []string{"Mon 09 09:00 -0400", "Mon 09 10:40 -0400"}) {
		t.Fatalf("old slot not freed: %v", lt)
	}
}

func TestBookingRollsBackWhenRemindersFail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.patient(e.clinician)
	e.reminders.fail.Store(true)
	_, err := e.svc.Book(e.ctx, pat(p), BookRequest{PatientID: p, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Start: at(2026, 3, 9, 9, 0)})
	if !errors.Is(err, errReminders) {
		t.Fatalf("err = %v, want the reminders' failure", err)
	}
	if got := e.count(`SELECT count(*) FROM visit_appointments`); got != 0 {
		t.Fatalf("%d appointments stored after a failed booking", got)
	}
	if got := e.audits("visits.book", 0); got != 0 {
		t.Fatalf("%d audit rows for a failed booking", got)
	}
	e.book(p, at(2026, 3, 9, 9, 0)) // the slot is still free
}
