package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"haven/portal/audit"
)

// Each case tampers with a chain of five rows the way an attacker with
// superuser SQL could (triggers disabled) and expects Verify to name the
// first broken position.
func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name     string
		stmts    []string
		problem  audit.Problem
		brokenAt int64
		verified int64
	}{
		{"changed action", []string{`UPDATE audit_log SET action = 'x' WHERE chain_pos = 3`}, audit.Changed, 3, 2},
		{"changed time", []string{`UPDATE audit_log SET at = at - interval '1 day' WHERE chain_pos = 3`}, audit.Changed, 3, 2},
		{"changed ip mask", []string{`UPDATE audit_log SET client_ip = '203.0.113.7/24' WHERE chain_pos = 3`}, audit.Changed, 3, 2},
		{"nulled patient", []string{`UPDATE audit_log SET patient_id = NULL WHERE chain_pos = 3`}, audit.Changed, 3, 2},
		{"changed hash", []string{`UPDATE audit_log SET hash = sha256('forged') WHERE chain_pos = 3`}, audit.Changed, 3, 2},
		{"deleted middle row", []string{`DELETE FROM audit_log WHERE chain_pos = 3`}, audit.Missing, 3, 2},
		{"deleted middle row, later rows renumbered", []string{
			`DELETE FROM audit_log WHERE chain_pos = 3`,
			`UPDATE audit_log SET chain_pos = chain_pos - 1 WHERE chain_pos > 3`,
		}, audit.Changed, 3, 2},
		{"deleted newest row", []string{`DELETE FROM audit_log WHERE chain_pos = 5`}, audit.Truncated, 5, 4},
		{"deleted newest row, head rewound", []string{
			`DELETE FROM audit_log WHERE chain_pos = 5`,
			`UPDATE audit_head SET chain_pos = 4`,
		}, audit.HeadBad, 4, 4},
		{"deleted head", []string{`DELETE FROM audit_head`}, audit.HeadBad, 6, 5},
		{"unlinked row", []string{`UPDATE audit_log SET chain_pos = NULL, hash = NULL WHERE chain_pos = 2`}, audit.Missing, 2, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l, pool := newLog(t)
			for i := range 5 {
				mustRecord(t, l, readEntry(2, 7, int64(i)))
			}
			mustVerify(t, l, 5)
			tamper(t, pool, tc.stmts...)
			rep, err := l.Verify(context.Background())
			if !isBroken(err) {
				t.Fatalf("Verify error = %v, want ErrChainBroken (report %+v)", err, rep)
			}
			if rep.Problem != tc.problem || rep.BrokenAt != tc.brokenAt {
				t.Fatalf("Verify = %s at %d, want %s at %d", rep.Problem, rep.BrokenAt, tc.problem, tc.brokenAt)
			}
			if rep.Verified != tc.verified {
				t.Fatalf("verified %d rows, want %d", rep.Verified, tc.verified)
			}
		})
	}
}

func TestTriggersRefuseChanges(t *testing.T) {
	l, pool := newLog(t)
	ctx := context.Background()
	for i := range 3 {
		mustRecord(t, l, readEntry(2, 7, int64(i)))
	}
	mustChain(t, l)
	mustRecord(t, l, readEntry(2, 7, 9)) // a pending row
	refused := []string{
		`UPDATE audit_log SET action = 'x' WHERE chain_pos = 2`,
		`UPDATE audit_log SET action = 'x' WHERE chain_pos IS NULL`,
		`UPDATE audit_log SET chain_pos = 99, hash = sha256('x') WHERE chain_pos = 2`,
		`UPDATE audit_log SET chain_pos = 4, hash = sha256('x'), action = 'x' WHERE chain_pos IS NULL`,
		`DELETE FROM audit_log WHERE chain_pos = 3`,
		`DELETE FROM audit_log WHERE chain_pos IS NULL`,
		`TRUNCATE audit_log`,
		`UPDATE audit_head SET chain_pos = 1`,
		`DELETE FROM audit_head`,
		`TRUNCATE audit_head`,
		`INSERT INTO audit_log (action, outcome, chain_pos, hash) VALUES ('chat.read', 'ok', 5, sha256('x'))`,
	}
	for _, stmt := range refused {
		_, err := pool.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: error = %v, want the append-only refusal (42501)", stmt, err)
		}
	}
	if n := countRows(t, pool); n != 4 {
		t.Fatalf("%d rows after refused changes, want 4", n)
	}
	// A backdated insert is stamped with the server's time instead.
	var backdated bool
	err := pool.QueryRow(ctx, `INSERT INTO audit_log (action, outcome, at) VALUES ('chat.read', 'ok', '2001-01-01')
		RETURNING at < now() - interval '1 day'`).Scan(&backdated)
	if err != nil || backdated {
		t.Fatalf("backdated insert: backdated=%v, err=%v", backdated, err)
	}
	mustVerify(t, l, 5)
}
