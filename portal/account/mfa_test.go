package account

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"haven/portal/fault"
)

// enroll signs in a fresh staff user, enrolls TOTP and returns the secret
// and recovery codes. The clock ends one step after enrollment.
func (e *env) enroll(t *testing.T, role Role, email string) (Account, []byte, []string) {
	t.Helper()
	a := e.user(t, role, email)
	res := e.signIn(t, email)
	en, err := e.svc.BeginEnrollment(e.ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := totpBase32.DecodeString(en.Secret)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := e.svc.ConfirmEnrollment(e.ctx, res.Token, e.code(secret, 0), "192.0.2.1", "ua")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(totpPeriod * time.Second)
	return a, secret, codes
}

// wrongCode returns a six-digit code valid for no step in the window.
func (e *env) wrongCode(secret []byte) string {
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if c != e.code(secret, -1) && c != e.code(secret, 0) && c != e.code(secret, 1) {
			return c
		}
	}
	panic("unreachable")
}

// code returns the TOTP code offset steps from now.
func (e *env) code(secret []byte, offset int64) string {
	return hotp(secret, totpStep(e.clock.Now())+offset, totpDigits)
}

func TestEnrollment(t *testing.T) {
	e := newEnv(t)
	a := e.user(t, RoleClinician, "doc@example.org")
	res := e.signIn(t, "doc@example.org")
	if res.Session.State != StateEnrollmentRequired {
		t.Fatalf("state = %s", res.Session.State)
	}
	en, err := e.svc.BeginEnrollment(e.ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(en.URI, "otpauth://totp/Haven:doc@example.org?") || !strings.Contains(en.URI, "issuer=Haven") {
		t.Fatalf("URI = %q", en.URI)
	}
	secret, _ := totpBase32.DecodeString(en.Secret)
	// The secret is stored sealed for the user, never in the clear.
	var stored []byte
	if err := e.pool.QueryRow(e.ctx, `SELECT secret FROM user_totp WHERE user_id = $1`, a.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, secret) || !bytes.HasPrefix(stored, []byte("fake:user:"+itoa(a.ID)+"|")) {
		t.Fatal("TOTP secret not sealed for owner user:<id>")
	}
	_, err = e.svc.ConfirmEnrollment(e.ctx, res.Token, e.wrongCode(secret), "192.0.2.1", "ua")
	wantErr(t, err, ErrBadCode)
	codes, err := e.svc.ConfirmEnrollment(e.ctx, res.Token, e.code(secret, 0), "192.0.2.1", "ua")
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes, want 10", len(codes))
	}
	var hashes int
	e.pool.QueryRow(e.ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1`, a.ID).Scan(&hashes)
	var plain bool
	e.pool.QueryRow(e.ctx, `SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE position(convert_to($1, 'UTF8') IN code_hash) > 0)`, normalizeCode(codes[0])).Scan(&plain)
	if hashes != 10 || plain {
		t.Fatalf("recovery codes stored: %d rows, plaintext present %v", hashes, plain)
	}
	if _, err := e.svc.Authenticate(e.ctx, res.Token); err != nil {
		t.Fatalf("session not full after enrollment: %v", err)
	}
	if e.audit.count("mfa.enrolled", 0) != 1 || e.audit.count("mfa.failed", 0) != 1 {
		t.Fatal("enrollment not audited")
	}
	_, err = e.svc.BeginEnrollment(e.ctx, res.Token)
	wantErr(t, err, ErrAlreadyEnrolled)
}

func TestConfirmWithoutBegin(t *testing.T) {
	e := newEnv(t)
	e.user(t, RoleAdmin, "admin@example.org")
	res := e.signIn(t, "admin@example.org")
	_, err := e.svc.ConfirmEnrollment(e.ctx, res.Token, "123456", "192.0.2.1", "ua")
	wantErr(t, err, ErrNoEnrollment)
}

func TestMFASignIn(t *testing.T) {
	e := newEnv(t)
	_, secret, _ := e.enroll(t, RoleCounselor, "c@example.org")
	res := e.signIn(t, "c@example.org")
	if res.Session.State != StateMFARequired {
		t.Fatalf("state = %s, want mfa_required", res.Session.State)
	}
	_, err := e.svc.Authenticate(e.ctx, res.Token)
	wantErr(t, err, ErrMFARequired)
	// An MFA-pending session may not enroll a new device.
	_, err = e.svc.BeginEnrollment(e.ctx, res.Token)
	wantErr(t, err, ErrWrongStep)

	sess, err := e.svc.CompleteMFA(e.ctx, res.Token, e.code(secret, 0), "192.0.2.1", "ua")
	if err != nil || sess.State != StateFull {
		t.Fatalf("CompleteMFA = %+v, %v", sess, err)
	}
	if _, err := e.svc.Authenticate(e.ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	if ev := e.audit.last(t, "mfa.ok"); ev.Outcome != "totp" {
		t.Fatalf("mfa.ok outcome %q", ev.Outcome)
	}
	_, err = e.svc.CompleteMFA(e.ctx, res.Token, e.code(secret, 0), "192.0.2.1", "ua")
	wantErr(t, err, ErrWrongStep)
}

func TestTOTPReplayRefused(t *testing.T) {
	e := newEnv(t)
	_, secret, _ := e.enroll(t, RoleClinician, "doc@example.org")
	code := e.code(secret, 0)
	first := e.signIn(t, "doc@example.org")
	if _, err := e.svc.CompleteMFA(e.ctx, first.Token, code, "192.0.2.1", "ua"); err != nil {
		t.Fatal(err)
	}
	second := e.signIn(t, "doc@example.org")
	_, err := e.svc.CompleteMFA(e.ctx, second.Token, code, "192.0.2.1", "ua")
	wantErr(t, err, ErrCodeReused)
	if !strings.Contains(fault.MessageOf(err), "already used") {
		t.Fatalf("message %q does not say the code was used", fault.MessageOf(err))
	}
	// An older code (previous step, still in the window) is refused too.
	_, err = e.svc.CompleteMFA(e.ctx, second.Token, e.code(secret, -1), "192.0.2.1", "ua")
	wantErr(t, err, ErrCodeReused)
	if e.audit.last(t, "mfa.failed").Outcome != "replayed" {
		t.Fatal("replay not audited as such")
	}
	// The next step's code works.
	e.clock.Advance(totpPeriod * time.Second)
	if _, err := e.svc.CompleteMFA(e.ctx, second.Token, e.code(secret, 0), "192.0.2.1", "ua"); err != nil {
		t.Fatal(err)
	}
}

func TestTOTPWindow(t *testing.T) {
	e := newEnv(t)
	_, secret, _ := e.enroll(t, RoleClinician, "doc@example.org")
	for _, tc := range []struct {
		name   string
		offset int64
		ok     bool
	}{
		{"one step behind", -1, true},
		{"one step ahead", 1, true},
		{"two steps behind", -2, false},
		{"two steps ahead", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.Advance(5 * totpPeriod * time.Second) // past every step used so far
			res := e.signIn(t, "doc@example.org")
			_, err := e.svc.CompleteMFA(e.ctx, res.Token, e.code(secret, tc.offset), "192.0.2.1", "ua")
			if tc.ok && err != nil || !tc.ok && !errorsIsBadCode(err) {
				t.Fatalf("offset %d: err = %v", tc.offset, err)
			}
		})
	}
}

func errorsIsBadCode(err error) bool { return err != nil && fault.MessageOf(err) == ErrBadCode.Message }

func TestRecoveryCodesWorkOnce(t *testing.T) {
	e := newEnv(t)
	_, _, codes := e.enroll(t, RoleAdmin, "admin@example.org")
	first := e.signIn(t, "admin@example.org")
	typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
	if _, err := e.svc.CompleteMFA(e.ctx, first.Token, typed, "192.0.2.1", "ua"); err != nil {
		t.Fatalf("recovery code as typed %q: %v", typed, err)
	}
	if e.audit.last(t, "mfa.ok").Outcome != "recovery_code" {
		t.Fatal("recovery code use not audited")
	}
	second := e.signIn(t, "admin@example.org")
	_, err := e.svc.CompleteMFA(e.ctx, second.Token, codes[3], "192.0.2.1", "ua")
	wantErr(t, err, ErrBadCode)
	if _, err := e.svc.CompleteMFA(e.ctx, second.Token, codes[4], "192.0.2.1", "ua"); err != nil {
		t.Fatalf("another recovery code: %v", err)
	}
}

func TestMFAFailuresCountTowardLockout(t *testing.T) {
	e := newEnv(t)
	_, secret, _ := e.enroll(t, RoleClinician, "doc@example.org")
	// Two wrong passwords, then three wrong codes: the fifth failure locks.
	for range 2 {
		e.svc.SignIn(e.ctx, "doc@example.org", "not the password", "192.0.2.1", "ua")
	}
	res := e.signIn(t, "doc@example.org")
	wrong := e.wrongCode(secret)
	var err error
	for range 3 {
		_, err = e.svc.CompleteMFA(e.ctx, res.Token, wrong, "192.0.2.1", "ua")
	}
	wantErr(t, err, ErrLocked)
	_, err = e.svc.CompleteMFA(e.ctx, res.Token, e.code(secret, 0), "192.0.2.1", "ua")
	wantErr(t, err, ErrLocked)
	_, err = e.svc.SignIn(e.ctx, "doc@example.org", testPassword, "192.0.2.1", "ua")
	wantErr(t, err, ErrLocked)
	if e.audit.count("mfa.failed", 0) != 3 {
		t.Fatalf("%d mfa.failed events, want 3", e.audit.count("mfa.failed", 0))
	}
}

func TestPatientMFAIsOptional(t *testing.T) {
	e := newEnv(t)
	_, secret, _ := e.enroll(t, RolePatient, "pat@example.org")
	res := e.signIn(t, "pat@example.org")
	if res.Session.State != StateMFARequired {
		t.Fatalf("enrolled patient: state = %s", res.Session.State)
	}
	if _, err := e.svc.CompleteMFA(e.ctx, res.Token, e.code(secret, 0), "192.0.2.1", "ua"); err != nil {
		t.Fatal(err)
	}
}
