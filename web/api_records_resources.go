package web

import (
	"net/http"
	"time"

	"haven/portal/records"
)

// resourceRequest adds an article or exercise to the clinic's library: a
// title and a body, an https link, or both.
type resourceRequest struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
}

type resourceJSON struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body,omitempty"`
	URL        string    `json:"url,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	AssignedAt time.Time `json:"assigned_at,omitzero"`
}

func toResource(r records.Resource) resourceJSON {
	return resourceJSON{ID: r.ID, Kind: string(r.Kind), Title: r.Title, Body: r.Body, URL: r.URL, CreatedAt: r.CreatedAt}
}

// handleLibrary lists the clinic's library for staff choosing what to
// assign. It is clinic material, not health information.
func (s *Server) handleLibrary(w http.ResponseWriter, r *http.Request, u User, rec Records) error {
	list, err := rec.Library(r.Context(), u.Actor)
	if err != nil {
		return err
	}
	out := make([]resourceJSON, 0, len(list))
	for _, res := range list {
		out = append(out, toResource(res))
	}
	writeJSON(w, http.StatusOK, map[string]any{"resources": out})
	return nil
}

// handleAddResource adds to the library (clinicians and admins): 201.
func (s *Server) handleAddResource(w http.ResponseWriter, r *http.Request, u User, rec Records) error {
	var in resourceRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	res, err := rec.AddResource(r.Context(), u.Actor, records.ResourceInput{Kind: records.ResourceKind(in.Kind),
		Title: in.Title, Body: in.Body, URL: in.URL})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toResource(res))
	return nil
}

// handleAssignedResources lists the resources given to the patient, most
// recently assigned first.
func (s *Server) handleAssignedResources(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	list, err := rec.AssignedResources(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	out := make([]resourceJSON, 0, len(list))
	for _, a := range list {
		j := toResource(a.Resource)
		j.AssignedAt = a.AssignedAt
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"resources": out})
	return nil
}

// handleAssignResource gives the patient a library resource: 204, also
// when it was already given.
func (s *Server) handleAssignResource(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "resource")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if err := rec.AssignResource(r.Context(), u.Actor, patientID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleUnassignResource takes a resource back: 204.
func (s *Server) handleUnassignResource(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "resource")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.cfg.BodyLimit); err != nil {
		return err
	}
	if err := rec.UnassignResource(r.Context(), u.Actor, patientID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
