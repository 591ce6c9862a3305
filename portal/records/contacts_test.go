package records_test

import (
	"bytes"
	"testing"

	"haven/portal/fault"
	"haven/portal/records"
)

func testEmergencyContacts(t *testing.T, e *env) {
	p := e.patient.UserID
	a, err := e.svc.AddEmergencyContact(e.ctx, e.patient, p, records.EmergencyContact{Name: " Ana Ruiz ", Relation: "sister", Phone: "+1 555 010 0199"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.AddEmergencyContact(e.ctx, e.doc, p, records.EmergencyContact{Name: "Tom", Phone: "555-0100"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.EmergencyContacts(e.ctx, e.doc, p)
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[0].Name != "Ana Ruiz" || list[0].Relation != "sister" ||
		list[1].AddedBy != e.doc.UserID || list[1].Phone != "555-0100" {
		t.Fatalf("contacts = %+v, %v", list, err)
	}
	var sealed []byte
	if err := e.pool.QueryRow(e.ctx, `SELECT contact FROM record_emergency_contacts WHERE id = $1`, a.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"Ana", "sister", "0199"} {
		if bytes.Contains(sealed, []byte(plain)) {
			t.Fatalf("sealed contact contains %q", plain)
		}
	}
	if err := e.svc.RemoveEmergencyContact(e.ctx, e.patient, p, b.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.RemoveEmergencyContact(e.ctx, e.patient, p, b.ID), records.ErrNoContact)
	if list, _ := e.svc.EmergencyContacts(e.ctx, e.patient, p); len(list) != 1 {
		t.Fatalf("%d contacts after removal", len(list))
	}
	// At most ten.
	for range records.MaxEmergencyContacts - 1 {
		if _, err := e.svc.AddEmergencyContact(e.ctx, e.patient, p, records.EmergencyContact{Name: "Friend", Phone: "555-0101"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.svc.AddEmergencyContact(e.ctx, e.patient, p, records.EmergencyContact{Name: "One more", Phone: "555-0102"})
	wantErr(t, err, records.ErrTooManyPeople)
}

func testEmergencyContactsRefuseBadInput(t *testing.T, e *env) {
	p := e.patient.UserID
	cases := []struct {
		name string
		c    records.EmergencyContact
		want error
	}{
		{"no name", records.EmergencyContact{Phone: "555-0100"}, records.ErrBadName},
		{"no phone", records.EmergencyContact{Name: "Ana"}, records.ErrBadPhone},
		{"two digits", records.EmergencyContact{Name: "Ana", Phone: "12"}, records.ErrBadPhone},
		{"21 digits", records.EmergencyContact{Name: "Ana", Phone: "123456789012345678901"}, records.ErrBadPhone},
		{"letters", records.EmergencyContact{Name: "Ana", Phone: "555-CALL"}, records.ErrBadPhone},
		{"plus inside", records.EmergencyContact{Name: "Ana", Phone: "555+0100"}, records.ErrBadPhone},
		{"long relation", records.EmergencyContact{Name: "Ana", Relation: string(bytes.Repeat([]byte("r"), 51)), Phone: "555-0100"}, records.ErrBadRelation},
	}
	for _, c := range cases {
		_, err := e.svc.AddEmergencyContact(e.ctx, e.patient, p, c.c)
		if !isErr(err, c.want) || fault.CodeOf(err) != fault.Invalid {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	_, err := e.svc.AddEmergencyContact(e.ctx, e.counselor, p, records.EmergencyContact{Name: "Ana", Phone: "555-0100"})
	wantCode(t, err, fault.Forbidden)
	if n := e.rows(t, "record_emergency_contacts"); n != 0 {
		t.Fatalf("%d contacts stored by refused adds", n)
	}
}
