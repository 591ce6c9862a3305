package measures_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/measures"
)

func testSubmitStoresSealedResponse(t *testing.T, e *env) {
	p := e.patient.UserID
	sub, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, Answers: phq9(12, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if sub.ID == 0 || sub.Score.Total != 12 || sub.Score.Band != measures.BandModerate || sub.Escalated || sub.ShowCrisisResources {
		t.Fatalf("submission = %+v", sub)
	}
	if e.rows(t, "test_escalations") != 0 {
		t.Fatal("an escalation for a PHQ-9 with item 9 = 0")
	}
	// The clinician reads it back, answers and all.
	r, err := e.svc.Response(e.ctx, e.doc, p, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Score != sub.Score || r.Answers["q1"] != 3 || len(r.Answers) != 10 || r.SubmittedBy != p || r.Version != "1" {
		t.Fatalf("response = %+v", r)
	}
	// At rest, neither answers nor score are readable.
	var answers, score []byte
	if err := e.pool.QueryRow(e.ctx, `SELECT answers, score FROM measure_responses WHERE id = $1`, sub.ID).Scan(&answers, &score); err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{`"q1"`, `"difficulty"`, `"total"`, `moderate`, `:12`} {
		if bytes.Contains(answers, []byte(plain)) || bytes.Contains(score, []byte(plain)) {
			t.Errorf("sealed column contains %q", plain)
		}
	}
	if e.audits(t, "measures.write", e.patient, p) != 1 || e.audits(t, "measures.read", e.doc, p) != 1 {
		t.Fatal("submission or read not audited exactly once")
	}
	// Another patient's response id is not found through this patient.
	_, err = e.svc.Response(e.ctx, e.other, e.other.UserID, sub.ID)
	wantErr(t, err, measures.ErrNoResponse)
}

func testItem9EscalatesInsideTheTransaction(t *testing.T, e *env) {
	p := e.patient.UserID
	sub, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, Answers: phq9(8, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if !sub.Escalated || !sub.ShowCrisisResources || sub.Score.Escalation != measures.SeverityMedium {
		t.Fatalf("submission = %+v", sub)
	}
	var source, severity, ref string
	var visible bool
	err = e.pool.QueryRow(e.ctx, `SELECT source, severity, ref, response_visible FROM test_escalations WHERE patient_id = $1`, p).
		Scan(&source, &severity, &ref, &visible)
	if err != nil {
		t.Fatal(err)
	}
	if source != "measure" || severity != "medium" || ref != "measure:phq9:"+strconv.FormatInt(sub.ID, 10) {
		t.Fatalf("escalation = %s %s %s", source, severity, ref)
	}
	if !visible {
		t.Fatal("the escalator did not run inside the submission's transaction (the response was not visible to it)")
	}
}

func testCSSRSHighRiskEscalatesHigh(t *testing.T, e *env) {
	p := e.patient.UserID
	sub, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.CSSRS,
		Answers: measures.Answers{"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0}})
	if err != nil {
		t.Fatal(err)
	}
	if !sub.ShowCrisisResources || sub.Score.Band != measures.RiskHigh {
		t.Fatalf("submission = %+v", sub)
	}
	if n := e.count(t, `SELECT count(*) FROM test_escalations WHERE severity = 'high' AND ref = $1`,
		"measure:cssrs:"+strconv.FormatInt(sub.ID, 10)); n != 1 {
		t.Fatalf("%d high escalations", n)
	}
	// Low risk shows resources without escalating.
	sub, err = e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.CSSRS,
		Answers: measures.Answers{"q1": 1, "q2": 0, "q6": 0}})
	if err != nil || sub.Escalated || !sub.ShowCrisisResources {
		t.Fatalf("low risk: %+v, %v", sub, err)
	}
}

func testRolledBackSubmissionLeavesNoEscalation(t *testing.T, e *env) {
	p := e.patient.UserID
	a, err := e.svc.Assign(e.ctx, e.doc, measures.AssignRequest{PatientID: p, Instrument: measures.PHQ9,
		Due: e.clock.Now(), Zone: "UTC", EveryDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	// The escalation is written, then a later step in the same transaction
	// (the next reminder) fails: everything rolls back together.
	e.rem.fail.Store(true)
	_, err = e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9,
		AssignmentID: a.ID, Answers: phq9(20, 3)})
	if err == nil {
		t.Fatal("submission succeeded with failing reminders")
	}
	e.rem.fail.Store(false)
	if n := e.rows(t, "test_escalations"); n != 0 {
		t.Fatalf("%d escalations survived a rolled-back submission", n)
	}
	if n := e.rows(t, "measure_responses"); n != 0 {
		t.Fatalf("%d responses stored", n)
	}
	if n := e.audits(t, "measures.write", e.patient, p); n != 0 {
		t.Fatalf("%d audit rows for a rolled-back submission", n)
	}
	open, err := e.svc.Assignments(e.ctx, e.patient, p)
	if err != nil || len(open) != 1 || !open[0].Due.Equal(a.Due) {
		t.Fatalf("assignment after rollback: %+v, %v", open, err)
	}

	// A failing escalator aborts the submission too.
	e.esc.fail.Store(true)
	_, err = e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, Answers: phq9(5, 1)})
	if err == nil {
		t.Fatal("submission succeeded with a failing escalator")
	}
	if e.rows(t, "test_escalations")+e.rows(t, "measure_responses") != 0 {
		t.Fatal("a response or escalation stored although escalating failed")
	}
}

func testBadSubmissionsStoreNothing(t *testing.T, e *env) {
	p := e.patient.UserID
	partial := phq9(6, 0)
	delete(partial, "q4")
	cases := []struct {
		name string
		req  measures.SubmitRequest
		code fault.Code
	}{
		{"blank", measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9}, fault.Invalid},
		{"partial", measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, Answers: partial}, fault.Invalid},
		{"out of options", measures.SubmitRequest{PatientID: p, Instrument: measures.GAD7, Answers: measures.Answers{"q1": 9}}, fault.Invalid},
		{"unknown instrument", measures.SubmitRequest{PatientID: p, Instrument: "x", Answers: phq9(3, 0)}, fault.Invalid},
		{"stale version", measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, Version: "0", Answers: phq9(3, 0)}, fault.Conflict},
		{"no such assignment", measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, AssignmentID: 999, Answers: phq9(3, 1)}, fault.NotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.Submit(e.ctx, e.patient, c.req)
			wantCode(t, err, c.code)
		})
	}
	if n := e.rows(t, "measure_responses") + e.rows(t, "test_escalations"); n != 0 {
		t.Fatalf("%d rows stored by refused submissions", n)
	}
	if e.audits(t, "measures.write", e.patient, p) != 0 {
		t.Fatal("a refused submission was audited as a write")
	}
}

func testSeriesForPatientAndClinician(t *testing.T, e *env) {
	p := e.patient.UserID
	start := e.clock.Now()
	for i, total := range []int{18, 12, 7} {
		e.clock.Set(start.AddDate(0, 0, 14*i))
		if _, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.PHQ9, Answers: phq9(total, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Submit(e.ctx, e.patient, measures.SubmitRequest{PatientID: p, Instrument: measures.GAD7, Answers: gad7(4)}); err != nil {
		t.Fatal(err)
	}
	for _, actor := range []account.Actor{e.patient, e.doc} {
		pts, err := e.svc.Series(e.ctx, actor, p, measures.PHQ9, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != 3 || pts[0].Total != 18 || pts[1].Total != 12 || pts[2].Total != 7 ||
			pts[0].Band != measures.BandModeratelySevere || pts[2].Band != measures.BandMild || !pts[0].At.Before(pts[1].At) {
			t.Fatalf("series for %s = %+v", actor.Role, pts)
		}
		if e.audits(t, "measures.read", actor, p) != 1 {
			t.Fatalf("series read by %s not audited once", actor.Role)
		}
	}
	// A window keeps the points inside it.
	pts, err := e.svc.Series(e.ctx, e.doc, p, measures.PHQ9, start.AddDate(0, 0, 1), start.AddDate(0, 0, 20))
	if err != nil || len(pts) != 1 || pts[0].Total != 12 {
		t.Fatalf("windowed series = %+v, %v", pts, err)
	}
	_, err = e.svc.Series(e.ctx, e.doc, p, measures.PHQ9, start, start.Add(-time.Hour))
	wantErr(t, err, measures.ErrBadRange)
}
