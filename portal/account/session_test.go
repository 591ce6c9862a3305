package account

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestOnlyTokenHashesAreStored(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	res := e.signIn(t, "pat@example.org")
	raw, err := base64.RawURLEncoding.DecodeString(res.Token)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q: want 32 bytes base64url", res.Token)
	}
	var stored []byte
	var n int
	if err := e.pool.QueryRow(e.ctx, `SELECT token_hash, (SELECT count(*) FROM sessions) FROM sessions`).Scan(&stored, &n); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if n != 1 || !bytes.Equal(stored, sum[:]) {
		t.Fatal("the stored value is not the SHA-256 of the token")
	}
	// Nowhere in the table: neither the raw bytes nor the token text.
	var found bool
	err = e.pool.QueryRow(e.ctx, `SELECT EXISTS (SELECT 1 FROM sessions s
		WHERE position($1::bytea IN s.token_hash) > 0 OR s::text LIKE '%' || $2 || '%')`, raw, res.Token).Scan(&found)
	if err != nil || found {
		t.Fatalf("raw token found in sessions (err %v)", err)
	}
}

func TestAuthenticate(t *testing.T) {
	e := newEnv(t)
	a := e.user(t, RolePatient, "pat@example.org")
	res := e.signIn(t, "pat@example.org")
	sess, err := e.svc.Authenticate(e.ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if sess.UserID != a.ID || sess.Role != RolePatient || sess.State != StateFull || sess.ID != res.Session.ID {
		t.Fatalf("session = %+v", sess)
	}
	if want := e.clock.Now().Add(15 * time.Minute); !sess.ExpiresAt.Equal(want) {
		t.Fatalf("ExpiresAt = %v, want %v", sess.ExpiresAt, want)
	}
	if want := res.Session.CreatedAt.Add(12 * time.Hour); !sess.EndsAt.Equal(want) || !res.Session.EndsAt.Equal(want) {
		t.Fatalf("EndsAt = %v / %v, want %v", sess.EndsAt, res.Session.EndsAt, want)
	}
	for _, bad := range []string{"", "x", res.Token[:42] + "!", base64.RawURLEncoding.EncodeToString(make([]byte, 32))} {
		if _, err := e.svc.Authenticate(e.ctx, bad); !errors.Is(err, ErrNoSession) {
			t.Errorf("Authenticate(%q) = %v, want ErrNoSession", bad, err)
		}
	}
}

func TestIdleExpiry(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	res := e.signIn(t, "pat@example.org")
	// Used every 10 minutes, it stays alive past the idle timeout.
	for range 3 {
		e.clock.Advance(10 * time.Minute)
		if _, err := e.svc.Authenticate(e.ctx, res.Token); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(15 * time.Minute)
	_, err := e.svc.Authenticate(e.ctx, res.Token)
	wantErr(t, err, ErrSessionIdle)
	if fault.CodeOf(err) != fault.Unauthenticated {
		t.Fatalf("code = %v", fault.CodeOf(err))
	}
	// The reason sticks.
	e.clock.Advance(13 * time.Hour)
	_, err = e.svc.Authenticate(e.ctx, res.Token)
	wantErr(t, err, ErrSessionIdle)
}

func TestAbsoluteExpiry(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	res := e.signIn(t, "pat@example.org")
	for range 12*6 - 1 {
		e.clock.Advance(10 * time.Minute)
		if _, err := e.svc.Authenticate(e.ctx, res.Token); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(10 * time.Minute) // exactly 12 h after sign-in
	_, err := e.svc.Authenticate(e.ctx, res.Token)
	wantErr(t, err, ErrSessionExpired)
	if fault.MessageOf(err) == fault.MessageOf(ErrSessionIdle) {
		t.Fatal("idle and absolute expiry give the same message")
	}
}

func TestTouchAtMostEvery30s(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	res := e.signIn(t, "pat@example.org")
	start := e.clock.Now()
	lastSeen := func() time.Time {
		t.Helper()
		var ts time.Time
		if err := e.pool.QueryRow(e.ctx, `SELECT last_seen_at FROM sessions`).Scan(&ts); err != nil {
			t.Fatal(err)
		}
		return ts
	}
	e.clock.Advance(10 * time.Second)
	e.svc.Authenticate(e.ctx, res.Token)
	if !lastSeen().Equal(start) {
		t.Fatal("last_seen_at written within 30 s")
	}
	e.clock.Advance(25 * time.Second)
	e.svc.Authenticate(e.ctx, res.Token)
	if got := lastSeen(); !got.Equal(start.Add(35 * time.Second)) {
		t.Fatalf("last_seen_at = %v, want start+35s", got)
	}
}

func TestSignOut(t *testing.T) {
	e := newEnv(t)
	a := e.user(t, RolePatient, "pat@example.org")
	one := e.signIn(t, "pat@example.org")
	two := e.signIn(t, "pat@example.org")
	three := e.signIn(t, "pat@example.org")
	if err := e.svc.SignOut(e.ctx, one.Token); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Authenticate(e.ctx, one.Token)
	wantErr(t, err, ErrSignedOut)
	if _, err := e.svc.Authenticate(e.ctx, two.Token); err != nil {
		t.Fatalf("other session ended too: %v", err)
	}
	if err := e.svc.SignOut(e.ctx, one.Token); err != nil {
		t.Fatalf("second sign-out: %v", err)
	}
	if err := e.svc.SignOutEverywhere(e.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{two.Token, three.Token} {
		_, err := e.svc.Authenticate(e.ctx, tok)
		wantErr(t, err, ErrSignedOut)
	}
	if e.audit.count("logout.ok", 0) != 1 || e.audit.count("logout.all", 0) != 1 {
		t.Fatal("sign-outs not audited")
	}
}

func TestPurge(t *testing.T) {
	e := newEnv(t)
	e.user(t, RolePatient, "pat@example.org")
	old := e.signIn(t, "pat@example.org")
	e.svc.SignOut(e.ctx, old.Token)
	e.clock.Advance(8 * 24 * time.Hour)
	fresh := e.signIn(t, "pat@example.org")
	n, err := e.svc.Purge(e.ctx)
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	if _, err := e.svc.Authenticate(e.ctx, fresh.Token); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Authenticate(e.ctx, old.Token)
	wantErr(t, err, ErrNoSession)
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"aé", 2, "a"},
		{"a\xffb", 10, "a\uFFFDb"},
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
