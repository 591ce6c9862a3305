package meds

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"haven/portal/seal"
)

func TestListIsKeptByCliniciansAndReadByThePatient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.add(sertraline())
	if !slices.Equal(m.DailyTimes, []string{"08:00", "20:00"}) || m.PrescriberID != e.clinician || m.RemindersOn {
		t.Fatalf("added %+v", m)
	}
	list, err := e.svc.List(e.ctx, pat(e.patient), e.patient)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if got := list[0]; got.Name != "Sertraline" || got.Dose != "50 mg" || got.Instructions != "Take with breakfast and dinner." ||
		got.Start != "2026-03-02" || got.Stop != "" || got.Zone != ny {
		t.Fatalf("patient reads %+v", got)
	}

	// The patient cannot change their own list.
	_, err = e.svc.Add(e.ctx, pat(e.patient), e.patient, sertraline())
	wantErr(t, err, ErrCareTeamOnly)
	_, err = e.svc.Update(e.ctx, pat(e.patient), m.ID, sertraline())
	wantErr(t, err, ErrCareTeamOnly)
	wantErr(t, e.svc.Remove(e.ctx, pat(e.patient), m.ID), ErrCareTeamOnly)

	// Another clinician on the team updates it and names themself prescriber.
	colleague := e.user("clinician")
	e.exec(`INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, e.patient, colleague)
	in := sertraline()
	in.Dose, in.Stop, in.PrescriberID = "100 mg", "2026-06-30", colleague
	if _, err := e.svc.Update(e.ctx, clin(colleague), m.ID, in); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Get(e.ctx, clin(e.clinician), m.ID)
	if err != nil || got.Dose != "100 mg" || got.Stop != "2026-06-30" || got.PrescriberID != colleague {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	// PrescriberID 0 keeps the prescriber.
	in.PrescriberID = 0
	if got, err := e.svc.Update(e.ctx, clin(e.clinician), m.ID, in); err != nil || got.PrescriberID != colleague {
		t.Fatalf("update keeping the prescriber: %+v, %v", got, err)
	}

	if err := e.svc.Remove(e.ctx, clin(e.clinician), m.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := e.svc.List(e.ctx, pat(e.patient), e.patient); err != nil || len(list) != 0 {
		t.Fatalf("after remove: %+v, %v", list, err)
	}
	_, err = e.svc.Get(e.ctx, pat(e.patient), m.ID)
	wantErr(t, err, ErrNoMedication)
	for action, want := range map[string]int{"meds.add": 1, "meds.update": 2, "meds.remove": 1} {
		if got := e.audits(action, e.patient); got != want {
			t.Errorf("%s audit rows = %d, want %d", action, got, want)
		}
	}
}

func TestSealedColumnsHoldNoPlaintext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	in := MedicationInput{Name: "Quetiapine-7f3a", Dose: "25 mg-9c1d", Instructions: "At bedtime-2b8e",
		DailyTimes: []string{"22:00"}, Zone: ny, Start: "2026-03-01"}
	m := e.add(in)
	r, err := e.svc.RequestRefill(e.ctx, pat(e.patient), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DecideRefill(e.ctx, clin(e.clinician), r.ID, false, "Book a visit first-5e0c"); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"Quetiapine", "7f3a", "9c1d", "bedtime", "2b8e", "visit first", "5e0c"}
	for _, table := range []string{"med_medications", "med_refills", "med_doses", "audit_log"} {
		rows, err := e.pool.Query(e.ctx, `SELECT t::text FROM `+table+` t`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var text string
			if err := rows.Scan(&text); err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
					t.Fatalf("%s holds %q in plain: %s", table, s, text)
				}
			}
		}
		rows.Close()
	}
	var name []byte
	e.pool.QueryRow(e.ctx, `SELECT name FROM med_medications WHERE id = $1`, m.ID).Scan(&name)
	if len(name) == 0 || strings.Contains(string(name), "Quetiapine") {
		t.Fatalf("sealed name = %q", name)
	}

	// A sealed name moved to another row (or column) no longer opens.
	other := e.add(sertraline())
	e.exec(`UPDATE med_medications SET name = (SELECT name FROM med_medications WHERE id = $1) WHERE id = $2`, m.ID, other.ID)
	if _, err := e.svc.Get(e.ctx, pat(e.patient), other.ID); !errors.Is(err, seal.ErrTampered) {
		t.Fatal("a ciphertext moved to another row opened")
	}
	e.exec(`UPDATE med_medications SET dose = name WHERE id = $1`, m.ID)
	if _, err := e.svc.Get(e.ctx, pat(e.patient), m.ID); !errors.Is(err, seal.ErrTampered) {
		t.Fatalf("a ciphertext moved to another column: %v", err)
	}
}
