package chat

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// conversationOwner is the seal owner of a conversation's data key.
func conversationOwner(conv int64) string { return "conversation:" + strconv.FormatInt(conv, 10) }

// conversationTarget names a conversation in the audit log.
func conversationTarget(conv int64) string { return conversationOwner(conv) }

// messageAD is the associated data binding a sealed body to its row.
func messageAD(conv, seq int64) []byte {
	b := make([]byte, 0, 64)
	b = append(b, "haven/chat/v1/conversation:"...)
	b = strconv.AppendInt(b, conv, 10)
	b = append(b, "/seq:"...)
	return strconv.AppendInt(b, seq, 10)
}

// attachmentAD is the associated data binding sealed attachment bytes to
// their row.
func attachmentAD(conv, id int64) []byte {
	b := make([]byte, 0, 64)
	b = append(b, "haven/chat/v1/conversation:"...)
	b = strconv.AppendInt(b, conv, 10)
	b = append(b, "/attachment:"...)
	return strconv.AppendInt(b, id, 10)
}

// batchQuerier queues the statements audit.Record runs into a pgx.Batch,
// so audit rows travel in the same round trip as the writes they record.
// Errors surface when the batch is sent.
type batchQuerier struct{ b *pgx.Batch }

func (q batchQuerier) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	q.b.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

func (q batchQuerier) QueryRow(context.Context, string, ...any) pgx.Row { return errRow{} }

// errRow is a row that cannot be read: batchQuerier does not run queries.
type errRow struct{}

func (errRow) Scan(...any) error { return errNoQueryInBatch }
