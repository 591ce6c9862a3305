package account

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Member is a clinician on a patient's care team.
type Member struct {
	ClinicianID int64
	DisplayName string
	Email       string
	AddedAt     time.Time
}

const (
	sqlAddMember = `INSERT INTO care_team_members (patient_id, clinician_id, added_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`
	sqlRemoveMember    = `DELETE FROM care_team_members WHERE patient_id = $1 AND clinician_id = $2`
	sqlActiveClinician = `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role = 'clinician' AND disabled_at IS NULL)`
	sqlCareTeam        = `SELECT m.clinician_id, u.display_name, u.email, m.added_at
		FROM care_team_members m JOIN users u ON u.id = m.clinician_id
		WHERE m.patient_id = $1 ORDER BY m.added_at, m.clinician_id`
	sqlPatientsOf = `SELECT ` + sqlUserColumnsU + `
		FROM care_team_members m JOIN users u ON u.id = m.patient_id
		WHERE m.clinician_id = $1 ORDER BY u.display_name, u.id`
	sqlUserColumnsU = `u.id, u.email, u.display_name, u.role, u.created_at, u.disabled_at IS NOT NULL`
)

// AddToCareTeam puts clinicianID on patientID's care team. by must be an
// admin or a clinician already on that team (ErrForbidden otherwise, audited
// as access.denied). The clinician must be active (ErrNotClinician) and the
// patient must exist (ErrNoPatient). Adding a member twice is a no-op.
// Audited as careteam.add in the same transaction.
func (s *Service) AddToCareTeam(ctx context.Context, by Actor, patientID, clinicianID int64) error {
	return s.changeCareTeam(ctx, by, patientID, clinicianID, true)
}

// RemoveFromCareTeam takes clinicianID off patientID's care team, under the
// same authorization as AddToCareTeam; a clinician may remove themself.
// Removing a non-member is a no-op. Audited as careteam.remove.
func (s *Service) RemoveFromCareTeam(ctx context.Context, by Actor, patientID, clinicianID int64) error {
	return s.changeCareTeam(ctx, by, patientID, clinicianID, false)
}

func (s *Service) changeCareTeam(ctx context.Context, by Actor, patientID, clinicianID int64, add bool) error {
	if err := s.mayManageTeam(ctx, by, patientID); err != nil {
		return err
	}
	action, sql := "careteam.remove", sqlRemoveMember
	if add {
		action, sql = "careteam.add", sqlAddMember
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, sqlIsPatient, patientID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNoPatient
		}
		if add {
			if err := tx.QueryRow(ctx, sqlActiveClinician, clinicianID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return ErrNotClinician
			}
		}
		args := []any{patientID, clinicianID}
		if add {
			args = append(args, s.now())
		}
		tag, err := tx.Exec(ctx, sql, args...)
		if err != nil || tag.RowsAffected() == 0 {
			return err // a no-op is not audited
		}
		return s.audit(ctx, tx, Event{ActorID: by.UserID, ActorRole: string(by.Role), Action: action,
			PatientID: patientID, Target: userTarget(clinicianID), Outcome: "ok", IP: by.IP, UserAgent: by.UserAgent})
	})
}

// mayManageTeam allows admins and clinicians on the patient's team, and
// audits any refusal as access.denied.
func (s *Service) mayManageTeam(ctx context.Context, by Actor, patientID int64) error {
	if by.Role == RoleAdmin && by.UserID > 0 {
		return nil
	}
	if by.Role == RoleClinician && by.UserID > 0 {
		on, err := s.exists(ctx, sqlOnCareTeam, patientID, by.UserID)
		if err != nil || on {
			return err
		}
	}
	s.auditBestEffort(ctx, Event{ActorID: by.UserID, ActorRole: string(by.Role), Action: "access.denied",
		PatientID: patientID, Target: "careteam", Outcome: "denied", IP: by.IP, UserAgent: by.UserAgent})
	return ErrForbidden
}

// CareTeam lists patientID's care team in the order members were added.
// The caller authorizes.
func (s *Service) CareTeam(ctx context.Context, patientID int64) ([]Member, error) {
	rows, err := s.pool.Query(ctx, sqlCareTeam, patientID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Member, error) {
		var m Member
		err := r.Scan(&m.ClinicianID, &m.DisplayName, &m.Email, &m.AddedAt)
		return m, err
	})
}

// PatientsOf lists the patients whose care team includes clinicianID, by
// display name. The caller authorizes.
func (s *Service) PatientsOf(ctx context.Context, clinicianID int64) ([]Account, error) {
	rows, err := s.pool.Query(ctx, sqlPatientsOf, clinicianID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) { return scanAccount(r) })
}
