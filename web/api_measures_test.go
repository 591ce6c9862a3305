package web

import (
	"strconv"
	"strings"
	"testing"

	"haven/portal/measures"
)

type instrumentsResponse struct {
	Instruments []instrumentJSON `json:"instruments"`
}

type assignmentsResponse struct {
	Assignments []assignmentJSON `json:"assignments"`
}

// TestInstrumentsCarryThePublishedWording: the API serves each
// questionnaire's text and options exactly as measures holds them.
func TestInstrumentsCarryThePublishedWording(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	var got instrumentsResponse
	ch.c.pc.do("GET", "/api/measures/instruments", nil).want(t, 200).decode(t, &got)
	want := measures.Instruments()
	if len(got.Instruments) != len(want) {
		t.Fatalf("%d instruments, want %d", len(got.Instruments), len(want))
	}
	for i, in := range want {
		g := got.Instruments[i]
		if g.ID != in.ID || g.Version != in.Version || g.Stem != in.Stem || len(g.Items) != len(in.Items) {
			t.Fatalf("instrument %d: %+v", i, g)
		}
		for j, it := range in.Items {
			gi := g.Items[j]
			if gi.Key != it.Key || gi.Text != it.Text || len(gi.Options) != len(it.Options) {
				t.Fatalf("%s item %s: %+v", in.ID, it.Key, gi)
			}
			for k, o := range it.Options {
				if gi.Options[k] != (optionJSON{o.Value, o.Label}) {
					t.Fatalf("%s %s option %d: %+v", in.ID, it.Key, k, gi.Options[k])
				}
			}
		}
	}
	if got.Instruments[0].Max != 27 || got.Instruments[1].Max != 21 || got.Instruments[2].Max != 3 {
		t.Fatalf("maxima %d %d %d", got.Instruments[0].Max, got.Instruments[1].Max, got.Instruments[2].Max)
	}
	var one instrumentJSON
	ch.c.ic.do("GET", "/api/measures/instruments/cssrs", nil).want(t, 200).decode(t, &one)
	if one.Items[2].AskedIf == nil || one.Items[2].AskedIf.Yes != "q2" {
		t.Fatalf("C-SSRS q3 skip logic %+v", one.Items[2].AskedIf)
	}
	if e := ch.c.pc.do("GET", "/api/measures/instruments/beck", nil).want(t, 400).errorOf(t); e.Message != measures.ErrUnknownInstrument.Message {
		t.Fatalf("unknown instrument: %+v", e)
	}
}

// TestSelfHarmAnswerEscalatesThroughTheAPI: a PHQ-9 with item 9 above 0
// calls the Escalator once and tells the UI to show crisis resources; one
// with item 9 at 0 does neither.
func TestSelfHarmAnswerEscalatesThroughTheAPI(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	path := "/api/patients/" + ch.pid + "/measures/responses"
	var calm submissionJSON
	ch.c.pc.do("POST", path, submitRequest{Instrument: "phq9", Answers: phq9Answers(0)}).want(t, 201).decode(t, &calm)
	if calm.ShowCrisisResources || calm.Escalated || len(ch.esc.raised()) != 0 {
		t.Fatalf("item 9 at 0: %+v, escalations %v", calm, ch.esc.raised())
	}
	if calm.Score.Total != 5 || calm.Score.Max != 27 || calm.Score.Band != "mild" {
		t.Fatalf("score %+v, want 5/27 mild", calm.Score)
	}

	var sub submissionJSON
	ch.c.pc.do("POST", path, submitRequest{Instrument: "phq9", Version: "1", Answers: phq9Answers(1)}).want(t, 201).decode(t, &sub)
	if !sub.ShowCrisisResources || !sub.Escalated {
		t.Fatalf("item 9 at 1: %+v, want show_crisis_resources and escalated", sub)
	}
	calls := ch.esc.raised()
	want := escalation{ch.c.patient.ID, "measure", "medium", "measure:phq9:" + strconv.FormatInt(sub.ID, 10)}
	if len(calls) != 1 || calls[0] != want {
		t.Fatalf("escalations %+v, want [%+v]", calls, want)
	}
	if !strings.Contains(string(ch.c.pc.do("POST", path, submitRequest{Instrument: "phq9", Answers: phq9Answers(3)}).want(t, 201).body), `"show_crisis_resources":true`) {
		t.Fatal("item 9 at 3 did not ask for crisis resources")
	}
	if calls := ch.esc.raised(); len(calls) != 2 || calls[1].severity != "high" {
		t.Fatalf("escalations %+v, want a second, high", calls)
	}
}

// TestPartialQuestionnaireIsRefused: nothing is stored, and the message
// says what to do.
func TestPartialQuestionnaireIsRefused(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	p := "/api/patients/" + ch.pid + "/measures/"
	partial := phq9Answers(2)
	delete(partial, "q9")
	for _, tc := range []struct {
		answers map[string]int
		want    string
	}{
		{partial, measures.ErrIncomplete.Message},
		{map[string]int{}, measures.ErrIncomplete.Message},
		{nil, measures.ErrIncomplete.Message},
		{map[string]int{"q1": 7}, measures.ErrBadAnswer.Message},
		{map[string]int{"q10": 0}, measures.ErrUnaskedAnswer.Message},
	} {
		if e := ch.c.pc.do("POST", p+"responses", submitRequest{Instrument: "phq9", Answers: tc.answers}).want(t, 400).errorOf(t); e.Message != tc.want {
			t.Fatalf("answers %v: %+v, want %q", tc.answers, e, tc.want)
		}
	}
	if e := ch.c.pc.do("POST", p+"responses", submitRequest{Instrument: "phq9", Version: "0", Answers: phq9Answers(0)}).want(t, 409).errorOf(t); e.Message != measures.ErrVersion.Message {
		t.Fatalf("stale version: %+v", e)
	}
	var series seriesJSON
	ch.c.pc.do("GET", p+"series/phq9", nil).want(t, 200).decode(t, &series)
	if len(series.Points) != 0 || len(ch.esc.raised()) != 0 {
		t.Fatalf("refused questionnaires left %d points and %d escalations", len(series.Points), len(ch.esc.raised()))
	}
}

// TestAssignedQuestionnaireRoundTrip: a clinician assigns, the patient sees
// it due and completes it, the score joins the series both see.
func TestAssignedQuestionnaireRoundTrip(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	p := "/api/patients/" + ch.pid + "/measures/"
	var a assignmentJSON
	ch.c.ic.do("POST", p+"assignments", assignRequest{Instrument: "gad7", Zone: "Europe/Paris", Due: "2026-03-02T09:00:00+01:00"}).want(t, 201).decode(t, &a)
	if a.Instrument != "gad7" || a.InstrumentName == "" || a.Due.IsZero() || a.EveryDays != 0 {
		t.Fatalf("assignment %+v", a)
	}
	if e := ch.c.pc.do("POST", p+"assignments", assignRequest{Instrument: "gad7", Zone: "UTC"}).want(t, 403).errorOf(t); e.Message != measures.ErrCareTeamOnly.Message {
		t.Fatalf("patient assigning: %+v", e)
	}
	for _, tc := range []struct {
		req  assignRequest
		want string
	}{
		{assignRequest{Instrument: "gad7", Zone: "Mars/Olympus"}, measures.ErrBadZone.Message},
		{assignRequest{Instrument: "gad7", Zone: "UTC", EveryDays: 400}, measures.ErrBadEvery.Message},
		{assignRequest{Instrument: "gad7", Zone: "UTC", Due: "tomorrow"}, errBadTime.Message},
		{assignRequest{Instrument: "gad7", Zone: "UTC", Due: "2090-01-01T00:00:00Z"}, measures.ErrBadDue.Message},
		{assignRequest{Instrument: "bdi", Zone: "UTC"}, measures.ErrUnknownInstrument.Message},
	} {
		if e := ch.c.ic.do("POST", p+"assignments", tc.req).want(t, 400).errorOf(t); e.Message != tc.want {
			t.Fatalf("%+v: %+v, want %q", tc.req, e, tc.want)
		}
	}
	var due assignmentsResponse
	ch.c.pc.do("GET", p+"assignments", nil).want(t, 200).decode(t, &due)
	if len(due.Assignments) != 1 || due.Assignments[0].ID != a.ID {
		t.Fatalf("patient's due list %+v", due)
	}
	answers := map[string]int{"q1": 2, "q2": 2, "q3": 1, "q4": 1, "q5": 0, "q6": 1, "q7": 0, "difficulty": 1}
	var sub submissionJSON
	ch.c.pc.do("POST", p+"responses", submitRequest{Instrument: "gad7", AssignmentID: a.ID, Answers: answers}).want(t, 201).decode(t, &sub)
	if sub.Score.Total != 7 || sub.AssignmentID != a.ID {
		t.Fatalf("submission %+v", sub)
	}
	ch.c.pc.do("GET", p+"assignments", nil).want(t, 200).decode(t, &due)
	if len(due.Assignments) != 0 {
		t.Fatalf("a completed one-off is still due: %+v", due)
	}
	if e := ch.c.pc.do("POST", p+"responses", submitRequest{Instrument: "gad7", AssignmentID: a.ID, Answers: answers}).want(t, 409).errorOf(t); e.Message != measures.ErrAssignmentClosed.Message {
		t.Fatalf("second completion: %+v", e)
	}
	var series seriesJSON
	ch.c.ic.do("GET", p+"series/gad7?from=2000-01-01", nil).want(t, 200).decode(t, &series)
	if series.Max != 21 || len(series.Points) != 1 || series.Points[0].Total != 7 || series.Points[0].ResponseID != sub.ID {
		t.Fatalf("series %+v", series)
	}
	var resp responseJSON
	ch.c.ic.do("GET", p+"responses/"+strconv.FormatInt(sub.ID, 10), nil).want(t, 200).decode(t, &resp)
	if resp.Answers["q1"] != 2 || resp.Score.Band != "mild" || resp.SubmittedBy != ch.c.patient.ID {
		t.Fatalf("response %+v", resp)
	}
	ch.c.ic.do("GET", p+"responses/999999", nil).want(t, 404)

	// A clinician ends a repeating assignment.
	ch.c.ic.do("POST", p+"assignments", assignRequest{Instrument: "phq9", Zone: "UTC", EveryDays: 7}).want(t, 201).decode(t, &a)
	ch.c.pc.do("DELETE", p+"assignments/"+strconv.FormatInt(a.ID, 10), nil).want(t, 403)
	ch.c.ic.do("DELETE", p+"assignments/"+strconv.FormatInt(a.ID, 10), nil).want(t, 204)
	ch.c.pc.do("GET", p+"assignments", nil).want(t, 200).decode(t, &due)
	if len(due.Assignments) != 0 {
		t.Fatalf("an ended assignment is still due: %+v", due)
	}
}

// TestMoodCheckIn: a patient checks in; the trend and the entries show it;
// out-of-range scores and bad dates are refused clearly.
func TestMoodCheckIn(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	p := "/api/patients/" + ch.pid + "/mood"
	var m moodJSON
	ch.c.pc.do("POST", p, moodRequest{Score: 7, Note: "A walk helped.", Zone: "America/Denver"}).want(t, 200).decode(t, &m)
	if m.Score != 7 || m.Note != "A walk helped." || len(m.Day) != 10 {
		t.Fatalf("check-in %+v", m)
	}
	ch.c.pc.do("POST", p, moodRequest{Score: 8, Zone: "America/Denver"}).want(t, 200)
	var trend struct {
		Points []moodPointJSON `json:"points"`
	}
	ch.c.ic.do("GET", p+"/trend", nil).want(t, 200).decode(t, &trend)
	if len(trend.Points) != 1 || trend.Points[0].Score != 8 || trend.Points[0].Day != m.Day {
		t.Fatalf("trend %+v, want today's second check-in only", trend)
	}
	var entries struct {
		Entries []moodJSON `json:"entries"`
	}
	ch.c.pc.do("GET", p+"?from=2000-01-01&to=2100-01-01", nil).want(t, 400)
	ch.c.pc.do("GET", p, nil).want(t, 200).decode(t, &entries)
	if len(entries.Entries) != 1 || entries.Entries[0].Score != 8 {
		t.Fatalf("entries %+v", entries)
	}
	for _, tc := range []struct {
		req  moodRequest
		want string
	}{
		{moodRequest{Score: 11, Zone: "UTC"}, measures.ErrBadMood.Message},
		{moodRequest{Score: 0, Zone: "UTC"}, measures.ErrBadMood.Message},
		{moodRequest{Score: 5, Zone: ""}, measures.ErrBadZone.Message},
		{moodRequest{Score: 5, Zone: "UTC", Note: strings.Repeat("ä", measures.MaxMoodNote+1)}, measures.ErrNoteTooLong.Message},
	} {
		r := ch.c.pc.do("POST", p, tc.req)
		if r.status/100 != 4 || r.errorOf(t).Message != tc.want {
			t.Fatalf("%+v: %d %s, want %q", tc.req.Score, r.status, r.body, tc.want)
		}
	}
	if e := ch.c.pc.do("GET", p+"?from=last+week", nil).want(t, 400).errorOf(t); e.Message != errBadDate.Message {
		t.Fatalf("bad date: %+v", e)
	}
	if e := ch.c.ic.do("POST", p, moodRequest{Score: 5, Zone: "UTC"}).want(t, 403).errorOf(t); e.Message != measures.ErrPatientOnly.Message {
		t.Fatalf("clinician checking in: %+v", e)
	}
}

// TestChartPagesAreServed: every page of measures and records loads the UI
// shell on a full page load.
func TestChartPagesAreServed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	for _, p := range []string{"/questionnaires", "/progress", "/mood", "/safety-plan", "/notes", "/chart"} {
		r := c.do("GET", p+"?x=1", nil).want(t, 200)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(r.body), "/js/app.js") {
			t.Fatalf("%s: %s, %.80s", p, ct, r.body)
		}
	}
}
