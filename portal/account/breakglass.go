package account

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Break-glass limits.
const (
	DefaultBreakGlass    = time.Hour
	MaxBreakGlass        = 4 * time.Hour
	minBreakGlassReason  = 20
	maxBreakGlassReason  = 1000
	minBreakGlassForTime = time.Minute
)

// BreakGlassGrant is one emergency access, as shown to the patient.
type BreakGlassGrant struct {
	ID        int64
	UserID    int64  // who opened it
	Name      string // their display name
	Role      Role
	Reason    string // staff's stated reason (staff text, not patient content)
	OpenedAt  time.Time
	Until     time.Time
	RevokedAt *time.Time
}

const (
	sqlIsPatient      = `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role = 'patient')`
	sqlBreakGlassesOf = `SELECT g.id, g.user_id, u.display_name, u.role, g.reason, g.created_at, g.until, g.revoked_at
		FROM access_grants g JOIN users u ON u.id = g.user_id
		WHERE g.patient_id = $1 AND g.kind = 'breakglass'
		ORDER BY g.created_at DESC, g.id DESC`
)

// BreakGlass opens emergency access for a staff actor (clinician, counselor
// or admin) to one patient's data for d (0 means DefaultBreakGlass; at most
// MaxBreakGlass), with a stated reason of at least 20 characters that is
// stored and shown to the patient. The grant and its audit event
// (breakglass.open) commit together. Errors: ErrStaffOnly, ErrReasonShort,
// ErrReasonLong, ErrBreakGlassDur, ErrNoPatient.
func (s *Service) BreakGlass(ctx context.Context, actor Actor, patientID int64, reason string, d time.Duration) (BreakGlassGrant, error) {
	if !actor.Role.Staff() || actor.UserID <= 0 {
		return BreakGlassGrant{}, ErrStaffOnly
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n < minBreakGlassReason || !utf8.ValidString(reason):
		return BreakGlassGrant{}, ErrReasonShort
	case n > maxBreakGlassReason:
		return BreakGlassGrant{}, ErrReasonLong
	}
	if d == 0 {
		d = DefaultBreakGlass
	}
	if d < minBreakGlassForTime || d > MaxBreakGlass {
		return BreakGlassGrant{}, ErrBreakGlassDur
	}
	g := BreakGlassGrant{UserID: actor.UserID, Role: actor.Role, Reason: reason}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var isPatient bool
		if err := tx.QueryRow(ctx, sqlIsPatient, patientID).Scan(&isPatient); err != nil {
			return err
		}
		if !isPatient {
			return ErrNoPatient
		}
		g.OpenedAt = s.now()
		g.Until = g.OpenedAt.Add(d)
		var err error
		if g.ID, err = s.grant(ctx, tx, actor.UserID, patientID, KindBreakGlass, "", reason, g.Until); err != nil {
			return err
		}
		return s.audit(ctx, tx, Event{ActorID: actor.UserID, ActorRole: string(actor.Role), Action: "breakglass.open",
			PatientID: patientID, Target: "grant:" + itoa(g.ID), Outcome: "ok", IP: actor.IP, UserAgent: actor.UserAgent})
	})
	if err != nil {
		return BreakGlassGrant{}, err
	}
	s.log.Info("account: break-glass opened", "actor_id", actor.UserID, "patient_id", patientID, "grant_id", g.ID)
	return g, nil
}

// BreakGlassesOf lists every break-glass access to patientID's data, newest
// first, including expired and revoked ones, for the patient to see. The
// caller authorizes (the patient themself, or their care team).
func (s *Service) BreakGlassesOf(ctx context.Context, patientID int64) ([]BreakGlassGrant, error) {
	rows, err := s.pool.Query(ctx, sqlBreakGlassesOf, patientID)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BreakGlassGrant, error) {
		var g BreakGlassGrant
		var role string
		err := r.Scan(&g.ID, &g.UserID, &g.Name, &role, &g.Reason, &g.OpenedAt, &g.Until, &g.RevokedAt)
		g.Role = Role(role)
		return g, err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return out, err
}
