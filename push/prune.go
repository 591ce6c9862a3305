package push

import (
	"context"
	"fmt"
	"time"
)

const sqlPrune = `DELETE FROM push_reminders WHERE state <> 'scheduled' AND done_at < $1`

// Prune deletes finished reminders (and their delivery records) that ended
// more than olderThan ago, and returns how many. Keep olderThan well above
// a day: a finished medication reminder guards against scheduling its
// successor twice. Nothing calls it on its own; run it daily.
func (s *Service) Prune(ctx context.Context, olderThan time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, sqlPrune, s.cfg.Now().Add(-olderThan))
	if err != nil {
		return 0, fmt.Errorf("push: prune: %w", err)
	}
	return tag.RowsAffected(), nil
}
