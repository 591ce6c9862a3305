package account

import (
	"context"
	"testing"
)

// TestBenchSessionIsAFullSessionAndAudited: the token authenticates as a
// fully signed-in session of the user, and the shortcut is audited.
func TestBenchSessionIsAFullSessionAndAudited(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	u := e.user(t, RoleClinician, "bench@clinic.example")
	token, err := e.svc.BenchSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := e.svc.Authenticate(ctx, token)
	if err != nil || sess.UserID != u.ID || sess.State != StateFull || sess.Role != RoleClinician {
		t.Fatalf("Authenticate(bench token) = %+v, %v; want a full clinician session of %d", sess, err, u.ID)
	}
	if e.audit.count("session.bench", 0) != 1 || e.audit.last(t, "session.bench").ActorID != u.ID {
		t.Fatal("bench session not audited")
	}
	if _, err := e.svc.BenchSession(ctx, 1<<40); err == nil {
		t.Fatal("bench session for an unknown user succeeded")
	}
}
