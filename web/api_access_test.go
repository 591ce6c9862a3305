package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"haven/portal/account"
)

type careTeamResponse struct {
	Members []person `json:"members"`
}

type accessLogResponse struct {
	Views      []viewEntry       `json:"views"`
	BreakGlass []breakGlassEntry `json:"break_glass"`
}

// clinic is a patient with one clinician on their team and one outside it,
// each with a signed-in client.
type clinic struct {
	patient, inside, outside account.Account
	pc, ic, oc               *client
}

func newClinic(t *testing.T, h *harness) clinic {
	t.Helper()
	c := clinic{
		patient: h.createUser(account.RolePatient, "pat@example.org", "Pat Lee"),
		inside:  h.createUser(account.RoleClinician, "in@clinic.example", "Dr Inside"),
		outside: h.createUser(account.RoleClinician, "out@clinic.example", "Dr Outside"),
	}
	admin := h.createUser(account.RoleAdmin, "admin@clinic.example", "Team Admin")
	by := account.Actor{UserID: admin.ID, Role: account.RoleAdmin}
	if err := h.acct.AddToCareTeam(context.Background(), by, c.patient.ID, c.inside.ID); err != nil {
		t.Fatal(err)
	}
	c.pc, c.ic, c.oc = h.client(), h.client(), h.client()
	c.pc.signIn("pat@example.org")
	c.ic.staff("in@clinic.example")
	c.oc.staff("out@clinic.example")
	return c
}

// TestAccessPolicyAtTheEdge runs its steps in order on one clinic: the
// break-glass step changes who may read.
func TestAccessPolicyAtTheEdge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := newClinic(t, h)
	t.Run("care team follows the policy", func(t *testing.T) { careTeamFollowsThePolicy(t, h, c) })
	t.Run("clinicians see their patients", func(t *testing.T) { cliniciansSeeTheirPatients(t, c) })
	t.Run("break-glass is shown to the patient", func(t *testing.T) { breakGlassIsShownToThePatient(t, h, c) })
}

func careTeamFollowsThePolicy(t *testing.T, h *harness, c clinic) {
	path := "/api/patients/" + strconv.FormatInt(c.patient.ID, 10) + "/care-team"

	var team careTeamResponse
	c.pc.do("GET", path, nil).want(t, 200).decode(t, &team)
	if len(team.Members) != 1 || team.Members[0].ID != c.inside.ID || team.Members[0].DisplayName != "Dr Inside" {
		t.Fatalf("patient sees team %+v", team)
	}
	c.ic.do("GET", path, nil).want(t, 200)
	if e := c.oc.do("GET", path, nil).want(t, 403).errorOf(t); e.Code != "forbidden" {
		t.Fatalf("outside clinician: %+v", e)
	}
	// Another patient's team is refused too.
	other := h.createUser(account.RolePatient, "other@example.org", "Other")
	c.pc.do("GET", "/api/patients/"+strconv.FormatInt(other.ID, 10)+"/care-team", nil).want(t, 403)

	// The patient sees the inside clinician's read and the refusal.
	var log accessLogResponse
	c.pc.do("GET", "/api/me/access-log", nil).want(t, 200).decode(t, &log)
	var read, denied bool
	for _, v := range log.Views {
		read = read || (v.Who.ID == c.inside.ID && v.Action == "careteam.read" && v.Who.DisplayName == "Dr Inside")
		denied = denied || (v.Who.ID == c.outside.ID && v.Action == "access.denied" && v.Outcome == "denied")
	}
	if !read || !denied {
		t.Fatalf("access log %+v: want the inside read and the outside refusal", log.Views)
	}
}

func breakGlassIsShownToThePatient(t *testing.T, h *harness, c clinic) {
	id := strconv.FormatInt(c.patient.ID, 10)
	reason := "Patient called the crisis line; on-call review needed"

	if e := c.oc.do("POST", "/api/patients/"+id+"/break-glass", breakGlassRequest{Reason: "too short"}).want(t, 400).errorOf(t); e.Message != account.ErrReasonShort.Message {
		t.Fatalf("short reason: %+v", e)
	}
	if e := c.oc.do("POST", "/api/patients/"+id+"/break-glass", breakGlassRequest{Reason: reason, Minutes: 9999999}).want(t, 400).errorOf(t); e.Message != account.ErrBreakGlassDur.Message {
		t.Fatalf("too long: %+v", e)
	}
	c.pc.do("POST", "/api/patients/"+id+"/break-glass", breakGlassRequest{Reason: reason}).want(t, 403)

	var bg breakGlassResponse
	c.oc.do("POST", "/api/patients/"+id+"/break-glass", breakGlassRequest{Reason: reason, Minutes: 30}).want(t, 201).decode(t, &bg)
	if bg.PatientID != c.patient.ID || !bg.Until.After(h.clock.Now()) {
		t.Fatalf("break-glass %+v", bg)
	}
	c.oc.do("GET", "/api/patients/"+id+"/care-team", nil).want(t, 200)

	var log accessLogResponse
	c.pc.do("GET", "/api/me/access-log", nil).want(t, 200).decode(t, &log)
	if len(log.BreakGlass) != 1 || log.BreakGlass[0].Who.ID != c.outside.ID || log.BreakGlass[0].Reason != reason {
		t.Fatalf("break-glass list %+v", log.BreakGlass)
	}
	// Only a patient has an access log.
	c.ic.do("GET", "/api/me/access-log", nil).want(t, 403)
}

func cliniciansSeeTheirPatients(t *testing.T, c clinic) {
	var out struct {
		Patients []person `json:"patients"`
	}
	c.ic.do("GET", "/api/me/patients", nil).want(t, 200).decode(t, &out)
	if len(out.Patients) != 1 || out.Patients[0].ID != c.patient.ID {
		t.Fatalf("inside clinician's patients %+v", out)
	}
	c.oc.do("GET", "/api/me/patients", nil).want(t, 200).decode(t, &out)
	if len(out.Patients) != 0 {
		t.Fatalf("outside clinician's patients %+v", out)
	}
	c.pc.do("GET", "/api/me/patients", nil).want(t, 403)
}

func TestInvitationJoinsTheClinicianCareTeam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RoleClinician, "doc@clinic.example", "Dr Doe")
	doc := h.client()
	doc.staff("doc@clinic.example")

	var inv inviteResponse
	doc.do("POST", "/api/invitations", inviteRequest{Email: "new@example.org", DisplayName: "New Patient"}).want(t, 201).decode(t, &inv)
	prefix := h.ts.URL + "/invite#"
	if !strings.HasPrefix(inv.Link, prefix) {
		t.Fatalf("link %q, want prefix %q", inv.Link, prefix)
	}
	token := strings.TrimPrefix(inv.Link, prefix)
	anon := h.client()
	if e := anon.do("POST", "/api/invitations/accept", acceptRequest{Token: token, Password: "short"}).want(t, 400).errorOf(t); e.Message != account.ErrPasswordShort.Message {
		t.Fatalf("short password: %+v", e)
	}
	anon.do("POST", "/api/invitations/accept", acceptRequest{Token: token, Password: testPassword}).want(t, 204)
	if e := anon.do("POST", "/api/invitations/accept", acceptRequest{Token: token, Password: testPassword}).want(t, 409).errorOf(t); e.Message != account.ErrInvitationUsed.Message {
		t.Fatalf("second use: %+v", e)
	}
	if st := anon.signIn("new@example.org"); st != "full" {
		t.Fatalf("new patient's state %q", st)
	}
	var out struct {
		Patients []person `json:"patients"`
	}
	doc.do("GET", "/api/me/patients", nil).want(t, 200).decode(t, &out)
	if len(out.Patients) != 1 || out.Patients[0].DisplayName != "New Patient" {
		t.Fatalf("clinician's patients after acceptance %+v", out)
	}
	// Patients and counselors cannot invite.
	anon.do("POST", "/api/invitations", inviteRequest{Email: "x@example.org", DisplayName: "X"}).want(t, 403)
}

func TestAdminManagesAccounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.createUser(account.RoleAdmin, "admin@clinic.example", "Ada Admin")
	ac := h.client()
	ac.staff("admin@clinic.example")

	var created userEntry
	ac.do("POST", "/api/admin/users", createUserRequest{Email: "Sam@Clinic.example", DisplayName: "Sam Cruz", Role: "counselor", Password: testPassword}).
		want(t, 201).decode(t, &created)
	if created.Email != "sam@clinic.example" || created.Role != "counselor" || created.Disabled {
		t.Fatalf("created %+v", created)
	}
	if e := ac.do("POST", "/api/admin/users", createUserRequest{Email: "sam@clinic.example", DisplayName: "Sam", Role: "counselor", Password: testPassword}).want(t, 409).errorOf(t); e.Message != account.ErrEmailTaken.Message {
		t.Fatalf("duplicate email: %+v", e)
	}
	sam := h.client()
	sam.signIn("sam@clinic.example")

	ac.do("POST", "/api/admin/users/"+strconv.FormatInt(created.ID, 10)+"/disable", nil).want(t, 204)
	if e := sam.do("POST", "/api/mfa/enroll", nil).want(t, 401).errorOf(t); e.Message != account.ErrAccountDisabled.Message {
		t.Fatalf("disabled user's session: %+v", e)
	}
	var list struct {
		Users []userEntry `json:"users"`
	}
	ac.do("GET", "/api/admin/users", nil).want(t, 200).decode(t, &list)
	if len(list.Users) != 2 {
		t.Fatalf("users %+v", list)
	}
	for _, u := range list.Users {
		if u.ID == created.ID && !u.Disabled {
			t.Fatalf("disabled user listed as active: %+v", u)
		}
	}
	ac.do("POST", "/api/admin/users/"+strconv.FormatInt(admin.ID, 10)+"/disable", nil).want(t, 409)
	ac.do("POST", "/api/admin/users/0/disable", nil).want(t, 400)
	ac.do("POST", "/api/admin/users/999999/disable", nil).want(t, 404)

	// Only admins.
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	pc := h.client()
	pc.signIn("pat@example.org")
	pc.do("GET", "/api/admin/users", nil).want(t, 403)
	pc.do("POST", "/api/admin/users", createUserRequest{Email: "x@example.org", DisplayName: "X", Role: "admin", Password: testPassword}).want(t, 403)
}
