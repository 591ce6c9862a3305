package fhir

import (
	"net/http"
)

// kind is one served resource type: how to read one by id and how to
// search a patient's.
type kind struct {
	// read returns the resource with id (already a valid FHIR id) and the
	// patient it belongs to (0 when none or unknown).
	read func(rq *request, id string) (any, int64, error)
	// search returns the patient's resources of the type, the patient
	// already authorized.
	search func(rq *request, patientID int64) ([]entry, error)
	// shared marks definitions that belong to no patient: searched
	// without a patient, readable by anyone signed in.
	shared bool
}

// kinds maps each served type to its functions.
func kinds() map[string]kind {
	return map[string]kind{
		"Patient":               {readOwnID(searchPatient), searchPatient, false},
		"Practitioner":          {readPractitioner, searchPractitioners, false},
		"CareTeam":              {readOwnID(searchCareTeam), searchCareTeam, false},
		"Appointment":           {readAppointment, searchAppointments, false},
		"Communication":         {readBySearch(searchCommunications), searchCommunications, false},
		"MedicationStatement":   {readMedicationStatement, searchMedicationStatements, false},
		"MedicationRequest":     {readBySearch(searchMedicationRequests), searchMedicationRequests, false},
		"QuestionnaireResponse": {readQuestionnaireResponse, searchQuestionnaireResponses, false},
		"Observation":           {readObservation, searchObservations, false},
		"DocumentReference":     {readBySearch(searchDocumentReferences), searchDocumentReferences, false},
		"Questionnaire":         {readQuestionnaire, searchQuestionnaires, true},
	}
}

// readBySearch reads a patient-scoped resource ("{patient}-{n}") by
// searching the patient's resources of its type and picking the one with
// the id: for types whose package offers no single read (Communication
// from chat's list, MedicationRequest from the refills, DocumentReference
// from records' export). The patient is authorized first.
func readBySearch(search func(rq *request, patientID int64) ([]entry, error)) func(rq *request, id string) (any, int64, error) {
	return func(rq *request, id string) (any, int64, error) {
		lid, ok := parseScoped(id)
		if !ok {
			return nil, 0, ErrNotFound
		}
		if err := rq.authorize(lid.patient); err != nil {
			return nil, lid.patient, err
		}
		es, err := search(rq, lid.patient)
		if err != nil {
			return nil, lid.patient, err
		}
		for _, e := range es {
			if e.id == id {
				return e.res, lid.patient, nil
			}
		}
		return nil, lid.patient, ErrNotFound
	}
}

// readOwnID reads a resource whose id is its patient's (Patient, CareTeam):
// the patient is authorized, then search gives exactly one entry.
func readOwnID(search func(rq *request, patientID int64) ([]entry, error)) func(rq *request, id string) (any, int64, error) {
	return func(rq *request, id string) (any, int64, error) {
		pid, ok := parseNum(id)
		if !ok {
			return nil, 0, ErrNotFound
		}
		if err := rq.authorize(pid); err != nil {
			return nil, pid, err
		}
		es, err := search(rq, pid)
		if err != nil {
			return nil, pid, err
		}
		return es[0].res, pid, nil
	}
}

// Query parameters, per interaction.
var (
	readParams       = []string{"_elements"}
	searchParams     = []string{"patient", "_elements"}
	patientParams    = []string{"patient", "_id", "_elements"}
	everythingParams = []string(nil)
)

// read serves GET /fhir/{type}/{id}.
func (s *Server) read(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	k, known := kinds()[typ]
	target := "unknown"
	switch {
	case known && validID(id):
		target = typ + "/" + id
	case known:
		target = typ + "/invalid"
	}
	s.serve(w, r, target, readParams, func(rq *request) (any, int64, error) {
		switch {
		case !known:
			return nil, 0, ErrUnknownType
		case !validID(id):
			return nil, 0, ErrBadID
		}
		res, patientID, err := k.read(rq, id)
		if err != nil {
			return nil, patientID, err
		}
		res, err = subset(typ, res, rq.elements)
		return res, patientID, err
	})
}

// search serves GET /fhir/{type}?patient={id}, and GET /fhir/{type} for
// shared definitions.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	k, known := kinds()[typ]
	target, params := "unknown", searchParams
	switch {
	case k.shared:
		target, params = typ, readParams
	case known:
		target = typ + "?patient"
	}
	if typ == "Patient" {
		params = patientParams
	}
	s.serve(w, r, target, params, func(rq *request) (any, int64, error) {
		if !known {
			return nil, 0, ErrUnknownType
		}
		if k.shared {
			found, err := k.search(rq, 0)
			if err != nil {
				return nil, 0, err
			}
			b, err := rq.searchset(found, nil, rq.elements)
			return b, 0, err
		}
		patientID, err := rq.patientParam()
		if err != nil {
			return nil, 0, err
		}
		if err := rq.authorize(patientID); err != nil {
			return nil, patientID, err
		}
		found, err := k.search(rq, patientID)
		if err != nil {
			return nil, patientID, err
		}
		b, err := rq.searchset(found, nil, rq.elements)
		return b, patientID, err
	})
}

// patientParam returns the patient a search names (patient=, or _id= for
// Patient).
func (rq *request) patientParam() (int64, error) {
	p, ok := rq.params["patient"]
	if id, byID := rq.params["_id"]; byID {
		if ok {
			return 0, ErrUnknownParam
		}
		p, ok = id, true
	}
	if !ok {
		return 0, ErrNeedPatient
	}
	id, valid := parsePatientRef(p)
	if !valid {
		return 0, ErrBadPatient
	}
	return id, nil
}

// everything serves GET /fhir/Patient/{id}/$everything.
func (s *Server) everything(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.serve(w, r, "Patient/$everything", everythingParams, func(rq *request) (any, int64, error) {
		if !validID(id) {
			return nil, 0, ErrBadID
		}
		patientID, ok := parseNum(id)
		if !ok {
			return nil, 0, ErrNotFound
		}
		b, err := rq.everything(patientID)
		return b, patientID, err
	})
}

// metadata serves the CapabilityStatement; it needs no sign-in and reads
// no health information, so it is not audited.
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	s.write(w, http.StatusOK, capabilities(s.baseURL(r), s.now()))
}
