package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"haven/portal/audit"
	"haven/signaling"
)

// Conversation kinds.
const (
	KindDirect = "direct" // the patient and one clinician of their care team
	KindTeam   = "team"   // the patient and their whole care team
	KindCrisis = "crisis" // the patient and the counselor holding an escalation
)

// ConversationEvent tells a user they joined or left a conversation (the
// chat.conversation event).
type ConversationEvent struct {
	Conversation int64  `json:"conversation"`
	Kind         string `json:"kind"`
	Patient      int64  `json:"patient"`
	LastSeq      int64  `json:"last_seq"`
	Left         bool   `json:"left,omitempty"`
}

const (
	sqlInsertDirect = `INSERT INTO chat_conversations (kind, patient_id, staff_id) VALUES ('direct', $1, $2)
		ON CONFLICT (patient_id, staff_id) WHERE kind = 'direct' DO NOTHING RETURNING id`
	sqlFindDirect = `SELECT id FROM chat_conversations WHERE kind = 'direct' AND patient_id = $1 AND staff_id = $2`
	sqlInsertTeam = `INSERT INTO chat_conversations (kind, patient_id) VALUES ('team', $1)
		ON CONFLICT (patient_id) WHERE kind = 'team' DO NOTHING RETURNING id`
	sqlFindTeam     = `SELECT id FROM chat_conversations WHERE kind = 'team' AND patient_id = $1`
	sqlInsertCrisis = `INSERT INTO chat_conversations (kind, patient_id, staff_id, escalation_id) VALUES ('crisis', $1, $2, $3)
		ON CONFLICT (escalation_id) DO NOTHING RETURNING id`
	sqlFindCrisis = `SELECT id, patient_id FROM chat_conversations WHERE escalation_id = $1`
	// sqlJoin adds a participant, or brings back one who left; it returns a
	// row only when the participant was not already active.
	sqlJoin = `INSERT INTO chat_participants (conversation_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_at = NULL, joined_at = now()
		WHERE chat_participants.left_at IS NOT NULL
		RETURNING user_id`
	sqlLeave       = `UPDATE chat_participants SET left_at = now() WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL`
	sqlActiveStaff = `SELECT user_id FROM chat_participants WHERE conversation_id = $1 AND role = 'staff' AND left_at IS NULL`
	sqlLastSeq     = `SELECT last_seq FROM chat_conversations WHERE id = $1`
)

// OpenDirect returns the direct conversation between a patient and a
// clinician of their care team, creating it on first use (idempotent). The
// actor must be that patient or that clinician, and the clinician on the
// patient's care team (ErrNotCareTeam otherwise).
func (s *Service) OpenDirect(ctx context.Context, actor Actor, patientID, clinicianID int64) (int64, error) {
	if !(actor.isPatient() && actor.UserID == patientID) && !(actor.Role == "clinician" && actor.UserID == clinicianID) {
		return 0, ErrNotCareTeam
	}
	team, err := s.cfg.Access.CareTeam(ctx, patientID)
	if err != nil {
		return 0, fmt.Errorf("chat: care team: %w", err)
	}
	if !slices.Contains(team, clinicianID) {
		return 0, ErrNotCareTeam
	}
	return s.open(ctx, actor, KindDirect, patientID, func(tx pgx.Tx) (int64, bool, error) {
		return insertOrFind(ctx, tx, sqlInsertDirect, sqlFindDirect, patientID, clinicianID)
	}, []int64{clinicianID})
}

// OpenTeam returns the patient's team conversation, creating it on first
// use (idempotent), with the current care team as staff. The actor must be
// the patient or a clinician on their care team (ErrNotCareTeam).
func (s *Service) OpenTeam(ctx context.Context, actor Actor, patientID int64) (int64, error) {
	team, err := s.cfg.Access.CareTeam(ctx, patientID)
	if err != nil {
		return 0, fmt.Errorf("chat: care team: %w", err)
	}
	if !(actor.isPatient() && actor.UserID == patientID) && !(actor.Role == "clinician" && slices.Contains(team, actor.UserID)) {
		return 0, ErrNotCareTeam
	}
	return s.open(ctx, actor, KindTeam, patientID, func(tx pgx.Tx) (int64, bool, error) {
		return insertOrFind(ctx, tx, sqlInsertTeam, sqlFindTeam, patientID)
	}, team)
}

// open creates or finds a conversation, syncs its staff to want, and tells
// whoever joined or left.
func (s *Service) open(ctx context.Context, actor Actor, kind string, patientID int64,
	find func(pgx.Tx) (int64, bool, error), want []int64) (int64, error) {
	var conv int64
	var joined, left []int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		id, created, err := find(tx)
		if err != nil {
			return err
		}
		conv = id
		if created {
			if _, err := tx.Exec(ctx, sqlJoin, conv, patientID, "patient"); err != nil {
				return err
			}
			joined = append(joined, patientID)
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorRole: actor.Role, Action: "chat.open",
				PatientID: patientID, Target: conversationTarget(conv), Outcome: audit.OK}); err != nil {
				return err
			}
		}
		j, l, err := syncStaff(ctx, tx, conv, want, kind != KindCrisis)
		joined, left = append(joined, j...), l
		return err
	})
	if err != nil {
		return 0, dbError("open conversation", err)
	}
	s.patients.put(conv, patientID)
	s.announce(ctx, conv, kind, patientID, joined, left)
	return conv, nil
}

// insertOrFind runs an INSERT … ON CONFLICT DO NOTHING RETURNING id and,
// when the row existed, the matching SELECT; it reports whether it created.
func insertOrFind(ctx context.Context, tx pgx.Tx, insert, find string, args ...any) (int64, bool, error) {
	var id int64
	err := tx.QueryRow(ctx, insert, args...).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, false, err
	}
	err = tx.QueryRow(ctx, find, args...).Scan(&id)
	return id, false, err
}

// syncStaff makes the active staff of conv equal to want (or, when remove
// is false, a superset of it) and returns who joined and who left.
func syncStaff(ctx context.Context, tx pgx.Tx, conv int64, want []int64, remove bool) (joined, left []int64, err error) {
	rows, err := tx.Query(ctx, sqlActiveStaff, conv)
	if err != nil {
		return nil, nil, err
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, nil, err
	}
	for _, u := range want {
		if slices.Contains(have, u) {
			continue
		}
		var got int64
		switch err := tx.QueryRow(ctx, sqlJoin, conv, u, "staff").Scan(&got); {
		case err == nil:
			joined = append(joined, u)
		case !errors.Is(err, pgx.ErrNoRows):
			return nil, nil, err
		}
	}
	if !remove {
		return joined, nil, nil
	}
	for _, u := range have {
		if slices.Contains(want, u) {
			continue
		}
		if _, err := tx.Exec(ctx, sqlLeave, conv, u); err != nil {
			return nil, nil, err
		}
		left = append(left, u)
	}
	return joined, left, nil
}

// announce publishes chat.conversation to those who joined or left, whose
// cached access decisions are dropped first.
func (s *Service) announce(ctx context.Context, conv int64, kind string, patient int64, joined, left []int64) {
	if len(joined)+len(left) == 0 {
		return
	}
	s.access.forget(patient, joined...)
	s.access.forget(patient, left...)
	var last int64
	if err := s.pool.QueryRow(ctx, sqlLastSeq, conv).Scan(&last); err != nil {
		s.log.Warn("chat: announce", "conversation", conv, "err", err)
	}
	ev := ConversationEvent{Conversation: conv, Kind: kind, Patient: patient, LastSeq: last}
	data, _ := json.Marshal(ev)
	s.publishAll(ctx, joined, signaling.Event{Type: EventConversation, Data: data, Durable: true})
	ev.Left = true
	data, _ = json.Marshal(ev)
	s.publishAll(ctx, left, signaling.Event{Type: EventConversation, Data: data, Durable: true})
}

const sqlPatientConversations = `SELECT id, kind, coalesce(staff_id, 0) FROM chat_conversations
	WHERE patient_id = $1 AND kind IN ('direct', 'team')`

// SyncCareTeam brings the patient's care-team conversations in line with
// the care team: in the team conversation new members join and former ones
// leave; a direct conversation's clinician leaves it when off the team and
// comes back when on it again. Those who leave see nothing more of it. Call
// it after every care-team change (chat also checks Access on every read,
// so a missed call leaks nothing, but the rows stay until it is made).
func (s *Service) SyncCareTeam(ctx context.Context, patientID int64) error {
	team, err := s.cfg.Access.CareTeam(ctx, patientID)
	if err != nil {
		return fmt.Errorf("chat: care team: %w", err)
	}
	rows, err := s.pool.Query(ctx, sqlPatientConversations, patientID)
	if err != nil {
		return dbError("sync care team", err)
	}
	type conv struct {
		id    int64
		kind  string
		staff int64
	}
	convs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (conv, error) {
		var c conv
		err := r.Scan(&c.id, &c.kind, &c.staff)
		return c, err
	})
	if err != nil {
		return dbError("sync care team", err)
	}
	for _, c := range convs {
		want := team
		if c.kind == KindDirect {
			want = nil
			if slices.Contains(team, c.staff) {
				want = []int64{c.staff}
			}
		}
		var joined, left []int64
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			joined, left, err = syncStaff(ctx, tx, c.id, want, true)
			return err
		})
		if err != nil {
			return dbError("sync care team", err)
		}
		s.announce(ctx, c.id, c.kind, patientID, joined, left)
	}
	return nil
}

// OpenCrisis opens (or, for the same escalation, returns) the crisis
// conversation between the patient and the counselor who claimed the
// escalation, and returns its id in decimal (crisis's ConversationOpener).
// A second counselor of the same escalation (after re-routing) joins it.
// The caller (crisis) has established the counselor's access grant.
func (s *Service) OpenCrisis(ctx context.Context, escalationID, patientID, counselorID int64) (string, error) {
	if escalationID <= 0 || patientID <= 0 || counselorID <= 0 {
		return "", ErrConversation
	}
	actor := Actor{UserID: counselorID, Role: "counselor"}
	conv, err := s.open(ctx, actor, KindCrisis, patientID, func(tx pgx.Tx) (int64, bool, error) {
		var id, patient int64
		err := tx.QueryRow(ctx, sqlInsertCrisis, patientID, counselorID, escalationID).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return 0, false, err
		}
		if err := tx.QueryRow(ctx, sqlFindCrisis, escalationID).Scan(&id, &patient); err != nil {
			return 0, false, err
		}
		if patient != patientID {
			return 0, false, fmt.Errorf("chat: escalation %d belongs to another patient", escalationID)
		}
		return id, false, nil
	}, []int64{counselorID})
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(conv, 10), nil
}

// EndCrisis ends the staff's participation in the escalation's crisis
// conversation (when it is resolved and the counselor's access ends); the
// patient keeps it. It is idempotent; an unknown escalation is a no-op.
func (s *Service) EndCrisis(ctx context.Context, escalationID int64) error {
	var conv, patient int64
	err := s.pool.QueryRow(ctx, sqlFindCrisis, escalationID).Scan(&conv, &patient)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return dbError("end crisis", err)
	}
	var left []int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, left, err = syncStaff(ctx, tx, conv, nil, true)
		return err
	})
	if err != nil {
		return dbError("end crisis", err)
	}
	s.announce(ctx, conv, KindCrisis, patient, nil, left)
	return nil
}
