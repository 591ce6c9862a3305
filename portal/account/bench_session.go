package account

import (
	"context"
	"fmt"
)

// BenchSession opens a fully signed-in session for userID without a
// password or second factor and returns its token, for load generators
// (portal bench) that need thousands of authenticated connections: a real
// sign-in costs an argon2id hash each. It is audited like a sign-in, as
// "session.bench", so such sessions stand out in the audit log. Never call
// it on behalf of a person.
func (s *Service) BenchSession(ctx context.Context, userID int64) (string, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	var role Role
	if err := tx.QueryRow(ctx, `SELECT role FROM users WHERE id = $1 AND disabled_at IS NULL`, userID).Scan(&role); err != nil {
		return "", fmt.Errorf("bench session for user %d: %w", userID, err)
	}
	token, _, err := s.createSession(ctx, tx, userID, role, StateFull, "127.0.0.1", "haven-bench")
	if err != nil {
		return "", err
	}
	if err := s.audit(ctx, tx, Event{ActorID: userID, ActorRole: string(role), Action: "session.bench", Outcome: "ok", IP: "127.0.0.1", UserAgent: "haven-bench"}); err != nil {
		return "", err
	}
	return token, tx.Commit(ctx)
}
