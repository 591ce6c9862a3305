package fhir

import (
	"fmt"
	"time"

	"haven/portal/visits"
)

type appointmentResource struct {
	ResourceType    string            `json:"resourceType"`
	ID              string            `json:"id"`
	Meta            meta              `json:"meta"`
	Status          string            `json:"status"`
	ServiceType     []concept         `json:"serviceType,omitempty"`
	AppointmentType *concept          `json:"appointmentType,omitempty"`
	Start           string            `json:"start"`
	End             string            `json:"end"`
	MinutesDuration int64             `json:"minutesDuration"`
	Participant     []apptParticipant `json:"participant"`
}

type apptParticipant struct {
	Actor    reference `json:"actor"`
	Required string    `json:"required"`
	Status   string    `json:"status"`
}

// Appointment search windows: visits lists at most 400 days per call, and
// no visit is booked more than a year ahead.
const (
	apptWindow    = 400 * 24 * time.Hour
	apptBookAhead = 367 * 24 * time.Hour
)

// Appointment/{p}-{appointment}: one visit or waitlist offer, of any status.
func readAppointment(rq *request, id string) (any, int64, error) {
	lid, ok := parseScoped(id)
	if !ok {
		return nil, 0, ErrNotFound
	}
	if err := rq.authorize(lid.patient); err != nil {
		return nil, lid.patient, err
	}
	a, err := rq.s.d.Visits.Get(rq.ctx, rq.actor, lid.num)
	if err != nil {
		return nil, lid.patient, err
	}
	if a.PatientID != lid.patient {
		return nil, lid.patient, ErrNotFound
	}
	res, err := rq.appointment(a)
	return res, lid.patient, err
}

// Appointment?patient=: the patient's booked visits and open offers, from
// the patient's account creation (no visit can start before it) to the
// furthest a visit can be booked ahead.
func searchAppointments(rq *request, pid int64) ([]entry, error) {
	p, err := rq.patient(pid)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []entry
	end := rq.now.Add(apptBookAhead)
	for from := p.CreatedAt; from.Before(end); from = from.Add(apptWindow) {
		to := from.Add(apptWindow)
		as, err := rq.s.d.Visits.Appointments(rq.ctx, rq.actor, pid, from, to)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			res, err := rq.appointment(a)
			if err != nil {
				return nil, err
			}
			out = append(out, entry{"Appointment", res.ID, res})
		}
	}
	return out, nil
}

// appointment maps a visit. Visits keep no change time, so meta.lastUpdated
// is the time of the read.
func (rq *request) appointment(a visits.Appointment) (appointmentResource, error) {
	res := appointmentResource{ResourceType: "Appointment", ID: scopedID(a.PatientID, itoa(a.ID)), Meta: metaAt(rq.now),
		Status: apptStatus(a.Status), Start: instant(a.Start), End: instant(a.End),
		MinutesDuration: int64(a.End.Sub(a.Start) / time.Minute)}
	patientStatus := "accepted"
	if a.Status == visits.Held {
		patientStatus = "needs-action"
	}
	res.Participant = []apptParticipant{
		{Actor: patientRef(a.PatientID), Required: "required", Status: patientStatus},
		{Actor: *rq.staffRef(a.ClinicianID), Required: "required", Status: "accepted"},
	}
	if a.Modality.Valid() {
		res.AppointmentType = &concept{Coding: []coding{{System: systemModality, Code: string(a.Modality),
			Display: modalityDisplay(a.Modality)}}, Text: modalityDisplay(a.Modality)}
	}
	name, err := rq.visitTypeName(a.ClinicianID, a.VisitTypeID)
	if err != nil {
		return appointmentResource{}, err
	}
	if name != "" {
		res.ServiceType = []concept{{Text: name}}
	}
	return res, nil
}

func apptStatus(s visits.Status) string {
	switch s {
	case visits.Booked:
		return "booked"
	case visits.Held:
		return "proposed"
	}
	return "cancelled" // cancelled, or an offer that lapsed
}

func modalityDisplay(m visits.Modality) string {
	if m == visits.Video {
		return "Video visit"
	}
	return "In-person visit"
}

// visitTypeName names a clinician's visit type, "" when it is retired.
// Each clinician's types are read once per request.
func (rq *request) visitTypeName(clinicianID, typeID int64) (string, error) {
	if rq.visitTypes == nil {
		rq.visitTypes = map[int64]map[int64]string{}
	}
	names, ok := rq.visitTypes[clinicianID]
	if !ok {
		types, err := rq.s.d.Visits.VisitTypes(rq.ctx, rq.actor, clinicianID)
		if err != nil {
			return "", fmt.Errorf("fhir: visit types: %w", err)
		}
		names = make(map[int64]string, len(types))
		for _, t := range types {
			names[t.ID] = t.Name
		}
		rq.visitTypes[clinicianID] = names
	}
	return names[typeID], nil
}
