package visits

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// Room is what the media package needs to admit someone to a video visit.
type Room struct {
	ID            string // SessionRoom(AppointmentID)
	AppointmentID int64
	PatientID     int64
	ClinicianID   int64
	OpensAt       time.Time // the waiting room opens (Start − WaitingRoomLead)
	Start, End    time.Time
	Host          bool // the actor is the visit's clinician, who admits the patient
}

// VideoRoom admits the actor to a booked video visit's room: the patient,
// or the visit's own clinician (account.ErrForbidden for anyone else),
// from WaitingRoomLead before the start (ErrRoomNotOpen, with RetryAfter)
// until the end (ErrRoomClosed). ErrNotVideo for an in-person visit,
// ErrNotBooked for a cancelled one. Audited as visits.join.
func (s *Service) VideoRoom(ctx context.Context, actor account.Actor, appointmentID int64) (Room, error) {
	a, err := s.appt(ctx, appointmentID)
	if err != nil {
		return Room{}, err
	}
	if err := s.access.Authorize(ctx, actor, account.Read, a.PatientID); err != nil {
		return Room{}, err
	}
	host := actor.Role == account.RoleClinician && actor.UserID == a.ClinicianID
	if !host && !(actor.Role == account.RolePatient && actor.UserID == a.PatientID) {
		return Room{}, account.ErrForbidden
	}
	switch now := s.now(); {
	case a.Status != Booked:
		return Room{}, ErrNotBooked
	case a.Modality != Video:
		return Room{}, ErrNotVideo
	case now.Before(a.WaitingRoomOpensAt()):
		e := *ErrRoomNotOpen
		e.RetryAfter = a.WaitingRoomOpensAt().Sub(now)
		return Room{}, &e
	case !now.Before(a.End):
		return Room{}, ErrRoomClosed
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return record(ctx, tx, actor, "visits.join", a.PatientID, apptTarget(a.ID))
	})
	if err != nil {
		return Room{}, err
	}
	return Room{ID: SessionRoom(a.ID), AppointmentID: a.ID, PatientID: a.PatientID, ClinicianID: a.ClinicianID,
		OpensAt: a.WaitingRoomOpensAt(), Start: a.Start, End: a.End, Host: host}, nil
}
