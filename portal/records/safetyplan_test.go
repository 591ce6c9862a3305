package records_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/records"
)

func firstPlan() records.SafetyPlan {
	return records.SafetyPlan{
		WarningSigns:     []string{"Not sleeping", "  ", "Skipping meals"},
		CopingStrategies: []string{"Walk the dog"},
		Distractions:     []records.Contact{{Name: "The library"}, {Name: "Sam", Phone: "+1 (555) 010-0100"}},
		HelpContacts:     []records.Contact{{Name: "My sister Ana", Phone: "555-010-0199"}},
		Professionals:    []records.Contact{{Name: "Dr. Lee", Phone: "555-010-0123 x12"}},
		SafeEnvironment:  []string{"Medications in the lockbox"},
	}
}

func testSafetyPlanVersionsAndHistory(t *testing.T, e *env) {
	p := e.patient.UserID
	// Before any save, the crisis page still gets the 988 Lifeline.
	cur, err := e.svc.CurrentSafetyPlan(e.ctx, e.patient, p)
	if err != nil || cur.Version != 0 || len(cur.Plan.Professionals) != 1 || cur.Plan.Professionals[0] != records.Lifeline() {
		t.Fatalf("empty current = %+v, %v", cur, err)
	}

	v1, err := e.svc.SaveSafetyPlan(e.ctx, e.patient, p, 0, firstPlan())
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || len(v1.Plan.WarningSigns) != 2 || v1.SavedRole != "patient" {
		t.Fatalf("v1 = %+v", v1)
	}
	if pros := v1.Plan.Professionals; len(pros) != 2 || pros[1] != records.Lifeline() {
		t.Fatalf("988 not added: %+v", pros)
	}

	e.clock.Advance(24 * time.Hour)
	second := v1.Plan
	second.ReasonsForLiving = []string{"My kids", "Finishing my degree"}
	second.WarningSigns = append([]string{"Drinking alone"}, second.WarningSigns...)
	v2, err := e.svc.SaveSafetyPlan(e.ctx, e.doc, p, 1, second)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || len(v2.Plan.Professionals) != 2 {
		t.Fatalf("v2 = %+v (988 must not be added twice)", v2)
	}
	// A save from a stale editor is refused; nothing changes.
	_, err = e.svc.SaveSafetyPlan(e.ctx, e.patient, p, 1, firstPlan())
	wantErr(t, err, records.ErrSafetyPlanChanged)
	wantCode(t, err, fault.Conflict)

	cur, err = e.svc.CurrentSafetyPlan(e.ctx, e.patient, p)
	if err != nil || cur.Version != 2 || cur.SavedBy != e.doc.UserID || len(cur.Plan.ReasonsForLiving) != 2 || cur.Plan.WarningSigns[0] != "Drinking alone" {
		t.Fatalf("current = %+v, %v", cur, err)
	}
	old, err := e.svc.SafetyPlanAt(e.ctx, e.doc, p, 1)
	if err != nil || len(old.Plan.ReasonsForLiving) != 0 || old.SavedBy != p || len(old.Plan.WarningSigns) != 2 {
		t.Fatalf("version 1 = %+v, %v", old, err)
	}
	_, err = e.svc.SafetyPlanAt(e.ctx, e.doc, p, 3)
	wantErr(t, err, records.ErrNoVersion)
	hist, err := e.svc.SafetyPlanHistory(e.ctx, e.patient, p)
	if err != nil || len(hist) != 2 || hist[0].Version != 2 || hist[0].SavedRole != "clinician" || hist[1].SavedBy != p ||
		!hist[0].SavedAt.After(hist[1].SavedAt) {
		t.Fatalf("history = %+v, %v", hist, err)
	}

	// Sealed at rest.
	var sealed []byte
	if err := e.pool.QueryRow(e.ctx, `SELECT plan FROM record_safety_plans WHERE patient_id = $1 AND version = 2`, p).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"Ana", "lockbox", "warning_signs", "988"} {
		if bytes.Contains(sealed, []byte(plain)) {
			t.Fatalf("sealed plan contains %q", plain)
		}
	}
}

func testCounselorHoldingTheEscalationReadsTheSafetyPlan(t *testing.T, e *env) {
	p := e.patient.UserID
	if _, err := e.svc.SaveSafetyPlan(e.ctx, e.patient, p, 0, firstPlan()); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.CurrentSafetyPlan(e.ctx, e.counselor, p)
	wantErr(t, err, account.ErrForbidden)
	if err := e.acct.Grant(e.ctx, e.pool, e.counselor.UserID, p, "crisis", "escalation:1", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	cur, err := e.svc.CurrentSafetyPlan(e.ctx, e.counselor, p)
	if err != nil || cur.Version != 1 || cur.Plan.HelpContacts[0].Name != "My sister Ana" {
		t.Fatalf("counselor's view = %+v, %v", cur, err)
	}
	if e.audits(t, "records.read", e.counselor, p) != 1 {
		t.Fatal("counselor's read not audited")
	}
	// Reading is not editing.
	_, err = e.svc.SaveSafetyPlan(e.ctx, e.counselor, p, 1, firstPlan())
	wantErr(t, err, records.ErrPatientOrTeam)
}

func testConcurrentSafetyPlanSavesKeepBoth(t *testing.T, e *env) {
	p := e.patient.UserID
	if _, err := e.svc.SaveSafetyPlan(e.ctx, e.patient, p, 0, firstPlan()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, actor := range []account.Actor{e.patient, e.doc} {
		wg.Go(func() { _, errs[i] = e.svc.SaveSafetyPlan(e.ctx, actor, p, 1, firstPlan()) })
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case fault.CodeOf(err) == fault.Conflict:
			conflict++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 || conflict != 1 || e.rows(t, "record_safety_plans") != 2 {
		t.Fatalf("%d saved, %d conflicts, %d versions; want 1, 1, 2", ok, conflict, e.rows(t, "record_safety_plans"))
	}
}

func testSafetyPlanRefusesBadInput(t *testing.T, e *env) {
	p := e.patient.UserID
	many := make([]string, records.MaxPlanEntries+1)
	for i := range many {
		many[i] = "sign"
	}
	cases := []struct {
		name string
		plan records.SafetyPlan
		want error
	}{
		{"empty", records.SafetyPlan{WarningSigns: []string{" ", ""}}, records.ErrEmptySafetyPlan},
		{"too many entries", records.SafetyPlan{WarningSigns: many}, records.ErrSafetyPlanEntries},
		{"entry too long", records.SafetyPlan{CopingStrategies: []string{strings.Repeat("c", records.MaxPlanEntry+1)}}, records.ErrSafetyPlanEntries},
		{"helper without phone", records.SafetyPlan{HelpContacts: []records.Contact{{Name: "Ana"}}}, records.ErrBadContact},
		{"phone without name", records.SafetyPlan{HelpContacts: []records.Contact{{Phone: "555-0100"}}}, records.ErrBadContact},
		{"letters in phone", records.SafetyPlan{Professionals: []records.Contact{{Name: "Clinic", Phone: "call me"}}}, records.ErrBadContact},
		{"control character", records.SafetyPlan{WarningSigns: []string{"a\x07"}}, records.ErrText},
	}
	for _, c := range cases {
		_, err := e.svc.SaveSafetyPlan(e.ctx, e.patient, p, 0, c.plan)
		if err == nil || !isErr(err, c.want) || fault.CodeOf(err) != fault.Invalid {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	if n := e.rows(t, "record_safety_plans"); n != 0 {
		t.Fatalf("%d versions stored by refused saves", n)
	}
}
