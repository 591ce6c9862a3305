package web

import (
	"net/http"
	"time"

	"haven/portal/measures"
)

// submitRequest is a completed questionnaire: answers map item keys to
// option values. version is the wording the answers were given to ("" for
// the current one); assignment_id is 0 for an unassigned questionnaire.
type submitRequest struct {
	Instrument   string           `json:"instrument"`
	Version      string           `json:"version"`
	AssignmentID int64            `json:"assignment_id"`
	Answers      measures.Answers `json:"answers"`
}

// scoreJSON is a questionnaire's score (never its answers).
type scoreJSON struct {
	Total int    `json:"total"`
	Max   int    `json:"max"`
	Band  string `json:"band"`
}

// submissionJSON is a stored response and what the UI must do next: with
// show_crisis_resources it shows crisis resources at once.
type submissionJSON struct {
	ID                  int64     `json:"id"`
	Instrument          string    `json:"instrument"`
	Version             string    `json:"version"`
	AssignmentID        int64     `json:"assignment_id,omitempty"`
	Score               scoreJSON `json:"score"`
	SubmittedAt         time.Time `json:"submitted_at"`
	Escalated           bool      `json:"escalated"`
	ShowCrisisResources bool      `json:"show_crisis_resources"`
}

// responseJSON is a stored response with its answers.
type responseJSON struct {
	ID           int64            `json:"id"`
	PatientID    int64            `json:"patient_id"`
	Instrument   string           `json:"instrument"`
	Version      string           `json:"version"`
	AssignmentID int64            `json:"assignment_id,omitempty"`
	Answers      measures.Answers `json:"answers"`
	Score        scoreJSON        `json:"score"`
	SubmittedBy  int64            `json:"submitted_by"`
	SubmittedAt  time.Time        `json:"submitted_at"`
}

type pointJSON struct {
	ResponseID int64     `json:"response_id"`
	At         time.Time `json:"at"`
	Total      int       `json:"total"`
	Band       string    `json:"band"`
}

// seriesJSON is one instrument's scores over time, oldest first, with the
// scale's maximum for the chart's axis.
type seriesJSON struct {
	Instrument string      `json:"instrument"`
	Name       string      `json:"name"`
	Max        int         `json:"max"`
	Points     []pointJSON `json:"points"`
}

func toScore(sc measures.Score) scoreJSON {
	return scoreJSON{Total: sc.Total, Max: sc.Max, Band: string(sc.Band)}
}

// handleSubmit stores a complete questionnaire: 201 with the score. A
// partial one is refused with 400 and nothing is stored; when the answers
// call for it, the crisis escalation was raised in the same transaction.
func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	var in submitRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	sub, err := m.Submit(r.Context(), u.Actor, measures.SubmitRequest{PatientID: patientID, Instrument: in.Instrument,
		Version: in.Version, AssignmentID: in.AssignmentID, Answers: in.Answers})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, submissionJSON{ID: sub.ID, Instrument: sub.Instrument, Version: sub.Version,
		AssignmentID: sub.AssignmentID, Score: toScore(sub.Score), SubmittedAt: sub.SubmittedAt,
		Escalated: sub.Escalated, ShowCrisisResources: sub.ShowCrisisResources})
	return nil
}

// handleResponse returns one stored response with its answers.
func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	id, err := pathID(r, "response")
	if err != nil {
		return err
	}
	resp, err := m.Response(r.Context(), u.Actor, patientID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, responseJSON{ID: resp.ID, PatientID: resp.PatientID, Instrument: resp.Instrument,
		Version: resp.Version, AssignmentID: resp.AssignmentID, Answers: resp.Answers, Score: toScore(resp.Score),
		SubmittedBy: resp.SubmittedBy, SubmittedAt: resp.SubmittedAt})
	return nil
}

// handleSeries returns the patient's scores on one instrument for a chart,
// between the optional from and to query times (RFC 3339 or YYYY-MM-DD).
func (s *Server) handleSeries(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	in, err := measures.Lookup(r.PathValue("instrument"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, err := parseInstant(q.Get("from"))
	if err != nil {
		return err
	}
	to, err := parseInstant(q.Get("to"))
	if err != nil {
		return err
	}
	points, err := m.Series(r.Context(), u.Actor, patientID, in.ID, from, to)
	if err != nil {
		return err
	}
	out := seriesJSON{Instrument: in.ID, Name: in.Name, Max: instrumentMax(in), Points: make([]pointJSON, 0, len(points))}
	for _, p := range points {
		out.Points = append(out.Points, pointJSON{ResponseID: p.ResponseID, At: p.At, Total: p.Total, Band: string(p.Band)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
