package account

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// cast is a patient, two clinicians (one on the team), a counselor and an admin.
type cast struct {
	patient, other, doc, outsider, counselor, admin Actor
}

func (e *env) cast(t *testing.T) cast {
	t.Helper()
	actor := func(a Account) Actor { return Actor{UserID: a.ID, Role: a.Role, IP: "203.0.113.5"} }
	c := cast{
		patient:   actor(e.user(t, RolePatient, "pat@example.org")),
		other:     actor(e.user(t, RolePatient, "other@example.org")),
		doc:       actor(e.user(t, RoleClinician, "doc@example.org")),
		outsider:  actor(e.user(t, RoleClinician, "outsider@example.org")),
		counselor: actor(e.user(t, RoleCounselor, "c@example.org")),
		admin:     actor(e.user(t, RoleAdmin, "admin@example.org")),
	}
	if err := e.svc.AddToCareTeam(e.ctx, c.admin, c.patient.UserID, c.doc.UserID); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuthorizeRules(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	p := c.patient.UserID
	for _, tc := range []struct {
		name    string
		actor   Actor
		patient int64
		ok      bool
	}{
		{"patient, own data", c.patient, p, true},
		{"patient, another's data", c.other, p, false},
		{"clinician on the care team", c.doc, p, true},
		{"clinician outside the care team", c.outsider, p, false},
		{"counselor without a grant", c.counselor, p, false},
		{"admin without break-glass", c.admin, p, false},
		{"operator", Operator(), p, false},
		{"zero actor", Actor{}, p, false},
		{"unknown role", Actor{UserID: c.doc.UserID, Role: "superuser"}, p, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, action := range []Action{Read, Write} {
				err := e.svc.Authorize(e.ctx, tc.actor, action, tc.patient)
				if tc.ok && err != nil || !tc.ok && !errors.Is(err, ErrForbidden) {
					t.Fatalf("%s: err = %v, want ok=%v", action, err, tc.ok)
				}
			}
		})
	}
}

func TestDenialIsAudited(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	err := e.svc.Authorize(e.ctx, c.outsider, Write, c.patient.UserID)
	if fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("code = %v, want forbidden", fault.CodeOf(err))
	}
	ev := e.audit.last(t, "access.denied")
	want := Event{ActorID: c.outsider.UserID, ActorRole: "clinician", Action: "access.denied", PatientID: c.patient.UserID,
		Target: "write", Outcome: "denied", IP: "203.0.113.5"}
	if ev != want {
		t.Fatalf("event = %+v, want %+v", ev, want)
	}
	before := len(e.audit.events)
	if err := e.svc.Authorize(e.ctx, c.doc, Read, c.patient.UserID); err != nil {
		t.Fatal(err)
	}
	if len(e.audit.events) != before {
		t.Fatal("an allowed read was audited by Authorize")
	}
}

func TestCounselorGrant(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	p := c.patient.UserID
	until := e.clock.Now().Add(time.Hour)
	err := pgx.BeginFunc(e.ctx, e.pool, func(tx pgx.Tx) error {
		return e.svc.Grant(e.ctx, tx, c.counselor.UserID, p, "escalation", "esc-41", until)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Authorize(e.ctx, c.counselor, Read, p); err != nil {
		t.Fatalf("counselor with a grant: %v", err)
	}
	wantErr(t, e.svc.Authorize(e.ctx, c.counselor, Read, c.other.UserID), ErrForbidden)
	// An escalation grant does not let a clinician or an admin in.
	for _, a := range []Actor{c.outsider, c.admin} {
		e.svc.Grant(e.ctx, e.pool, a.UserID, p, "escalation", "esc-41", until)
		wantErr(t, e.svc.Authorize(e.ctx, a, Read, p), ErrForbidden)
	}
	if err := e.svc.RevokeGrants(e.ctx, e.pool, "escalation", "esc-41"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.Authorize(e.ctx, c.counselor, Read, p), ErrForbidden)
	if n := e.audit.count("access.revoke", p); n != 3 {
		t.Fatalf("%d access.revoke events for the patient, want 3 (one per grant)", n)
	}
}

func TestGrantRolledBackWithCallerTransaction(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	errAbort := errors.New("abort")
	err := pgx.BeginFunc(e.ctx, e.pool, func(tx pgx.Tx) error {
		if err := e.svc.Grant(e.ctx, tx, c.counselor.UserID, c.patient.UserID, "escalation", "esc-1", e.clock.Now().Add(time.Hour)); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatal(err)
	}
	wantErr(t, e.svc.Authorize(e.ctx, c.counselor, Read, c.patient.UserID), ErrForbidden)
}

func TestGrantExpires(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	if err := e.svc.Grant(e.ctx, e.pool, c.counselor.UserID, c.patient.UserID, "escalation", "esc-2", e.clock.Now().Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute)
	wantErr(t, e.svc.Authorize(e.ctx, c.counselor, Read, c.patient.UserID), ErrForbidden)
	for _, bad := range []struct{ kind, ref string }{{"", "x"}, {"Escalation", "x"}, {"a b", "x"}, {"escalation", strings.Repeat("r", 201)}} {
		err := e.svc.Grant(e.ctx, e.pool, c.counselor.UserID, c.patient.UserID, bad.kind, bad.ref, e.clock.Now().Add(time.Hour))
		wantErr(t, err, ErrBadGrant)
	}
	wantErr(t, e.svc.Grant(e.ctx, e.pool, c.counselor.UserID, c.patient.UserID, "escalation", "x", e.clock.Now()), ErrBadGrant)
}

func TestBreakGlass(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	p := c.patient.UserID
	reason := "Patient called the front desk in distress; covering clinician is away."
	g, err := e.svc.BreakGlass(e.ctx, c.outsider, p, reason, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Until.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("until = %v, want the default hour", g.Until)
	}
	if err := e.svc.Authorize(e.ctx, c.outsider, Read, p); err != nil {
		t.Fatalf("during break-glass: %v", err)
	}
	if ev := e.audit.last(t, "breakglass.open"); ev.PatientID != p || ev.ActorID != c.outsider.UserID {
		t.Fatalf("breakglass.open event = %+v", ev)
	}
	e.clock.Advance(time.Hour)
	wantErr(t, e.svc.Authorize(e.ctx, c.outsider, Read, p), ErrForbidden)

	list, err := e.svc.BreakGlassesOf(e.ctx, p)
	if err != nil || len(list) != 1 {
		t.Fatalf("BreakGlassesOf = %+v, %v", list, err)
	}
	if got := list[0]; got.UserID != c.outsider.UserID || got.Name != "Test clinician" || got.Reason != reason || !got.Until.Equal(g.Until) || got.Role != RoleClinician {
		t.Fatalf("listed %+v", got)
	}
	if other, _ := e.svc.BreakGlassesOf(e.ctx, c.other.UserID); len(other) != 0 {
		t.Fatal("another patient sees this break-glass")
	}
}

func TestBreakGlassAdminAndCounselor(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	p := c.patient.UserID
	for _, a := range []Actor{c.admin, c.counselor} {
		if _, err := e.svc.BreakGlass(e.ctx, a, p, "Records request from the emergency department.", 4*time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Authorize(e.ctx, a, Write, p); err != nil {
			t.Fatalf("%s after break-glass: %v", a.Role, err)
		}
	}
}

func TestBreakGlassRules(t *testing.T) {
	e := newEnv(t)
	c := e.cast(t)
	p := c.patient.UserID
	good := "Urgent: patient reported self-harm risk by phone."
	for _, tc := range []struct {
		name    string
		actor   Actor
		patient int64
		reason  string
		d       time.Duration
		want    error
	}{
		{"patient", c.other, p, good, 0, ErrStaffOnly},
		{"operator", Operator(), p, good, 0, ErrStaffOnly},
		{"short reason", c.doc, p, "   because I can    ", 0, ErrReasonShort},
		{"long reason", c.doc, p, strings.Repeat("x", 1001), 0, ErrReasonLong},
		{"over 4 hours", c.doc, p, good, 4*time.Hour + time.Second, ErrBreakGlassDur},
		{"negative", c.doc, p, good, -time.Hour, ErrBreakGlassDur},
		{"not a patient", c.doc, c.admin.UserID, good, 0, ErrNoPatient},
		{"no such user", c.doc, 999999, good, 0, ErrNoPatient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.BreakGlass(e.ctx, tc.actor, tc.patient, tc.reason, tc.d)
			wantErr(t, err, tc.want)
		})
	}
	if n := e.audit.count("breakglass.open", 0); n != 0 {
		t.Fatalf("%d refused break-glasses audited as opened", n)
	}
}
