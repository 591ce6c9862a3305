package visits

import (
	"strings"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestBadAvailabilityIsRefusedAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.user("clinician")
	week := func(start, end string) []WeeklyHours {
		return []WeeklyHours{{Weekday: time.Monday, Start: start, End: end}}
	}
	many := make([]WeeklyHours, maxWeekly+1)
	for i := range many {
		many[i] = WeeklyHours{Weekday: time.Monday, Start: "09:00", End: "10:00"}
	}
	tests := []struct {
		name string
		av   Availability
		want *fault.Error
	}{
		{"empty zone", Availability{Zone: "", Weekly: week("09:00", "12:00")}, ErrZone},
		{"unknown zone", Availability{Zone: "Atlantis/Capital", Weekly: week("09:00", "12:00")}, ErrZone},
		{"zone with SQL", Availability{Zone: "America/New_York'; DROP TABLE visit_rules;--", Weekly: week("09:00", "12:00")}, ErrZone},
		{"oversized zone", Availability{Zone: strings.Repeat("A", 10_000), Weekly: week("09:00", "12:00")}, ErrZone},
		{"end before start", Availability{Zone: ny, Weekly: week("12:00", "09:00")}, ErrEndBeforeStart},
		{"empty range", Availability{Zone: ny, Weekly: week("09:00", "09:00")}, ErrEndBeforeStart},
		{"bad clock", Availability{Zone: ny, Weekly: week("9am", "12:00")}, ErrClock},
		{"clock with SQL", Availability{Zone: ny, Weekly: week("09:00'::time); --", "12:00")}, ErrClock},
		{"empty clock", Availability{Zone: ny, Weekly: week("", "12:00")}, ErrClock},
		{"weekday", Availability{Zone: ny, Weekly: []WeeklyHours{{Weekday: 7, Start: "09:00", End: "10:00"}}}, ErrWeekday},
		{"too many", Availability{Zone: ny, Weekly: many}, ErrTooManyRules},
		{"bad date", Availability{Zone: ny, Exceptions: []Exception{{Date: "2026-02-30", Kind: Off}}}, ErrDate},
		{"date with SQL", Availability{Zone: ny, Exceptions: []Exception{{Date: "2026-03-08' OR 1=1", Kind: Off}}}, ErrDate},
		{"bad kind", Availability{Zone: ny, Exceptions: []Exception{{Date: "2026-03-08", Kind: "holiday", Start: "09:00", End: "10:00"}}}, ErrExceptionKind},
		{"extra without hours", Availability{Zone: ny, Exceptions: []Exception{{Date: "2026-03-08", Kind: Extra}}}, ErrClock},
		{"exception end before start", Availability{Zone: ny, Exceptions: []Exception{{Date: "2026-03-08", Kind: Off, Start: "11:00", End: "10:00"}}}, ErrEndBeforeStart},
		// a valid rule followed by a bad one: nothing of it is stored
		{"half good", Availability{Zone: ny, Weekly: append(week("09:00", "10:00"), WeeklyHours{Weekday: time.Tuesday, Start: "10:00", End: "24:00"})}, ErrClock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.svc.SetAvailability(e.ctx, clin(c), c, tt.av)
			wantErr(t, err, tt.want)
		})
	}
	if n := e.count(`SELECT count(*) FROM visit_settings WHERE clinician_id = $1`, c) +
		e.count(`SELECT count(*) FROM visit_rules WHERE clinician_id = $1`, c) +
		e.count(`SELECT count(*) FROM visit_exceptions WHERE clinician_id = $1`, c); n != 0 {
		t.Fatalf("%d rows stored from bad input", n)
	}
	// Someone else's availability is not theirs to set.
	err := e.svc.SetAvailability(e.ctx, clin(c), e.clinician, Availability{Zone: ny})
	if fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("setting another clinician's hours: %v", err)
	}
	// A replacement that fails keeps the previous availability whole.
	before, err := e.svc.Availability(e.ctx, clin(e.clinician), e.clinician)
	if err != nil || len(before.Weekly) != 5 {
		t.Fatalf("availability = %+v, %v", before, err)
	}
	wantErr(t, e.svc.SetAvailability(e.ctx, clin(e.clinician), e.clinician, Availability{Zone: "Nowhere/Land"}), ErrZone)
	after, _ := e.svc.Availability(e.ctx, clin(e.clinician), e.clinician)
	if len(after.Weekly) != 5 || after.Zone != ny {
		t.Fatalf("availability after a failed replacement = %+v", after)
	}
}

func TestBadVisitTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name string
		vt   VisitType
		want *fault.Error
	}{
		{"empty name", VisitType{Name: "  ", Minutes: 50, Modality: Video}, ErrTypeName},
		{"oversized name", VisitType{Name: strings.Repeat("x", 101), Minutes: 50, Modality: Video}, ErrTypeName},
		{"control characters", VisitType{Name: "Therapy\x00", Minutes: 50, Modality: Video}, ErrTypeName},
		{"invalid UTF-8", VisitType{Name: "Th\xffrapy", Minutes: 50, Modality: Video}, ErrTypeName},
		{"too short", VisitType{Name: "Quick", Minutes: 4, Modality: Video}, ErrTypeMinutes},
		{"too long", VisitType{Name: "Marathon", Minutes: 481, Modality: Video}, ErrTypeMinutes},
		{"modality", VisitType{Name: "Phone", Minutes: 30, Modality: "phone"}, ErrModality},
	}
	before := e.count(`SELECT count(*) FROM visit_types`)
	for _, tt := range tests {
		tt.vt.ClinicianID = e.clinician
		_, err := e.svc.AddVisitType(e.ctx, clin(e.clinician), tt.vt)
		if !errorsIs(err, tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want.Message)
		}
	}
	if got := e.count(`SELECT count(*) FROM visit_types`); got != before {
		t.Fatalf("%d visit types stored from bad input", got-before)
	}
	// SQL metacharacters in free text are data, stored and returned as is.
	name := `Robert'); DROP TABLE visit_types; --`
	vt, err := e.svc.AddVisitType(e.ctx, clin(e.clinician), VisitType{ClinicianID: e.clinician, Name: name, Minutes: 30, Modality: InPerson})
	if err != nil {
		t.Fatal(err)
	}
	types, err := e.svc.VisitTypes(e.ctx, pat(e.patient(e.clinician)), e.clinician)
	if err != nil || len(types) != 3 {
		t.Fatalf("VisitTypes = %v, %v", types, err)
	}
	found := false
	for _, got := range types {
		found = found || got.ID == vt.ID && got.Name == name
	}
	if !found {
		t.Fatalf("name with SQL metacharacters did not round-trip: %+v", types)
	}
}

func TestBadBookingInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.patient(e.clinician)
	_, err := e.svc.OpenSlots(e.ctx, pat(p), e.clinician, at(2026, 3, 10, 0, 0), at(2026, 3, 9, 0, 0), e.therapy.ID)
	wantErr(t, err, ErrRange)
	_, err = e.svc.OpenSlots(e.ctx, pat(p), e.clinician, t0, t0.AddDate(0, 3, 0), e.therapy.ID)
	wantErr(t, err, ErrRange)
	_, err = e.svc.OpenSlots(e.ctx, pat(p), e.clinician, t0, t0.AddDate(0, 0, 7), 999999)
	wantErr(t, err, ErrNoVisitType)
	_, err = e.svc.Book(e.ctx, pat(p), BookRequest{PatientID: p, ClinicianID: e.clinician, VisitTypeID: 999999, Start: at(2026, 3, 9, 9, 0)})
	wantErr(t, err, ErrNoVisitType)
	_, err = e.svc.Appointments(e.ctx, pat(p), p, t0, t0.Add(-time.Hour))
	wantErr(t, err, ErrRange)
	_, _, err = e.svc.DayView(e.ctx, clin(e.clinician), e.clinician, "2026-03-09'; --")
	wantErr(t, err, ErrDate)
	wantErr(t, e.svc.Cancel(e.ctx, pat(p), 999999), ErrNoAppointment)
	// A clinician not on the patient's team cannot be booked, even by the patient.
	stranger := e.user("clinician")
	e.setHours(stranger, "09:00", "12:00")
	vt := e.visitType(stranger, "Therapy", 50, Video)
	_, err = e.svc.Book(e.ctx, pat(p), BookRequest{PatientID: p, ClinicianID: stranger, VisitTypeID: vt.ID, Start: at(2026, 3, 9, 9, 0)})
	wantErr(t, err, ErrNotOnTeam)
	_, err = e.svc.OpenSlots(e.ctx, pat(p), stranger, t0, t0.AddDate(0, 0, 7), vt.ID)
	wantErr(t, err, ErrNotOnTeam)
	if got := e.count(`SELECT count(*) FROM visit_appointments`); got != 0 {
		t.Fatalf("%d appointments stored from bad input", got)
	}
}

func errorsIs(err error, target *fault.Error) bool {
	return err != nil && fault.CodeOf(err) == target.Code && fault.MessageOf(err) == target.Message
}
