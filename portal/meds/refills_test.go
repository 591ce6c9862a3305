package meds

import (
	"testing"
)

func TestRefillRequestDecisionAndNotices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.add(sertraline())
	colleague := e.user("clinician")
	e.exec(`INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, e.patient, colleague)

	r, err := e.svc.RequestRefill(e.ctx, pat(e.patient), m.ID)
	if err != nil || r.State != Requested || r.PrescriberID != e.clinician || r.MedicationName != "Sertraline" {
		t.Fatalf("RequestRefill = %+v, %v", r, err)
	}
	if got := e.count(`SELECT count(*) FROM test_notices WHERE user_id = $1 AND refill_id = $2 AND kind = 'requested'`, e.clinician, r.ID); got != 1 {
		t.Fatalf("prescriber told %d times", got)
	}
	_, err = e.svc.RequestRefill(e.ctx, pat(e.patient), m.ID)
	wantErr(t, err, ErrRefillPending)
	_, err = e.svc.RequestRefill(e.ctx, clin(e.clinician), m.ID)
	wantErr(t, err, ErrPatientOnly)

	queue, err := e.svc.PendingRefills(e.ctx, clin(e.clinician), e.clinician)
	if err != nil || len(queue) != 1 || queue[0].ID != r.ID || queue[0].MedicationName != "Sertraline" {
		t.Fatalf("queue = %+v, %v", queue, err)
	}
	if q, err := e.svc.PendingRefills(e.ctx, clin(colleague), colleague); err != nil || len(q) != 0 {
		t.Fatalf("colleague's queue = %+v, %v", q, err)
	}

	// Only the prescriber decides.
	_, err = e.svc.DecideRefill(e.ctx, clin(colleague), r.ID, true, "")
	wantErr(t, err, ErrPrescriberOnly)
	_, err = e.svc.DecideRefill(e.ctx, pat(e.patient), r.ID, true, "")
	wantErr(t, err, ErrPrescriberOnly)

	d, err := e.svc.DecideRefill(e.ctx, clin(e.clinician), r.ID, false, "Let's talk at your visit on Monday.\nCall if you run out.")
	if err != nil || d.State != Declined || d.DecidedBy != e.clinician || d.DecidedAt.IsZero() {
		t.Fatalf("DecideRefill = %+v, %v", d, err)
	}
	if got := e.count(`SELECT count(*) FROM test_notices WHERE user_id = $1 AND refill_id = $2 AND kind = 'decided'`, e.patient, r.ID); got != 1 {
		t.Fatalf("patient told %d times", got)
	}
	_, err = e.svc.DecideRefill(e.ctx, clin(e.clinician), r.ID, true, "")
	wantErr(t, err, ErrRefillAnswered)
	_, err = e.svc.DecideRefill(e.ctx, clin(e.clinician), 999999, true, "")
	wantErr(t, err, ErrNoRefill)

	// The patient sees the answer and asks again; this time it is approved.
	again, err := e.svc.RequestRefill(e.ctx, pat(e.patient), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DecideRefill(e.ctx, clin(e.clinician), again.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.Refills(e.ctx, pat(e.patient), e.patient)
	if err != nil || len(list) != 2 {
		t.Fatalf("Refills = %+v, %v", list, err)
	}
	if list[0].ID != again.ID || list[0].State != Approved || list[0].Note != "" ||
		list[1].State != Declined || list[1].Note != "Let's talk at your visit on Monday.\nCall if you run out." {
		t.Fatalf("Refills = %+v", list)
	}
	if q, _ := e.svc.PendingRefills(e.ctx, clin(e.clinician), e.clinician); len(q) != 0 {
		t.Fatalf("queue after decisions = %+v", q)
	}

	// A note that is too long is refused and nothing changes.
	third, _ := e.svc.RequestRefill(e.ctx, pat(e.patient), m.ID)
	_, err = e.svc.DecideRefill(e.ctx, clin(e.clinician), third.ID, true, string(make([]rune, 1001)))
	wantErr(t, err, ErrNote)
	if got := e.count(`SELECT count(*) FROM med_refills WHERE id = $1 AND state = 'requested'`, third.ID); got != 1 {
		t.Fatal("refused decision changed the request")
	}
	// A stopped medication cannot be refilled.
	in := sertraline()
	in.Stop = "2026-03-10"
	stopped, err := e.svc.Add(e.ctx, clin(e.clinician), e.patient, in)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.RequestRefill(e.ctx, pat(e.patient), stopped.ID)
	wantErr(t, err, ErrStopped)
}
