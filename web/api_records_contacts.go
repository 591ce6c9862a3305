package web

import (
	"net/http"
	"time"

	"haven/portal/records"
)

type contactRequest struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Phone    string `json:"phone"`
}

type contactJSON struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	Relation string    `json:"relation,omitempty"`
	Phone    string    `json:"phone"`
	AddedBy  int64     `json:"added_by"`
	AddedAt  time.Time `json:"added_at"`
}

func toContact(c records.EmergencyContact) contactJSON {
	return contactJSON{ID: c.ID, Name: c.Name, Relation: c.Relation, Phone: c.Phone, AddedBy: c.AddedBy, AddedAt: c.AddedAt}
}

// handleEmergencyContacts lists the patient's emergency contacts in the
// order they were added.
func (s *Server) handleEmergencyContacts(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	list, err := rec.EmergencyContacts(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	out := make([]contactJSON, 0, len(list))
	for _, c := range list {
		out = append(out, toContact(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"contacts": out})
	return nil
}

// handleAddEmergencyContact adds a contact: 201 with it.
func (s *Server) handleAddEmergencyContact(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	var in contactRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	c, err := rec.AddEmergencyContact(r.Context(), u.Actor, patientID,
		records.EmergencyContact{Name: in.Name, Relation: in.Relation, Phone: in.Phone})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toContact(c))
	return nil
}

// handleRemoveEmergencyContact deletes a contact: 204.
func (s *Server) handleRemoveEmergencyContact(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "contact")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if err := rec.RemoveEmergencyContact(r.Context(), u.Actor, patientID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
