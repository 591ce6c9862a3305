package visits

import (
	"testing"
	"time"

	"haven/portal/fault"
)

func TestVideoWaitingRoom(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.patient(e.clinician)
	a := e.book(p, at(2026, 3, 9, 9, 0))
	if want := at(2026, 3, 9, 8, 50); !a.WaitingRoomOpensAt().Equal(want) {
		t.Fatalf("waiting room opens at %v, want %v", a.WaitingRoomOpensAt(), want)
	}
	e.clock.Advance(a.WaitingRoomOpensAt().Sub(e.clock.Now()) - time.Minute)
	_, err := e.svc.VideoRoom(e.ctx, pat(p), a.ID)
	wantErr(t, err, ErrRoomNotOpen)
	if fault.RetryAfterOf(err) != time.Minute {
		t.Fatalf("RetryAfter = %v, want 1m", fault.RetryAfterOf(err))
	}
	e.clock.Advance(time.Minute)
	room, err := e.svc.VideoRoom(e.ctx, pat(p), a.ID)
	if err != nil || room.ID != SessionRoom(a.ID) || room.Host || room.PatientID != p {
		t.Fatalf("patient's room = %+v, %v", room, err)
	}
	host, err := e.svc.VideoRoom(e.ctx, clin(e.clinician), a.ID)
	if err != nil || !host.Host || host.ID != room.ID {
		t.Fatalf("clinician's room = %+v, %v", host, err)
	}
	// Another clinician on the care team may read the visit, but not join it.
	colleague := e.user("clinician")
	e.exec(`INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, p, colleague)
	_, err = e.svc.VideoRoom(e.ctx, clin(colleague), a.ID)
	if fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("colleague joining: %v", err)
	}
	e.clock.Advance(time.Hour)
	_, err = e.svc.VideoRoom(e.ctx, pat(p), a.ID)
	wantErr(t, err, ErrRoomClosed)

	inPerson, err := e.svc.Book(e.ctx, pat(p), BookRequest{PatientID: p, ClinicianID: e.clinician, VisitTypeID: e.medCheck.ID, Start: at(2026, 3, 10, 9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if !inPerson.WaitingRoomOpensAt().IsZero() {
		t.Fatal("an in-person visit has a waiting room")
	}
	_, err = e.svc.VideoRoom(e.ctx, pat(p), inPerson.ID)
	wantErr(t, err, ErrNotVideo)
}

func TestDayViewInClinicianZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p, q := e.patient(e.clinician), e.patient(e.clinician)
	first := e.book(p, at(2026, 3, 9, 10, 40))
	second := e.book(q, at(2026, 3, 9, 9, 0))
	e.book(p, at(2026, 3, 10, 9, 0)) // the next day
	day, zone, err := e.svc.DayView(e.ctx, clin(e.clinician), e.clinician, "2026-03-09")
	if err != nil {
		t.Fatal(err)
	}
	if zone != ny || len(day) != 2 || day[0].ID != second.ID || day[1].ID != first.ID {
		t.Fatalf("day view = %+v in %s", day, zone)
	}
	if s, _ := day[0].StartIn(zone); s.Format("15:04") != "09:00" {
		t.Fatalf("first visit at %s local", s.Format("15:04"))
	}
	_, _, err = e.svc.DayView(e.ctx, clin(e.clinician), e.user("clinician"), "2026-03-09")
	if fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("another clinician's day: %v", err)
	}
	_, _, err = e.svc.DayView(e.ctx, pat(p), e.clinician, "2026-03-09")
	if fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a patient viewing the clinician's day: %v", err)
	}
	newcomer := e.user("clinician")
	_, _, err = e.svc.DayView(e.ctx, clin(newcomer), newcomer, "2026-03-09")
	wantErr(t, err, ErrNoSchedule)
	_, err = e.svc.Availability(e.ctx, pat(p), newcomer)
	wantErr(t, err, ErrNoSchedule)
	// A booked visit is not an offer.
	_, err = e.svc.AcceptOffer(e.ctx, pat(p), first.ID)
	wantErr(t, err, ErrNoOffer)
}
