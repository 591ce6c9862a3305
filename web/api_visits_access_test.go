package web

import (
	"strconv"
	"testing"
	"time"
)

// careFixture is one patient's scheduling and medication data: a booked
// visit, a waitlist entry with an offer, a medication and a refill request.
type careFixture struct {
	c                               *careHarness
	cl                              clinic
	vt                              visitTypeJSON
	appt, offer, entry, med, refill int64
	patientPath                     string
	slot                            string // an open slot's start
	doseDay                         string // yesterday in the medication's zone
}

func newCareFixture(t *testing.T) careFixture {
	t.Helper()
	c := newCareHarness(t)
	f := careFixture{c: c, cl: newClinic(t, c.harness)}
	cl := f.cl
	f.vt = c.publish(t, cl.ic, cl.inside.ID)
	f.patientPath = "/api/patients/" + strconv.FormatInt(cl.patient.ID, 10)
	slots := c.slots(t, cl.pc, cl.inside.ID, f.vt.ID, 7)
	f.appt = c.book(t, cl.pc, cl.patient.ID, cl.inside.ID, f.vt.ID, slots[0].Start).ID
	f.slot = slots[len(slots)-1].Start

	// Another patient's visit, cancelled, is offered to this patient.
	other, oc := c.addPatient(t, "sam@example.org", "Sam Rowe", cl.inside.ID)
	freed := c.book(t, oc, other.ID, cl.inside.ID, f.vt.ID, slots[1].Start)
	var entry waitlistJSON
	cl.pc.do("POST", f.patientPath+"/waitlist", waitlistRequest{ClinicianID: cl.inside.ID, VisitTypeID: f.vt.ID,
		Before: c.vclock.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)}).want(t, 201).decode(t, &entry)
	f.entry = entry.ID
	oc.do("POST", "/api/appointments/"+strconv.FormatInt(freed.ID, 10)+"/cancel", nil).want(t, 204)
	if f.offer = c.notices.lastOffer(); f.offer == 0 {
		t.Fatal("no offer was made")
	}

	var med medicationJSON
	cl.ic.do("POST", f.patientPath+"/medications", sertraline(c.vclock.Now())).want(t, 201).decode(t, &med)
	f.med = med.ID
	var ref refillJSON
	cl.pc.do("POST", "/api/medications/"+strconv.FormatInt(f.med, 10)+"/refills", nil).want(t, 201).decode(t, &ref)
	f.refill = ref.ID
	f.doseDay = c.vclock.Now().In(mustZoneOf(clinicZone)).AddDate(0, 0, -1).Format(time.DateOnly)
	return f
}

// route is one request on a patient's data.
type route struct {
	method, path string
	body         any
	read         string // the audit action of a permitted read, "" for writes
}

// patientRoutes lists every route of this feature that reads or writes
// one patient's data, with valid input.
func (f careFixture) patientRoutes() []route {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	appt, med := "/api/appointments/"+id(f.appt), "/api/medications/"+id(f.med)
	return []route{
		{"GET", f.patientPath + "/appointments", nil, "visits.list"},
		{"POST", f.patientPath + "/appointments", bookRequest{ClinicianID: f.cl.inside.ID, VisitTypeID: f.vt.ID, Start: f.slot}, ""},
		{"GET", appt, nil, "visits.read"},
		{"POST", appt + "/cancel", nil, ""},
		{"POST", appt + "/reschedule", rescheduleRequest{Start: f.slot}, ""},
		{"GET", appt + "/room", nil, ""},
		{"GET", f.patientPath + "/waitlist", nil, "visits.waitlist_read"},
		{"POST", f.patientPath + "/waitlist", waitlistRequest{ClinicianID: f.cl.inside.ID, VisitTypeID: f.vt.ID, Before: f.slot}, ""},
		{"DELETE", "/api/waitlist/" + id(f.entry), nil, ""},
		{"POST", "/api/offers/" + id(f.offer) + "/accept", nil, ""},
		{"POST", "/api/offers/" + id(f.offer) + "/decline", nil, ""},
		{"GET", f.patientPath + "/medications", nil, "meds.read"},
		{"POST", f.patientPath + "/medications", sertraline(f.c.vclock.Now()), ""},
		{"PUT", med, sertraline(f.c.vclock.Now()), ""},
		{"DELETE", med, nil, ""},
		{"PUT", med + "/reminders", remindersRequest{On: true, Zone: clinicZone}, ""},
		{"POST", med + "/refills", nil, ""},
		{"POST", med + "/doses", doseRequest{Day: f.doseDay, Time: "08:00", Status: "taken"}, ""},
		{"GET", f.patientPath + "/refills", nil, "meds.refill_read"},
		{"GET", f.patientPath + "/adherence", nil, "meds.adherence_read"},
		{"POST", "/api/refills/" + id(f.refill) + "/decision", decisionRequest{Decision: "approve"}, ""},
	}
}

// TestCareRoutesOnOneClinic runs the checks that share one clinic's
// data, in order: those that change nothing first, SQL metacharacters
// (which may book, add and decline) last.
func TestCareRoutesOnOneClinic(t *testing.T) {
	t.Parallel()
	f := newCareFixture(t)
	t.Run("query parameters are checked", func(t *testing.T) { careQueryParametersAreChecked(t, f) })
	t.Run("clinicians off the care team are refused", func(t *testing.T) { patientRoutesRefuseCliniciansOffTheCareTeam(t, f) })
	t.Run("every read is audited", func(t *testing.T) { everyReadIsAudited(t, f) })
	t.Run("bad input gets a clear error", func(t *testing.T) { careRoutesGiveClearErrorsForBadInput(t, f) })
	t.Run("SQL metacharacters never cause 500", func(t *testing.T) { careRoutesSurviveSQLMetacharacters(t, f) })
}

// patientRoutesRefuseCliniciansOffTheCareTeam: every route on a patient's
// visits and medications refuses a clinician outside the care team with
// 403, and the refusal is in the audit log as access.denied.
func patientRoutesRefuseCliniciansOffTheCareTeam(t *testing.T, f careFixture) {
	for _, r := range f.patientRoutes() {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			before := f.c.auditCount(t, f.cl.outside.ID, "access.denied", f.cl.patient.ID)
			e := f.cl.oc.do(r.method, r.path, r.body).want(t, 403).errorOf(t)
			if e.Code != "forbidden" {
				t.Fatalf("error %+v, want forbidden", e)
			}
			if after := f.c.auditCount(t, f.cl.outside.ID, "access.denied", f.cl.patient.ID); after != before+1 {
				t.Fatalf("%d access.denied rows after the refusal, want %d", after, before+1)
			}
		})
	}
	// Nothing was changed by the refusals.
	var list struct {
		Appointments []appointmentJSON `json:"appointments"`
	}
	f.cl.pc.do("GET", f.patientPath+"/appointments", nil).want(t, 200).decode(t, &list)
	if len(list.Appointments) != 2 {
		t.Fatalf("appointments after the refusals: %+v, want the visit and the offer", list.Appointments)
	}
}

// everyReadIsAudited: each read of a patient's visits or medications by
// their clinician writes one audit row naming the clinician and what was
// read; the clinician's day and refill queue are audited too.
func everyReadIsAudited(t *testing.T, f careFixture) {
	doc := f.cl.inside.ID
	for _, r := range f.patientRoutes() {
		if r.read == "" {
			continue
		}
		before := f.c.auditCount(t, doc, r.read, f.cl.patient.ID)
		f.cl.ic.do(r.method, r.path, nil).want(t, 200)
		if after := f.c.auditCount(t, doc, r.read, f.cl.patient.ID); after != before+1 {
			t.Fatalf("%s %s: %d %s rows, want %d", r.method, r.path, after, r.read, before+1)
		}
	}
	day := f.c.vclock.Now().In(mustZoneOf(clinicZone)).Format(time.DateOnly)
	for _, r := range []route{
		{"GET", "/api/clinicians/" + strconv.FormatInt(doc, 10) + "/day?date=" + day, nil, "visits.day"},
		{"GET", "/api/refills/pending", nil, "meds.refill_queue"},
	} {
		before := f.c.auditCount(t, doc, r.read, 0)
		f.cl.ic.do(r.method, r.path, nil).want(t, 200)
		if after := f.c.auditCount(t, doc, r.read, 0); after != before+1 {
			t.Fatalf("%s %s: %d %s rows, want %d", r.method, r.path, after, r.read, before+1)
		}
	}
}
