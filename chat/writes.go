package chat

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"haven/portal/audit"
)

// writes queues the inserts of the messages, the conversation counters,
// the senders' read positions and the audit rows.
func (s *Service) writes(ctx context.Context, plan *batchPlan) (*pgx.Batch, error) {
	b := &pgx.Batch{}
	var mc, ms, mu []int64
	var mk []string
	var mb [][]byte
	var mt []time.Time
	for _, m := range plan.msgs {
		if len(m.attach) > 0 {
			b.Queue(sqlInsertMessage, m.conv.id, m.seq, m.sender, m.client, m.sealed, m.attach, m.at)
			continue
		}
		mc, ms, mu, mk, mb, mt = append(mc, m.conv.id), append(ms, m.seq), append(mu, m.sender),
			append(mk, m.client), append(mb, m.sealed), append(mt, m.at)
	}
	if len(mc) > 0 {
		b.Queue(sqlInsertMessages, mc, ms, mu, mk, mb, mt)
	}
	var cid, cseq, csender, rc, ru, rs []int64
	var cat []time.Time
	var cawait []pgtype.Timestamptz
	for _, cs := range plan.convs {
		if !cs.changed {
			continue
		}
		cid, cseq, csender, cat = append(cid, cs.id), append(cseq, cs.lastSeq), append(csender, cs.lastSender), append(cat, cs.lastAt)
		var aw pgtype.Timestamptz
		if cs.awaiting != nil {
			aw = pgtype.Timestamptz{Time: *cs.awaiting, Valid: true}
		}
		cawait = append(cawait, aw)
		for sender, seq := range cs.sentUpTo {
			rc, ru, rs = append(rc, cs.id), append(ru, sender), append(rs, seq)
		}
	}
	if len(cid) > 0 {
		b.Queue(sqlAdvanceConversations, cid, cseq, cat, csender, cawait)
		b.Queue(sqlSendersRead, rc, ru, rs)
	}
	q := batchQuerier{b}
	for _, e := range plan.audits {
		if err := audit.Record(ctx, q, e); err != nil {
			return nil, err
		}
	}
	return b, nil
}
