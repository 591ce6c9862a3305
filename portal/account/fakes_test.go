package account

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
)

// fakeSealer "encrypts" by XOR with a fixed byte and frames the owner and
// associated data, so Unseal fails for the wrong owner or ad, and sealed
// bytes never contain the plaintext.
type fakeSealer struct{}

func (fakeSealer) Seal(_ context.Context, owner string, plaintext, ad []byte) ([]byte, error) {
	out := []byte("fake:" + owner + "|")
	out = append(out, ad...)
	out = append(out, '|')
	for _, b := range plaintext {
		out = append(out, b^0x5a)
	}
	return out, nil
}

func (fakeSealer) Unseal(_ context.Context, owner string, sealed, ad []byte) ([]byte, error) {
	prefix := append([]byte("fake:"+owner+"|"), ad...)
	prefix = append(prefix, '|')
	if !bytes.HasPrefix(sealed, prefix) {
		return nil, errors.New("fakeSealer: wrong owner or associated data")
	}
	var out []byte
	for _, b := range sealed[len(prefix):] {
		out = append(out, b^0x5a)
	}
	return out, nil
}

// fakeAuditor keeps events in memory.
type fakeAuditor struct {
	mu     sync.Mutex
	events []Event
}

func (a *fakeAuditor) Record(_ context.Context, db Querier, e Event) error {
	if db == nil {
		return errors.New("fakeAuditor: nil db")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
	return nil
}

// count returns how many events have the action (and, if not 0, the patient).
func (a *fakeAuditor) count(action string, patientID int64) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, e := range a.events {
		if e.Action == action && (patientID == 0 || e.PatientID == patientID) {
			n++
		}
	}
	return n
}

// last returns the last event with the action.
func (a *fakeAuditor) last(t *testing.T, action string) Event {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.events) - 1; i >= 0; i-- {
		if a.events[i].Action == action {
			return a.events[i]
		}
	}
	t.Fatalf("no %s audit event", action)
	return Event{}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one test's service on its own database.
type env struct {
	svc   *Service
	pool  *pgxpool.Pool
	clock *fakeClock
	audit *fakeAuditor
	ctx   context.Context
}

// newEnv returns a Service on a fresh database with a fake clock set to a
// fixed instant (microsecond precision, as PostgreSQL stores). It marks the
// test parallel: every test has its own database.
func newEnv(t *testing.T, mod ...func(*Options)) *env {
	t.Helper()
	t.Parallel()
	e := &env{
		pool:  dbtest.New(t),
		clock: &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		audit: &fakeAuditor{},
		ctx:   context.Background(),
	}
	o := Options{Pool: e.pool, Sealer: fakeSealer{}, Auditor: e.audit, Now: e.clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, m := range mod {
		m(&o)
	}
	svc, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if svc.cost != owaspCost {
		t.Fatalf("New uses cost %+v, want the OWASP cost", svc.cost)
	}
	svc.cost = testCost
	e.svc = svc
	return e
}

const testPassword = "correct horse battery staple"

// testCost is a deliberately cheap argon2id cost (64 KiB, one pass) for
// the Services of these tests: the suite signs in hundreds of times, and
// at the OWASP cost under -race on a shared 2-core machine that alone would
// take minutes. The OWASP cost itself is tested in password_test.go
// (hashPassword, New's default, the dummy hash) and measured by the
// benchmarks. Unknown emails still verify the real dummy hash.
var testCost = fastCost

// user inserts an account whose password is testPassword.
func (e *env) user(t *testing.T, role Role, email string) Account {
	t.Helper()
	email, err := validEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := testCost.hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.insertUser(e.ctx, e.pool, role, email, "Test "+string(role), hash)
	if err != nil {
		t.Fatalf("create %s: %v", role, err)
	}
	return a
}

// signIn signs in with testPassword and fails the test on error.
func (e *env) signIn(t *testing.T, email string) SignInResult {
	t.Helper()
	res, err := e.svc.SignIn(e.ctx, email, testPassword, "192.0.2.1", "test-agent")
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	return res
}

// wantErr fails unless errors.Is(err, want).
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}
