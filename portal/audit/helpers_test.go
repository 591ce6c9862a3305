package audit_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
	"haven/portal/audit"
)

func newLog(t testing.TB) (*audit.Log, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.New(t)
	return audit.New(pool, quietLogger()), pool
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// readEntry is a clinician reading patient p's conversation c.
func readEntry(actor, patient, conversation int64) audit.Entry {
	return audit.Entry{
		ActorID:   actor,
		ActorRole: "clinician",
		Action:    "chat.read",
		PatientID: patient,
		Target:    fmt.Sprintf("conversation:%d", conversation),
		Outcome:   audit.OK,
		ClientIP:  netip.MustParseAddr("203.0.113.7"),
		UserAgent: "Mozilla/5.0 (test)",
	}
}

func mustRecord(t testing.TB, l *audit.Log, e audit.Entry) {
	t.Helper()
	if err := l.Record(context.Background(), e); err != nil {
		t.Fatalf("Record(%s): %v", e.Action, err)
	}
}

func mustChain(t testing.TB, l *audit.Log) int {
	t.Helper()
	n, err := l.Chainer().Chain(context.Background())
	if err != nil {
		t.Fatalf("Chain: %v", err)
	}
	return n
}

func mustVerify(t testing.TB, l *audit.Log, wantRows int64) audit.Report {
	t.Helper()
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v (report %+v)", err, rep)
	}
	if !rep.OK() || rep.Verified != wantRows || rep.HeadPos != wantRows {
		t.Fatalf("Verify = %+v, want intact with %d rows", rep, wantRows)
	}
	return rep
}

func countRows(t testing.TB, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// tamper runs statements as an attacker with superuser SQL would: with the
// append-only triggers disabled.
func tamper(t testing.TB, pool *pgxpool.Pool, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	all := append([]string{`ALTER TABLE audit_log DISABLE TRIGGER ALL`, `ALTER TABLE audit_head DISABLE TRIGGER ALL`}, stmts...)
	all = append(all, `ALTER TABLE audit_log ENABLE TRIGGER ALL`, `ALTER TABLE audit_head ENABLE TRIGGER ALL`)
	for _, s := range all {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func isBroken(err error) bool { return errors.Is(err, audit.ErrChainBroken) }
