package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/visits"
)

func TestVisitsAndMedsRoutesWithoutTheirServicesAre503(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RoleClinician, "doc@clinic.example", "Dr Doc")
	c := h.client()
	c.staff("doc@clinic.example")
	for _, tc := range []struct {
		method, path string
		body         any
		says         string
	}{
		{"GET", "/api/clinicians/1/availability", nil, "Appointments are not available"},
		{"POST", "/api/patients/1/appointments", bookRequest{ClinicianID: 1, VisitTypeID: 1, Start: "2030-01-01T10:00:00Z"}, "Appointments are not available"},
		{"GET", "/api/patients/1/medications", nil, "Medications are not available"},
		{"GET", "/api/refills/pending", nil, "Medications are not available"},
	} {
		e := c.do(tc.method, tc.path, tc.body).want(t, 503).errorOf(t)
		if e.Code != "unavailable" || !strings.Contains(e.Message, tc.says) {
			t.Fatalf("%s %s: %+v, want unavailable saying %q", tc.method, tc.path, e, tc.says)
		}
	}
	h.client().do("GET", "/api/patients/1/appointments", nil).want(t, 401)
}

// TestBookingJourneyOverHTTP walks the scheduling API as a patient and
// their clinician use it.
func TestBookingJourneyOverHTTP(t *testing.T) {
	t.Parallel()
	c := newCareHarness(t)
	cl := newClinic(t, c.harness)
	doc := strconv.FormatInt(cl.inside.ID, 10)
	pat := strconv.FormatInt(cl.patient.ID, 10)

	// The clinician publishes hours and a visit type; anyone signed in
	// reads them back as stored.
	vt := c.publish(t, cl.ic, cl.inside.ID)
	var av availabilityJSON
	cl.pc.do("GET", "/api/clinicians/"+doc+"/availability", nil).want(t, 200).decode(t, &av)
	if av.Zone != clinicZone || len(av.Weekly) != 7 || av.Weekly[0].Start != "08:00" || av.Weekly[0].End != "18:00" {
		t.Fatalf("availability %+v", av)
	}
	if e := cl.oc.do("PUT", "/api/clinicians/"+doc+"/availability", allWeek()).want(t, 403).errorOf(t); e.Code != "forbidden" {
		t.Fatalf("another clinician set the hours: %+v", e)
	}
	var types struct {
		VisitTypes []visitTypeJSON `json:"visit_types"`
	}
	cl.pc.do("GET", "/api/clinicians/"+doc+"/visit-types", nil).want(t, 200).decode(t, &types)
	if len(types.VisitTypes) != 1 || types.VisitTypes[0] != vt || vt.Modality != "video" || vt.Minutes != 50 {
		t.Fatalf("visit types %+v, want %+v", types.VisitTypes, vt)
	}

	// The patient books the first open slot; times come as RFC 3339 in the
	// clinician's zone, with the zone.
	slots := c.slots(t, cl.pc, cl.inside.ID, vt.ID, 7)
	first, err := time.Parse(time.RFC3339, slots[0].Start)
	if err != nil || slots[0].Zone != clinicZone || !strings.HasSuffix(slots[0].Start, first.In(mustZone(t, clinicZone)).Format("-07:00")) {
		t.Fatalf("slot %+v (%v), want RFC 3339 in %s", slots[0], err, clinicZone)
	}
	near := c.slotsFrom(t, cl.pc, cl.inside.ID, vt.ID, c.vclock.Now(), 2)
	if st, _ := time.Parse(time.RFC3339, near[0].Start); st.Before(c.vclock.Now().Add(visits.DefaultBookNotice)) {
		t.Fatalf("slot %s is inside the booking notice", near[0].Start)
	}
	a := c.book(t, cl.pc, cl.patient.ID, cl.inside.ID, vt.ID, slots[0].Start)
	if a.Status != "booked" || a.ClinicianName != "Dr Inside" || a.VisitType != "Therapy session" || a.Zone != clinicZone ||
		a.Start != slots[0].Start || a.WaitingRoomOpensAt == "" || a.PatientName != "" {
		t.Fatalf("appointment %+v", a)
	}
	var list struct {
		Appointments []appointmentJSON `json:"appointments"`
	}
	cl.pc.do("GET", "/api/patients/"+pat+"/appointments", nil).want(t, 200).decode(t, &list)
	if len(list.Appointments) != 1 || list.Appointments[0] != a {
		t.Fatalf("appointments %+v, want [%+v]", list.Appointments, a)
	}
	// The slot is gone from the open times.
	if again := c.slots(t, cl.pc, cl.inside.ID, vt.ID, 7); again[0].Start == slots[0].Start {
		t.Fatal("the booked slot is still offered")
	}

	// The clinician's day shows it with the patient's name.
	day := first.In(mustZone(t, clinicZone)).Format(time.DateOnly)
	var dv struct {
		Date         string            `json:"date"`
		Zone         string            `json:"zone"`
		Appointments []appointmentJSON `json:"appointments"`
	}
	cl.ic.do("GET", "/api/clinicians/"+doc+"/day?date="+day, nil).want(t, 200).decode(t, &dv)
	if dv.Zone != clinicZone || len(dv.Appointments) != 1 || dv.Appointments[0].PatientName != "Pat Lee" {
		t.Fatalf("day view %+v", dv)
	}
	cl.oc.do("GET", "/api/clinicians/"+doc+"/day?date="+day, nil).want(t, 403)

	// The waiting room is not open yet, and says when it opens.
	room := cl.pc.do("GET", "/api/appointments/"+strconv.FormatInt(a.ID, 10)+"/room", nil).want(t, 409).errorOf(t)
	if room.Message != visits.ErrRoomNotOpen.Message {
		t.Fatalf("room: %+v", room)
	}

	// Reschedule to the next free slot keeps the id.
	var moved appointmentJSON
	next := c.slots(t, cl.pc, cl.inside.ID, vt.ID, 7)[0].Start
	cl.pc.do("POST", "/api/appointments/"+strconv.FormatInt(a.ID, 10)+"/reschedule", rescheduleRequest{Start: next}).
		want(t, 200).decode(t, &moved)
	if moved.ID != a.ID || moved.Start != next {
		t.Fatalf("rescheduled %+v, want id %d at %s", moved, a.ID, next)
	}

	// Cancelling frees it; the list is empty.
	cl.pc.do("POST", "/api/appointments/"+strconv.FormatInt(a.ID, 10)+"/cancel", nil).want(t, 204)
	cl.pc.do("GET", "/api/patients/"+pat+"/appointments", nil).want(t, 200).decode(t, &list)
	if len(list.Appointments) != 0 {
		t.Fatalf("after cancelling: %+v", list.Appointments)
	}
	e := cl.pc.do("POST", "/api/appointments/"+strconv.FormatInt(a.ID, 10)+"/cancel", nil).want(t, 409).errorOf(t)
	if e.Message != visits.ErrNotBooked.Message {
		t.Fatalf("cancelling twice: %+v", e)
	}

	// Retiring the visit type takes it off the list.
	cl.ic.do("DELETE", "/api/visit-types/"+strconv.FormatInt(vt.ID, 10), nil).want(t, 204)
	cl.pc.do("GET", "/api/clinicians/"+doc+"/visit-types", nil).want(t, 200).decode(t, &types)
	if len(types.VisitTypes) != 0 {
		t.Fatalf("visit types after retiring: %+v", types.VisitTypes)
	}
}

// TestWaitlistOfferIsAcceptedOverHTTP: a cancellation offers the freed
// time to the patient waiting for it, who accepts it.
func TestWaitlistOfferIsAcceptedOverHTTP(t *testing.T) {
	t.Parallel()
	c := newCareHarness(t)
	cl := newClinic(t, c.harness)
	vt := c.publish(t, cl.ic, cl.inside.ID)
	other, oc := c.addPatient(t, "sam@example.org", "Sam Rowe", cl.inside.ID)
	slot := c.slots(t, oc, cl.inside.ID, vt.ID, 7)[0]
	taken := c.book(t, oc, other.ID, cl.inside.ID, vt.ID, slot.Start)

	pat := strconv.FormatInt(cl.patient.ID, 10)
	before := c.vclock.Now().Add(20 * 24 * time.Hour).UTC().Format(time.RFC3339)
	var entry waitlistJSON
	cl.pc.do("POST", "/api/patients/"+pat+"/waitlist", waitlistRequest{ClinicianID: cl.inside.ID, VisitTypeID: vt.ID, Before: before}).
		want(t, 201).decode(t, &entry)
	if entry.State != "waiting" || entry.ClinicianName != "Dr Inside" || entry.VisitType != "Therapy session" {
		t.Fatalf("entry %+v", entry)
	}
	e := cl.pc.do("POST", "/api/patients/"+pat+"/waitlist", waitlistRequest{ClinicianID: cl.inside.ID, VisitTypeID: vt.ID, Before: before}).
		want(t, 409).errorOf(t)
	if e.Message != visits.ErrOnWaitlist.Message {
		t.Fatalf("joining twice: %+v", e)
	}

	oc.do("POST", "/api/appointments/"+strconv.FormatInt(taken.ID, 10)+"/cancel", nil).want(t, 204)
	offer := c.notices.lastOffer()
	var wl struct {
		Waitlist []waitlistJSON `json:"waitlist"`
	}
	cl.pc.do("GET", "/api/patients/"+pat+"/waitlist", nil).want(t, 200).decode(t, &wl)
	if offer == 0 || len(wl.Waitlist) != 1 || wl.Waitlist[0].OfferID != offer || wl.Waitlist[0].OfferUntil == "" {
		t.Fatalf("offer %d, waitlist %+v", offer, wl.Waitlist)
	}
	var list struct {
		Appointments []appointmentJSON `json:"appointments"`
	}
	cl.pc.do("GET", "/api/patients/"+pat+"/appointments", nil).want(t, 200).decode(t, &list)
	if len(list.Appointments) != 1 || list.Appointments[0].Status != "held" || list.Appointments[0].HoldUntil == "" {
		t.Fatalf("appointments with an offer: %+v", list.Appointments)
	}
	var a appointmentJSON
	cl.pc.do("POST", "/api/offers/"+strconv.FormatInt(offer, 10)+"/accept", nil).want(t, 200).decode(t, &a)
	if a.ID != offer || a.Status != "booked" || a.Start != slot.Start {
		t.Fatalf("accepted %+v, want offer %d booked at %s", a, offer, slot.Start)
	}
	if e := cl.pc.do("POST", "/api/offers/"+strconv.FormatInt(offer, 10)+"/decline", nil).want(t, 409).errorOf(t); e.Message != visits.ErrOfferClosed.Message {
		t.Fatalf("declining an accepted offer: %+v", e)
	}
	cl.pc.do("GET", "/api/patients/"+pat+"/waitlist", nil).want(t, 200).decode(t, &wl)
	if len(wl.Waitlist) != 0 {
		t.Fatalf("waitlist after booking: %+v", wl.Waitlist)
	}
}

// TestPatientChangesInsideTheNoticeWindowAreRefusedClearly: the
// scheduler's message is shown as it is, naming the clinic's phone.
func TestPatientChangesInsideTheNoticeWindowAreRefusedClearly(t *testing.T) {
	t.Parallel()
	c := newCareHarness(t)
	cl := newClinic(t, c.harness)
	vt := c.publish(t, cl.ic, cl.inside.ID)
	var late slotJSON
	for _, s := range c.slots(t, cl.pc, cl.inside.ID, vt.ID, 7) {
		// A slot not first in its day, so that three hours before it
		// another open slot is under two hours away.
		if st, _ := time.Parse(time.RFC3339, s.Start); st.After(c.vclock.Now().Add(30*time.Hour)) && st.Hour() >= 10 {
			late = s
			break
		}
	}
	a := c.book(t, cl.pc, cl.patient.ID, cl.inside.ID, vt.ID, late.Start)
	start, _ := time.Parse(time.RFC3339, a.Start)
	c.vclock.Advance(start.Sub(c.vclock.Now()) - 3*time.Hour) // three hours before the visit

	want := "Visits can be cancelled or moved online until 24 hours before they start. Please call the clinic at " +
		clinicPhone + " or send your care team a message."
	id := strconv.FormatInt(a.ID, 10)
	if e := cl.pc.do("POST", "/api/appointments/"+id+"/cancel", nil).want(t, 400).errorOf(t); e.Message != want || e.Code != "invalid" {
		t.Fatalf("cancel inside the window: %+v, want %q", e, want)
	}
	later := c.slotsFrom(t, cl.ic, cl.inside.ID, vt.ID, c.vclock.Now(), 7)
	if e := cl.pc.do("POST", "/api/appointments/"+id+"/reschedule", rescheduleRequest{Start: later[len(later)-1].Start}).
		want(t, 400).errorOf(t); e.Message != want {
		t.Fatalf("reschedule inside the window: %+v, want %q", e, want)
	}
	// Booking too soon says so too.
	soon := c.slotsFrom(t, cl.ic, cl.inside.ID, vt.ID, c.vclock.Now(), 1)[0]
	e := cl.pc.do("POST", "/api/patients/"+strconv.FormatInt(cl.patient.ID, 10)+"/appointments",
		bookRequest{ClinicianID: cl.inside.ID, VisitTypeID: vt.ID, Start: soon.Start}).want(t, 400).errorOf(t)
	if !strings.Contains(e.Message, "at least 2 hours ahead") || !strings.Contains(e.Message, clinicPhone) {
		t.Fatalf("booking too soon: %+v", e)
	}
	// The clinician, acting on the patient's call, may still cancel.
	cl.ic.do("POST", "/api/appointments/"+id+"/cancel", nil).want(t, 204)
}

// TestConcurrentBookingsOfOneSlotOverHTTP: of patients racing for one
// slot, exactly one books it and every other is told it was just taken.
func TestConcurrentBookingsOfOneSlotOverHTTP(t *testing.T) {
	t.Parallel()
	c := newCareHarness(t)
	cl := newClinic(t, c.harness)
	vt := c.publish(t, cl.ic, cl.inside.ID)
	const racers = 6
	type racer struct {
		id int64
		c  *client
	}
	rs := []racer{{cl.patient.ID, cl.pc}}
	for i := 1; i < racers; i++ {
		p, pc := c.addPatient(t, "racer"+strconv.Itoa(i)+"@example.org", "Racer "+strconv.Itoa(i), cl.inside.ID)
		rs = append(rs, racer{p.ID, pc})
	}
	slot := c.slots(t, cl.pc, cl.inside.ID, vt.ID, 7)[0]

	results := make([]response, racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i, r := range rs {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			results[i] = r.c.do("POST", "/api/patients/"+strconv.FormatInt(r.id, 10)+"/appointments",
				bookRequest{ClinicianID: cl.inside.ID, VisitTypeID: vt.ID, Start: slot.Start})
		}()
	}
	start.Done()
	done.Wait()

	won := 0
	for _, r := range results {
		switch r.status {
		case http.StatusCreated:
			won++
		case http.StatusConflict:
			if e := r.errorOf(t); e.Message != visits.ErrSlotTaken.Message || e.Code != fault.Conflict.String() {
				t.Fatalf("conflict body %+v, want %q", e, visits.ErrSlotTaken.Message)
			}
		default:
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	}
	if won != 1 {
		t.Fatalf("%d bookings won the slot, want exactly 1", won)
	}
	var booked int
	if err := c.pool.QueryRow(t.Context(), `SELECT count(*) FROM visit_appointments WHERE clinician_id = $1 AND status = 'booked'`,
		cl.inside.ID).Scan(&booked); err != nil || booked != 1 {
		t.Fatalf("%d booked rows (%v), want 1", booked, err)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
