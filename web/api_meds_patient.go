package web

import (
	"net/http"
	"strconv"

	"haven/portal/fault"
	"haven/portal/meds"
)

var errMedDays = fault.New(fault.Invalid, "Choose between 1 and 90 days.")

// remindersRequest turns a medication's dose reminders on or off; Zone is
// the patient's device's IANA zone ("" keeps the stored one).
type remindersRequest struct {
	On   bool   `json:"on"`
	Zone string `json:"zone"`
}

// handleSetReminders turns the patient's dose reminders on or off: 200
// with the new state.
func (s *Server) handleSetReminders(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in remindersRequest
	if err := decodeJSON(w, r, medsBodyLimit, &in); err != nil {
		return err
	}
	if err := m.SetReminders(r.Context(), u.Actor, id, in.On, in.Zone); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "reminders_on": in.On})
	return nil
}

// doseRequest records one dose: its local day (YYYY-MM-DD), its daily time
// (HH:MM) and "taken" or "skipped".
type doseRequest struct {
	Day    string `json:"day"`
	Time   string `json:"time"`
	Status string `json:"status"`
}

// handleRecordDose records that the patient took or skipped a dose: 204.
func (s *Server) handleRecordDose(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in doseRequest
	if err := decodeJSON(w, r, medsBodyLimit, &in); err != nil {
		return err
	}
	if err := m.RecordDose(r.Context(), u.Actor, id, in.Day, in.Time, meds.DoseStatus(in.Status)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// adherenceCountsJSON is adherence over a window; rate is taken/expected (0 to 1).
type adherenceCountsJSON struct {
	Expected int     `json:"expected"`
	Taken    int     `json:"taken"`
	Skipped  int     `json:"skipped"`
	Missed   int     `json:"missed"`
	Rate     float64 `json:"rate"`
}

type medAdherenceJSON struct {
	MedicationID int64  `json:"medication_id"`
	Name         string `json:"name"`
	adherenceCountsJSON
}

func adherenceCountsOf(c meds.Counts) adherenceCountsJSON {
	return adherenceCountsJSON{Expected: c.Expected, Taken: c.Taken, Skipped: c.Skipped, Missed: c.Missed, Rate: c.Rate}
}

// handleAdherence returns the patient's adherence over the last ?days=
// local days (1 to 90, default 30), overall and per medication.
func (s *Server) handleAdherence(w http.ResponseWriter, r *http.Request, u User, m Meds) error {
	patientID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	days := 30
	if v := r.URL.Query().Get("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil {
			return errMedDays
		}
	}
	a, err := m.Adherence(r.Context(), u.Actor, patientID, days)
	if err != nil {
		return err
	}
	out := struct {
		Days int `json:"days"`
		adherenceCountsJSON
		Medications []medAdherenceJSON `json:"medications"`
	}{Days: a.Days, adherenceCountsJSON: adherenceCountsOf(a.Counts), Medications: []medAdherenceJSON{}}
	for _, ma := range a.Medications {
		out.Medications = append(out.Medications, medAdherenceJSON{MedicationID: ma.MedID, Name: ma.Name, adherenceCountsJSON: adherenceCountsOf(ma.Counts)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
