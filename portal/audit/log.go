package audit

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Log is the audit log on one database: recording outside a caller's
// transaction, verification, and the patient's view of it.
type Log struct {
	db      *pgxpool.Pool
	chainer *Chainer
}

// New returns the Log on db. A nil logger means slog.Default().
func New(db *pgxpool.Pool, logger *slog.Logger) *Log {
	return &Log{db: db, chainer: NewChainer(db, logger)}
}

// Record appends e in its own transaction; see the package-level Record to
// audit inside the caller's transaction.
func (l *Log) Record(ctx context.Context, e Entry) error { return Record(ctx, l.db, e) }

// Chainer returns the Log's chainer, for the server to Run.
func (l *Log) Chainer() *Chainer { return l.chainer }
