package chat

import (
	"context"
	"errors"
	"time"
)

// Participant is one member of a conversation as others see them.
type Participant struct {
	User        int64  `json:"user"`
	Role        string `json:"role"` // "patient" or "staff"
	LastReadSeq int64  `json:"last_read_seq"`
}

// Summary is a conversation in a user's list.
type Summary struct {
	Conversation  int64         `json:"conversation"`
	Kind          string        `json:"kind"` // "direct", "team" or "crisis"
	Patient       int64         `json:"patient"`
	Participants  []Participant `json:"participants"`
	LastSeq       int64         `json:"last_seq"`
	LastMessageAt *time.Time    `json:"last_message_at,omitempty"`
	Unread        int64         `json:"unread"`
	// AwaitingSince (staff only) is when the patient's oldest unanswered
	// message arrived; Assignee is who on the care team has it (0: nobody).
	AwaitingSince *time.Time `json:"awaiting_since,omitempty"`
	Assignee      int64      `json:"assignee,omitempty"`
	// Escalation (crisis conversations only) is the crisis escalation the
	// conversation belongs to, so a page can ask crisis for its context.
	Escalation int64 `json:"escalation,omitempty"`
}

// Conversations is the chat.conversations answer.
type Conversations struct {
	Conversations []Summary `json:"conversations"`
	// ReplyExpectationS (patients only) is how soon the care team usually
	// replies, in seconds: "your care team usually replies within …".
	ReplyExpectationS int64 `json:"reply_expectation_s,omitempty"`
}

const (
	sqlListConversations = `SELECT c.id, c.kind, c.patient_id, c.last_seq, c.last_message_at, c.awaiting_since,
		coalesce(c.assignee_id, 0), coalesce(c.escalation_id, 0), p.last_read_seq
		FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id
		WHERE p.user_id = $1 AND p.left_at IS NULL
		ORDER BY c.last_message_at DESC NULLS LAST, c.id DESC`
	sqlListParticipants = `SELECT conversation_id, user_id, role, last_read_seq FROM chat_participants
		WHERE conversation_id = ANY($1) AND left_at IS NULL ORDER BY conversation_id, role, user_id`
)

// List returns the conversations actor takes part in and may see, most
// recently active first, with unread counts, participants' read positions,
// and for patients the reply expectation. Nothing here is audited: it
// names ids and counters, no content.
func (s *Service) List(ctx context.Context, actor Actor) (Conversations, error) {
	out := Conversations{Conversations: []Summary{}}
	if actor.isPatient() {
		out.ReplyExpectationS = int64(s.cfg.ReplyExpectation / time.Second)
	}
	rows, err := s.pool.Query(ctx, sqlListConversations, actor.UserID)
	if err != nil {
		return out, dbError("list", err)
	}
	var all []Summary
	for rows.Next() {
		var sm Summary
		var lastRead int64
		if err := rows.Scan(&sm.Conversation, &sm.Kind, &sm.Patient, &sm.LastSeq, &sm.LastMessageAt,
			&sm.AwaitingSince, &sm.Assignee, &sm.Escalation, &lastRead); err != nil {
			rows.Close()
			return out, dbError("list", err)
		}
		sm.Unread = max(0, sm.LastSeq-lastRead)
		if actor.isPatient() {
			sm.AwaitingSince, sm.Assignee = nil, 0
		}
		all = append(all, sm)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, dbError("list", err)
	}
	ids := make([]int64, 0, len(all))
	byID := make(map[int64]int, len(all))
	for _, sm := range all {
		if err := s.authorize(ctx, actor, sm.Patient); errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return Conversations{}, err
		}
		byID[sm.Conversation] = len(out.Conversations)
		ids = append(ids, sm.Conversation)
		out.Conversations = append(out.Conversations, sm)
	}
	if len(ids) == 0 {
		return out, nil
	}
	prow, err := s.pool.Query(ctx, sqlListParticipants, ids)
	if err != nil {
		return out, dbError("list", err)
	}
	defer prow.Close()
	for prow.Next() {
		var conv int64
		var p Participant
		if err := prow.Scan(&conv, &p.User, &p.Role, &p.LastReadSeq); err != nil {
			return out, dbError("list", err)
		}
		sm := &out.Conversations[byID[conv]]
		sm.Participants = append(sm.Participants, p)
	}
	if err := prow.Err(); err != nil {
		return out, dbError("list", err)
	}
	return out, nil
}
