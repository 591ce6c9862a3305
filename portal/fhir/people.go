package fhir

import (
	"errors"
	"fmt"

	"haven/portal/account"
)

type patientResource struct {
	ResourceType        string         `json:"resourceType"`
	ID                  string         `json:"id"`
	Meta                meta           `json:"meta"`
	Active              bool           `json:"active"`
	Name                []humanName    `json:"name,omitempty"`
	Telecom             []contactPoint `json:"telecom,omitempty"`
	GeneralPractitioner []reference    `json:"generalPractitioner,omitempty"`
}

type practitionerResource struct {
	ResourceType string      `json:"resourceType"`
	ID           string      `json:"id"`
	Meta         meta        `json:"meta"`
	Active       bool        `json:"active"`
	Name         []humanName `json:"name,omitempty"`
}

type careTeamResource struct {
	ResourceType string                `json:"resourceType"`
	ID           string                `json:"id"`
	Meta         meta                  `json:"meta"`
	Status       string                `json:"status"`
	Name         string                `json:"name"`
	Subject      reference             `json:"subject"`
	Participant  []careTeamParticipant `json:"participant,omitempty"`
}

type careTeamParticipant struct {
	Role   []concept `json:"role"`
	Member reference `json:"member"`
	Period period    `json:"period"`
}

// Patient/{id} (read by readOwnID): the patient's account. Its last
// update is its creation: accounts keep no change time.
func searchPatient(rq *request, pid int64) ([]entry, error) {
	a, err := rq.patient(pid)
	if err != nil {
		return nil, err
	}
	team, err := rq.careTeam(pid)
	if err != nil {
		return nil, err
	}
	p := patientResource{ResourceType: "Patient", ID: itoa(pid), Meta: metaAt(a.CreatedAt), Active: !a.Disabled,
		Name: []humanName{{Text: a.DisplayName}}, Telecom: []contactPoint{{System: "email", Value: a.Email}}}
	for _, m := range team {
		p.GeneralPractitioner = append(p.GeneralPractitioner, *rq.staffRef(m.ClinicianID))
	}
	return []entry{{"Patient", p.ID, p}}, nil
}

func (rq *request) careTeam(pid int64) ([]account.Member, error) {
	team, err := rq.s.d.Accounts.CareTeam(rq.ctx, pid)
	if err != nil {
		return nil, fmt.Errorf("fhir: care team: %w", err)
	}
	return team, nil
}

// Practitioner/{id}: a clinician or counselor, by name; see
// mayReadPractitioner for who may read one directly.
func readPractitioner(rq *request, id string) (any, int64, error) {
	uid, ok := parseNum(id)
	if !ok {
		return nil, 0, ErrNotFound
	}
	if err := rq.mayReadPractitioner(uid); err != nil {
		return nil, 0, err
	}
	a, err := rq.practitioner(uid)
	if err != nil {
		return nil, 0, err
	}
	return practitionerOf(a), 0, nil
}

func practitionerOf(a account.Account) practitionerResource {
	return practitionerResource{ResourceType: "Practitioner", ID: itoa(a.ID), Meta: metaAt(a.CreatedAt),
		Active: !a.Disabled, Name: []humanName{{Text: a.DisplayName}}}
}

// Practitioner?patient=: the patient's care team and the staff in the
// patient's conversations.
func searchPractitioners(rq *request, pid int64) ([]entry, error) {
	if _, err := rq.patient(pid); err != nil {
		return nil, err
	}
	team, err := rq.careTeam(pid)
	if err != nil {
		return nil, err
	}
	for _, m := range team {
		rq.staffRef(m.ClinicianID)
	}
	convs, err := rq.conversations(pid)
	if err != nil {
		return nil, err
	}
	for _, c := range convs {
		for _, p := range c.Participants {
			if !p.Patient {
				rq.staffRef(p.UserID)
			}
		}
	}
	return rq.practitioners()
}

// practitioners returns every practitioner referenced so far, in the order
// first referenced, skipping accounts that no longer are staff.
func (rq *request) practitioners() ([]entry, error) {
	var out []entry
	for _, id := range rq.staffOrder {
		a, err := rq.practitioner(id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		p := practitionerOf(a)
		out = append(out, entry{"Practitioner", p.ID, p})
	}
	return out, nil
}

// CareTeam/{id} (read by readOwnID): the patient's care team; its id is
// the patient's.
func searchCareTeam(rq *request, pid int64) ([]entry, error) {
	a, err := rq.patient(pid)
	if err != nil {
		return nil, err
	}
	team, err := rq.careTeam(pid)
	if err != nil {
		return nil, err
	}
	ct := careTeamResource{ResourceType: "CareTeam", ID: itoa(pid), Status: "active", Name: "Care team",
		Subject: patientRef(pid)}
	updated := a.CreatedAt
	for _, m := range team {
		ct.Participant = append(ct.Participant, careTeamParticipant{Role: []concept{{Text: "Clinician"}},
			Member: *rq.staffRef(m.ClinicianID), Period: period{Start: instant(m.AddedAt)}})
		updated = latest(updated, m.AddedAt)
	}
	ct.Meta = metaAt(updated)
	return []entry{{"CareTeam", ct.ID, ct}}, nil
}
