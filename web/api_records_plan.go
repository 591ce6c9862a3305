package web

import (
	"net/http"
	"time"

	"haven/portal/records"
)

// goalRequest is a treatment-plan goal as a clinician writes it:
// target_date is YYYY-MM-DD or "" for none; status "" means active.
type goalRequest struct {
	Text       string `json:"text"`
	TargetDate string `json:"target_date"`
	Status     string `json:"status"`
}

type progressRequest struct {
	Note string `json:"note"`
}

type progressJSON struct {
	ID         int64     `json:"id"`
	GoalID     int64     `json:"goal_id"`
	AuthorID   int64     `json:"author_id"`
	AuthorRole string    `json:"author_role"`
	Note       string    `json:"note"`
	At         time.Time `json:"at"`
}

type goalJSON struct {
	ID         int64          `json:"id"`
	Text       string         `json:"text"`
	TargetDate string         `json:"target_date,omitempty"`
	Status     string         `json:"status"`
	CreatedBy  int64          `json:"created_by"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedBy  int64          `json:"updated_by"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Progress   []progressJSON `json:"progress"`
}

func toProgress(p records.Progress) progressJSON {
	return progressJSON{ID: p.ID, GoalID: p.GoalID, AuthorID: p.AuthorID, AuthorRole: p.AuthorRole, Note: p.Note, At: p.At}
}

func toGoal(g records.Goal) goalJSON {
	out := goalJSON{ID: g.ID, Text: g.Text, TargetDate: dateString(g.TargetDate), Status: string(g.Status),
		CreatedBy: g.CreatedBy, CreatedAt: g.CreatedAt, UpdatedBy: g.UpdatedBy, UpdatedAt: g.UpdatedAt,
		Progress: make([]progressJSON, 0, len(g.Progress))}
	for _, p := range g.Progress {
		out.Progress = append(out.Progress, toProgress(p))
	}
	return out
}

// goalInput checks a goal request's date and converts it.
func (in goalRequest) goalInput() (records.GoalInput, error) {
	target, err := parseDate(in.TargetDate)
	if err != nil {
		return records.GoalInput{}, err
	}
	return records.GoalInput{Text: in.Text, TargetDate: target, Status: records.GoalStatus(in.Status)}, nil
}

// handleTreatmentPlan returns the goals with their progress, oldest first.
func (s *Server) handleTreatmentPlan(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	p, err := rec.TreatmentPlan(r.Context(), u.Actor, patientID)
	if err != nil {
		return err
	}
	out := make([]goalJSON, 0, len(p.Goals))
	for _, g := range p.Goals {
		out = append(out, toGoal(g))
	}
	writeJSON(w, http.StatusOK, map[string]any{"goals": out})
	return nil
}

// handleAddGoal adds a goal: 201 with it.
func (s *Server) handleAddGoal(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	var in goalRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	gi, err := in.goalInput()
	if err != nil {
		return err
	}
	g, err := rec.AddGoal(r.Context(), u.Actor, patientID, gi)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toGoal(g))
	return nil
}

// handleUpdateGoal replaces a goal's text, target date and status: 200
// with the goal (without its progress entries, which are kept).
func (s *Server) handleUpdateGoal(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "goal")
	if err != nil {
		return err
	}
	var in goalRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	gi, err := in.goalInput()
	if err != nil {
		return err
	}
	g, err := rec.UpdateGoal(r.Context(), u.Actor, patientID, id, gi)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toGoal(g))
	return nil
}

// handleAddProgress notes progress towards a goal: 201 with the entry.
func (s *Server) handleAddProgress(w http.ResponseWriter, r *http.Request, u User, rec Records, patientID int64) error {
	id, err := pathID(r, "goal")
	if err != nil {
		return err
	}
	var in progressRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	p, err := rec.AddProgress(r.Context(), u.Actor, patientID, id, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toProgress(p))
	return nil
}
