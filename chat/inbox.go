package chat

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/audit"
	"haven/signaling"
)

// InboxItem is a conversation waiting on the care team: its last message is
// from the patient and no staff member has replied since.
type InboxItem struct {
	Conversation  int64     `json:"conversation"`
	Kind          string    `json:"kind"`
	Patient       int64     `json:"patient"`
	AwaitingSince time.Time `json:"awaiting_since"` // the oldest unanswered patient message
	LastSeq       int64     `json:"last_seq"`
	Assignee      int64     `json:"assignee,omitempty"` // who on the team has it; 0: nobody yet
}

const sqlInbox = `SELECT c.id, c.kind, c.patient_id, c.awaiting_since, c.last_seq, coalesce(c.assignee_id, 0)
	FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id
	WHERE p.user_id = $1 AND p.left_at IS NULL AND p.role = 'staff'
	  AND c.kind IN ('direct', 'team') AND c.awaiting_since IS NOT NULL
	ORDER BY c.awaiting_since, c.id`

// Inbox returns the care-team conversations of a staff actor that wait on
// staff, oldest wait first. Crisis conversations are not in it (the crisis
// desk has its own queue). Patients get ErrNotStaff.
func (s *Service) Inbox(ctx context.Context, actor Actor) ([]InboxItem, error) {
	if !actor.isStaff() {
		return nil, ErrNotStaff
	}
	rows, err := s.pool.Query(ctx, sqlInbox, actor.UserID)
	if err != nil {
		return nil, dbError("inbox", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (InboxItem, error) {
		var it InboxItem
		err := r.Scan(&it.Conversation, &it.Kind, &it.Patient, &it.AwaitingSince, &it.LastSeq, &it.Assignee)
		return it, err
	})
	if err != nil {
		return nil, dbError("inbox", err)
	}
	out := items[:0]
	for _, it := range items {
		if err := s.authorize(ctx, actor, it.Patient); errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		it.AwaitingSince = it.AwaitingSince.UTC()
		out = append(out, it)
	}
	return out, nil
}

// Assignment says who on the care team has a conversation (the
// chat.assigned event).
type Assignment struct {
	Conversation int64 `json:"conversation"`
	Assignee     int64 `json:"assignee"` // 0: nobody
	By           int64 `json:"by"`
}

const (
	sqlStaffMember = `SELECT EXISTS (SELECT 1 FROM chat_participants
		WHERE conversation_id = $1 AND user_id = $2 AND role = 'staff' AND left_at IS NULL)`
	sqlAssign  = `UPDATE chat_conversations SET assignee_id = nullif($2::bigint, 0) WHERE id = $1`
	sqlStaffOf = `SELECT user_id FROM chat_participants WHERE conversation_id = $1 AND role = 'staff' AND left_at IS NULL`
)

// Assign gives conv to assignee (a staff participant; the actor itself to
// claim it; 0 to release it) and tells the staff participants with a
// chat.assigned event. The actor must be a staff participant: others get
// ErrNotFound; a bad assignee is ErrBadAssignee.
func (s *Service) Assign(ctx context.Context, actor Actor, conv, assignee int64) error {
	m, err := s.member(ctx, actor, conv)
	if err != nil {
		return err
	}
	if m.role != "staff" {
		return ErrNotStaff
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if assignee != 0 {
			var ok bool
			if err := tx.QueryRow(ctx, sqlStaffMember, conv, assignee).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return ErrBadAssignee
			}
		}
		if _, err := tx.Exec(ctx, sqlAssign, conv, assignee); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorRole: actor.Role, Action: "chat.assign",
			PatientID: m.patient, Target: conversationTarget(conv), Outcome: audit.OK})
	})
	if errors.Is(err, ErrBadAssignee) {
		return err
	}
	if err != nil {
		return dbError("assign", err)
	}
	rows, err := s.pool.Query(ctx, sqlStaffOf, conv)
	if err != nil {
		return dbError("assign", err)
	}
	staff, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return dbError("assign", err)
	}
	data, _ := json.Marshal(Assignment{Conversation: conv, Assignee: assignee, By: actor.UserID})
	s.publishAll(ctx, staff, signaling.Event{Type: EventAssigned, Data: data, Durable: true})
	return nil
}
