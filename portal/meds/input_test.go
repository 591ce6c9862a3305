package meds

import (
	"fmt"
	"strings"
	"testing"

	"haven/portal/fault"
)

func TestBadInputIsRefusedAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	stranger := e.user("clinician")
	with := func(f func(*MedicationInput)) MedicationInput {
		in := sertraline()
		f(&in)
		return in
	}
	many := make([]string, 25)
	for i := range many {
		many[i] = fmt.Sprintf("%02d:%02d", i/2, i%2*30) // 25 distinct valid times
	}
	tests := []struct {
		name string
		in   MedicationInput
		want *fault.Error
	}{
		{"empty name", with(func(in *MedicationInput) { in.Name = "   " }), ErrName},
		{"oversized name", with(func(in *MedicationInput) { in.Name = strings.Repeat("x", 201) }), ErrName},
		{"huge name", with(func(in *MedicationInput) { in.Name = strings.Repeat("x", 1<<20) }), ErrName},
		{"control character in name", with(func(in *MedicationInput) { in.Name = "Sertra\x00line" }), ErrName},
		{"newline in name", with(func(in *MedicationInput) { in.Name = "Sertra\nline" }), ErrName},
		{"invalid UTF-8", with(func(in *MedicationInput) { in.Name = "Sert\xffraline" }), ErrName},
		{"empty dose", with(func(in *MedicationInput) { in.Dose = "" }), ErrDose},
		{"oversized dose", with(func(in *MedicationInput) { in.Dose = strings.Repeat("5", 101) }), ErrDose},
		{"oversized instructions", with(func(in *MedicationInput) { in.Instructions = strings.Repeat("a", 1001) }), ErrInstructions},
		{"escape in instructions", with(func(in *MedicationInput) { in.Instructions = "take \x1b[31m" }), ErrInstructions},
		{"bad time", with(func(in *MedicationInput) { in.DailyTimes = []string{"24:00"} }), ErrTimes},
		{"time with SQL", with(func(in *MedicationInput) { in.DailyTimes = []string{"08:00'); DROP TABLE med_doses;--"} }), ErrTimes},
		{"too many times", with(func(in *MedicationInput) { in.DailyTimes = many }), ErrTimes},
		{"unknown zone", with(func(in *MedicationInput) { in.Zone = "Middle/Earth" }), ErrZone},
		{"zone with SQL", with(func(in *MedicationInput) { in.Zone = "UTC' OR '1'='1" }), ErrZone},
		{"empty zone", with(func(in *MedicationInput) { in.Zone = "" }), ErrZone},
		{"bad start", with(func(in *MedicationInput) { in.Start = "2026-02-30" }), ErrDate},
		{"start with SQL", with(func(in *MedicationInput) { in.Start = "2026-03-02'::date); --" }), ErrDate},
		{"bad stop", with(func(in *MedicationInput) { in.Stop = "soon" }), ErrDate},
		{"stop before start", with(func(in *MedicationInput) { in.Stop = "2026-03-01" }), ErrStopBeforeStart},
		{"prescriber off the team", with(func(in *MedicationInput) { in.PrescriberID = stranger }), ErrPrescriber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Add(e.ctx, clin(e.clinician), e.patient, tt.in)
			wantErr(t, err, tt.want)
		})
	}
	if got := e.count(`SELECT count(*) FROM med_medications`); got != 0 {
		t.Fatalf("%d medications stored from bad input", got)
	}
	// A bad update leaves the entry as it was.
	m := e.add(sertraline())
	_, err := e.svc.Update(e.ctx, clin(e.clinician), m.ID, with(func(in *MedicationInput) { in.Dose = ""; in.Name = "Other" }))
	wantErr(t, err, ErrDose)
	if got, _ := e.svc.Get(e.ctx, pat(e.patient), m.ID); got.Name != "Sertraline" || got.Dose != "50 mg" {
		t.Fatalf("after a refused update: %+v", got)
	}
	// SQL metacharacters in free text are data: stored sealed, returned as is.
	odd := with(func(in *MedicationInput) {
		in.Name = `Robert'); DROP TABLE med_medications; --`
		in.Instructions = "1/2 tablet \"as needed\"; max 2/day -- \\ % _\nsecond line"
	})
	m2 := e.add(odd)
	got, err := e.svc.Get(e.ctx, pat(e.patient), m2.ID)
	if err != nil || got.Name != odd.Name || got.Instructions != odd.Instructions {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

func FuzzMedicationInput(f *testing.F) {
	f.Add("Sertraline", "50 mg", "with food", "08:00", ny, "2026-03-02", "")
	f.Add("", "\x00", "a\nb", "25:00", "Local", "2026-02-30", "2026-01-01")
	f.Fuzz(func(t *testing.T, name, dose, instr, at, zone, start, stop string) {
		in, err := MedicationInput{Name: name, Dose: dose, Instructions: instr, DailyTimes: []string{at}, Zone: zone, Start: start, Stop: stop}.clean()
		if err != nil {
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("bad input gave %v, want invalid", err)
			}
			return
		}
		if in.Name == "" || len([]rune(in.Name)) > 200 || in.Dose == "" || len(in.DailyTimes) != 1 || !validClock(in.DailyTimes[0]) {
			t.Fatalf("accepted %+v", in)
		}
		if _, err := loadZone(in.Zone); err != nil {
			t.Fatalf("accepted zone %q", in.Zone)
		}
	})
}
