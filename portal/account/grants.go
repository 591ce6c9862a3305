package account

import (
	"context"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	sqlInsertGrant = `INSERT INTO access_grants (user_id, patient_id, kind, ref, reason, created_at, until)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
	sqlRevokeGrants = `UPDATE access_grants SET revoked_at = $3
		WHERE kind = $1 AND ref = $2 AND revoked_at IS NULL
		RETURNING id, user_id, patient_id`
)

var grantKindRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,31}$`)

// Grant gives userID access to patientID's data until the given time,
// through db (so inside the caller's transaction when db is one). kind
// names the reason class ("escalation", …; lower-case letters, digits and
// . _ -, at most 32) and ref the caller's record (an escalation id, at most
// 200 bytes), so RevokeGrants can end it. The grant is audited
// (access.grant) through db. It returns ErrBadGrant for a malformed kind,
// ref or an until not in the future.
//
// Which roles a grant lets in is Authorize's business: counselors with any
// grant, clinicians and admins only with break-glass ones.
func (s *Service) Grant(ctx context.Context, db Querier, userID, patientID int64, kind, ref string, until time.Time) error {
	id, err := s.grant(ctx, db, userID, patientID, kind, ref, "", until)
	if err != nil {
		return err
	}
	return s.audit(ctx, db, Event{ActorID: userID, Action: "access.grant", PatientID: patientID,
		Target: "grant:" + itoa(id), Outcome: kind})
}

// grant validates and inserts one access grant and returns its id.
func (s *Service) grant(ctx context.Context, db Querier, userID, patientID int64, kind, ref, reason string, until time.Time) (int64, error) {
	now := s.now()
	if userID <= 0 || patientID <= 0 || !grantKindRE.MatchString(kind) || len(ref) > 200 || !until.After(now) {
		return 0, ErrBadGrant
	}
	var id int64
	err := db.QueryRow(ctx, sqlInsertGrant, userID, patientID, kind, ref, reason, now, until).Scan(&id)
	return id, err
}

// RevokeGrants ends, through db, every active grant of kind with ref (for
// example when an escalation is resolved) and audits access.revoke for
// each, with its holder and patient. Revoking nothing is not an error.
func (s *Service) RevokeGrants(ctx context.Context, db Querier, kind, ref string) error {
	rows, err := db.Query(ctx, sqlRevokeGrants, kind, ref, s.now())
	if err != nil {
		return err
	}
	type revoked struct{ id, userID, patientID int64 }
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (revoked, error) {
		var g revoked
		err := r.Scan(&g.id, &g.userID, &g.patientID)
		return g, err
	})
	if err != nil {
		return err
	}
	for _, g := range list {
		err := s.audit(ctx, db, Event{ActorID: g.userID, Action: "access.revoke", PatientID: g.patientID,
			Target: "grant:" + itoa(g.id), Outcome: kind})
		if err != nil {
			return err
		}
	}
	return nil
}
