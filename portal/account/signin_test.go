package account

import (
	"errors"
	"strings"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestLockoutAfterFiveFailures(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	for i := 1; i <= 4; i++ {
		_, err := e.svc.SignIn(e.ctx, "pat@example.org", "wrong password "+string(rune('a'+i)), "192.0.2.1", "ua")
		wantErr(t, err, ErrBadCredentials)
	}
	_, err := e.svc.SignIn(e.ctx, "pat@example.org", "wrong password e", "192.0.2.1", "ua")
	wantErr(t, err, ErrLocked)
	if msg := fault.MessageOf(err); msg != "Too many attempts. Try again in 15 minutes." {
		t.Fatalf("message at the 5th failure = %q", msg)
	}

	// The 6th, with the right password, is refused and says when to retry.
	e.clock.Advance(time.Minute)
	_, err = e.svc.SignIn(e.ctx, "pat@example.org", testPassword, "192.0.2.1", "ua")
	wantErr(t, err, ErrLocked)
	if fault.CodeOf(err) != fault.TooMany {
		t.Fatalf("code = %v, want too_many", fault.CodeOf(err))
	}
	if msg := fault.MessageOf(err); msg != "Too many attempts. Try again in 14 minutes." {
		t.Fatalf("message = %q", msg)
	}
	if ra := fault.RetryAfterOf(err); ra != 14*time.Minute {
		t.Fatalf("RetryAfter = %v, want 14m", ra)
	}
	if e.audit.count("login.locked", 0) != 1 || e.audit.count("login.failed", 0) != 5 {
		t.Fatalf("audit: %d login.locked, %d login.failed; want 1 and 5", e.audit.count("login.locked", 0), e.audit.count("login.failed", 0))
	}

	// Once the lockout has passed, the right password works again.
	e.clock.Advance(14 * time.Minute)
	res := e.signIn(t, "pat@example.org")
	if res.Session.State != StateFull {
		t.Fatalf("state = %s, want full", res.Session.State)
	}
}

func TestSuccessResetsFailureCount(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxFailures = 3 })
	e.user(t, RolePatient, "pat@example.org")
	for range 2 {
		e.svc.SignIn(e.ctx, "pat@example.org", "not the password", "192.0.2.1", "ua")
	}
	e.signIn(t, "pat@example.org")
	for range 2 {
		_, err := e.svc.SignIn(e.ctx, "pat@example.org", "not the password", "192.0.2.1", "ua")
		wantErr(t, err, ErrBadCredentials)
	}
}

func TestUnknownEmailAndWrongPasswordLookAlike(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	_, errUnknown := e.svc.SignIn(e.ctx, "nobody@example.org", testPassword, "192.0.2.1", "ua")
	_, errWrong := e.svc.SignIn(e.ctx, "pat@example.org", "not the password", "192.0.2.1", "ua")
	if errUnknown == nil || errWrong == nil || fault.MessageOf(errUnknown) != fault.MessageOf(errWrong) || fault.CodeOf(errUnknown) != fault.CodeOf(errWrong) {
		t.Fatalf("unknown email: %v; wrong password: %v; want the same error", errUnknown, errWrong)
	}
	if ev := e.audit.last(t, "login.failed"); ev.Outcome != "bad_password" || ev.Target == "" {
		t.Fatalf("last login.failed = %+v", ev)
	}
}

func TestSignInNormalizesEmail(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "  Pat@Example.ORG ")
	e.signIn(t, "PAT@example.org  ")
	if ev := e.audit.last(t, "login.ok"); ev.IP != "192.0.2.1" || ev.UserAgent != "test-agent" || ev.ActorID == 0 {
		t.Fatalf("login.ok event = %+v", ev)
	}
}

func TestDisabledAccountCannotSignIn(t *testing.T) {
	e := newEnv(t)
	a := e.user(t, RolePatient, "pat@example.org")
	res := e.signIn(t, "pat@example.org")
	if err := e.svc.Disable(e.ctx, Operator(), a.ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.SignIn(e.ctx, "pat@example.org", testPassword, "192.0.2.1", "ua")
	wantErr(t, err, ErrAccountDisabled)
	_, err = e.svc.Authenticate(e.ctx, res.Token)
	wantErr(t, err, ErrAccountDisabled)
}

func TestStaffSignInStates(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		role Role
		want MFAState
	}{
		{RolePatient, StateFull},
		{RoleClinician, StateEnrollmentRequired},
		{RoleCounselor, StateEnrollmentRequired},
		{RoleAdmin, StateEnrollmentRequired},
	} {
		email := string(tc.role) + "@example.org"
		e.user(t, tc.role, email)
		res := e.signIn(t, email)
		if res.Session.State != tc.want {
			t.Errorf("%s: state = %s, want %s", tc.role, res.Session.State, tc.want)
		}
		_, err := e.svc.Authenticate(e.ctx, res.Token)
		if tc.want == StateFull && err != nil || tc.want != StateFull && !errors.Is(err, ErrEnrollmentRequired) {
			t.Errorf("%s: Authenticate = %v", tc.role, err)
		}
	}
}

func TestAddressLimiter(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AddrLimiter = NewMemoryLimiter(3, 15*time.Minute, o.Now) })
	e.user(t, RolePatient, "pat@example.org")
	for range 3 {
		_, err := e.svc.SignIn(e.ctx, "pat@example.org", "whatever pw", "198.51.100.7", "ua")
		wantErr(t, err, ErrBadCredentials)
	}
	_, err := e.svc.SignIn(e.ctx, "pat@example.org", testPassword, "198.51.100.7", "ua")
	wantErr(t, err, ErrAddrLimited)
	if fault.RetryAfterOf(err) <= 0 || !strings.Contains(fault.MessageOf(err), "Try again in") {
		t.Fatalf("limited error %q lacks when to retry", fault.MessageOf(err))
	}
	if ev := e.audit.last(t, "login.locked"); ev.Outcome != "address_limited" {
		t.Fatalf("login.locked outcome = %q", ev.Outcome)
	}
	// Another address is unaffected.
	if _, err := e.svc.SignIn(e.ctx, "pat@example.org", testPassword, "198.51.100.8", "ua"); err != nil {
		t.Fatal(err)
	}
}

func TestOverlongPasswordIsWrongNotAnError(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	_, err := e.svc.SignIn(e.ctx, "pat@example.org", testPassword+strings.Repeat("x", 5000), "192.0.2.1", "ua")
	wantErr(t, err, ErrBadCredentials)
}

func TestAccountWithoutPasswordCannotSignIn(t *testing.T) {
	e := newEnv(t)
	a := e.user(t, RolePatient, "pat@example.org")
	if _, err := e.pool.Exec(e.ctx, `UPDATE users SET password_hash = '' WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.SignIn(e.ctx, "pat@example.org", testPassword, "192.0.2.1", "ua")
	wantErr(t, err, ErrBadCredentials)
}
