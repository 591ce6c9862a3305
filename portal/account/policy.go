package account

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Actor is who is acting: the signed-in user's id and role (from their
// Session), plus the client's address and user agent for the audit log.
type Actor struct {
	UserID    int64
	Role      Role
	IP        string
	UserAgent string
}

// roleOperator marks the operator's command line; it is never stored.
const roleOperator Role = "operator"

// Operator returns the Actor for the operator's command line (cmd/portal
// users …): it may create and disable accounts but has no clinical access.
func Operator() Actor { return Actor{Role: roleOperator} }

// administers reports whether a may manage accounts: an admin or the operator.
func (a Actor) administers() bool {
	return (a.Role == RoleAdmin && a.UserID != 0) || a == Operator()
}

// Action is what an actor wants to do with a patient's data.
type Action int

// The actions. The policy treats them alike today; they are named so the
// audit log says which was refused and rules can diverge later.
const (
	Read Action = iota + 1
	Write
)

// String returns the stable name used in the audit log ("read", "write").
func (a Action) String() string {
	switch a {
	case Read:
		return "read"
	case Write:
		return "write"
	}
	return "unknown"
}

// KindBreakGlass is the access-grant kind created by BreakGlass.
const KindBreakGlass = "breakglass"

const (
	sqlOnCareTeam = `SELECT EXISTS (SELECT 1 FROM care_team_members WHERE patient_id = $1 AND clinician_id = $2)`
	// sqlActiveGrant: $4 = '' means any kind.
	sqlActiveGrant = `SELECT EXISTS (SELECT 1 FROM access_grants
		WHERE user_id = $1 AND patient_id = $2 AND revoked_at IS NULL
		  AND created_at <= $3 AND until > $3 AND ($4 = '' OR kind = $4))`
)

// Authorize is THE access policy for a patient's data; every package asks
// it before reading or writing. It returns nil when allowed and
// ErrForbidden (fault.Forbidden) otherwise, after auditing the refusal as
// access.denied with the patient id. Allowed access is not audited here:
// the caller audits what it reads or writes.
//
// The rules: a patient reaches only their own data; a clinician only while
// on the patient's care team or holding an active break-glass grant; a
// crisis counselor only while holding an active access grant for the
// patient (of any kind: crisis escalations and break-glass); an admin only
// through break-glass. Anyone else — an unknown role, the operator, user 0 —
// is refused.
func (s *Service) Authorize(ctx context.Context, actor Actor, action Action, patientID int64) error {
	ok, err := s.allowed(ctx, actor, patientID)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	s.auditBestEffort(ctx, Event{ActorID: actor.UserID, ActorRole: string(actor.Role), Action: "access.denied",
		PatientID: patientID, Target: action.String(), Outcome: "denied", IP: actor.IP, UserAgent: actor.UserAgent})
	return ErrForbidden
}

// allowed evaluates the rules of Authorize without auditing.
func (s *Service) allowed(ctx context.Context, actor Actor, patientID int64) (bool, error) {
	if actor.UserID <= 0 || patientID <= 0 {
		return false, nil
	}
	switch actor.Role {
	case RolePatient:
		return actor.UserID == patientID, nil
	case RoleClinician:
		on, err := s.exists(ctx, sqlOnCareTeam, patientID, actor.UserID)
		if on || err != nil {
			return on, err
		}
		return s.exists(ctx, sqlActiveGrant, actor.UserID, patientID, s.now(), KindBreakGlass)
	case RoleCounselor:
		return s.exists(ctx, sqlActiveGrant, actor.UserID, patientID, s.now(), "")
	case RoleAdmin:
		return s.exists(ctx, sqlActiveGrant, actor.UserID, patientID, s.now(), KindBreakGlass)
	}
	return false, nil
}

// exists runs a SELECT EXISTS query.
func (s *Service) exists(ctx context.Context, sql string, args ...any) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return ok, err
}
