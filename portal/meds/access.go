package meds

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
	"haven/portal/audit"
)

// mayEdit allows clinicians who may write the patient's data.
func (s *Service) mayEdit(ctx context.Context, actor account.Actor, patientID int64) error {
	if err := s.access.Authorize(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	if actor.Role != account.RoleClinician {
		return ErrCareTeamOnly
	}
	return nil
}

// isThePatient allows only the patient themself (after Authorize, which
// audits outsiders' refusals).
func (s *Service) isThePatient(ctx context.Context, actor account.Actor, patientID int64) error {
	if err := s.access.Authorize(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	if actor.Role != account.RolePatient || actor.UserID != patientID {
		return ErrPatientOnly
	}
	return nil
}

// onTeam reports whether clinicianID is on patientID's care team.
func (s *Service) onTeam(ctx context.Context, patientID, clinicianID int64) (bool, error) {
	team, err := s.access.CareTeam(ctx, patientID)
	if err != nil {
		return false, fmt.Errorf("meds: care team: %w", err)
	}
	for _, m := range team {
		if m.ClinicianID == clinicianID {
			return true, nil
		}
	}
	return false, nil
}

// record audits one request of actor on patientID's data through tx.
func record(ctx context.Context, tx pgx.Tx, actor account.Actor, action string, patientID int64, target string) error {
	return audit.Record(ctx, tx, actor.AuditEntry(action, patientID, target))
}

func medTarget(id int64) string    { return "medication:" + strconv.FormatInt(id, 10) }
func refillTarget(id int64) string { return "refill:" + strconv.FormatInt(id, 10) }
