package account

import (
	"context"
	"testing"

	"haven/migrations/dbtest"
)

// TestAuditLogWritesAccountEvents: account's events reach the audit log
// as they are, and a detailed failure outcome is recorded as failed with
// the detail after the target.
func TestAuditLogWritesAccountEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	events := []Event{
		{ActorID: 0, Action: "login.ok", Target: "session:ab", Outcome: "ok", IP: "192.0.2.7", UserAgent: "ua"},
		{ActorID: 0, Action: "access.denied", PatientID: 9, Target: "careteam", Outcome: "denied"},
		{ActorID: 0, Action: "mfa.failed", Target: "totp", Outcome: "bad_code"},
		{ActorID: 0, Action: "mfa.failed", Outcome: "replayed"},
	}
	for _, e := range events {
		if err := (AuditLog{}).Record(ctx, pool, e); err != nil {
			t.Fatalf("record %+v: %v", e, err)
		}
	}
	want := [][3]string{{"login.ok", "session:ab", "ok"}, {"access.denied", "careteam", "denied"},
		{"mfa.failed", "totp;bad_code", "failed"}, {"mfa.failed", "replayed", "failed"}}
	rows, err := pool.Query(ctx, `SELECT action, target, outcome FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][3]string
	for rows.Next() {
		var r [3]string
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != len(want) {
		t.Fatalf("audit rows = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestActorAuditEntry: an actor's entry carries who, from where, and OK.
func TestActorAuditEntry(t *testing.T) {
	a := Actor{UserID: 4, Role: RoleClinician, IP: "198.51.100.4", UserAgent: "test"}
	e := a.AuditEntry("notes.read", 7, "note:3")
	if e.ActorID != 4 || e.ActorRole != "clinician" || e.Action != "notes.read" || e.PatientID != 7 || e.Target != "note:3" ||
		e.Outcome != "ok" || e.ClientIP.String() != "198.51.100.4" || e.UserAgent != "test" {
		t.Fatalf("AuditEntry = %+v", e)
	}
	if e := (Actor{UserID: 4, Role: RolePatient, IP: "not an address"}).AuditEntry("x.read", 4, ""); e.ClientIP.IsValid() {
		t.Fatalf("an unparsable address gave %v", e.ClientIP)
	}
}
