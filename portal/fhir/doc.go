// Package fhir is Haven's read-only HL7 FHIR R4 JSON API (patient access and
// care-team exchange). It serves the clinical packages' data as FHIR
// resources; it owns no tables and writes nothing but audit rows.
//
// # Routes
//
// Server is an http.Handler for paths under /fhir/ (mount it at "/fhir/"
// without stripping the prefix):
//
//	GET /fhir/metadata                   CapabilityStatement, no sign-in needed
//	GET /fhir/Patient/{id}/$everything   Bundle (searchset) of all the caller may see of the patient
//	GET /fhir/{Type}?patient={id}        Bundle (searchset) of the patient's resources of Type
//	GET /fhir/{Type}/{id}                one resource
//
// Types: Patient, Practitioner, CareTeam, Appointment, Communication,
// MedicationStatement, MedicationRequest, QuestionnaireResponse,
// Observation, DocumentReference; and Questionnaire, the definitions of the
// PHQ-9, GAD-7 and C-SSRS (GET /fhir/Questionnaire/{phq9|gad7|cssrs}, and
// GET /fhir/Questionnaire for all three), which hold no patient data and
// which responses name by canonical URL ("urn:haven:fhir:questionnaire:
// phq9|1"). Searches take patient (required), _elements and _format=json
// only; any other parameter is refused with 400. Other methods get 405;
// every error is an OperationOutcome with the matching status (400 bad
// input, 401 not signed in, 403 refused, 404 unknown, never 500 for bad
// input). Content-Type is application/fhir+json.
//
// # Ids
//
// Resource ids name their patient, so every read can be authorized before
// anything is looked up: Patient and CareTeam are the patient's user id;
// Practitioner the staff member's user id; the others are
// "{patient}-{local}": Appointment "{p}-{appointment}", Communication
// "{p}-{conversation}", MedicationStatement "{p}-{medication}",
// MedicationRequest "{p}-{refill}", QuestionnaireResponse "{p}-{response}",
// Observation "{p}-score-{response}" or "{p}-mood-{YYYYMMDD}",
// DocumentReference "{p}-{note}". A well-formed id of another shape is 404;
// a malformed one (not [A-Za-z0-9.-]{1,64}) is 400.
//
// # Access and audit
//
// Every patient-scoped request asks account's Authorize first (a clinician
// off the care team is refused with 403), then reads through the domain
// packages, which apply the same policy and write their own audit rows. On
// top of those, each signed-in read, search or $everything request, served
// or refused, writes exactly one audit row "fhir.read" naming the patient
// (0 when none is known) and the FHIR target
// ("Patient/$everything", "Observation?patient", "Appointment/7-42"), with
// outcome ok, denied or failed; a response is sent only after its row is
// written. A Practitioner is readable by themself, and by a patient or
// clinician who shares a care team with them; in a patient's context (a
// search or $everything) by anyone the policy admits for that patient.
//
// # What never appears
//
// Psychotherapy notes never appear: DocumentReference serves only the notes
// of records' ExportForPatient, which holds shared notes alone (never
// withheld or psychotherapy notes). Secure-message bodies (Communication
// payload) appear only when a Communication read or search names "payload"
// in _elements; $everything and plain reads carry message metadata only
// (participants, last sent time, message count), so a bulk export never
// copies conversations unasked.
//
// # Local codes
//
// Codes with no standard code system (mood check-ins, severity bands, the
// C-SSRS, answer options, conversation kinds, visit modality, the message
// count extension) use Haven's own systems under the "urn:haven:fhir:"
// prefix; scores use LOINC (PHQ-9 panel 44249-1, total 44261-6; GAD-7 panel
// 69737-5, total 70274-6).
//
// # Times
//
// meta.lastUpdated is the latest change the domain records (a response's
// submission, a medication's update, a refill's decision, an account's
// creation); visits and the built-in questionnaires keep no change time,
// so theirs is the time of the read.
package fhir
