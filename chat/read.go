package chat

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"haven/portal/audit"
)

// readMessages runs a query returning (conversation, seq, sender, client id,
// sealed body, attachments, time) rows and opens each body.
func (s *Service) readMessages(ctx context.Context, sql string, args ...any) ([]Message, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbError("read messages", err)
	}
	defer rows.Close()
	var out []Message
	var sealed []byte
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.Conversation, &m.Seq, &m.Sender, &m.ClientID, &sealed, &m.Attachments, &m.At); err != nil {
			return nil, dbError("read messages", err)
		}
		body, err := s.sealer.Unseal(ctx, conversationOwner(m.Conversation), sealed, messageAD(m.Conversation, m.Seq))
		if err != nil {
			s.log.Error("chat: unseal failed", "conversation", m.Conversation, "seq", m.Seq, "err", err)
			return nil, fmt.Errorf("chat: open conversation %d seq %d: %w", m.Conversation, m.Seq, err)
		}
		m.Body = string(body)
		if len(m.Attachments) == 0 {
			m.Attachments = nil
		}
		m.At = m.At.UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("read messages", err)
	}
	return out, nil
}

// recordAudit writes audit rows in one round trip, outside any transaction.
func (s *Service) recordAudit(ctx context.Context, entries ...audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range entries {
		if err := audit.Record(ctx, batchQuerier{b}, e); err != nil {
			return err
		}
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return dbError("audit", err)
	}
	return nil
}

// HistoryLimit bounds a history page.
const (
	DefaultHistoryLimit = 50
	MaxHistoryLimit     = 200
)

// Page is a page of history, oldest first.
type Page struct {
	Conversation int64     `json:"conversation"`
	Messages     []Message `json:"messages"`
	More         bool      `json:"more"` // older messages exist (ask with before_seq = Messages[0].Seq)
}

const sqlHistory = `SELECT conversation_id, seq, sender_id, client_id, body, attachments, sent_at
	FROM chat_messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`

// History returns up to limit messages of conv with seq < beforeSeq (0: the
// latest), oldest first, and whether older ones exist. limit is clamped to
// 1..MaxHistoryLimit (0: DefaultHistoryLimit). The read is audited once per
// page as chat.read. It returns ErrNotFound when the actor may not see conv.
func (s *Service) History(ctx context.Context, actor Actor, conv, beforeSeq int64, limit int) (Page, error) {
	m, err := s.member(ctx, actor, conv)
	if err != nil {
		s.auditDenied(ctx, actor, "chat.read", conv, err)
		return Page{}, err
	}
	switch {
	case limit <= 0:
		limit = DefaultHistoryLimit
	case limit > MaxHistoryLimit:
		limit = MaxHistoryLimit
	}
	if beforeSeq <= 0 || beforeSeq > m.lastSeq+1 {
		beforeSeq = m.lastSeq + 1
	}
	msgs, err := s.readMessages(ctx, sqlHistory, conv, beforeSeq, limit+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Conversation: conv, Messages: msgs}
	if len(msgs) > limit {
		p.Messages, p.More = msgs[:limit], true
	}
	for i, j := 0, len(p.Messages)-1; i < j; i, j = i+1, j-1 {
		p.Messages[i], p.Messages[j] = p.Messages[j], p.Messages[i]
	}
	if p.Messages == nil {
		p.Messages = []Message{}
	}
	if err := s.recordAudit(ctx, audit.Entry{ActorID: actor.UserID, ActorRole: actor.Role, Action: "chat.read",
		PatientID: m.patient, Target: conversationTarget(conv), Outcome: audit.OK}); err != nil {
		return Page{}, err
	}
	s.m.historyPages.Inc()
	return p, nil
}

// auditDenied records a refused access to a conversation (ErrNotFound
// only; failures of the database are not refusals). The patient is not
// looked up: a probe of an id names no one.
func (s *Service) auditDenied(ctx context.Context, actor Actor, action string, conv int64, err error) {
	if !errors.Is(err, ErrNotFound) {
		return
	}
	s.m.refused.Inc()
	if aerr := s.recordAudit(ctx, audit.Entry{ActorID: actor.UserID, ActorRole: actor.Role, Action: action,
		Target: conversationTarget(conv), Outcome: audit.Denied}); aerr != nil {
		s.log.Warn("chat: audit refusal", "user", actor.UserID, "conversation", conv, "err", aerr)
	}
}
