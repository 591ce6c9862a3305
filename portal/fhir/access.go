package fhir

import (
	"errors"
	"fmt"

	"haven/portal/account"
)

// authorize asks the access policy whether the actor may read the
// patient's data; a refusal is audited by the policy as access.denied.
func (rq *request) authorize(patientID int64) error {
	return rq.s.d.Accounts.Authorize(rq.ctx, rq.actor, account.Read, patientID)
}

// account returns a user, once per request; ErrNotFound when there is none.
func (rq *request) account(id int64) (account.Account, error) {
	if a, ok := rq.people[id]; ok {
		return a, nil
	}
	a, err := rq.s.d.Accounts.Account(rq.ctx, id)
	if errors.Is(err, account.ErrNoAccount) {
		return account.Account{}, ErrNotFound
	}
	if err != nil {
		return account.Account{}, fmt.Errorf("fhir: account %d: %w", id, err)
	}
	rq.people[id] = a
	return a, nil
}

// patient returns the patient with id (already authorized); ErrNotFound
// when id is not a patient.
func (rq *request) patient(id int64) (account.Account, error) {
	a, err := rq.account(id)
	if err != nil {
		return account.Account{}, err
	}
	if a.Role != account.RolePatient {
		return account.Account{}, ErrNotFound
	}
	return a, nil
}

// practitioner returns the staff member with id; ErrNotFound when id is
// not a clinician or counselor.
func (rq *request) practitioner(id int64) (account.Account, error) {
	a, err := rq.account(id)
	if err != nil {
		return account.Account{}, err
	}
	if a.Role != account.RoleClinician && a.Role != account.RoleCounselor {
		return account.Account{}, ErrNotFound
	}
	return a, nil
}

// mayReadPractitioner admits a direct read of Practitioner/{id} by the
// practitioner themself, by a patient with them on their care team, and by
// a clinician who shares a patient's care team with them. Anyone else gets
// account.ErrForbidden: staff are otherwise reached through a patient the
// policy admits (a search or $everything).
func (rq *request) mayReadPractitioner(id int64) error {
	a := rq.actor
	if a.UserID <= 0 {
		return account.ErrForbidden
	}
	if a.UserID == id && (a.Role == account.RoleClinician || a.Role == account.RoleCounselor) {
		return nil
	}
	switch a.Role {
	case account.RolePatient:
		team, err := rq.s.d.Accounts.CareTeam(rq.ctx, a.UserID)
		if err != nil {
			return fmt.Errorf("fhir: care team: %w", err)
		}
		for _, m := range team {
			if m.ClinicianID == id {
				return nil
			}
		}
	case account.RoleClinician:
		ok, err := rq.shareAPatient(a.UserID, id)
		if err != nil || ok {
			return err
		}
	}
	return account.ErrForbidden
}

// shareAPatient reports whether clinicians a and b are on one patient's
// care team.
func (rq *request) shareAPatient(a, b int64) (bool, error) {
	mine, err := rq.s.d.Accounts.PatientsOf(rq.ctx, a)
	if err != nil {
		return false, fmt.Errorf("fhir: patients of: %w", err)
	}
	theirs, err := rq.s.d.Accounts.PatientsOf(rq.ctx, b)
	if err != nil {
		return false, fmt.Errorf("fhir: patients of: %w", err)
	}
	ids := make(map[int64]bool, len(mine))
	for _, p := range mine {
		ids[p.ID] = true
	}
	for _, p := range theirs {
		if ids[p.ID] {
			return true, nil
		}
	}
	return false, nil
}
