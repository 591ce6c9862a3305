package web

import (
	"net/http"

	"haven/portal/fault"
	"haven/portal/measures"
)

// The real service satisfies the edge's interface.
var _ Measures = (*measures.Service)(nil)

// errMeasuresUnavailable answers the measures routes when the node has no
// measures service.
var errMeasuresUnavailable = fault.New(fault.Unavailable, "Questionnaires and mood check-ins are not available on this server.")

// measuresRoutes lists the measurement-based care pages and routes. Every
// API route needs a full session; the patient-scoped ones leave access
// (and its auditing) to the measures service.
func (s *Server) measuresRoutes() {
	// The patient's pages (ui/assets/js/views/measures-*.js).
	for _, p := range []string{"/questionnaires", "/progress", "/mood"} {
		s.Handle("GET "+p, http.HandlerFunc(s.handlePage))
	}
	s.Handle("GET /api/measures/instruments", s.measured(s.handleInstruments))
	s.Handle("GET /api/measures/instruments/{instrument}", s.measured(s.handleInstrument))

	s.Handle("GET /api/patients/{id}/measures/assignments", s.measuredPatient(s.handleAssignments))
	s.Handle("POST /api/patients/{id}/measures/assignments", s.measuredPatient(s.handleAssign))
	s.Handle("DELETE /api/patients/{id}/measures/assignments/{assignment}", s.measuredPatient(s.handleEndAssignment))
	s.Handle("POST /api/patients/{id}/measures/responses", s.measuredPatient(s.handleSubmit))
	s.Handle("GET /api/patients/{id}/measures/responses/{response}", s.measuredPatient(s.handleResponse))
	s.Handle("GET /api/patients/{id}/measures/series/{instrument}", s.measuredPatient(s.handleSeries))

	s.Handle("POST /api/patients/{id}/mood", s.measuredPatient(s.handleCheckIn))
	s.Handle("GET /api/patients/{id}/mood", s.measuredPatient(s.handleMoods))
	s.Handle("GET /api/patients/{id}/mood/trend", s.measuredPatient(s.handleMoodTrend))
}

// measured is authed for the measures routes, answering 503 when
// Deps.Measures is nil.
func (s *Server) measured(h func(http.ResponseWriter, *http.Request, User, Measures) error) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u User) error {
		if s.deps.Measures == nil {
			return errMeasuresUnavailable
		}
		return h(w, r, u, s.deps.Measures)
	})
}

// measuredPatient is measured for /api/patients/{id}/…, passing the
// patient id from the path (400 when it is not a positive whole number).
func (s *Server) measuredPatient(h func(http.ResponseWriter, *http.Request, User, Measures, int64) error) http.Handler {
	return s.measured(func(w http.ResponseWriter, r *http.Request, u User, m Measures) error {
		patientID, err := pathID(r, "id")
		if err != nil {
			return err
		}
		return h(w, r, u, m, patientID)
	})
}

// instrumentJSON is a questionnaire as the UI renders it: the published
// wording and options, exactly as measures holds them.
type instrumentJSON struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Version string     `json:"version"`
	Stem    string     `json:"stem"`
	Source  string     `json:"source"`
	Max     int        `json:"max"` // the highest possible total, for charts
	Items   []itemJSON `json:"items"`
}

type itemJSON struct {
	Key     string       `json:"key"`
	Text    string       `json:"text"`
	Help    string       `json:"help,omitempty"`
	Period  string       `json:"period,omitempty"`
	Scored  bool         `json:"scored"`
	Options []optionJSON `json:"options"`
	// AskedIf says when the item is asked: after a "Yes" (1) to the item
	// named by yes, or when any scored item is above 0 (any_problem).
	// Absent: always.
	AskedIf *conditionJSON `json:"asked_if,omitempty"`
}

type optionJSON struct {
	Value int    `json:"value"`
	Label string `json:"label"`
}

type conditionJSON struct {
	Yes        string `json:"yes,omitempty"`
	AnyProblem bool   `json:"any_problem,omitempty"`
}

func toInstrument(in measures.Instrument) instrumentJSON {
	out := instrumentJSON{ID: in.ID, Name: in.Name, Version: in.Version, Stem: in.Stem, Source: in.Source,
		Max: instrumentMax(in), Items: make([]itemJSON, 0, len(in.Items))}
	for _, it := range in.Items {
		j := itemJSON{Key: it.Key, Text: it.Text, Help: it.Help, Period: it.Period, Scored: it.Scored,
			Options: make([]optionJSON, 0, len(it.Options))}
		for _, o := range it.Options {
			j.Options = append(j.Options, optionJSON{Value: o.Value, Label: o.Label})
		}
		if it.AskedIf != (measures.Condition{}) {
			j.AskedIf = &conditionJSON{Yes: it.AskedIf.Yes, AnyProblem: it.AskedIf.AnyProblem}
		}
		out.Items = append(out.Items, j)
	}
	return out
}

// instrumentMax is the highest total of an instrument: the sum of its
// scored items' top options, or 3 (high risk) for the C-SSRS.
func instrumentMax(in measures.Instrument) int {
	if in.ID == measures.CSSRS {
		return 3
	}
	total := 0
	for _, it := range in.Items {
		if it.Scored && len(it.Options) > 0 {
			total += it.Options[len(it.Options)-1].Value
		}
	}
	return total
}

// handleInstruments lists every questionnaire with its wording. It is
// clinic material, not health information, so it is not audited.
func (s *Server) handleInstruments(w http.ResponseWriter, r *http.Request, u User, _ Measures) error {
	list := measures.Instruments()
	out := make([]instrumentJSON, 0, len(list))
	for _, in := range list {
		out = append(out, toInstrument(in))
	}
	writeJSON(w, http.StatusOK, map[string]any{"instruments": out})
	return nil
}

// handleInstrument returns one questionnaire; 400 for an unknown one.
func (s *Server) handleInstrument(w http.ResponseWriter, r *http.Request, u User, _ Measures) error {
	in, err := measures.Lookup(r.PathValue("instrument"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toInstrument(in))
	return nil
}
