package audit_test

import (
	"context"
	"testing"

	"haven/portal/audit"
)

// BenchmarkRecord is one audited read in its own autocommit statement.
func BenchmarkRecord(b *testing.B) {
	l, _ := newLog(b)
	ctx := context.Background()
	e := readEntry(2, 7, 42)
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Record(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordParallel shows that writers do not serialize.
func BenchmarkRecordParallel(b *testing.B) {
	l, _ := newLog(b)
	ctx := context.Background()
	e := readEntry(2, 7, 42)
	b.ReportAllocs()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := l.Record(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkChain links rows inserted beforehand (b.N rows per run).
func BenchmarkChain(b *testing.B) {
	l, pool := newLog(b)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO audit_log (actor_id, actor_role, action, patient_id, target, outcome, client_ip, user_agent)
		SELECT 2, 'clinician', 'chat.read', 7, 'conversation:' || g, 'ok', '203.0.113.7', 'Mozilla/5.0'
		FROM generate_series(1, $1) g`, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	n, err := l.Chainer().Chain(ctx)
	if err != nil || n != b.N {
		b.Fatalf("Chain = %d, %v; want %d", n, err, b.N)
	}
}

// BenchmarkRecordInTx is the cost Record adds to a caller's transaction
// (the insert alone; the caller pays its own commit).
func BenchmarkRecordInTx(b *testing.B) {
	_, pool := newLog(b)
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(ctx)
	e := readEntry(2, 7, 42)
	b.ReportAllocs()
	for b.Loop() {
		if err := audit.Record(ctx, tx, e); err != nil {
			b.Fatal(err)
		}
	}
}
