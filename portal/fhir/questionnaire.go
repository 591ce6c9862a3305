package fhir

import (
	"errors"
	"strconv"
	"sync"
	"time"

	"haven/portal/measures"
)

type questionnaireResponseResource struct {
	ResourceType  string     `json:"resourceType"`
	ID            string     `json:"id"`
	Meta          meta       `json:"meta"`
	Questionnaire string     `json:"questionnaire"`
	Status        string     `json:"status"`
	Subject       reference  `json:"subject"`
	Authored      string     `json:"authored"`
	Author        *reference `json:"author,omitempty"`
	Item          []qrItem   `json:"item"`
}

type qrItem struct {
	LinkID string     `json:"linkId"`
	Text   string     `json:"text,omitempty"`
	Answer []qrAnswer `json:"answer"`
}

type qrAnswer struct {
	ValueCoding  *coding `json:"valueCoding,omitempty"`
	ValueInteger *int64  `json:"valueInteger,omitempty"`
}

type questionnaireResource struct {
	ResourceType string   `json:"resourceType"`
	ID           string   `json:"id"`
	Meta         meta     `json:"meta"`
	URL          string   `json:"url"`
	Version      string   `json:"version"`
	Title        string   `json:"title"`
	Status       string   `json:"status"`
	Description  string   `json:"description,omitempty"`
	Copyright    string   `json:"copyright,omitempty"`
	Code         []coding `json:"code"`
	Item         []qItem  `json:"item"`
}

type qItem struct {
	LinkID         string       `json:"linkId"`
	Code           []coding     `json:"code,omitempty"`
	Text           string       `json:"text"`
	Type           string       `json:"type"`
	EnableWhen     []enableWhen `json:"enableWhen,omitempty"`
	EnableBehavior string       `json:"enableBehavior,omitempty"`
	ReadOnly       bool         `json:"readOnly,omitempty"`
	AnswerOption   []qOption    `json:"answerOption,omitempty"`
}

type enableWhen struct {
	Question     string `json:"question"`
	Operator     string `json:"operator"`
	AnswerCoding coding `json:"answerCoding"`
}

type qOption struct {
	ValueCoding coding `json:"valueCoding"`
}

// totalLinkID is the item holding a response's total score.
const totalLinkID = "total"

// questionnaireResponse maps a stored response: its answers with their
// item text and option labels, and the total score as a read-only item. It
// refers to its instrument by canonical URL and version; the Questionnaire
// is served at Questionnaire/{instrument}.
func (rq *request) questionnaireResponse(r measures.Response) (questionnaireResponseResource, error) {
	in, err := measures.Lookup(r.Instrument)
	if err != nil {
		return questionnaireResponseResource{}, err
	}
	res := questionnaireResponseResource{ResourceType: "QuestionnaireResponse", ID: scopedID(r.PatientID, itoa(r.ID)),
		Meta: metaAt(r.SubmittedAt), Questionnaire: questionnairePrefix + in.ID + "|" + r.Version,
		Status: "completed", Subject: patientRef(r.PatientID), Authored: instant(r.SubmittedAt),
		Author: rq.personRef(r.SubmittedBy, r.PatientID)}
	for _, it := range in.Items {
		v, answered := r.Answers[it.Key]
		if !answered {
			continue
		}
		c := answerCoding(in.ID, it, v)
		res.Item = append(res.Item, qrItem{LinkID: it.Key, Text: it.Text, Answer: []qrAnswer{{ValueCoding: &c}}})
	}
	res.Item = append(res.Item, qrItem{LinkID: totalLinkID, Text: codesOf(in.ID).total.Display,
		Answer: []qrAnswer{{ValueInteger: int64p(int64(r.Score.Total))}}})
	return res, nil
}

// questionnaireOf describes an instrument as a Questionnaire: the items'
// published text and options, the skip logic as enableWhen, and a
// read-only total score item. Instruments are built in and keep no change
// time, so meta.lastUpdated is the time of the read.
func questionnaireOf(in measures.Instrument, now time.Time) questionnaireResource {
	codes := codesOf(in.ID)
	q := questionnaireResource{ResourceType: "Questionnaire", ID: in.ID, Meta: metaAt(now), URL: questionnairePrefix + in.ID,
		Version: in.Version, Title: in.Name, Status: "active", Description: in.Stem, Copyright: in.Source,
		Code: []coding{codes.panel}}
	for _, it := range in.Items {
		qi := qItem{LinkID: it.Key, Text: it.Text, Type: "choice"}
		for _, o := range it.Options {
			qi.AnswerOption = append(qi.AnswerOption, qOption{ValueCoding: answerCoding(in.ID, it, o.Value)})
		}
		switch {
		case it.AskedIf.Yes != "":
			qi.EnableWhen = []enableWhen{{Question: it.AskedIf.Yes, Operator: "=",
				AnswerCoding: answerCoding(in.ID, itemOf(in, it.AskedIf.Yes), 1)}}
		case it.AskedIf.AnyProblem:
			qi.EnableBehavior = "any"
			for _, other := range in.Items {
				if other.Scored {
					qi.EnableWhen = append(qi.EnableWhen, enableWhen{Question: other.Key, Operator: "!=",
						AnswerCoding: answerCoding(in.ID, other, 0)})
				}
			}
		}
		q.Item = append(q.Item, qi)
	}
	q.Item = append(q.Item, qItem{LinkID: totalLinkID, Code: []coding{codes.total}, Text: codes.total.Display,
		Type: "integer", ReadOnly: true})
	return q
}

// itemOf returns the item of in with key (the zero Item when none).
func itemOf(in measures.Instrument, key string) measures.Item {
	for _, it := range in.Items {
		if it.Key == key {
			return it
		}
	}
	return measures.Item{Key: key}
}

// answerCoding codes option value v of item it. Each item has its own
// answer system, as items' option lists differ.
func answerCoding(instrument string, it measures.Item, v int) coding {
	c := coding{System: systemAnswerPrefix + instrument + "-" + it.Key, Code: strconv.Itoa(v)}
	for _, o := range it.Options {
		if o.Value == v {
			c.Display = o.Label
		}
	}
	return c
}

// QuestionnaireResponse/{p}-{response}.
func readQuestionnaireResponse(rq *request, id string) (any, int64, error) {
	lid, ok := parseScoped(id)
	if !ok {
		return nil, 0, ErrNotFound
	}
	if err := rq.authorize(lid.patient); err != nil {
		return nil, lid.patient, err
	}
	r, err := rq.s.d.Measures.Response(rq.ctx, rq.actor, lid.patient, lid.num)
	if err != nil {
		return nil, lid.patient, err
	}
	res, err := rq.questionnaireResponse(r)
	return res, lid.patient, err
}

// QuestionnaireResponse?patient=: every stored response (at most the
// measures.MaxPoints most recent per instrument), by instrument, oldest
// first.
func searchQuestionnaireResponses(rq *request, pid int64) ([]entry, error) {
	var out []entry
	for _, in := range measures.Instruments() {
		points, err := rq.series(pid, in.ID)
		if err != nil {
			return nil, err
		}
		rs, err := rq.responses(pid, points)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			res, err := rq.questionnaireResponse(r)
			if err != nil {
				return nil, err
			}
			out = append(out, entry{"QuestionnaireResponse", res.ID, res})
		}
	}
	return out, nil
}

// responseReaders bounds the responses read at once for one request.
const responseReaders = 4

// responses reads the response of each point, in order, a few at a time:
// measures reads (and audits) one response per call, so the calls' round
// trips overlap.
func (rq *request) responses(pid int64, points []measures.Point) ([]measures.Response, error) {
	out := make([]measures.Response, len(points))
	errs := make([]error, len(points))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(responseReaders, len(points)) {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = rq.s.d.Measures.Response(rq.ctx, rq.actor, pid, points[i].ResponseID)
			}
		})
	}
	for i := range points {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, errors.Join(errs...)
}

// Questionnaire/{instrument}: the definition of "phq9", "gad7" or "cssrs".
// It holds no patient data: anyone signed in may read it.
func readQuestionnaire(rq *request, id string) (any, int64, error) {
	in, err := measures.Lookup(id)
	if err != nil {
		return nil, 0, ErrNotFound
	}
	return questionnaireOf(in, rq.now), 0, nil
}

// Questionnaire (no patient): every instrument.
func searchQuestionnaires(rq *request, _ int64) ([]entry, error) {
	var out []entry
	for _, in := range measures.Instruments() {
		out = append(out, entry{"Questionnaire", in.ID, questionnaireOf(in, rq.now)})
	}
	return out, nil
}
