package web

import (
	"context"
	"net/http"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/meds"
)

// The medication list satisfies the edge's interface.
var _ Meds = (*meds.Service)(nil)

// Meds is the medication list as the edge uses it; *meds.Service satisfies
// it. Access is decided there (account's Authorize, audited, then the role
// rules: clinicians edit, the patient sets reminders, asks for refills and
// records doses, the prescriber decides refills); its errors are faults
// shown as they are.
type Meds interface {
	// List returns a patient's medications, most recently started first.
	List(ctx context.Context, actor account.Actor, patientID int64) ([]meds.Medication, error)
	// Add records a medication on a patient's list.
	Add(ctx context.Context, actor account.Actor, patientID int64, in meds.MedicationInput) (meds.Medication, error)
	// Update replaces a medication's details.
	Update(ctx context.Context, actor account.Actor, medID int64, in meds.MedicationInput) (meds.Medication, error)
	// Remove takes a medication off the list.
	Remove(ctx context.Context, actor account.Actor, medID int64) error
	// SetReminders turns the patient's dose reminders on or off.
	SetReminders(ctx context.Context, actor account.Actor, medID int64, on bool, zone string) error
	// RequestRefill asks the prescriber for a refill.
	RequestRefill(ctx context.Context, actor account.Actor, medID int64) (meds.Refill, error)
	// DecideRefill approves or declines a waiting request with a note.
	DecideRefill(ctx context.Context, actor account.Actor, refillID int64, approve bool, note string) (meds.Refill, error)
	// Refills lists a patient's refill requests, newest first.
	Refills(ctx context.Context, actor account.Actor, patientID int64) ([]meds.Refill, error)
	// PendingRefills lists the requests waiting for a clinician, oldest first.
	PendingRefills(ctx context.Context, actor account.Actor, clinicianID int64) ([]meds.Refill, error)
	// RecordDose records a dose as taken or skipped.
	RecordDose(ctx context.Context, actor account.Actor, medID int64, day, at string, status meds.DoseStatus) error
	// Adherence returns adherence over the last days local days.
	Adherence(ctx context.Context, actor account.Actor, patientID int64, days int) (meds.Adherence, error)
}

// medsBodyLimit caps medication request bodies: 1000 characters of
// instructions and 24 dose times fit many times over.
const medsBodyLimit = 32 << 10

// errMedsUnavailable answers the medication routes when the node has no
// medication service.
var errMedsUnavailable = fault.New(fault.Unavailable, "Medications are not available on this server.")

// medsRoutes lists the medication pages (the patient's Medications, the
// clinician's Refill requests and a patient's medications) and API routes.
// Every API route needs a full session; who may do what is the medication
// service's decision.
func (s *Server) medsRoutes() {
	for _, p := range []string{"/medications", "/refills", "/patient-medications"} {
		s.Handle("GET "+p, http.HandlerFunc(s.handlePage))
	}
	s.Handle("GET /api/patients/{id}/medications", s.medsAPI(s.handleMedications))
	s.Handle("POST /api/patients/{id}/medications", s.medsAPI(s.handleAddMedication))
	s.Handle("PUT /api/medications/{id}", s.medsAPI(s.handleUpdateMedication))
	s.Handle("DELETE /api/medications/{id}", s.medsAPI(s.handleRemoveMedication))
	s.Handle("PUT /api/medications/{id}/reminders", s.medsAPI(s.handleSetReminders))
	s.Handle("POST /api/medications/{id}/refills", s.medsAPI(s.handleRequestRefill))
	s.Handle("POST /api/medications/{id}/doses", s.medsAPI(s.handleRecordDose))
	s.Handle("GET /api/patients/{id}/refills", s.medsAPI(s.handleRefills))
	s.Handle("GET /api/patients/{id}/adherence", s.medsAPI(s.handleAdherence))
	s.Handle("GET /api/refills/pending", s.medsAPI(s.handlePendingRefills, account.RoleClinician))
	s.Handle("POST /api/refills/{id}/decision", s.medsAPI(s.handleDecideRefill))
}

// medsAPI is authed for the medication routes, answering 503 when
// Deps.Meds is nil.
func (s *Server) medsAPI(h func(http.ResponseWriter, *http.Request, User, Meds) error, roles ...account.Role) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u User) error {
		if s.deps.Meds == nil {
			return errMedsUnavailable
		}
		return h(w, r, u, s.deps.Meds)
	}, roles...)
}
