package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"haven/portal/audit"
	"haven/signaling"
)

const (
	sqlUserConversations = `SELECT c.id, c.patient_id, c.last_seq, p.last_read_seq
		FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id
		WHERE p.user_id = $1 AND p.left_at IS NULL`
	sqlReplay = `SELECT m.conversation_id, m.seq, m.sender_id, m.client_id, m.body, m.attachments, m.sent_at
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS r(c, lo, hi)
		JOIN chat_messages m ON m.conversation_id = r.c AND m.seq > r.lo AND m.seq <= r.hi
		ORDER BY m.conversation_id, m.seq`
)

// ResumeEntry tells a resuming client where one of its conversations
// stands (the chat.resume frame).
type ResumeEntry struct {
	Conversation int64 `json:"conversation"`
	LastSeq      int64 `json:"last_seq"`          // live chat.message events follow this seq
	Unread       int64 `json:"unread"`            // messages after the user's read position
	Replayed     int   `json:"replayed"`          // messages replayed just before
	History      bool  `json:"history,omitempty"` // not replayed: fetch what you need with chat.history
}

// snapConv is a conversation of the user at the resume snapshot.
type snapConv struct {
	id, patient, lastSeq, lastRead int64
}

// resume is the hello hook: it replays, for each conversation the client
// listed, the messages after its position up to the snapshot; announces
// every other conversation (and those too far behind) with History set; and
// returns the filter dropping held chat.message events the snapshot covers.
func (s *Service) resume(ctx context.Context, c *signaling.Conn, hello json.RawMessage) (signaling.EventFilter, error) {
	pos, err := DecodeResume(hello)
	if err != nil {
		return nil, err
	}
	id := c.Identity()
	actor := Actor{UserID: id.UserID, Role: id.Role}
	if !actor.isPatient() && !actor.isStaff() {
		return nil, nil
	}
	snap, err := s.snapshot(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	upTo := make(map[int64]int64, len(snap)) // the filter: held events up to here are covered
	entries := []ResumeEntry{}
	var ranges []snapRange
	budget := 10 * s.cfg.MaxReplay
	for _, sc := range snap {
		if err := s.authorize(ctx, actor, sc.patient); errors.Is(err, ErrNotFound) {
			upTo[sc.id] = math.MaxInt64 // not visible: deliver nothing of it
			continue
		} else if err != nil {
			return nil, err // the client says hello again
		}
		upTo[sc.id] = sc.lastSeq
		e := ResumeEntry{Conversation: sc.id, LastSeq: sc.lastSeq, Unread: max(0, sc.lastSeq-sc.lastRead)}
		from, listed := pos[sc.id]
		switch {
		case !listed || from > sc.lastSeq || sc.lastSeq-from > int64(s.cfg.MaxReplay) || sc.lastSeq-from > int64(budget):
			e.History = true
		case from < sc.lastSeq:
			ranges = append(ranges, snapRange{conv: sc.id, patient: sc.patient, from: from, to: sc.lastSeq})
			e.Replayed = int(sc.lastSeq - from)
			budget -= e.Replayed
		}
		entries = append(entries, e)
	}
	if err := s.replay(ctx, c, actor, ranges); err != nil {
		return nil, err
	}
	data, err := json.Marshal(struct {
		Conversations []ResumeEntry `json:"conversations"`
	}{entries})
	if err != nil {
		return nil, err
	}
	if err := c.Send(ctx, signaling.Event{Type: EventResume, Data: data, Durable: true}); err != nil {
		return nil, err
	}
	s.m.resumes.Inc()
	return heldFilter(upTo), nil
}

// snapshot reads the user's conversations and their counters under the
// user's publication lock (see pubLocks), taken only once a database
// connection is in hand so that it is held for one query.
func (s *Service) snapshot(ctx context.Context, user int64) ([]snapConv, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, dbError("resume snapshot", err)
	}
	defer conn.Release()
	unlock := s.pub.lockUser(user)
	defer unlock()
	rows, err := conn.Query(ctx, sqlUserConversations, user)
	if err != nil {
		return nil, dbError("resume snapshot", err)
	}
	defer rows.Close()
	var out []snapConv
	for rows.Next() {
		var sc snapConv
		if err := rows.Scan(&sc.id, &sc.patient, &sc.lastSeq, &sc.lastRead); err != nil {
			return nil, dbError("resume snapshot", err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("resume snapshot", err)
	}
	return out, nil
}

// snapRange is a run of messages (from, to] of one conversation to replay.
type snapRange struct {
	conv, patient, from, to int64
}

// replay sends the messages of ranges to c, in order, and audits one
// chat.read row per conversation.
func (s *Service) replay(ctx context.Context, c *signaling.Conn, actor Actor, ranges []snapRange) error {
	if len(ranges) == 0 {
		return nil
	}
	convs := make([]int64, len(ranges))
	los := make([]int64, len(ranges))
	his := make([]int64, len(ranges))
	for i, r := range ranges {
		convs[i], los[i], his[i] = r.conv, r.from, r.to
	}
	msgs, err := s.readMessages(ctx, sqlReplay, convs, los, his)
	if err != nil {
		return err
	}
	if err := s.auditReads(ctx, actor, ranges); err != nil {
		return err
	}
	for _, m := range msgs {
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("chat: replay: %w", err)
		}
		if err := c.Send(ctx, signaling.Event{Type: EventMessage, Data: data, Durable: true}); err != nil {
			return err
		}
	}
	s.m.replayed.Add(float64(len(msgs)))
	return nil
}

// auditReads records one chat.read row per conversation read.
func (s *Service) auditReads(ctx context.Context, actor Actor, ranges []snapRange) error {
	entries := make([]audit.Entry, len(ranges))
	for i, r := range ranges {
		entries[i] = audit.Entry{ActorID: actor.UserID, ActorRole: actor.Role, Action: "chat.read",
			PatientID: r.patient, Target: conversationTarget(r.conv), Outcome: audit.OK}
	}
	return s.recordAudit(ctx, entries...)
}

// heldFilter drops the held chat.message events a resume has covered.
func heldFilter(upTo map[int64]int64) signaling.EventFilter {
	return func(ev signaling.Event) bool {
		if ev.Type != EventMessage {
			return true
		}
		var k struct {
			Conversation int64 `json:"conversation"`
			Seq          int64 `json:"seq"`
		}
		if json.Unmarshal(ev.Data, &k) != nil {
			return true
		}
		to, ok := upTo[k.Conversation]
		return !ok || k.Seq > to
	}
}
