package chat

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/audit"
	"haven/portal/fault"
)

// lockAndPlan begins the transaction, locks the conversations and reads
// participants, duplicates and attachments in one round trip, then assigns
// sequence numbers and seals.
func (s *Service) lockAndPlan(ctx context.Context, conn *pgx.Conn, batch []*sendReq) (*batchPlan, error) {
	plan := &batchPlan{convs: make(map[int64]*convState), results: make([]sendResult, len(batch))}
	var ids, dupConv, dupSender, attach []int64
	var dupClient []string
	seen := make(map[int64]bool)
	for _, r := range batch {
		if !seen[r.Conversation] {
			seen[r.Conversation] = true
			ids = append(ids, r.Conversation)
		}
		dupConv = append(dupConv, r.Conversation)
		dupSender = append(dupSender, r.actor.UserID)
		dupClient = append(dupClient, r.ClientID)
		attach = append(attach, r.Attachments...)
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(sqlLockConversations, ids)
	b.Queue(sqlClock)
	b.Queue(sqlBatchParticipants, ids)
	b.Queue(sqlFindDuplicates, dupConv, dupSender, dupClient)
	if len(attach) > 0 {
		b.Queue(sqlBatchAttachments, attach)
	}
	br := conn.SendBatch(ctx, b)
	_, err := br.Exec()
	var now time.Time
	var dups map[dupKey]Sent
	var atts map[int64]attachmentRow
	if err == nil {
		now, dups, atts, err = readPlanInputs(br, plan, len(attach) > 0)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	for i, r := range batch {
		plan.results[i] = s.planOne(ctx, plan, r, now, dups, atts)
	}
	for _, cs := range plan.convs {
		if cs.changed {
			cs.recipients = s.visible(ctx, cs.users, cs.members, cs.kind, cs.patient)
		}
	}
	return plan, nil
}

// attachmentRow is who uploaded an attachment where.
type attachmentRow struct{ conv, uploader int64 }

// readPlanInputs reads the results of the lock batch into plan.
func readPlanInputs(br pgx.BatchResults, plan *batchPlan, withAttachments bool) (time.Time, map[dupKey]Sent, map[int64]attachmentRow, error) {
	var now time.Time
	rows, _ := br.Query()
	for rows.Next() {
		cs := &convState{members: map[int64]string{}, sentUpTo: map[int64]int64{}}
		if err := rows.Scan(&cs.id, &cs.kind, &cs.patient, &cs.lastSeq, &cs.awaiting); err != nil {
			return now, nil, nil, fmt.Errorf("lock conversations: %w", err)
		}
		plan.convs[cs.id] = cs
	}
	if err := rows.Err(); err != nil {
		return now, nil, nil, fmt.Errorf("lock conversations: %w", err)
	}
	if err := br.QueryRow().Scan(&now); err != nil {
		return now, nil, nil, fmt.Errorf("clock: %w", err)
	}
	rows, _ = br.Query()
	for rows.Next() {
		var conv, user int64
		var role string
		if err := rows.Scan(&conv, &user, &role); err != nil {
			return now, nil, nil, fmt.Errorf("participants: %w", err)
		}
		if cs := plan.convs[conv]; cs != nil {
			cs.members[user] = role
			cs.users = append(cs.users, user)
		}
	}
	if err := rows.Err(); err != nil {
		return now, nil, nil, fmt.Errorf("participants: %w", err)
	}
	dups := map[dupKey]Sent{}
	rows, _ = br.Query()
	for rows.Next() {
		var k dupKey
		var st Sent
		if err := rows.Scan(&k.conv, &k.sender, &k.client, &st.Seq, &st.At); err != nil {
			return now, nil, nil, fmt.Errorf("duplicates: %w", err)
		}
		st.Conversation, st.ClientID, st.Duplicate = k.conv, k.client, true
		dups[k] = st
	}
	if err := rows.Err(); err != nil {
		return now, nil, nil, fmt.Errorf("duplicates: %w", err)
	}
	atts := map[int64]attachmentRow{}
	if withAttachments {
		rows, _ = br.Query()
		for rows.Next() {
			var id int64
			var a attachmentRow
			if err := rows.Scan(&id, &a.conv, &a.uploader); err != nil {
				return now, nil, nil, fmt.Errorf("attachments: %w", err)
			}
			atts[id] = a
		}
		if err := rows.Err(); err != nil {
			return now, nil, nil, fmt.Errorf("attachments: %w", err)
		}
	}
	return now, dups, atts, nil
}

// planOne decides one request: refused, duplicate, or a new message with
// the next sequence number of its conversation.
func (s *Service) planOne(ctx context.Context, plan *batchPlan, r *sendReq, now time.Time,
	dups map[dupKey]Sent, atts map[int64]attachmentRow) sendResult {
	target := conversationTarget(r.Conversation)
	cs := plan.convs[r.Conversation]
	if cs == nil || cs.members[r.actor.UserID] == "" {
		var patient int64
		if cs != nil {
			patient = cs.patient
		}
		plan.audits = append(plan.audits, audit.Entry{ActorID: r.actor.UserID, ActorRole: r.actor.Role,
			Action: "chat.send", PatientID: patient, Target: target, Outcome: audit.Denied})
		s.m.refused.Inc()
		return sendResult{err: ErrNotFound}
	}
	k := dupKey{r.Conversation, r.actor.UserID, r.ClientID}
	if st, ok := dups[k]; ok {
		s.m.duplicates.Inc()
		return sendResult{sent: st, patient: cs.patient}
	}
	for _, id := range r.Attachments {
		if a, ok := atts[id]; !ok || a.conv != r.Conversation || a.uploader != r.actor.UserID {
			return sendResult{err: ErrAttachments}
		}
	}
	seq := cs.lastSeq + 1
	sealed, err := s.sealer.Seal(ctx, conversationOwner(cs.id), []byte(r.Body), messageAD(cs.id, seq))
	if err != nil {
		s.log.Error("chat: seal failed", "conversation", cs.id, "err", err)
		return sendResult{err: fault.Wrap(ErrUnavailable, err)}
	}
	cs.lastSeq = seq
	cs.changed, cs.lastSender, cs.lastAt = true, r.actor.UserID, now
	cs.sentUpTo[r.actor.UserID] = seq
	if cs.members[r.actor.UserID] == "patient" {
		if cs.awaiting == nil {
			t := now
			cs.awaiting = &t
		}
	} else {
		cs.awaiting = nil
	}
	plan.msgs = append(plan.msgs, &newMessage{conv: cs, seq: seq, sender: r.actor.UserID, client: r.ClientID,
		sealed: sealed, attach: r.Attachments, at: now, body: r.Body})
	plan.audits = append(plan.audits, audit.Entry{ActorID: r.actor.UserID, ActorRole: r.actor.Role,
		Action: "chat.send", PatientID: cs.patient, Target: target, Outcome: audit.OK})
	st := Sent{Conversation: cs.id, Seq: seq, At: now, ClientID: r.ClientID}
	dups[k] = Sent{Conversation: cs.id, Seq: seq, At: now, ClientID: r.ClientID, Duplicate: true} // a racer in this batch
	return sendResult{sent: st, patient: cs.patient}
}
