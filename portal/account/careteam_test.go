package account

import (
	"testing"
)

func TestCareTeamManagement(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t) // the admin put doc on the patient's team
	p := c.patient.UserID

	// A clinician outside the team cannot add themself.
	wantErr(t, e.svc.AddToCareTeam(e.ctx, c.outsider, p, c.outsider.UserID), ErrForbidden)
	if e.audit.count("access.denied", p) != 1 {
		t.Fatal("refused care-team change not audited")
	}
	// A member can add a colleague; the patient, a counselor cannot.
	wantErr(t, e.svc.AddToCareTeam(e.ctx, c.patient, p, c.outsider.UserID), ErrForbidden)
	wantErr(t, e.svc.AddToCareTeam(e.ctx, c.counselor, p, c.outsider.UserID), ErrForbidden)
	if err := e.svc.AddToCareTeam(e.ctx, c.doc, p, c.outsider.UserID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddToCareTeam(e.ctx, c.doc, p, c.outsider.UserID); err != nil {
		t.Fatalf("adding twice: %v", err)
	}
	team, err := e.svc.CareTeam(e.ctx, p)
	if err != nil || len(team) != 2 || team[0].ClinicianID != c.doc.UserID || team[1].ClinicianID != c.outsider.UserID {
		t.Fatalf("team = %+v, %v", team, err)
	}
	pats, err := e.svc.PatientsOf(e.ctx, c.outsider.UserID)
	if err != nil || len(pats) != 1 || pats[0].ID != p {
		t.Fatalf("PatientsOf = %+v, %v", pats, err)
	}
	if err := e.svc.Authorize(e.ctx, c.outsider, Read, p); err != nil {
		t.Fatalf("new member: %v", err)
	}

	// Only clinicians join; only patients have teams.
	wantErr(t, e.svc.AddToCareTeam(e.ctx, c.admin, p, c.counselor.UserID), ErrNotClinician)
	wantErr(t, e.svc.AddToCareTeam(e.ctx, c.admin, c.doc.UserID, c.outsider.UserID), ErrNoPatient)

	// Removal ends access.
	if err := e.svc.RemoveFromCareTeam(e.ctx, c.doc, p, c.outsider.UserID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.Authorize(e.ctx, c.outsider, Read, p), ErrForbidden)
	if e.audit.count("careteam.add", p) != 2 || e.audit.count("careteam.remove", p) != 1 {
		t.Fatal("care-team changes not audited")
	}
}
