package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"haven/portal/meds"
)

// sertraline is a medication as a clinician records it, started a week
// before now in New York, with a morning dose.
func sertraline(now time.Time) medicationRequest {
	return medicationRequest{Name: "Sertraline", Dose: "50 mg", Instructions: "Once a day with breakfast",
		DailyTimes: []string{"08:00"}, Zone: clinicZone, Start: now.In(mustZoneOf(clinicZone)).AddDate(0, 0, -7).Format(time.DateOnly)}
}

func mustZoneOf(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// TestMedicationJourneyOverHTTP: the clinician records a medication, the
// patient turns reminders on, records a dose and asks for a refill, the
// prescriber approves it with a note, and the patient sees the answer.
func TestMedicationJourneyOverHTTP(t *testing.T) {
	t.Parallel()
	c := newCareHarness(t)
	cl := newClinic(t, c.harness)
	pat := strconv.FormatInt(cl.patient.ID, 10)

	var med medicationJSON
	cl.ic.do("POST", "/api/patients/"+pat+"/medications", sertraline(c.vclock.Now())).want(t, 201).decode(t, &med)
	if med.ID == 0 || med.Name != "Sertraline" || med.PrescriberID != cl.inside.ID || med.PrescriberName != "Dr Inside" || med.RemindersOn {
		t.Fatalf("added %+v", med)
	}
	// Only the care team's clinicians change the list.
	if e := cl.pc.do("POST", "/api/patients/"+pat+"/medications", sertraline(c.vclock.Now())).want(t, 403).errorOf(t); e.Message != meds.ErrCareTeamOnly.Message {
		t.Fatalf("patient adding: %+v", e)
	}
	var list struct {
		Medications []medicationJSON `json:"medications"`
	}
	cl.pc.do("GET", "/api/patients/"+pat+"/medications", nil).want(t, 200).decode(t, &list)
	if len(list.Medications) != 1 || list.Medications[0].Dose != "50 mg" || list.Medications[0].DailyTimes[0] != "08:00" {
		t.Fatalf("list %+v", list.Medications)
	}
	id := strconv.FormatInt(med.ID, 10)

	// Reminders on, in the patient's device's zone.
	cl.pc.do("PUT", "/api/medications/"+id+"/reminders", remindersRequest{On: true, Zone: "Europe/Berlin"}).want(t, 200)
	cl.pc.do("GET", "/api/patients/"+pat+"/medications", nil).want(t, 200).decode(t, &list)
	if !list.Medications[0].RemindersOn || list.Medications[0].Zone != "Europe/Berlin" {
		t.Fatalf("after reminders on: %+v", list.Medications[0])
	}
	if e := cl.ic.do("PUT", "/api/medications/"+id+"/reminders", remindersRequest{On: false}).want(t, 403).errorOf(t); e.Message != meds.ErrPatientOnly.Message {
		t.Fatalf("clinician setting reminders: %+v", e)
	}

	// Yesterday's dose, taken; adherence counts it.
	yesterday := c.vclock.Now().In(mustZoneOf("Europe/Berlin")).AddDate(0, 0, -1).Format(time.DateOnly)
	cl.pc.do("POST", "/api/medications/"+id+"/doses", doseRequest{Day: yesterday, Time: "08:00", Status: "taken"}).want(t, 204)
	if e := cl.pc.do("POST", "/api/medications/"+id+"/doses", doseRequest{Day: yesterday, Time: "09:00", Status: "taken"}).want(t, 400).errorOf(t); e.Message != meds.ErrDoseTime.Message {
		t.Fatalf("dose at another time: %+v", e)
	}
	var adh struct {
		Days        int                `json:"days"`
		Taken       int                `json:"taken"`
		Expected    int                `json:"expected"`
		Medications []medAdherenceJSON `json:"medications"`
	}
	cl.ic.do("GET", "/api/patients/"+pat+"/adherence?days=7", nil).want(t, 200).decode(t, &adh)
	if adh.Days != 7 || adh.Taken != 1 || adh.Expected < 6 || len(adh.Medications) != 1 || adh.Medications[0].Name != "Sertraline" {
		t.Fatalf("adherence %+v", adh)
	}
	if e := cl.ic.do("GET", "/api/patients/"+pat+"/adherence?days=400", nil).want(t, 400).errorOf(t); e.Message != meds.ErrDays.Message {
		t.Fatalf("400 days: %+v", e)
	}

	// A refill: requested by the patient, approved by the prescriber.
	var ref refillJSON
	cl.pc.do("POST", "/api/medications/"+id+"/refills", nil).want(t, 201).decode(t, &ref)
	if ref.State != "requested" || ref.MedicationName != "Sertraline" {
		t.Fatalf("requested %+v", ref)
	}
	if e := cl.pc.do("POST", "/api/medications/"+id+"/refills", nil).want(t, 409).errorOf(t); e.Message != meds.ErrRefillPending.Message {
		t.Fatalf("second request: %+v", e)
	}
	var queue struct {
		Refills []refillJSON `json:"refills"`
	}
	cl.ic.do("GET", "/api/refills/pending", nil).want(t, 200).decode(t, &queue)
	if len(queue.Refills) != 1 || queue.Refills[0].ID != ref.ID || queue.Refills[0].PatientName != "Pat Lee" {
		t.Fatalf("queue %+v", queue.Refills)
	}
	cl.oc.do("GET", "/api/refills/pending", nil).want(t, 200).decode(t, &queue)
	if len(queue.Refills) != 0 {
		t.Fatalf("another clinician's queue %+v", queue.Refills)
	}
	cl.pc.do("GET", "/api/refills/pending", nil).want(t, 403)
	rid := strconv.FormatInt(ref.ID, 10)
	if e := cl.ic.do("POST", "/api/refills/"+rid+"/decision", decisionRequest{Decision: "maybe"}).want(t, 400).errorOf(t); !strings.Contains(e.Message, "approve") {
		t.Fatalf("bad decision: %+v", e)
	}
	cl.ic.do("POST", "/api/refills/"+rid+"/decision", decisionRequest{Decision: "approve", Note: "Ready at the pharmacy Friday"}).
		want(t, 200).decode(t, &ref)
	if ref.State != "approved" || ref.Note != "Ready at the pharmacy Friday" || ref.DecidedAt == "" {
		t.Fatalf("decided %+v", ref)
	}
	if e := cl.ic.do("POST", "/api/refills/"+rid+"/decision", decisionRequest{Decision: "decline"}).want(t, 409).errorOf(t); e.Message != meds.ErrRefillAnswered.Message {
		t.Fatalf("second decision: %+v", e)
	}
	var mine struct {
		Refills []refillJSON `json:"refills"`
	}
	cl.pc.do("GET", "/api/patients/"+pat+"/refills", nil).want(t, 200).decode(t, &mine)
	if len(mine.Refills) != 1 || mine.Refills[0].State != "approved" || mine.Refills[0].Note != "Ready at the pharmacy Friday" {
		t.Fatalf("patient's refills %+v", mine.Refills)
	}
	if len(c.notices.requested) != 1 || len(c.notices.decided) != 1 {
		t.Fatalf("notices: %d requested, %d decided; want 1 each", len(c.notices.requested), len(c.notices.decided))
	}

	// Update, then remove.
	upd := sertraline(c.vclock.Now())
	upd.Dose = "100 mg"
	cl.ic.do("PUT", "/api/medications/"+id, upd).want(t, 200).decode(t, &med)
	if med.Dose != "100 mg" || med.PrescriberID != cl.inside.ID {
		t.Fatalf("updated %+v", med)
	}
	cl.ic.do("DELETE", "/api/medications/"+id, nil).want(t, 204)
	cl.pc.do("GET", "/api/patients/"+pat+"/medications", nil).want(t, 200).decode(t, &list)
	if len(list.Medications) != 0 {
		t.Fatalf("after removing: %+v", list.Medications)
	}
}
