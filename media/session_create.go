package media

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"haven/portal/account"
	"haven/portal/audit"
	"haven/signaling"
)

// StartAdHoc starts an ad hoc session hosted by actor (a clinician or
// counselor, else ErrHostRole) with 1 to MaxGuests patients (ErrBadGuests),
// each of whom actor must have access to (account.ErrForbidden, audited by
// the policy). The session and its members commit atomically with one
// video.start audit row per patient.
func (s *Sessions) StartAdHoc(ctx context.Context, actor account.Actor, patientIDs []int64) (SessionInfo, error) {
	if actor.Role != account.RoleClinician && actor.Role != account.RoleCounselor {
		return SessionInfo{}, ErrHostRole
	}
	ids := slices.Clone(patientIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 || len(ids) > MaxGuests || len(ids) != len(patientIDs) || ids[0] <= 0 || slices.Contains(ids, actor.UserID) {
		return SessionInfo{}, ErrBadGuests
	}
	for _, p := range ids {
		if err := s.access.Authorize(ctx, actor, account.Write, p); err != nil {
			return SessionInfo{}, err
		}
	}
	rec := record{id: newSessionID(), kind: KindAdHoc, hostID: actor.UserID, members: []memberRow{{actor.UserID, RoleHost}}}
	for _, p := range ids {
		rec.members = append(rec.members, memberRow{p, RoleGuest})
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := insertSession(ctx, tx, rec, s.now()); err != nil {
			return err
		}
		for _, p := range ids {
			if err := s.audit(ctx, tx, actor, "video.start", p, rec.id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return SessionInfo{}, fmt.Errorf("media: start session: %w", err)
	}
	s.log.Info("session started", "session", rec.id, "kind", rec.kind, "guests", len(ids))
	s.invite(ctx, rec.id, ids)
	return s.info(ctx, rec, actor.UserID)
}

// ForVisit returns the open session of a video visit, creating it on first
// use, for the visit's patient or clinician while its room is open (the
// visits package decides and audits: account.ErrForbidden,
// visits.ErrRoomNotOpen with RetryAfter, visits.ErrRoomClosed, …). Errors
// also: ErrVisitsUnavailable.
func (s *Sessions) ForVisit(ctx context.Context, actor account.Actor, appointmentID int64) (SessionInfo, error) {
	if s.visits == nil {
		return SessionInfo{}, ErrVisitsUnavailable
	}
	room, err := s.visits.VideoRoom(ctx, actor, appointmentID)
	if err != nil {
		return SessionInfo{}, err
	}
	rec := record{kind: KindVisit, appointmentID: room.AppointmentID, hostID: room.ClinicianID,
		members: []memberRow{{room.ClinicianID, RoleHost}, {room.PatientID, RoleGuest}}}
	for range 3 { // a racing creator wins; read its session
		err := s.pool.QueryRow(ctx, sqlOpenVisitSession, room.AppointmentID).Scan(&rec.id)
		if err == nil {
			full, err := s.load(ctx, rec.id)
			if err != nil {
				return SessionInfo{}, err
			}
			return s.info(ctx, full, actor.UserID)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return SessionInfo{}, fmt.Errorf("media: visit session: %w", err)
		}
		rec.id = newSessionID()
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			_, err := insertSession(ctx, tx, rec, s.now())
			return err
		})
		if err != nil && !isUniqueViolation(err) {
			return SessionInfo{}, fmt.Errorf("media: create visit session: %w", err)
		}
	}
	return SessionInfo{}, fmt.Errorf("media: visit session for appointment %d kept racing", appointmentID)
}

// FrameInvite is the event a patient's connections get when a session
// they are invited to starts: {"session": id}.
const FrameInvite = "media.invite"

// invite tells each guest's connections about a new session; a failure
// only delays them until they look (Mine).
func (s *Sessions) invite(ctx context.Context, id string, guests []int64) {
	if s.notify == nil {
		return
	}
	ev := signaling.Event{Type: FrameInvite, Data: mustJSON(map[string]string{"session": id}), Durable: true}
	for _, g := range guests {
		if err := s.notify.Publish(ctx, g, ev); err != nil {
			s.log.Warn("session invite", "session", id, "user", g, "err", err)
		}
	}
}

// Mine lists the open ad hoc sessions actor is a member of, started in the
// last 12 hours, newest first (at most 10): what a patient's home offers
// to join. Video visits are reached from their appointment instead.
func (s *Sessions) Mine(ctx context.Context, actor account.Actor) ([]SessionInfo, error) {
	rows, err := s.pool.Query(ctx, sqlMine, actor.UserID, s.now().Add(-12*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("media: my sessions: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("media: my sessions: %w", err)
	}
	out := []SessionInfo{}
	for _, id := range ids {
		in, err := s.Info(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// Info returns a session for one of its members; anyone else gets
// account.ErrForbidden. Errors: ErrNoSession.
func (s *Sessions) Info(ctx context.Context, actor account.Actor, id string) (SessionInfo, error) {
	rec, err := s.load(ctx, id)
	if err != nil {
		return SessionInfo{}, err
	}
	if rec.roleOf(actor.UserID) == "" {
		return SessionInfo{}, account.ErrForbidden
	}
	return s.info(ctx, rec, actor.UserID)
}

// info describes rec for the member viewer, with display names.
func (s *Sessions) info(ctx context.Context, rec record, viewer int64) (SessionInfo, error) {
	in := SessionInfo{ID: rec.id, Kind: rec.kind, AppointmentID: rec.appointmentID, Role: rec.roleOf(viewer),
		Participant: participantID(viewer), Ended: rec.ended}
	for _, m := range rec.members {
		mi := MemberInfo{Participant: participantID(m.userID), UserID: m.userID, Role: m.role}
		if s.dir != nil {
			a, err := s.dir.Account(ctx, m.userID)
			if err != nil {
				return SessionInfo{}, fmt.Errorf("media: member name: %w", err)
			}
			mi.Name = a.DisplayName
		}
		in.Members = append(in.Members, mi)
	}
	return in, nil
}

// ICEServers returns the ICE servers a client should use: short-lived TURN
// credentials under a fresh opaque name when the SFU runs TURN, else none
// (the SFU's own candidates need no STUN).
func (s *Sessions) ICEServers() ([]ICEServer, error) {
	cred, err := s.sfu.TURNCredentials(newSessionID())
	if errors.Is(err, ErrNoTURN) {
		return []ICEServer{}, nil
	}
	if err != nil {
		return nil, err
	}
	return []ICEServer{cred}, nil
}

// isUniqueViolation reports a unique-constraint violation (a racing
// insert won).
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// audit records one audited action on a patient's session.
func (s *Sessions) audit(ctx context.Context, db audit.Querier, actor account.Actor, action string, patientID int64, sessionID string) error {
	return audit.Record(ctx, db, actor.AuditEntry(action, patientID, "video:"+sessionID))
}
