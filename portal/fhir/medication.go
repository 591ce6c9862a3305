package fhir

import (
	"time"

	"haven/portal/meds"
)

type medStatementResource struct {
	ResourceType              string     `json:"resourceType"`
	ID                        string     `json:"id"`
	Meta                      meta       `json:"meta"`
	Status                    string     `json:"status"`
	MedicationCodeableConcept concept    `json:"medicationCodeableConcept"`
	Subject                   reference  `json:"subject"`
	EffectivePeriod           *period    `json:"effectivePeriod,omitempty"`
	DateAsserted              string     `json:"dateAsserted,omitempty"`
	InformationSource         *reference `json:"informationSource,omitempty"`
	Dosage                    []dosage   `json:"dosage,omitempty"`
}

type dosage struct {
	Text   string  `json:"text,omitempty"`
	Timing *timing `json:"timing,omitempty"`
}

type timing struct {
	Repeat timingRepeat `json:"repeat"`
}

type timingRepeat struct {
	TimeOfDay []string `json:"timeOfDay"`
}

// MedicationStatement/{p}-{medication}: one entry of the medication list.
func readMedicationStatement(rq *request, id string) (any, int64, error) {
	lid, ok := parseScoped(id)
	if !ok {
		return nil, 0, ErrNotFound
	}
	if err := rq.authorize(lid.patient); err != nil {
		return nil, lid.patient, err
	}
	m, err := rq.s.d.Meds.Get(rq.ctx, rq.actor, lid.num)
	if err != nil {
		return nil, lid.patient, err
	}
	if m.PatientID != lid.patient {
		return nil, lid.patient, ErrNotFound
	}
	return rq.medStatement(m), lid.patient, nil
}

// MedicationStatement?patient=: the medication list, most recently started
// first (removed entries are not on it).
func searchMedicationStatements(rq *request, pid int64) ([]entry, error) {
	ms, err := rq.s.d.Meds.List(rq.ctx, rq.actor, pid)
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(ms))
	for _, m := range ms {
		res := rq.medStatement(m)
		out = append(out, entry{"MedicationStatement", res.ID, res})
	}
	return out, nil
}

func (rq *request) medStatement(m meds.Medication) medStatementResource {
	res := medStatementResource{ResourceType: "MedicationStatement", ID: scopedID(m.PatientID, itoa(m.ID)),
		Meta: metaAt(m.UpdatedAt), Status: medStatus(m, rq.now), MedicationCodeableConcept: concept{Text: m.Name},
		Subject: patientRef(m.PatientID), DateAsserted: instant(m.UpdatedAt), InformationSource: rq.staffRef(m.PrescriberID)}
	if m.Start != "" {
		res.EffectivePeriod = &period{Start: m.Start, End: m.Stop}
	}
	d := dosage{Text: m.Dose}
	if m.Instructions != "" {
		d.Text += ". " + m.Instructions
	}
	if len(m.DailyTimes) > 0 {
		d.Timing = &timing{}
		for _, t := range m.DailyTimes {
			d.Timing.Repeat.TimeOfDay = append(d.Timing.Repeat.TimeOfDay, t+":00")
		}
	}
	res.Dosage = []dosage{d}
	return res
}

// medStatus is "intended" before the start date, "completed" after the
// stop date, else "active", by the calendar of the medication's zone.
func medStatus(m meds.Medication, now time.Time) string {
	loc, err := time.LoadLocation(m.Zone)
	if err != nil || m.Zone == "" {
		loc = time.UTC
	}
	today := fhirDate(now.In(loc))
	switch {
	case m.Stop != "" && m.Stop < today:
		return "completed"
	case m.Start > today:
		return "intended"
	}
	return "active"
}

type medRequestResource struct {
	ResourceType              string       `json:"resourceType"`
	ID                        string       `json:"id"`
	Meta                      meta         `json:"meta"`
	Status                    string       `json:"status"`
	StatusReason              *concept     `json:"statusReason,omitempty"`
	Intent                    string       `json:"intent"`
	MedicationCodeableConcept concept      `json:"medicationCodeableConcept"`
	Subject                   reference    `json:"subject"`
	SupportingInformation     []reference  `json:"supportingInformation,omitempty"`
	AuthoredOn                string       `json:"authoredOn,omitempty"`
	Requester                 reference    `json:"requester"`
	Performer                 *reference   `json:"performer,omitempty"`
	Note                      []annotation `json:"note,omitempty"`
}

// MedicationRequest/{p}-{refill} (read by readBySearch): a refill request,
// a proposal by the patient to the prescriber.
//
// MedicationRequest?patient=: the refill requests, newest first (the 100
// most recent, as meds keeps them listed).
func searchMedicationRequests(rq *request, pid int64) ([]entry, error) {
	rs, err := rq.s.d.Meds.Refills(rq.ctx, rq.actor, pid)
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(rs))
	for _, r := range rs {
		res := rq.medRequest(r)
		out = append(out, entry{"MedicationRequest", res.ID, res})
	}
	return out, nil
}

func (rq *request) medRequest(r meds.Refill) medRequestResource {
	res := medRequestResource{ResourceType: "MedicationRequest", ID: scopedID(r.PatientID, itoa(r.ID)),
		Meta: metaAt(latest(r.RequestedAt, r.DecidedAt)), Status: "active", Intent: "proposal",
		MedicationCodeableConcept: concept{Text: r.MedicationName}, Subject: patientRef(r.PatientID),
		SupportingInformation: []reference{ref("MedicationStatement", scopedID(r.PatientID, itoa(r.MedID)))},
		AuthoredOn:            instant(r.RequestedAt), Requester: patientRef(r.PatientID), Performer: rq.staffRef(r.PrescriberID)}
	switch r.State {
	case meds.Approved:
		res.Status = "completed"
	case meds.Declined:
		res.Status = "cancelled"
		res.StatusReason = &concept{Text: "Declined by the prescriber"}
	}
	if r.Note != "" {
		res.Note = []annotation{{Text: r.Note}}
	}
	return res
}
