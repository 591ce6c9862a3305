package audit_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"haven/portal/audit"
)

func TestRecordChainVerify(t *testing.T) {
	l, pool := newLog(t)
	ctx := context.Background()
	mustRecord(t, l, readEntry(2, 7, 42))
	mustRecord(t, l, audit.Entry{Action: audit.ActionLoginFailed, Outcome: audit.Failed,
		ClientIP: netip.MustParseAddr("2001:db8::1"), UserAgent: strings.Repeat("é", 200) + "\x00\x07bell"})
	mustRecord(t, l, audit.Entry{ActorID: 3, ActorRole: "counselor", Action: audit.ActionBreakGlassOpen,
		PatientID: 7, Target: "patient:7", Outcome: audit.OK})
	if n := mustChain(t, l); n != 3 {
		t.Fatalf("Chain linked %d rows, want 3", n)
	}
	if n := mustChain(t, l); n != 0 {
		t.Fatalf("second Chain linked %d rows, want 0", n)
	}
	rep := mustVerify(t, l, 3)
	if len(rep.HeadHash) != 32 {
		t.Fatalf("head hash is %d bytes", len(rep.HeadHash))
	}

	var actor *int64
	var ip, ua string
	err := pool.QueryRow(ctx, `SELECT actor_id, host(client_ip), user_agent FROM audit_log WHERE action = 'login.failed'`).Scan(&actor, &ip, &ua)
	if err != nil {
		t.Fatal(err)
	}
	if actor != nil {
		t.Errorf("anonymous actor stored as %d, want NULL", *actor)
	}
	if ip != "2001:db8::1" {
		t.Errorf("client ip = %s", ip)
	}
	if len(ua) > 256 || strings.ContainsAny(ua, "\x00\x07") || !strings.HasPrefix(ua, "éé") {
		t.Errorf("user agent not cleaned and truncated: %d bytes", len(ua))
	}
	// Rows recorded after a verification extend the same chain; addresses
	// are stored without zone and IPv4-mapped addresses as IPv4.
	for _, addr := range []string{"fe80::1%eth0", "::ffff:198.51.100.9"} {
		e := readEntry(2, 7, 43)
		e.ClientIP = netip.MustParseAddr(addr)
		mustRecord(t, l, e)
	}
	mustVerify(t, l, 5)
	var stored []string
	rows, err := pool.Query(ctx, `SELECT host(client_ip) FROM audit_log WHERE chain_pos > 3 ORDER BY chain_pos`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, s)
	}
	if rows.Err() != nil || strings.Join(stored, " ") != "fe80::1 198.51.100.9" {
		t.Fatalf("stored addresses %v, %v", stored, rows.Err())
	}
}

func TestRecordInRolledBackTransactionLeavesNoRow(t *testing.T) {
	l, pool := newLog(t)
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(ctx, tx, readEntry(2, 7, 42)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, pool); n != 0 {
		t.Fatalf("%d audit rows after rollback, want 0", n)
	}
	if n := mustChain(t, l); n != 0 {
		t.Fatalf("chained %d rows after rollback", n)
	}
	// A committed transaction keeps its row.
	tx, err = pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(ctx, tx, readEntry(2, 7, 42)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, l, 1)
}

func TestRecordRejectsInvalidEntries(t *testing.T) {
	l, pool := newLog(t)
	valid := readEntry(2, 7, 42)
	tests := []struct {
		name   string
		change func(*audit.Entry)
	}{
		{"empty action", func(e *audit.Entry) { e.Action = "" }},
		{"one-word action", func(e *audit.Entry) { e.Action = "read" }},
		{"upper-case action", func(e *audit.Entry) { e.Action = "Chat.read" }},
		{"trailing dot", func(e *audit.Entry) { e.Action = "chat." }},
		{"double dot", func(e *audit.Entry) { e.Action = "chat..read" }},
		{"space in action", func(e *audit.Entry) { e.Action = "chat.read all" }},
		{"long action", func(e *audit.Entry) { e.Action = "chat." + strings.Repeat("a", 64) }},
		{"unknown outcome", func(e *audit.Entry) { e.Outcome = "maybe" }},
		{"empty outcome", func(e *audit.Entry) { e.Outcome = "" }},
		{"long target", func(e *audit.Entry) { e.Target = strings.Repeat("t", 201) }},
		{"control in target", func(e *audit.Entry) { e.Target = "conversation:1\n" }},
		{"long role", func(e *audit.Entry) { e.ActorRole = strings.Repeat("r", 33) }},
		{"negative patient", func(e *audit.Entry) { e.PatientID = -1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := valid
			tc.change(&e)
			if err := l.Record(context.Background(), e); !errors.Is(err, audit.ErrInvalidEntry) {
				t.Fatalf("Record error = %v, want ErrInvalidEntry", err)
			}
		})
	}
	if n := countRows(t, pool); n != 0 {
		t.Fatalf("invalid entries inserted %d rows", n)
	}
	mustRecord(t, l, valid)
}
