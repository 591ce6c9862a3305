package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"haven/portal/account"
)

func TestPatientSignsInAndOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	p := h.createUser(account.RolePatient, "pat@example.org", "Pat")
	c := h.client()

	var st sessionState
	c.do("GET", "/api/session", nil).want(t, 200).decode(t, &st)
	if st.SignedIn {
		t.Fatal("signed in before signing in")
	}
	res := c.do("POST", "/api/session", signInRequest{Email: "pat@example.org", Password: testPassword}).want(t, 200)
	res.decode(t, &st)
	if st.MFA != "full" || st.IdleSeconds != 900 {
		t.Fatalf("sign-in state %+v, want full with 900 s idle", st)
	}
	cookie := findCookie(t, res.header, SessionCookie)
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure on plain localhost", cookie)
	}

	var me meResponse
	c.do("GET", "/api/me", nil).want(t, 200).decode(t, &me)
	if me.ID != p.ID || me.Role != "patient" || me.DisplayName != "Pat" {
		t.Fatalf("me = %+v", me)
	}

	c.do("DELETE", "/api/session", nil).want(t, 204)
	// The browser dropped the cookie; replaying the old one says why it ended.
	e := h.client().do("GET", "/api/me", nil, "Cookie", SessionCookie+"="+cookie.Value).want(t, 401).errorOf(t)
	if e.Code != "unauthenticated" || e.Message != "You signed out." {
		t.Fatalf("after sign-out: %+v", e)
	}
}

func TestSecureCookieWhenConfigured(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config, _ *Deps) { c.SecureCookies = true })
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	res := h.client().do("POST", "/api/session", signInRequest{Email: "pat@example.org", Password: testPassword}).want(t, 200)
	if c := findCookie(t, res.header, SessionCookie); !c.Secure {
		t.Fatalf("cookie %+v is not Secure", c)
	}
}

func TestSessionExpiryGives401WithReason(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")

	idle := h.client()
	idle.signIn("pat@example.org")
	h.clock.Advance(16 * time.Minute)
	res := idle.do("GET", "/api/me", nil).want(t, 401)
	if e := res.errorOf(t); e.Code != "unauthenticated" || !strings.Contains(e.Message, "ended after 15 minutes without activity") {
		t.Fatalf("idle expiry: %+v", e)
	}
	if c := findCookie(t, res.header, SessionCookie); c.MaxAge >= 0 {
		t.Fatalf("ended session's cookie not cleared: %+v", c)
	}

	long := h.client()
	long.signIn("pat@example.org")
	for range 12 * 6 { // active every 10 minutes for 12 hours
		h.clock.Advance(10 * time.Minute)
		if r := long.do("GET", "/api/me", nil); r.status != 200 {
			if e := r.errorOf(t); !strings.Contains(e.Message, "ended after 12 hours") {
				t.Fatalf("absolute expiry: %+v", e)
			}
			return
		}
	}
	t.Fatal("session outlived 12 hours")
}

func TestSessionStateReportsEndedSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	c := h.client()
	c.signIn("pat@example.org")
	h.clock.Advance(20 * time.Minute)
	e := c.do("GET", "/api/session", nil).want(t, 401).errorOf(t)
	if !strings.Contains(e.Message, "15 minutes without activity") {
		t.Fatalf("session state after idle: %+v", e)
	}
	var st sessionState
	c.do("GET", "/api/session", nil).want(t, 200).decode(t, &st) // cookie cleared: just signed out now
	if st.SignedIn {
		t.Fatalf("still signed in: %+v", st)
	}
}

func TestStaffMustFinishMFABeforeAnythingElse(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RoleClinician, "doc@example.org", "Dr Doe")
	c := h.client()
	if st := c.signIn("doc@example.org"); st != "enrollment_required" {
		t.Fatalf("state %q, want enrollment_required", st)
	}
	for _, path := range []string{"/api/me", "/api/me/patients"} {
		if e := c.do("GET", path, nil).want(t, 401).errorOf(t); e.Code != "unauthenticated" {
			t.Fatalf("%s before MFA: %+v", path, e)
		}
	}
	var st sessionState
	c.do("GET", "/api/session", nil).want(t, 200).decode(t, &st)
	if st.MFA != "enrollment_required" {
		t.Fatalf("session state %+v", st)
	}
	secret := c.enroll()
	c.do("GET", "/api/me", nil).want(t, 200)
	c.do("DELETE", "/api/session", nil).want(t, 204)

	// Next time: the challenge, with a code of a later step.
	h.clock.Advance(30 * time.Second)
	if st := c.signIn("doc@example.org"); st != "mfa_required" {
		t.Fatalf("state %q, want mfa_required", st)
	}
	c.do("GET", "/api/me", nil).want(t, 401)
	code := totpAt(t, secret, h.clock.Now())
	c.do("POST", "/api/session/mfa", mfaRequest{Code: code}).want(t, 200)
	c.do("GET", "/api/me", nil).want(t, 200)

	// The same code again, in a new sign-in, is a replay.
	other := h.client()
	other.signIn("doc@example.org")
	if e := other.do("POST", "/api/session/mfa", mfaRequest{Code: code}).want(t, 400).errorOf(t); e.Code != "invalid" {
		t.Fatalf("replayed code: %+v", e)
	}
	if e := other.do("POST", "/api/session/mfa", mfaRequest{Code: code, RecoveryCode: "abcd"}).want(t, 400).errorOf(t); e.Message != errCodeChoice.Message {
		t.Fatalf("both codes: %+v", e)
	}
}

func TestRecoveryCodeCompletesSignIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RoleCounselor, "cc@example.org", "Casey")
	c := h.client()
	c.signIn("cc@example.org")
	var e enrollResponse
	c.do("POST", "/api/mfa/enroll", "{}").want(t, 200).decode(t, &e)
	if e.Secret == "" || !strings.HasPrefix(e.URI, "otpauth://totp/") {
		t.Fatalf("enrollment %+v", e)
	}
	var conf confirmResponse
	c.do("POST", "/api/mfa/confirm", confirmRequest{Code: totpAt(t, e.Secret, h.clock.Now())}).want(t, 200).decode(t, &conf)
	if len(conf.RecoveryCodes) == 0 || conf.MFA != "full" {
		t.Fatalf("confirm %+v", conf)
	}
	c.do("DELETE", "/api/session", nil).want(t, 204)
	c.signIn("cc@example.org")
	c.do("POST", "/api/session/mfa", mfaRequest{RecoveryCode: conf.RecoveryCodes[0]}).want(t, 200)
	c.do("GET", "/api/me", nil).want(t, 200)
}

func TestSignOutEverywhereEndsOtherSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	phone, laptop := h.client(), h.client()
	phone.signIn("pat@example.org")
	laptop.signIn("pat@example.org")
	laptop.do("POST", "/api/session/everywhere", nil).want(t, 204)
	if e := phone.do("GET", "/api/me", nil).want(t, 401).errorOf(t); e.Message != "You signed out." {
		t.Fatalf("other session after sign-out everywhere: %+v", e)
	}
	laptop.do("GET", "/api/me", nil).want(t, 401)
}

func TestWrongPasswordsAreRefusedThenLocked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	c := h.client()
	wrong := signInRequest{Email: "pat@example.org", Password: "wrong password here"}
	res := c.do("POST", "/api/session", wrong).want(t, 401)
	if e := res.errorOf(t); e.Message != account.ErrBadCredentials.Message {
		t.Fatalf("wrong password: %+v", e)
	}
	if len(res.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("cookie set on failed sign-in: %v", res.header.Values("Set-Cookie"))
	}
	for range 4 {
		res = c.do("POST", "/api/session", wrong)
	}
	res.want(t, 429)
	if e := res.errorOf(t); e.Code != "too_many" || !strings.Contains(e.Message, "15 minutes") {
		t.Fatalf("locked: %+v", e)
	}
	if ra := res.header.Get("Retry-After"); ra != "900" {
		t.Fatalf("Retry-After = %q, want 900", ra)
	}
}

func findCookie(t *testing.T, h http.Header, name string) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, h.Values("Set-Cookie"))
	return nil
}
