package account

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCreateAccount(t *testing.T) {
	e := newEnv(t)
	a, err := e.svc.CreateAccount(e.ctx, Operator(), NewAccount{Role: RoleClinician, Email: " Dr.Who@Example.ORG", DisplayName: "  Dr Who ", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if a.Email != "dr.who@example.org" || a.DisplayName != "Dr Who" || a.Role != RoleClinician || a.ID == 0 {
		t.Fatalf("account = %+v", a)
	}
	byEmail, err := e.svc.AccountByEmail(e.ctx, "DR.WHO@example.org ")
	if err != nil || byEmail.ID != a.ID || byEmail.Email != a.Email || byEmail.Role != a.Role || !byEmail.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("AccountByEmail = %+v, %v; want %+v", byEmail, err, a)
	}
	var stored string
	e.pool.QueryRow(e.ctx, `SELECT password_hash FROM users WHERE id = $1`, a.ID).Scan(&stored)
	if !strings.HasPrefix(stored, "$argon2id$") || strings.Contains(stored, testPassword) {
		t.Fatalf("stored password %q", stored)
	}
	if ev := e.audit.last(t, "account.create"); ev.Target != userTarget(a.ID) {
		t.Fatalf("account.create event = %+v", ev)
	}
	admin := Actor{UserID: a.ID + 100, Role: RoleAdmin}
	for _, tc := range []struct {
		name string
		by   Actor
		in   NewAccount
		want error
	}{
		{"taken email, other case", Operator(), NewAccount{RolePatient, "DR.WHO@example.org", "X", testPassword}, ErrEmailTaken},
		{"clinician creating", Actor{UserID: a.ID, Role: RoleClinician}, NewAccount{RolePatient, "p@example.org", "P", testPassword}, ErrForbidden},
		{"zero actor", Actor{}, NewAccount{RolePatient, "p@example.org", "P", testPassword}, ErrForbidden},
		{"bad role", admin, NewAccount{"root", "p@example.org", "P", testPassword}, ErrBadRole},
		{"no @", admin, NewAccount{RolePatient, "p.example.org", "P", testPassword}, ErrBadEmail},
		{"space in email", admin, NewAccount{RolePatient, "p q@example.org", "P", testPassword}, ErrBadEmail},
		{"empty domain", admin, NewAccount{RolePatient, "p@", "P", testPassword}, ErrBadEmail},
		{"empty name", admin, NewAccount{RolePatient, "p@example.org", "   ", testPassword}, ErrBadName},
		{"name with newline", admin, NewAccount{RolePatient, "p@example.org", "a\nb", testPassword}, ErrBadName},
		{"long name", admin, NewAccount{RolePatient, "p@example.org", strings.Repeat("n", 101), testPassword}, ErrBadName},
		{"short password", admin, NewAccount{RolePatient, "p@example.org", "P", "short"}, ErrPasswordShort},
		{"common password", admin, NewAccount{RolePatient, "p@example.org", "P", "Iloveyou"}, ErrPasswordCommon},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.CreateAccount(e.ctx, tc.by, tc.in)
			wantErr(t, err, tc.want)
		})
	}
	_, err = e.svc.Account(e.ctx, 424242)
	wantErr(t, err, ErrNoAccount)
	_, err = e.svc.AccountByEmail(e.ctx, "nobody@example.org")
	wantErr(t, err, ErrNoAccount)
}

func TestDisable(t *testing.T) {
	e := newEnv(t)
	admin := e.user(t, RoleAdmin, "admin@example.org")
	doc := e.user(t, RoleClinician, "doc@example.org")
	wantErr(t, e.svc.Disable(e.ctx, Actor{UserID: doc.ID, Role: RoleClinician}, admin.ID), ErrForbidden)
	wantErr(t, e.svc.Disable(e.ctx, Operator(), 424242), ErrNoAccount)
	if err := e.svc.Disable(e.ctx, Actor{UserID: admin.ID, Role: RoleAdmin}, doc.ID); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.svc.Account(e.ctx, doc.ID); !a.Disabled {
		t.Fatal("account not disabled")
	}
	if ev := e.audit.last(t, "account.disable"); ev.ActorID != admin.ID || ev.Target != userTarget(doc.ID) {
		t.Fatalf("account.disable event = %+v", ev)
	}
	list, err := e.svc.ListAccounts(e.ctx, Actor{UserID: admin.ID, Role: RoleAdmin})
	if err != nil || len(list) != 2 || list[0].ID != admin.ID || list[1].ID != doc.ID || !list[1].Disabled {
		t.Fatalf("ListAccounts = %+v, %v", list, err)
	}
	_, err = e.svc.ListAccounts(e.ctx, Actor{UserID: doc.ID, Role: RoleClinician})
	wantErr(t, err, ErrForbidden)
}

// SQL metacharacters in every text field are data, never SQL.
func TestSQLMetacharactersRoundTrip(t *testing.T) {
	e := newEnv(t)
	nasty := []string{"'; DROP TABLE users;--", `Robert'); DELETE FROM sessions; --`, `O"Brien \ $1 %_ ;`}
	admin := e.user(t, RoleAdmin, "admin@example.org")
	byAdmin := Actor{UserID: admin.ID, Role: RoleAdmin, IP: "' OR 1=1 --", UserAgent: "'); DROP TABLE sessions;--"}
	for i, name := range nasty {
		email := "a'--" + itoa(int64(i)) + "@x.org"
		a, err := e.svc.CreateAccount(e.ctx, byAdmin, NewAccount{Role: RolePatient, Email: email, DisplayName: name, Password: testPassword + "'--"})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		got, err := e.svc.AccountByEmail(e.ctx, email)
		if err != nil || got.DisplayName != name || got.Email != email {
			t.Fatalf("round trip of %q / %q: %+v, %v", email, name, got, err)
		}
		res, err := e.svc.SignIn(e.ctx, email, testPassword+"'--", "' OR 1=1 --", "'); DROP TABLE sessions;--")
		if err != nil {
			t.Fatalf("sign in as %q: %v", email, err)
		}
		if _, err := e.svc.Authenticate(e.ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		reason := "Reason with quotes: " + name
		if _, err := e.svc.BreakGlass(e.ctx, byAdmin, a.ID, reason, 0); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.BreakGlassesOf(e.ctx, a.ID)
		if err != nil || len(list) != 1 || list[0].Reason != reason {
			t.Fatalf("break-glass reason round trip: %+v, %v", list, err)
		}
		if err := e.svc.Grant(e.ctx, e.pool, admin.ID, a.ID, "escalation", name, e.clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RevokeGrants(e.ctx, e.pool, "escalation", name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.SignIn(e.ctx, "x' OR '1'='1", "' OR '1'='1", "", ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("injection-shaped sign-in: %v", err)
	}
	doc := e.user(t, RoleClinician, "doc@example.org")
	token, err := e.svc.Invite(e.ctx, Actor{UserID: doc.ID, Role: RoleClinician}, "b'--@x.org", nasty[0])
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.svc.AcceptInvitation(e.ctx, token, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := e.svc.Account(e.ctx, id); a.DisplayName != nasty[0] || a.Email != "b'--@x.org" {
		t.Fatalf("invited account = %+v", a)
	}
	var users, sessions int
	if err := e.pool.QueryRow(e.ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM sessions)`).Scan(&users, &sessions); err != nil {
		t.Fatal(err)
	}
	if users != len(nasty)+3 || sessions != len(nasty) {
		t.Fatalf("users %d, sessions %d: tables changed unexpectedly", users, sessions)
	}
	var ip, ua string
	e.pool.QueryRow(e.ctx, `SELECT ip, user_agent FROM sessions LIMIT 1`).Scan(&ip, &ua)
	if ip != "' OR 1=1 --" || ua != "'); DROP TABLE sessions;--" {
		t.Fatalf("session ip %q ua %q", ip, ua)
	}
}
