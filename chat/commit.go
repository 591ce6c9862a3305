package chat

import (
	"context"
	"fmt"
	"time"

	"haven/portal/audit"
)

const (
	// Locks the batch's conversations in id order (so concurrent batches,
	// on any node, never deadlock) and reads their counters.
	sqlLockConversations = `SELECT id, kind, patient_id, last_seq, awaiting_since FROM chat_conversations
		WHERE id = ANY($1) ORDER BY id FOR UPDATE`
	// The server's time once the locks are held: message times follow
	// sequence order within a conversation.
	sqlClock             = `SELECT clock_timestamp()`
	sqlBatchParticipants = `SELECT conversation_id, user_id, role FROM chat_participants
		WHERE conversation_id = ANY($1) AND left_at IS NULL`
	// Runs after the locks: every message of these conversations committed
	// before is visible, and no other can be inserted until we commit.
	sqlFindDuplicates = `SELECT m.conversation_id, m.sender_id, m.client_id, m.seq, m.sent_at
		FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS r(c, s, k)
		JOIN chat_messages m ON m.conversation_id = r.c AND m.sender_id = r.s AND m.client_id = r.k`
	sqlBatchAttachments = `SELECT id, conversation_id, uploader_id FROM chat_attachments WHERE id = ANY($1)`
	// Set-based writes: one statement for all the batch's plain messages,
	// one per message with attachments, one for the counters, one for the
	// senders' read positions.
	sqlInsertMessages = `INSERT INTO chat_messages (conversation_id, seq, sender_id, client_id, body, sent_at)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bytea[], $6::timestamptz[])`
	sqlInsertMessage = `INSERT INTO chat_messages (conversation_id, seq, sender_id, client_id, body, attachments, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	sqlAdvanceConversations = `UPDATE chat_conversations c
		SET last_seq = v.seq, last_message_at = v.at, last_sender_id = v.sender, awaiting_since = v.awaiting
		FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[], $5::timestamptz[]) AS v(id, seq, at, sender, awaiting)
		WHERE c.id = v.id`
	sqlSendersRead = `UPDATE chat_participants p SET last_read_seq = greatest(p.last_read_seq, v.seq)
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(c, u, seq)
		WHERE p.conversation_id = v.c AND p.user_id = v.u`
)

// convState is a locked conversation during a batch.
type convState struct {
	id, patient, lastSeq int64
	kind                 string
	awaiting             *time.Time
	members              map[int64]string // active participant → role
	users                []int64          // active participants
	recipients           []int64          // those of users who pass access: they get the events
	changed              bool
	lastSender           int64
	lastAt               time.Time
	sentUpTo             map[int64]int64 // sender → last seq they sent in the batch
}

// newMessage is a message the batch inserts.
type newMessage struct {
	conv   *convState
	seq    int64
	sender int64
	client string
	sealed []byte
	attach []int64
	at     time.Time
	body   string // plaintext, for the risk screen only
}

type dupKey struct {
	conv, sender int64
	client       string
}

// batchPlan is what a batch transaction decided.
type batchPlan struct {
	convs   map[int64]*convState
	msgs    []*newMessage
	results []sendResult
	audits  []audit.Entry
}

// commitTx runs one batch transaction in two round trips: BEGIN with the
// locks and reads, then the writes with COMMIT; then it publishes. It
// returns one result per request, or an error when the transaction as a
// whole failed (nothing was stored).
func (s *Service) commitTx(ctx context.Context, c *committer, batch []*sendReq) ([]sendResult, error) {
	conn, err := s.connect(ctx, c)
	if err != nil {
		return nil, err
	}
	plan, err := s.lockAndPlan(ctx, conn, batch)
	if err != nil {
		rollback(c)
		return nil, err
	}
	b, err := s.writes(ctx, plan)
	if err != nil {
		rollback(c)
		return nil, err
	}
	b.Queue("COMMIT")
	unlock := s.pub.rlockUsers(plan.recipients())
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		unlock()
		rollback(c)
		return nil, fmt.Errorf("write and commit: %w", err)
	}
	s.publishMessages(plan.msgs)
	unlock()
	s.screenNew(plan.msgs)
	return plan.results, nil
}

// rollback ends a failed transaction; when that fails too, the connection
// is dropped (the server then rolls back).
func rollback(c *committer) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := c.conn.Exec(ctx, "ROLLBACK"); err != nil {
		c.drop()
	}
}

// recipients returns every participant of a conversation that got messages.
func (p *batchPlan) recipients() []int64 {
	var out []int64
	for _, cs := range p.convs {
		if cs.changed {
			out = append(out, cs.recipients...)
		}
	}
	return out
}
