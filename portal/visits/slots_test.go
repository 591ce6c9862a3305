package visits

import (
	"testing"
	"time"

	"haven/portal/account"
)

// localTimes renders slot starts as "Mon 09:00 -0500" in New York.
func localTimes(t *testing.T, slots []Slot) []string {
	t.Helper()
	loc, _ := time.LoadLocation(ny)
	var out []string
	for _, s := range slots {
		if s.Zone != ny {
			t.Fatalf("slot zone %q, want %q", s.Zone, ny)
		}
		out = append(out, s.Start.In(loc).Format("Mon 02 15:04 -0700"))
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOpenSlotsAcrossSpringForward(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Every day of the week 09:00–12:00 in New York, plus extra hours
	// across the gap on the night clocks spring forward (Sun 8 March 2026).
	av := Availability{Zone: ny, Exceptions: []Exception{{Date: "2026-03-08", Kind: Extra, Start: "01:00", End: "04:00"}}}
	for d := time.Sunday; d <= time.Saturday; d++ {
		av.Weekly = append(av.Weekly, WeeklyHours{Weekday: d, Start: "09:00", End: "12:00"})
	}
	if err := e.svc.SetAvailability(e.ctx, clin(e.clinician), e.clinician, av); err != nil {
		t.Fatal(err)
	}
	hour := e.visitType(e.clinician, "Hour", 60, InPerson)

	got, err := e.svc.OpenSlots(e.ctx, clin(e.clinician), e.clinician, at(2026, 3, 7, 0, 0), at(2026, 3, 10, 0, 0), e.therapy.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Sat 07 09:00 -0500", "Sat 07 09:50 -0500", "Sat 07 10:40 -0500",
		// The extra night hours are cut in elapsed time: 01:00–04:00 that
		// night lasts two hours, room for two 50-minute visits.
		"Sun 08 01:00 -0500", "Sun 08 01:50 -0500",
		"Sun 08 09:00 -0400", "Sun 08 09:50 -0400", "Sun 08 10:40 -0400",
		"Mon 09 09:00 -0400", "Mon 09 09:50 -0400", "Mon 09 10:40 -0400",
	}
	if lt := localTimes(t, got); !equalStrings(lt, want) {
		t.Fatalf("slots =\n%v\nwant\n%v", lt, want)
	}
	// The same wall time is one hour earlier in UTC after the change.
	if got[0].Start.UTC().Hour() != 14 || got[len(got)-3].Start.UTC().Hour() != 13 {
		t.Fatalf("UTC hours %d and %d, want 14 then 13", got[0].Start.UTC().Hour(), got[len(got)-3].Start.UTC().Hour())
	}

	night, err := e.svc.OpenSlots(e.ctx, clin(e.clinician), e.clinician, at(2026, 3, 8, 0, 0), at(2026, 3, 8, 8, 0), hour.ID)
	if err != nil {
		t.Fatal(err)
	}
	if lt := localTimes(t, night); !equalStrings(lt, []string{"Sun 08 01:00 -0500", "Sun 08 03:00 -0400"}) {
		t.Fatalf("night slots = %v", lt)
	}
}

func TestOpenSlotsAcrossFallBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clock.Advance(200 * 24 * time.Hour) // 18 September 2026
	av := Availability{Zone: ny, Exceptions: []Exception{{Date: "2026-11-01", Kind: Extra, Start: "01:00", End: "03:00"}}}
	if err := e.svc.SetAvailability(e.ctx, clin(e.clinician), e.clinician, av); err != nil {
		t.Fatal(err)
	}
	hour := e.visitType(e.clinician, "Hour", 60, InPerson)
	got, err := e.svc.OpenSlots(e.ctx, clin(e.clinician), e.clinician, at(2026, 10, 31, 0, 0), at(2026, 11, 2, 0, 0), hour.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 01:00–03:00 that night lasts three hours: 01:00 happens twice.
	want := []string{"Sun 01 01:00 -0400", "Sun 01 01:00 -0500", "Sun 01 02:00 -0500"}
	if lt := localTimes(t, got); !equalStrings(lt, want) {
		t.Fatalf("slots = %v, want %v", lt, want)
	}
}

func TestOpenSlotsMinusExceptionsBookingsAndNotice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	av := Availability{Zone: ny, Exceptions: []Exception{
		{Date: "2026-03-10", Kind: Off},                                 // Tuesday off
		{Date: "2026-03-11", Kind: Off, Start: "09:30", End: "10:30"},   // Wednesday, a meeting
		{Date: "2026-03-14", Kind: Extra, Start: "10:00", End: "11:00"}, // Saturday, extra hour
	}}
	for d := time.Monday; d <= time.Friday; d++ {
		av.Weekly = append(av.Weekly, WeeklyHours{Weekday: d, Start: "09:00", End: "12:00"})
	}
	if err := e.svc.SetAvailability(e.ctx, clin(e.clinician), e.clinician, av); err != nil {
		t.Fatal(err)
	}
	p := e.patient(e.clinician)
	e.book(p, at(2026, 3, 9, 9, 50))

	got, err := e.svc.OpenSlots(e.ctx, pat(p), e.clinician, at(2026, 3, 9, 0, 0), at(2026, 3, 15, 0, 0), e.therapy.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Mon 09 09:00 -0400", "Mon 09 10:40 -0400", // 09:50 is booked
		"Wed 11 10:30 -0400", // 09:00 would overlap the meeting; 10:30–12:00 holds one
		"Thu 12 09:00 -0400", "Thu 12 09:50 -0400", "Thu 12 10:40 -0400",
		"Fri 13 09:00 -0400", "Fri 13 09:50 -0400", "Fri 13 10:40 -0400",
		"Sat 14 10:00 -0400",
	}
	if lt := localTimes(t, got); !equalStrings(lt, want) {
		t.Fatalf("slots =\n%v\nwant\n%v", lt, want)
	}

	// A patient sees nothing inside the booking notice; staff do.
	e.clock.Advance(7*24*time.Hour - 150*time.Minute) // Mon 9 March, 08:30 EDT
	today := func(a account.Actor) []string {
		s, err := e.svc.OpenSlots(e.ctx, a, e.clinician, at(2026, 3, 9, 0, 0), at(2026, 3, 10, 0, 0), e.therapy.ID)
		if err != nil {
			t.Fatal(err)
		}
		return localTimes(t, s)
	}
	if got := today(pat(p)); !equalStrings(got, []string{"Mon 09 10:40 -0400"}) {
		t.Fatalf("patient sees %v inside the 2 h notice", got)
	}
	if got := today(clin(e.clinician)); !equalStrings(got, []string{"Mon 09 09:00 -0400", "Mon 09 10:40 -0400"}) {
		t.Fatalf("clinician sees %v", got)
	}
}
