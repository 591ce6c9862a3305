package chat

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// commitTimeout bounds one batch transaction.
const commitTimeout = 10 * time.Second

// committer is one commit goroutine's state. It owns a database connection
// of its own, outside the pool: while it holds row locks and publication
// locks it may wait for pooled work (Access, keys) but never for a pooled
// connection held by someone waiting on those locks.
type committer struct {
	q    chan *sendReq
	conn *pgx.Conn // nil until first used, and after a failure
}

// connect returns the committer's connection, opening it when needed.
func (s *Service) connect(ctx context.Context, c *committer) (*pgx.Conn, error) {
	if c.conn != nil && !c.conn.IsClosed() {
		return c.conn, nil
	}
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	c.conn = conn
	return conn, nil
}

// drop closes the committer's connection after a failure; the next batch
// opens a new one.
func (c *committer) drop() {
	if c.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = c.conn.Close(ctx)
	c.conn = nil
}

// commitLoop is a committer: it takes the first waiting send at once (so a
// lone message is not delayed) and, with it, every send that queued up
// while its previous transaction ran, up to MaxBatch — group commit that
// grows with the load. A committer has one transaction in flight at a time
// and owns a fixed share of the conversations, so each conversation's
// messages are published in commit order.
func (s *Service) commitLoop(c *committer, wg *sync.WaitGroup) {
	defer wg.Done()
	defer c.drop()
	batch := make([]*sendReq, 0, s.cfg.MaxBatch)
	for {
		select {
		case r := <-c.q:
			batch = append(batch[:0], r)
		case <-s.stop:
			drainClosed(c.q)
			return
		}
	fill:
		for len(batch) < s.cfg.MaxBatch {
			select {
			case r := <-c.q:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.commitBatch(c, batch)
		clear(batch)
	}
}

// drainClosed fails the sends still queued at Close.
func drainClosed(q chan *sendReq) {
	for {
		select {
		case r := <-q:
			r.res <- sendResult{err: ErrClosed}
		default:
			return
		}
	}
}

// commitBatch commits a batch and answers its sends. When the transaction
// fails as a whole, each send is retried alone, so one bad request cannot
// fail the others.
func (s *Service) commitBatch(c *committer, batch []*sendReq) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	start := time.Now()
	results, err := s.commitTx(ctx, c, batch)
	if err != nil {
		s.m.batchFailures.Inc()
		if len(batch) > 1 {
			s.log.Warn("chat: batch failed; retrying sends one by one", "sends", len(batch), "err", err)
			for _, r := range batch {
				s.commitBatch(c, []*sendReq{r})
			}
			return
		}
		s.log.Warn("chat: send failed", "conversation", batch[0].Conversation, "user", batch[0].actor.UserID, "err", err)
		batch[0].res <- sendResult{err: dbError("send", err)}
		return
	}
	s.m.batches.Inc()
	s.m.batchSize.Observe(float64(len(batch)))
	s.m.commitLatency.Observe(time.Since(start).Seconds())
	for i, r := range batch {
		r.res <- results[i]
	}
}
