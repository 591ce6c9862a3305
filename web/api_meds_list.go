package web

import (
	"net/http"
	"time"

	"haven/portal/meds"
)

// medicationJSON is a medication on the wire. Dose times are local HH:MM
// in Zone; Start and Stop are dates ("" while ongoing).
type medicationJSON struct {
	ID             int64    `json:"id"`
	PatientID      int64    `json:"patient_id"`
	PrescriberID   int64    `json:"prescriber_id"`
	PrescriberName string   `json:"prescriber_name"`
	Name           string   `json:"name"`
	Dose           string   `json:"dose"`
	Instructions   string   `json:"instructions"`
	DailyTimes     []string `json:"daily_times"`
	Zone           string   `json:"zone"`
	Start          string   `json:"start"`
	Stop           string   `json:"stop"`
	RemindersOn    bool     `json:"reminders_on"`
	UpdatedAt      string   `json:"updated_at"`
}

func medicationJSONOf(m meds.Medication, prescriber string) medicationJSON {
	times := m.DailyTimes
	if times == nil {
		times = []string{}
	}
	return medicationJSON{ID: m.ID, PatientID: m.PatientID, PrescriberID: m.PrescriberID, PrescriberName: prescriber,
		Name: m.Name, Dose: m.Dose, Instructions: m.Instructions, DailyTimes: times, Zone: m.Zone, Start: m.Start,
		Stop: m.Stop, RemindersOn: m.RemindersOn, UpdatedAt: m.UpdatedAt.UTC().Format(time.RFC3339)}
}

// medicationRequest is what a clinician records; prescriber_id 0 means the
// caller (on update: keep the prescriber).
type medicationRequest struct {
	Name         string   `json:"name"`
	Dose         string   `json:"dose"`
	Instructions string   `json:"instructions"`
	DailyTimes   []string `json:"daily_times"`
	Zone         string   `json:"zone"`
	Start        string   `json:"start"`
	Stop         string   `json:"stop"`
	PrescriberID int64    `json:"prescriber_id"`
}

func (in medicationRequest) input() meds.MedicationInput {
	return meds.MedicationInput{Name: in.Name, Dose: in.Dose, Instructions: in.Instructions, DailyTimes: in.DailyTimes,
		Zone: in.Zone, Start: in.Start, Stop: in.Stop, PrescriberID: in.PrescriberID}
}

// handleMedications lists a patient's medications, most recently started
// first, with their prescribers' names.
func (s *Server) handleMedications(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := m.List(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	out := make([]medicationJSON, 0, len(list))
	for _, med := range list {
		name, err := s.nameOf(r.Context(), names, med.PrescriberID)
		if err != nil {
			return err
		}
		out = append(out, medicationJSONOf(med, name))
	}
	writeJSON(w, http.StatusOK, map[string]any{"medications": out})
	return nil
}

// handleAddMedication records a medication on a patient's list: 201.
func (s *Server) handleAddMedication(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in medicationRequest
	if err := decodeJSON(w, r, medsBodyLimit, &in); err != nil {
		return err
	}
	med, err := m.Add(r.Context(), u.Actor, patientID, in.input())
	if err != nil {
		return err
	}
	return s.writeMedication(w, r, http.StatusCreated, med)
}

// handleUpdateMedication replaces a medication's details: 200 with it.
func (s *Server) handleUpdateMedication(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in medicationRequest
	if err := decodeJSON(w, r, medsBodyLimit, &in); err != nil {
		return err
	}
	med, err := m.Update(r.Context(), u.Actor, id, in.input())
	if err != nil {
		return err
	}
	return s.writeMedication(w, r, http.StatusOK, med)
}

// handleRemoveMedication takes a medication off the list: 204.
func (s *Server) handleRemoveMedication(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, medsBodyLimit); err != nil {
		return err
	}
	if err := m.Remove(r.Context(), u.Actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeMedication answers with one medication and its prescriber's name.
func (s *Server) writeMedication(w http.ResponseWriter, r *http.Request, status int, med meds.Medication) error {
	name, err := s.nameOf(r.Context(), map[int64]string{}, med.PrescriberID)
	if err != nil {
		return err
	}
	writeJSON(w, status, medicationJSONOf(med, name))
	return nil
}
