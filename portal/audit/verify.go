package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

const (
	sqlHead      = `SELECT chain_pos, hash FROM audit_head`
	sqlChainPage = `SELECT ` + rowColumns + `, chain_pos, hash FROM audit_log
		WHERE chain_pos > $1 ORDER BY chain_pos LIMIT $2`
	verifyBatch = 5000
)

// ErrChainBroken means Verify found the chain altered; the Report says where.
var ErrChainBroken = fault.New(fault.Internal, "audit chain broken")

// Problem names what Verify found wrong first.
type Problem string

// The problems Verify reports.
const (
	Intact    Problem = ""          // nothing wrong
	Changed   Problem = "changed"   // a row's fields or hash do not match its chain link
	Missing   Problem = "missing"   // a chain position has no row: rows were deleted
	Truncated Problem = "truncated" // the chain ends before the head: the newest rows were deleted
	HeadBad   Problem = "head"      // the head record is missing or disagrees with the chain's end
)

// Report is the outcome of Verify.
type Report struct {
	Verified int64   // rows whose link checked out, from position 1 up to the first problem
	BrokenAt int64   // the first chain position that failed; 0 when intact
	Problem  Problem // what failed there
	HeadPos  int64   // the head record's position (the chain's length)
	HeadHash []byte  // the head record's hash: note it outside the database to anchor later checks
}

// OK reports whether the chain verified end to end.
func (r Report) OK() bool { return r.Problem == Intact }

// Verify links any pending rows, then recomputes the whole chain from
// position 1 in one consistent snapshot and checks every row's hash, the
// positions (gap-free from 1) and the head record. It returns the Report
// and, if the chain is broken, an error matching ErrChainBroken; other
// errors mean verification could not run.
//
// It detects: a changed field or hash in any chained row (even with the
// append-only trigger disabled); a deleted chained row, in the middle (a gap,
// or a prev-hash mismatch if later rows were renumbered) or at the end (the
// head points past the chain).
//
// It cannot detect, on its own: rows deleted or changed before they were
// chained (a window of about a second); a rewrite by someone who recomputes
// every hash from the altered row onwards and the head too, since the chain
// has no secret; or a rollback of the whole database to an earlier state.
// Comparing HeadPos and HeadHash with a value recorded outside the database
// (a log line, a ticket, another system) closes the last two.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	// A missing head stops chaining but not verification, which reports it.
	if _, err := l.chainer.Chain(ctx); err != nil && !errors.Is(err, ErrChainBroken) {
		return Report{}, err
	}
	var rep Report
	err := pgx.BeginTxFunc(ctx, l.db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error { return walk(ctx, tx, &rep) })
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify: %w", err)
	}
	if !rep.OK() {
		return rep, fmt.Errorf("audit: chain %s at position %d: %w", rep.Problem, rep.BrokenAt, ErrChainBroken)
	}
	return rep, nil
}

// walk checks the chain and the head within tx, filling rep.
func walk(ctx context.Context, tx pgx.Tx, rep *Report) error {
	headFound := true
	err := tx.QueryRow(ctx, sqlHead).Scan(&rep.HeadPos, &rep.HeadHash)
	if errors.Is(err, pgx.ErrNoRows) {
		headFound = false
	} else if err != nil {
		return err
	}
	last, prev := int64(0), genesis
	for {
		n, err := walkPage(ctx, tx, rep, &last, &prev)
		if err != nil || !rep.OK() {
			return err
		}
		if n < verifyBatch {
			break
		}
	}
	switch {
	case !headFound:
		rep.Problem, rep.BrokenAt = HeadBad, last+1
	case last < rep.HeadPos:
		rep.Problem, rep.BrokenAt = Truncated, last+1
	case last > rep.HeadPos || !bytes.Equal(prev, rep.HeadHash):
		rep.Problem, rep.BrokenAt = HeadBad, rep.HeadPos
	}
	return nil
}

// walkPage checks the next page of chained rows after position *last,
// stopping at the first problem, and returns how many rows it read.
func walkPage(ctx context.Context, tx pgx.Tx, rep *Report, last *int64, prev *[]byte) (int, error) {
	rs, err := tx.Query(ctx, sqlChainPage, *last, verifyBatch)
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	n := 0
	var r row
	var pos int64
	var hash []byte
	dst := append(r.scanTargets(), &pos, &hash)
	for rs.Next() {
		n++
		if err := rs.Scan(dst...); err != nil {
			return n, err
		}
		switch want := *last + 1; {
		case pos != want:
			rep.Problem, rep.BrokenAt = Missing, want
		case !bytes.Equal(linkHash(*prev, &r, pos), hash):
			rep.Problem, rep.BrokenAt = Changed, pos
		}
		if !rep.OK() {
			return n, nil
		}
		rep.Verified++
		*last, *prev = pos, hash
	}
	return n, rs.Err()
}
