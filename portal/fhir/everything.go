package fhir

// everything returns a searchset Bundle of all the actor may see of the
// patient: the patient, care team, appointments, medication list, refill
// requests, questionnaire responses, scores and mood check-ins,
// conversations (metadata only: no message bodies) and shared notes, as
// matches, plus every practitioner they refer to, as includes.
func (rq *request) everything(pid int64) (bundle, error) {
	if err := rq.authorize(pid); err != nil {
		return bundle{}, err
	}
	rq.elements = nil // never message bodies in a bulk export
	var all []entry
	for _, search := range []func(*request, int64) ([]entry, error){
		searchPatient, searchCareTeam, searchAppointments, searchMedicationStatements, searchMedicationRequests,
		searchQuestionnaireResponses, searchObservations, searchCommunications, searchDocumentReferences,
	} {
		es, err := search(rq, pid)
		if err != nil {
			return bundle{}, err
		}
		all = append(all, es...)
	}
	staff, err := rq.practitioners()
	if err != nil {
		return bundle{}, err
	}
	return rq.searchset(all, staff, nil)
}
