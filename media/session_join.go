package media

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// authorizeJoin decides whether actor may enter session id and as what:
// for a visit, the visits package decides (its window and its parties) and
// audits; for an ad hoc session, the host must still have access to every
// guest, a guest must be invited, and the entry is audited as video.join
// per patient concerned. Errors: ErrNoSession, ErrSessionEnded,
// account.ErrForbidden, or the visits package's refusals.
func (s *Sessions) authorizeJoin(ctx context.Context, actor account.Actor, id string) (record, Role, error) {
	rec, err := s.load(ctx, id)
	if err != nil {
		return record{}, "", err
	}
	role := rec.roleOf(actor.UserID)
	if role == "" {
		return record{}, "", account.ErrForbidden
	}
	if rec.ended {
		return record{}, "", ErrSessionEnded
	}
	if rec.kind == KindVisit {
		if s.visits == nil {
			return record{}, "", ErrVisitsUnavailable
		}
		room, err := s.visits.VideoRoom(ctx, actor, rec.appointmentID)
		if err != nil {
			return record{}, "", err
		}
		if room.Host {
			return rec, RoleHost, nil
		}
		return rec, RoleGuest, nil
	}
	patients := []int64{actor.UserID}
	if role == RoleHost {
		patients = patients[:0]
		for _, m := range rec.members {
			if m.role == RoleGuest {
				if err := s.access.Authorize(ctx, actor, account.Read, m.userID); err != nil {
					return record{}, "", err
				}
				patients = append(patients, m.userID)
			}
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, p := range patients {
			if err := s.audit(ctx, tx, actor, "video.join", p, rec.id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return record{}, "", fmt.Errorf("media: audit join: %w", err)
	}
	return rec, role, nil
}

// mustJSON encodes one of the package's own event values, which always
// encode.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("media: encode %T: %v", v, err))
	}
	return b
}
