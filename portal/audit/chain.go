package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// chainLockKey is the advisory lock held by the one chainer ("haven-au").
const chainLockKey int64 = 0x686176656e2d6175

const (
	sqlLockChain    = `SELECT pg_advisory_xact_lock($1)`
	sqlTryLockChain = `SELECT pg_try_advisory_xact_lock($1)`
	sqlHeadForLink  = `SELECT chain_pos, hash FROM audit_head FOR UPDATE`
	sqlPending      = `SELECT ` + rowColumns + ` FROM audit_log WHERE chain_pos IS NULL ORDER BY id LIMIT $1`
	sqlLink         = `UPDATE audit_log a SET chain_pos = u.pos, hash = u.hash
		FROM unnest($1::bigint[], $2::bigint[], $3::bytea[]) AS u(id, pos, hash) WHERE a.id = u.id`
	sqlAdvanceHead = `UPDATE audit_head SET chain_pos = $1, hash = $2, updated_at = now()`
)

// Chainer defaults.
const (
	DefaultChainInterval = time.Second
	chainBatch           = 1000
)

// Chainer links committed audit rows into the hash chain. Many Chainers may
// run (one per node); the advisory lock lets one link at a time.
type Chainer struct {
	db       *pgxpool.Pool
	log      *slog.Logger
	interval time.Duration
}

// NewChainer returns a Chainer on db that links pending rows every
// DefaultChainInterval when Run. A nil logger means slog.Default().
func NewChainer(db *pgxpool.Pool, logger *slog.Logger) *Chainer {
	if logger == nil {
		logger = slog.Default()
	}
	return &Chainer{db: db, log: logger, interval: DefaultChainInterval}
}

// Chain links every row committed before the call, waiting for the lock if
// another node holds it, and returns how many rows it linked. It fails with
// an error matching ErrChainBroken when the head record is gone.
func (c *Chainer) Chain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, _, err := c.linkBatch(ctx, true)
		total += n
		if err != nil || n < chainBatch {
			return total, err
		}
	}
}

// Run links pending rows about every second until ctx is done, then returns
// nil. When another node holds the lock it skips that round. Failures are
// logged and retried on the next round.
func (c *Chainer) Run(ctx context.Context) error {
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for {
			n, locked, err := c.linkBatch(ctx, false)
			if err != nil && ctx.Err() == nil {
				c.log.Error("audit: chaining failed", "err", err)
			}
			if err != nil || !locked || n < chainBatch {
				break
			}
		}
	}
}

// linkBatch links up to chainBatch pending rows in one transaction. With
// wait unset it gives up (locked false) when another chainer holds the lock.
//
// The transaction is READ COMMITTED on purpose: each statement sees what
// committed before it started, so after the lock is granted the head and the
// pending rows include everything the previous lock holder committed.
func (c *Chainer) linkBatch(ctx context.Context, wait bool) (n int, locked bool, err error) {
	err = pgx.BeginTxFunc(ctx, c.db, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if locked, err = lockChain(ctx, tx, wait); err != nil || !locked {
			return err
		}
		var pos int64
		var prev []byte
		err := tx.QueryRow(ctx, sqlHeadForLink).Scan(&pos, &prev)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("head record missing: %w", ErrChainBroken)
		} else if err != nil {
			return fmt.Errorf("read head: %w", err)
		}
		rows, err := pendingRows(ctx, tx)
		if err != nil || len(rows) == 0 {
			return err
		}
		ids, positions, hashes := make([]int64, len(rows)), make([]int64, len(rows)), make([][]byte, len(rows))
		for i := range rows {
			pos++
			prev = linkHash(prev, &rows[i], pos)
			ids[i], positions[i], hashes[i] = rows[i].id, pos, prev
		}
		if _, err := tx.Exec(ctx, sqlLink, ids, positions, hashes); err != nil {
			return fmt.Errorf("link rows: %w", err)
		}
		if _, err := tx.Exec(ctx, sqlAdvanceHead, pos, prev); err != nil {
			return fmt.Errorf("advance head: %w", err)
		}
		n = len(rows)
		return nil
	})
	if err != nil {
		return 0, locked, fmt.Errorf("audit: chain: %w", err)
	}
	return n, locked, nil
}

func lockChain(ctx context.Context, tx pgx.Tx, wait bool) (bool, error) {
	if wait {
		_, err := tx.Exec(ctx, sqlLockChain, chainLockKey)
		return err == nil, err
	}
	var ok bool
	err := tx.QueryRow(ctx, sqlTryLockChain, chainLockKey).Scan(&ok)
	return ok, err
}

func pendingRows(ctx context.Context, tx pgx.Tx) ([]row, error) {
	rs, err := tx.Query(ctx, sqlPending, chainBatch)
	if err != nil {
		return nil, err
	}
	var out []row
	var r row
	_, err = pgx.ForEachRow(rs, r.scanTargets(), func() error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read pending rows: %w", err)
	}
	return out, nil
}
