package visits

import (
	"testing"
	"time"
)

// join puts patient on the waitlist for a therapy session before "before".
func (e *env) join(patient int64, before time.Time) WaitlistEntry {
	e.t.Helper()
	w, err := e.svc.JoinWaitlist(e.ctx, pat(patient), WaitlistRequest{PatientID: patient, ClinicianID: e.clinician,
		VisitTypeID: e.therapy.ID, Before: before})
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// offerOf returns the patient's open offer, or 0.
func (e *env) offerOf(patient int64) int64 {
	e.t.Helper()
	entries, err := e.svc.Waitlist(e.ctx, pat(patient), patient)
	if err != nil {
		e.t.Fatal(err)
	}
	var id int64
	for _, w := range entries {
		if w.OfferID != 0 {
			id = w.OfferID
		}
	}
	return id
}

func TestFreedSlotGoesToWaitlistThenToTheNext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b, c, d := e.patient(e.clinician), e.patient(e.clinician), e.patient(e.clinician), e.patient(e.clinician)
	slot := at(2026, 3, 9, 9, 0)
	appt := e.book(a, slot)
	e.join(a, at(2026, 3, 20, 0, 0)) // first in line, but gives the slot up itself
	e.clock.Advance(time.Minute)
	e.join(b, at(2026, 3, 20, 0, 0))
	e.clock.Advance(time.Minute)
	e.join(c, at(2026, 3, 20, 0, 0))
	e.join(d, at(2026, 3, 9, 8, 0)) // wants something before the freed slot: no match

	if err := e.svc.Cancel(e.ctx, pat(a), appt.ID); err != nil {
		t.Fatal(err)
	}
	offerB := e.offerOf(b)
	if offerB == 0 || e.offerOf(a) != 0 || e.offerOf(c) != 0 || e.offerOf(d) != 0 {
		t.Fatalf("offers a=%d b=%d c=%d d=%d; want only b, first in line after a", e.offerOf(a), offerB, e.offerOf(c), e.offerOf(d))
	}
	if got := e.count(`SELECT count(*) FROM test_offers WHERE patient_id = $1 AND offer_id = $2`, b, offerB); got != 1 {
		t.Fatalf("b notified %d times", got)
	}
	held, err := e.svc.Get(e.ctx, pat(b), offerB)
	if err != nil || held.Status != Held || !held.Start.Equal(slot) || !held.HoldUntil.Equal(e.clock.Now().Add(DefaultOfferHold)) {
		t.Fatalf("offer = %+v, %v", held, err)
	}
	// The held slot is not open to others.
	_, err = e.svc.Book(e.ctx, pat(a), BookRequest{PatientID: a, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Start: slot})
	wantErr(t, err, ErrSlotTaken)

	// b lets the hold pass: it goes to c.
	e.clock.Advance(DefaultOfferHold)
	_, err = e.svc.AcceptOffer(e.ctx, pat(b), offerB)
	wantErr(t, err, ErrOfferExpired)
	n, err := e.svc.ExpireOffers(e.ctx)
	if err != nil || n != 1 {
		t.Fatalf("ExpireOffers = %d, %v; want 1", n, err)
	}
	offerC := e.offerOf(c)
	if offerC == 0 || e.offerOf(b) != 0 {
		t.Fatalf("after expiry offers b=%d c=%d; want c", e.offerOf(b), offerC)
	}
	if got := e.audits("visits.offer_lapse", b); got != 1 {
		t.Fatalf("%d lapse audit rows for b", got)
	}
	booked, err := e.svc.AcceptOffer(e.ctx, pat(c), offerC)
	if err != nil || booked.Status != Booked || !booked.HoldUntil.IsZero() {
		t.Fatalf("AcceptOffer = %+v, %v", booked, err)
	}
	if got := e.count(`SELECT count(*) FROM test_reminders WHERE appointment_id = $1 AND op = 'schedule'`, offerC); got != 1 {
		t.Fatalf("accepted offer has %d reminder schedules", got)
	}
	if got := e.count(`SELECT count(*) FROM visit_waitlist WHERE patient_id = $1 AND state = 'booked'`, c); got != 1 {
		t.Fatal("c's waitlist entry not done")
	}
	// b still waits for other times; nothing is left to expire.
	if got := e.count(`SELECT count(*) FROM visit_waitlist WHERE patient_id = $1 AND state = 'waiting'`, b); got != 1 {
		t.Fatal("b's waitlist entry should still be waiting")
	}
	if n, err := e.svc.ExpireOffers(e.ctx); err != nil || n != 0 {
		t.Fatalf("second ExpireOffers = %d, %v", n, err)
	}
	_, err = e.svc.AcceptOffer(e.ctx, pat(b), offerB)
	wantErr(t, err, ErrOfferClosed)
	_, err = e.svc.AcceptOffer(e.ctx, pat(c), offerC) // already accepted
	wantErr(t, err, ErrOfferClosed)
	wantErr(t, e.svc.DeclineOffer(e.ctx, pat(b), 999999), ErrNoOffer)
	wantErr(t, e.svc.LeaveWaitlist(e.ctx, pat(b), 999999), ErrNoWaitlist)
}

func TestDeclinedOfferPassesOnAndLastOneFreesTheSlot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b, c := e.patient(e.clinician), e.patient(e.clinician), e.patient(e.clinician)
	slot := at(2026, 3, 10, 9, 50)
	appt := e.book(a, slot)
	e.join(b, at(2026, 4, 1, 0, 0))
	e.clock.Advance(time.Second)
	wc := e.join(c, at(2026, 4, 1, 0, 0))
	if err := e.svc.Cancel(e.ctx, clin(e.clinician), appt.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeclineOffer(e.ctx, pat(b), e.offerOf(b)); err != nil {
		t.Fatal(err)
	}
	offerC := e.offerOf(c)
	if offerC == 0 {
		t.Fatal("declined offer did not pass to c")
	}
	// c leaves the waitlist while holding the offer: nobody is left, so the
	// slot opens to everyone.
	if err := e.svc.LeaveWaitlist(e.ctx, pat(c), wc.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT count(*) FROM visit_appointments WHERE status = 'held'`); got != 0 {
		t.Fatalf("%d holds left", got)
	}
	e.book(a, slot)
}

func TestWaitlistRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.patient(e.clinician)
	e.join(p, at(2026, 3, 20, 0, 0))
	_, err := e.svc.JoinWaitlist(e.ctx, pat(p), WaitlistRequest{PatientID: p, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Before: at(2026, 3, 25, 0, 0)})
	wantErr(t, err, ErrOnWaitlist)
	for _, before := range []time.Time{e.clock.Now(), e.clock.Now().Add(time.Hour), e.clock.Now().AddDate(2, 0, 0)} {
		q := e.patient(e.clinician)
		_, err := e.svc.JoinWaitlist(e.ctx, pat(q), WaitlistRequest{PatientID: q, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Before: before})
		wantErr(t, err, ErrRange)
	}
	// A freed slot inside the booking notice is not offered.
	e.clock.Advance(7*24*time.Hour - 3*time.Hour) // Mon 9 March 08:00 EDT
	appt, err := e.svc.Book(e.ctx, clin(e.clinician), BookRequest{PatientID: e.patient(e.clinician), ClinicianID: e.clinician,
		VisitTypeID: e.therapy.ID, Start: at(2026, 3, 9, 9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Cancel(e.ctx, clin(e.clinician), appt.ID); err != nil {
		t.Fatal(err)
	}
	if e.offerOf(p) != 0 {
		t.Fatal("a slot an hour away was offered")
	}
}

func TestRescheduleOffersTheOldTimeToOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, w := e.patient(e.clinician), e.patient(e.clinician)
	appt := e.book(p, at(2026, 3, 9, 9, 0))
	e.join(p, at(2026, 3, 20, 0, 0))
	e.clock.Advance(time.Minute)
	e.join(w, at(2026, 3, 20, 0, 0))
	if _, err := e.svc.Reschedule(e.ctx, pat(p), appt.ID, at(2026, 3, 12, 10, 40)); err != nil {
		t.Fatal(err)
	}
	offer, err := e.svc.Get(e.ctx, pat(w), e.offerOf(w))
	if err != nil || offer.Status != Held || !offer.Start.Equal(at(2026, 3, 9, 9, 0)) {
		t.Fatalf("w's offer = %+v, %v", offer, err)
	}
	if e.offerOf(p) != 0 {
		t.Fatal("the patient who moved away was offered their own old time")
	}
}

// A booking that races a cancellation whose time goes to the waitlist
// deadlocks in PostgreSQL (each waits on the other's uncommitted range);
// the booking loses with ErrSlotTaken and the offer stands.
func TestBookingRacingACancellationLosesToTheWaitlist(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, w, b := e.patient(e.clinician), e.patient(e.clinician), e.patient(e.clinician)
	slot := at(2026, 3, 9, 9, 0)
	appt := e.book(a, slot)
	e.join(w, at(2026, 3, 20, 0, 0))

	pause := make(chan struct{})
	e.reminders.pause.Store(&pause)
	cancelled := make(chan error, 1)
	go func() { cancelled <- e.svc.Cancel(e.ctx, pat(a), appt.ID) }()
	<-pause // the cancellation has marked the visit cancelled, uncommitted

	booked := make(chan error, 1)
	go func() {
		_, err := e.svc.Book(e.ctx, pat(b), BookRequest{PatientID: b, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Start: slot})
		booked <- err
	}()
	for e.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) == 0 {
		time.Sleep(10 * time.Millisecond) // until the booking waits on the cancellation
	}
	close(pause)
	if err := <-cancelled; err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	wantErr(t, <-booked, ErrSlotTaken)
	if e.offerOf(w) == 0 {
		t.Fatal("the waitlist lost the freed time to a racing booking")
	}
}
