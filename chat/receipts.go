package chat

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"haven/signaling"
)

// Receipt says that a user has read a conversation up to Seq.
type Receipt struct {
	Conversation int64 `json:"conversation"`
	User         int64 `json:"user"`
	Seq          int64 `json:"seq"`
}

// sqlMarkRead moves the read position forward only, and never past the
// last message.
const sqlMarkRead = `UPDATE chat_participants p SET last_read_seq = least($3, c.last_seq)
	FROM chat_conversations c
	WHERE p.conversation_id = $1 AND p.user_id = $2 AND p.left_at IS NULL AND c.id = p.conversation_id
	  AND p.last_read_seq < least($3, c.last_seq)
	RETURNING p.last_read_seq`

// MarkRead records that actor has read conv up to seq ("read up to": it
// never moves back, and stops at the last message). When it moved, a
// chat.receipt is published to every participant (the reader's other
// devices too) and the reader's pending push notification is withdrawn.
// It returns ErrNotFound when the actor may not see conv.
func (s *Service) MarkRead(ctx context.Context, actor Actor, conv, seq int64) error {
	m, err := s.member(ctx, actor, conv)
	if err != nil {
		return err
	}
	var at int64
	err = s.pool.QueryRow(ctx, sqlMarkRead, conv, actor.UserID, seq).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // already read that far
	}
	if err != nil {
		return dbError("mark read", err)
	}
	users, err := s.participants(ctx, m.conv)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(Receipt{Conversation: conv, User: actor.UserID, Seq: at})
	s.publishAll(ctx, users, signaling.Event{Type: EventReceipt, Data: data, Durable: true})
	if s.cfg.Notifier != nil {
		if err := s.cfg.Notifier.MarkRead(ctx, actor.UserID, conv); err != nil {
			s.log.Warn("chat: push mark read", "user", actor.UserID, "conversation", conv, "err", err)
		}
	}
	return nil
}

const sqlParticipants = `SELECT p.user_id, p.role, c.kind, c.patient_id
	FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id
	WHERE p.conversation_id = $1 AND p.left_at IS NULL`

// participants returns the active participants of conv who may still see it
// (see visible).
func (s *Service) participants(ctx context.Context, conv int64) ([]int64, error) {
	rows, err := s.pool.Query(ctx, sqlParticipants, conv)
	if err != nil {
		return nil, dbError("participants", err)
	}
	var users []int64
	roles := map[int64]string{}
	var kind string
	var patient int64
	for rows.Next() {
		var u int64
		var role string
		if err := rows.Scan(&u, &role, &kind, &patient); err != nil {
			rows.Close()
			return nil, dbError("participants", err)
		}
		users = append(users, u)
		roles[u] = role
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError("participants", err)
	}
	return s.visible(ctx, users, roles, kind, patient), nil
}

// visible returns the participants who pass access now: the patient, and
// staff for whom Access (cached) agrees. A staff member whose access ended
// (care team left, grant revoked) but whose participant row is still active
// gets nothing until SyncCareTeam or EndCrisis removes the row. When Access
// fails (rather than refuses) the member is left out too: their client sees
// the gap at the next message and fetches it (PROTOCOL.md).
func (s *Service) visible(ctx context.Context, users []int64, roles map[int64]string, kind string, patient int64) []int64 {
	role := "clinician"
	if kind == KindCrisis {
		role = "counselor"
	}
	out := users[:0:0]
	for _, u := range users {
		if roles[u] == "patient" {
			if u == patient {
				out = append(out, u)
			}
			continue
		}
		if s.authorize(ctx, Actor{UserID: u, Role: role}, patient) == nil {
			out = append(out, u)
		}
	}
	return out
}
