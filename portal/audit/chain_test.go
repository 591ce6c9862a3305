package audit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"haven/portal/audit"
)

// Fifty writers record while two chainers (as on two nodes) link
// concurrently; the result is one verified chain of exactly fifty rows.
func TestConcurrentRecordAndChain(t *testing.T) {
	l, pool := newLog(t)
	ctx := context.Background()
	other := audit.NewChainer(pool, quietLogger())
	const writers = 50

	var wg sync.WaitGroup
	errs := make(chan error, writers+2)
	done := make(chan struct{})
	for _, c := range []*audit.Chainer{l.Chainer(), other} {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := c.Chain(ctx); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var writersWG sync.WaitGroup
	for i := range writers {
		writersWG.Go(func() {
			errs <- audit.Record(ctx, pool, readEntry(int64(100+i), 7, int64(i)))
		})
	}
	writersWG.Wait()
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mustVerify(t, l, writers)
	if n := countRows(t, pool); n != writers {
		t.Fatalf("%d rows, want %d", n, writers)
	}
	var distinct int
	if err := pool.QueryRow(ctx, `SELECT count(DISTINCT chain_pos) FROM audit_log WHERE chain_pos BETWEEN 1 AND $1`, writers).Scan(&distinct); err != nil {
		t.Fatal(err)
	}
	if distinct != writers {
		t.Fatalf("%d distinct chain positions in 1..%d", distinct, writers)
	}
}

// A row whose transaction commits after later rows were chained is linked
// at a later position, and the chain stays intact.
func TestLateCommitIsChainedLater(t *testing.T) {
	l, pool := newLog(t)
	ctx := context.Background()
	slow, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)
	if err := audit.Record(ctx, slow, readEntry(2, 7, 1)); err != nil { // takes the smaller id
		t.Fatal(err)
	}
	mustRecord(t, l, readEntry(2, 7, 2))
	if n := mustChain(t, l); n != 1 {
		t.Fatalf("chained %d rows, want only the committed one", n)
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := mustChain(t, l); n != 1 {
		t.Fatalf("chained %d rows, want the late one", n)
	}
	mustVerify(t, l, 2)
	var firstID, lateID int64
	if err := pool.QueryRow(ctx, `SELECT
		(SELECT id FROM audit_log WHERE chain_pos = 1), (SELECT id FROM audit_log WHERE chain_pos = 2)`).Scan(&firstID, &lateID); err != nil {
		t.Fatal(err)
	}
	if lateID >= firstID {
		t.Fatalf("late row id %d at position 2, first row id %d: the late commit should hold the smaller id", lateID, firstID)
	}
}

func TestRunChainsInTheBackground(t *testing.T) {
	l, pool := newLog(t)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- l.Chainer().Run(ctx) }()
	mustRecord(t, l, readEntry(2, 7, 1))
	deadline := time.Now().Add(20 * time.Second) // a liveness bound, not a timing assertion
	for {
		var pending int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE chain_pos IS NULL`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not chain the pending row")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatalf("Run returned %v after cancel", err)
	}
	mustVerify(t, l, 1)
}
