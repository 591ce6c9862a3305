package account

import (
	"testing"
	"time"
)

func TestInvitationByClinicianJoinsCareTeam(t *testing.T) {
	e := newEnv(t)
	doc := e.user(t, RoleClinician, "doc@example.org")
	token, err := e.svc.Invite(e.ctx, Actor{UserID: doc.ID, Role: RoleClinician}, " New.Patient@Example.org ", "New Patient")
	if err != nil {
		t.Fatal(err)
	}
	var stored bool
	e.pool.QueryRow(e.ctx, `SELECT EXISTS (SELECT 1 FROM invitations i WHERE i::text LIKE '%' || $1 || '%')`, token).Scan(&stored)
	if stored {
		t.Fatal("raw invitation token stored")
	}
	id, err := e.svc.AcceptInvitation(e.ctx, token, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.Account(e.ctx, id)
	if err != nil || a.Role != RolePatient || a.Email != "new.patient@example.org" || a.DisplayName != "New Patient" {
		t.Fatalf("account = %+v, %v", a, err)
	}
	team, err := e.svc.CareTeam(e.ctx, id)
	if err != nil || len(team) != 1 || team[0].ClinicianID != doc.ID {
		t.Fatalf("care team = %+v, %v; want the inviting clinician", team, err)
	}
	e.signIn(t, "new.patient@example.org")

	_, err = e.svc.AcceptInvitation(e.ctx, token, testPassword)
	wantErr(t, err, ErrInvitationUsed)
}

func TestInvitationExpires(t *testing.T) {
	e := newEnv(t)
	admin := e.user(t, RoleAdmin, "admin@example.org")
	token, err := e.svc.Invite(e.ctx, Actor{UserID: admin.ID, Role: RoleAdmin}, "p@example.org", "P")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(7 * 24 * time.Hour)
	_, err = e.svc.AcceptInvitation(e.ctx, token, testPassword)
	wantErr(t, err, ErrInvitationExpired)
}

func TestInvitationByAdminHasNoCareTeam(t *testing.T) {
	e := newEnv(t)
	admin := e.user(t, RoleAdmin, "admin@example.org")
	token, _ := e.svc.Invite(e.ctx, Actor{UserID: admin.ID, Role: RoleAdmin}, "p@example.org", "P")
	e.clock.Advance(7*24*time.Hour - time.Second)
	id, err := e.svc.AcceptInvitation(e.ctx, token, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if team, _ := e.svc.CareTeam(e.ctx, id); len(team) != 0 {
		t.Fatalf("admin's invitee has a care team: %+v", team)
	}
}

func TestInvitationRules(t *testing.T) {
	e := newEnv(t)
	pat := e.user(t, RolePatient, "pat@example.org")
	coun := e.user(t, RoleCounselor, "c@example.org")
	doc := e.user(t, RoleClinician, "doc@example.org")
	for _, by := range []Actor{{UserID: pat.ID, Role: RolePatient}, {UserID: coun.ID, Role: RoleCounselor}, {}, Operator()} {
		_, err := e.svc.Invite(e.ctx, by, "x@example.org", "X")
		wantErr(t, err, ErrForbidden)
	}
	byDoc := Actor{UserID: doc.ID, Role: RoleClinician}
	_, err := e.svc.Invite(e.ctx, byDoc, "PAT@example.org", "Dup")
	wantErr(t, err, ErrEmailTaken)
	_, err = e.svc.Invite(e.ctx, byDoc, "not-an-email", "X")
	wantErr(t, err, ErrBadEmail)
	_, err = e.svc.AcceptInvitation(e.ctx, "bogus", testPassword)
	wantErr(t, err, ErrInvitationInvalid)

	token, _ := e.svc.Invite(e.ctx, byDoc, "p2@example.org", "P2")
	_, err = e.svc.AcceptInvitation(e.ctx, token, "password1")
	wantErr(t, err, ErrPasswordCommon)
	// A refused password does not use up the invitation.
	if _, err := e.svc.AcceptInvitation(e.ctx, token, testPassword); err != nil {
		t.Fatal(err)
	}
}
