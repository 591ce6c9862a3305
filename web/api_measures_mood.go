package web

import (
	"net/http"
	"time"

	"haven/portal/measures"
)

// moodRequest is a daily check-in: score 1 (worst) to 10 (best), an
// optional note, and the patient's IANA zone, which decides the day.
type moodRequest struct {
	Score int    `json:"score"`
	Note  string `json:"note"`
	Zone  string `json:"zone"`
}

// moodJSON is the check-in of one local day.
type moodJSON struct {
	Day        string    `json:"day"` // YYYY-MM-DD
	Score      int       `json:"score"`
	Note       string    `json:"note,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
}

type moodPointJSON struct {
	Day   string `json:"day"`
	Score int    `json:"score"`
}

// handleCheckIn records today's mood (replacing an earlier check-in of the
// same day): 200 with the day's entry.
func (s *Server) handleCheckIn(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	var in moodRequest
	if err := decodeJSON(w, r, s.cfg.BodyLimit, &in); err != nil {
		return err
	}
	mood, err := m.CheckIn(r.Context(), u.Actor, patientID, measures.MoodInput{Score: in.Score, Note: in.Note, Zone: in.Zone})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, moodJSON{Day: dateString(mood.Day), Score: mood.Score, Note: mood.Note, RecordedAt: mood.RecordedAt})
	return nil
}

// handleMoods lists check-ins with their notes, oldest first, for the
// from–to query dates (default: the last 90 days).
func (s *Server) handleMoods(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	from, to, err := dayRange(r, time.Now())
	if err != nil {
		return err
	}
	list, err := m.Moods(r.Context(), u.Actor, patientID, from, to)
	if err != nil {
		return err
	}
	out := make([]moodJSON, 0, len(list))
	for _, e := range list {
		out = append(out, moodJSON{Day: dateString(e.Day), Score: e.Score, Note: e.Note, RecordedAt: e.RecordedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": dateString(from), "to": dateString(to), "entries": out})
	return nil
}

// handleMoodTrend lists the scores alone, for a chart.
func (s *Server) handleMoodTrend(w http.ResponseWriter, r *http.Request, u User, m Measures, patientID int64) error {
	from, to, err := dayRange(r, time.Now())
	if err != nil {
		return err
	}
	list, err := m.MoodTrend(r.Context(), u.Actor, patientID, from, to)
	if err != nil {
		return err
	}
	out := make([]moodPointJSON, 0, len(list))
	for _, p := range list {
		out = append(out, moodPointJSON{Day: dateString(p.Day), Score: p.Score})
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": dateString(from), "to": dateString(to), "points": out})
	return nil
}
