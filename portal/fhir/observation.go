package fhir

import (
	"time"

	"haven/portal/measures"
)

type observationResource struct {
	ResourceType      string       `json:"resourceType"`
	ID                string       `json:"id"`
	Meta              meta         `json:"meta"`
	Status            string       `json:"status"`
	Category          []concept    `json:"category"`
	Code              concept      `json:"code"`
	Subject           reference    `json:"subject"`
	EffectiveDateTime string       `json:"effectiveDateTime"`
	Issued            string       `json:"issued,omitempty"`
	Performer         []reference  `json:"performer,omitempty"`
	ValueInteger      *int64       `json:"valueInteger"`
	Interpretation    []concept    `json:"interpretation,omitempty"`
	Note              []annotation `json:"note,omitempty"`
	DerivedFrom       []reference  `json:"derivedFrom,omitempty"`
}

// moodDays bounds how far ahead of the server's UTC date a check-in's local
// day can be (time zones run up to 14 hours ahead).
const moodDays = 24 * time.Hour

// Observation/{p}-score-{response} or {p}-mood-{YYYYMMDD}.
func readObservation(rq *request, id string) (any, int64, error) {
	lid, ok := parseObservation(id)
	if !ok {
		return nil, 0, ErrNotFound
	}
	if err := rq.authorize(lid.patient); err != nil {
		return nil, lid.patient, err
	}
	if lid.kind == "mood" {
		ms, err := rq.s.d.Measures.Moods(rq.ctx, rq.actor, lid.patient, lid.day, lid.day)
		if err != nil {
			return nil, lid.patient, err
		}
		if len(ms) == 0 {
			return nil, lid.patient, ErrNotFound
		}
		return moodObservation(lid.patient, ms[0]), lid.patient, nil
	}
	r, err := rq.s.d.Measures.Response(rq.ctx, rq.actor, lid.patient, lid.num)
	if err != nil {
		return nil, lid.patient, err
	}
	p := measures.Point{ResponseID: r.ID, At: r.SubmittedAt, Total: r.Score.Total, Band: r.Score.Band}
	return scoreObservation(lid.patient, r.Instrument, p), lid.patient, nil
}

// Observation?patient=: every score (PHQ-9, GAD-7, C-SSRS; at most
// measures.MaxPoints most recent each, oldest first), then every mood
// check-in, oldest first.
func searchObservations(rq *request, pid int64) ([]entry, error) {
	var out []entry
	for _, in := range measures.Instruments() {
		points, err := rq.series(pid, in.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range points {
			res := scoreObservation(pid, in.ID, p)
			out = append(out, entry{"Observation", res.ID, res})
		}
	}
	ms, err := rq.s.d.Measures.Moods(rq.ctx, rq.actor, pid, time.Time{}, rq.now.UTC().Add(moodDays))
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		res := moodObservation(pid, m)
		out = append(out, entry{"Observation", res.ID, res})
	}
	return out, nil
}

// series reads the patient's scores on one instrument, all time, once per
// request.
func (rq *request) series(pid int64, instrument string) ([]measures.Point, error) {
	if ps, ok := rq.points[instrument]; ok {
		return ps, nil
	}
	ps, err := rq.s.d.Measures.Series(rq.ctx, rq.actor, pid, instrument, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	if rq.points == nil {
		rq.points = map[string][]measures.Point{}
	}
	rq.points[instrument] = ps
	return ps, nil
}

// scoreObservation is a questionnaire's total score with its severity band
// (or C-SSRS risk level) as the interpretation.
func scoreObservation(pid int64, instrument string, p measures.Point) observationResource {
	codes := codesOf(instrument)
	band := bandCoding(instrument, p.Band)
	return observationResource{ResourceType: "Observation", ID: scoreObservationID(pid, p.ResponseID),
		Meta: metaAt(p.At), Status: "final", Category: surveyCategory(),
		Code:    concept{Coding: []coding{codes.total}, Text: codes.total.Display},
		Subject: patientRef(pid), EffectiveDateTime: instant(p.At), Issued: instant(p.At),
		ValueInteger:   int64p(int64(p.Total)),
		Interpretation: []concept{{Coding: []coding{band}, Text: band.Display}},
		DerivedFrom:    []reference{ref("QuestionnaireResponse", scopedID(pid, itoa(p.ResponseID)))},
	}
}

// moodObservation is a daily check-in: its local day as the effective
// date, the patient as performer, the note (the patient's own words) as a
// note.
func moodObservation(pid int64, m measures.Mood) observationResource {
	res := observationResource{ResourceType: "Observation", ID: moodObservationID(pid, m.Day),
		Meta: metaAt(m.RecordedAt), Status: "final", Category: surveyCategory(),
		Code:    concept{Coding: []coding{{System: systemLocalCode, Code: codeMood, Display: displayMood}}, Text: "Mood"},
		Subject: patientRef(pid), EffectiveDateTime: fhirDate(m.Day), Issued: instant(m.RecordedAt),
		Performer: []reference{patientRef(pid)}, ValueInteger: int64p(int64(m.Score))}
	if m.Note != "" {
		res.Note = []annotation{{Text: m.Note}}
	}
	return res
}
