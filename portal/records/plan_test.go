package records_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"haven/portal/fault"
	"haven/portal/records"
)

func testTreatmentPlanGoalsAndProgress(t *testing.T, e *env) {
	p := e.patient.UserID
	ny, _ := time.LoadLocation("America/New_York")
	g1, err := e.svc.AddGoal(e.ctx, e.doc, p, records.GoalInput{Text: "Sleep 7 hours most nights", TargetDate: time.Date(2026, 6, 30, 23, 0, 0, 0, ny)})
	if err != nil {
		t.Fatal(err)
	}
	if g1.Status != records.GoalActive || g1.TargetDate != time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("goal = %+v", g1)
	}
	g2, err := e.svc.AddGoal(e.ctx, e.doc, p, records.GoalInput{Text: "Return to running"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddProgress(e.ctx, e.patient, p, g1.ID, "Slept 7h on 4 of 7 nights"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.svc.AddProgress(e.ctx, e.doc, p, g1.ID, "Good progress; keep the wind-down routine"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	upd, err := e.svc.UpdateGoal(e.ctx, e.doc2, p, g2.ID, records.GoalInput{Text: "Run 5 km twice a week", Status: records.GoalAchieved})
	if err != nil || upd.UpdatedBy != e.doc2.UserID || upd.CreatedBy != e.doc.UserID || upd.Status != records.GoalAchieved {
		t.Fatalf("updated = %+v, %v", upd, err)
	}

	plan, err := e.svc.TreatmentPlan(e.ctx, e.patient, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Goals) != 2 || plan.Goals[0].Text != "Sleep 7 hours most nights" || plan.Goals[1].Text != "Run 5 km twice a week" ||
		plan.Goals[1].Status != records.GoalAchieved || !plan.Goals[1].TargetDate.IsZero() {
		t.Fatalf("plan = %+v", plan)
	}
	pr := plan.Goals[0].Progress
	if len(pr) != 2 || pr[0].AuthorRole != "patient" || pr[1].AuthorID != e.doc.UserID || pr[0].Note != "Slept 7h on 4 of 7 nights" {
		t.Fatalf("progress = %+v", pr)
	}
	// Sealed at rest.
	var goal, note []byte
	e.pool.QueryRow(e.ctx, `SELECT goal FROM record_goals WHERE id = $1`, g1.ID).Scan(&goal)
	e.pool.QueryRow(e.ctx, `SELECT note FROM record_goal_progress WHERE goal_id = $1 LIMIT 1`, g1.ID).Scan(&note)
	if len(goal) == 0 || bytes.Contains(goal, []byte("Sleep")) || bytes.Contains(note, []byte("nights")) {
		t.Fatal("goal or progress stored in plaintext")
	}
}

func testTreatmentPlanRefusesBadInput(t *testing.T, e *env) {
	p := e.patient.UserID
	bad := []struct {
		name string
		in   records.GoalInput
		want error
	}{
		{"empty", records.GoalInput{Text: " "}, records.ErrBadGoal},
		{"long", records.GoalInput{Text: strings.Repeat("g", records.MaxGoal+1)}, records.ErrBadGoal},
		{"status", records.GoalInput{Text: "g", Status: "done"}, records.ErrBadStatus},
		{"target", records.GoalInput{Text: "g", TargetDate: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)}, records.ErrBadTarget},
	}
	for _, c := range bad {
		_, err := e.svc.AddGoal(e.ctx, e.doc, p, c.in)
		wantErr(t, err, c.want)
		wantCode(t, err, fault.Invalid)
	}
	_, err := e.svc.AddGoal(e.ctx, e.patient, p, records.GoalInput{Text: "mine"})
	wantErr(t, err, records.ErrCareTeamOnly)
	// Another patient's goal is not this patient's.
	if _, err := e.pool.Exec(e.ctx, `INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, e.other.UserID, e.doc.UserID); err != nil {
		t.Fatal(err)
	}
	g, err := e.svc.AddGoal(e.ctx, e.doc, e.other.UserID, records.GoalInput{Text: "theirs"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.AddProgress(e.ctx, e.patient, p, g.ID, "sneaky")
	wantErr(t, err, records.ErrNoGoal)
	_, err = e.svc.UpdateGoal(e.ctx, e.doc, p, g.ID, records.GoalInput{Text: "changed"})
	wantErr(t, err, records.ErrNoGoal)
	_, err = e.svc.AddProgress(e.ctx, e.patient, e.other.UserID, g.ID, "not mine")
	wantCode(t, err, fault.Forbidden)
	_, err = e.svc.AddProgress(e.ctx, e.doc, e.other.UserID, g.ID, "")
	wantErr(t, err, records.ErrBadProgress)
	if n := e.rows(t, "record_goals") + e.rows(t, "record_goal_progress"); n != 0 {
		t.Fatalf("%d rows stored by refused writes", n)
	}
}
