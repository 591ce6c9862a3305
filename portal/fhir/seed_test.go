package fhir_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/fhir"
	"haven/portal/measures"
	"haven/portal/meds"
	"haven/portal/records"
	"haven/portal/visits"
)

// seeded names what seed wrote that tests look for in the output.
type seeded struct {
	sharedBody, psychBody, psychTitle, withheldBody string
	psychNoteID                                     int64
	messageBody                                     string
}

// seed writes days of the patient's history through the packages' own
// APIs, as the people who would write it, moving the clock day by day
// from t0: a mood check-in every day, a visit every week (booked two days
// ahead), a PHQ-9 every two weeks, a GAD-7 every four, three medications
// with a refill request every 60 days (approved or declined), one C-SSRS,
// three notes (shared, withheld, psychotherapy) and two conversations.
func (e *env) seed(days int) seeded {
	e.t.Helper()
	s := seeded{sharedBody: "Shared summary " + randHex(8), psychBody: "PSYCHOTHERAPY-" + randHex(12),
		psychTitle: "PSYCHTITLE-" + randHex(8), withheldBody: "WITHHELD-" + randHex(8), messageBody: "Hello doc " + randHex(4)}
	p, doc := e.patient, e.doc
	e.clock.Set(t0.Add(-24 * time.Hour))
	av := visits.Availability{Zone: ny}
	for d := time.Monday; d <= time.Friday; d++ {
		av.Weekly = append(av.Weekly, visits.WeeklyHours{Weekday: d, Start: "09:00", End: "17:00"})
	}
	must(e.t, e.vis.SetAvailability(e.ctx, doc, doc.UserID, av))
	vt, err := e.vis.AddVisitType(e.ctx, doc, visits.VisitType{ClinicianID: doc.UserID, Name: "Therapy session",
		Minutes: 50, Modality: visits.Video})
	must(e.t, err)
	e.visitType = vt
	e.clock.Set(t0)
	start := fmtDate(t0)
	var medIDs []int64
	for _, in := range []meds.MedicationInput{
		{Name: "Sertraline", Dose: "50 mg", Instructions: "Once a day with breakfast", DailyTimes: []string{"08:00"}, Zone: ny, Start: start},
		{Name: "Hydroxyzine", Dose: "25 mg", Instructions: "As needed for anxiety", Zone: ny, Start: start, Stop: fmtDate(t0.AddDate(0, 3, 0))},
		{Name: "Melatonin", Dose: "3 mg", DailyTimes: []string{"21:30"}, Zone: ny, Start: start},
	} {
		m, err := e.med.Add(e.ctx, doc, p.UserID, in)
		must(e.t, err)
		medIDs = append(medIDs, m.ID)
	}
	loc, err := time.LoadLocation(ny)
	must(e.t, err)
	for day := 0; day < days; day++ {
		now := t0.AddDate(0, 0, day)
		e.clock.Set(now)
		e.seedDay(day, now, loc, medIDs)
	}
	cssrs := measures.Answers{"q1": 1, "q2": 0, "q6": 0}
	_, err = e.meas.Submit(e.ctx, p, measures.SubmitRequest{PatientID: p.UserID, Instrument: measures.CSSRS, Answers: cssrs})
	must(e.t, err)
	_, err = e.rec.WriteNote(e.ctx, doc, records.NewNote{PatientID: p.UserID, Kind: records.KindProgress,
		Title: "Progress", Body: s.sharedBody})
	must(e.t, err)
	_, err = e.rec.WriteNote(e.ctx, doc, records.NewNote{PatientID: p.UserID, Kind: records.KindVisitSummary,
		Title: "Withheld", Body: s.withheldBody, Withhold: records.PreventingHarm})
	must(e.t, err)
	psych, err := e.rec.WriteNote(e.ctx, doc, records.NewNote{PatientID: p.UserID, Kind: records.KindPsychotherapy,
		Title: s.psychTitle, Body: s.psychBody})
	must(e.t, err)
	s.psychNoteID = psych.ID
	e.seedMessages(s.messageBody)
	return s
}

// seedDay writes one day of the history.
func (e *env) seedDay(day int, now time.Time, loc *time.Location, medIDs []int64) {
	e.t.Helper()
	p, doc := e.patient, e.doc
	mood := measures.MoodInput{Score: 1 + day*7%10, Zone: ny}
	if day%5 == 0 {
		mood.Note = "Walked by the river"
	}
	_, err := e.meas.CheckIn(e.ctx, p, p.UserID, mood)
	must(e.t, err)
	if day%7 == 0 {
		y, m, d := now.AddDate(0, 0, 2).In(loc).Date()
		_, err := e.vis.Book(e.ctx, p, visits.BookRequest{PatientID: p.UserID, ClinicianID: doc.UserID,
			VisitTypeID: e.visitType.ID, Start: time.Date(y, m, d, 9, 0, 0, 0, loc)})
		must(e.t, err)
	}
	if day%14 == 0 {
		_, err := e.meas.Submit(e.ctx, p, measures.SubmitRequest{PatientID: p.UserID, Instrument: measures.PHQ9,
			Answers: phq9(day / 14 % 25)})
		must(e.t, err)
	}
	if day%28 == 3 {
		_, err := e.meas.Submit(e.ctx, p, measures.SubmitRequest{PatientID: p.UserID, Instrument: measures.GAD7,
			Answers: gad7(day / 28 % 21)})
		must(e.t, err)
	}
	if day%60 == 5 {
		r, err := e.med.RequestRefill(e.ctx, p, medIDs[0])
		must(e.t, err)
		_, err = e.med.DecideRefill(e.ctx, doc, r.ID, day%120 == 5, "Picked up at the pharmacy")
		must(e.t, err)
	}
}

// seedMessages gives the patient a team conversation with doc and a closed
// crisis conversation with the counselor.
func (e *env) seedMessages(body string) {
	p, doc, c := e.patient.UserID, e.doc.UserID, e.counselor.UserID
	at := e.clock.Now()
	e.msgs.add(fhir.CommunicationMeta{ConversationID: 7, Kind: "team", PatientID: p, CreatedAt: at.Add(-time.Hour),
		Participants: []fhir.Participant{{UserID: p, Patient: true}, {UserID: doc}}, LastSentAt: at, MessageCount: 2},
		[]fhir.MessageBody{{Seq: 1, Sender: p, SentAt: at.Add(-time.Minute), Body: body},
			{Seq: 2, Sender: doc, SentAt: at, Body: "Thanks, see you Wednesday."}})
	e.msgs.add(fhir.CommunicationMeta{ConversationID: 9, Kind: "crisis", PatientID: p, CreatedAt: at.Add(-2 * time.Hour),
		Participants: []fhir.Participant{{UserID: p, Patient: true}, {UserID: c}}, LastSentAt: at.Add(-time.Hour),
		MessageCount: 1, Closed: true},
		[]fhir.MessageBody{{Seq: 1, Sender: c, SentAt: at.Add(-time.Hour), Body: "I am here with you."}})
}

// phq9 returns complete PHQ-9 answers totalling total, item 9 at 0.
func phq9(total int) measures.Answers {
	a := measures.Answers{"q9": 0}
	for i := 1; i <= 8; i++ {
		v := min(total, 3)
		a[fmt.Sprintf("q%d", i)] = v
		total -= v
	}
	if a["q1"] > 0 {
		a["difficulty"] = 1
	}
	return a
}

// gad7 returns complete GAD-7 answers totalling total.
func gad7(total int) measures.Answers {
	a := measures.Answers{}
	for i := 1; i <= 7; i++ {
		v := min(total, 3)
		a[fmt.Sprintf("q%d", i)] = v
		total -= v
	}
	if a["q1"] > 0 {
		a["difficulty"] = 0
	}
	return a
}

func fmtDate(t time.Time) string { return t.Format(time.DateOnly) }

// messages stands in for chat behind the Messages port: conversations in
// memory, with chat's access rule (the policy's Authorize for the patient).
type messages struct {
	auth interface {
		Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
	}
	mu    sync.Mutex
	convs []conversation
}

type conversation struct {
	meta   fhir.CommunicationMeta
	bodies []fhir.MessageBody
}

var errNoConversation = fault.New(fault.NotFound, "No such conversation.")

func (m *messages) add(meta fhir.CommunicationMeta, bodies []fhir.MessageBody) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.convs = append(m.convs, conversation{meta, bodies})
}

func (m *messages) Conversations(ctx context.Context, actor account.Actor, patientID int64) ([]fhir.CommunicationMeta, error) {
	if err := m.auth.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []fhir.CommunicationMeta
	for _, c := range m.convs {
		if c.meta.PatientID == patientID {
			out = append(out, c.meta)
		}
	}
	return out, nil
}

func (m *messages) Bodies(ctx context.Context, actor account.Actor, patientID, conv int64) ([]fhir.MessageBody, error) {
	if err := m.auth.Authorize(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	i := slices.IndexFunc(m.convs, func(c conversation) bool {
		return c.meta.PatientID == patientID && c.meta.ConversationID == conv
	})
	if i < 0 {
		return nil, errNoConversation
	}
	return slices.Clone(m.convs[i].bodies), nil
}
