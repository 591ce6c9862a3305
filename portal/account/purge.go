package account

import (
	"context"
	"time"
)

// keepEnded is how long ended sessions and expired invitations are kept,
// so the UI can still say why a session ended or a link stopped working.
const keepEnded = 7 * 24 * time.Hour

const (
	sqlPurgeSessions = `DELETE FROM sessions WHERE ended_at < $1 OR created_at < $2`
	sqlPurgeInvites  = `DELETE FROM invitations WHERE expires_at < $1 AND accepted_at IS NULL`
)

// Purge deletes sessions that ended (or passed the absolute limit) more
// than a week ago and unaccepted invitations expired more than a week ago,
// and returns how many rows it deleted. Run it periodically; it is safe to
// run on several nodes at once.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	cutoff := s.now().Add(-keepEnded)
	a, err := s.pool.Exec(ctx, sqlPurgeSessions, cutoff, cutoff.Add(-s.absolute))
	if err != nil {
		return 0, err
	}
	b, err := s.pool.Exec(ctx, sqlPurgeInvites, cutoff)
	if err != nil {
		return a.RowsAffected(), err
	}
	return a.RowsAffected() + b.RowsAffected(), nil
}
