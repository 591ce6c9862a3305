package fhir_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/fhir"
	"haven/portal/measures"
	"haven/portal/meds"
	"haven/portal/records"
	"haven/portal/seal"
	"haven/portal/visits"
)

// t0 is the first day of the seeded history: Monday 1 January 2024, noon UTC.
var t0 = time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)

const ny = "America/New_York"

// env is the FHIR server on a fresh database with the real account, audit,
// seal, visits, meds, measures and records packages, a settable clock, an
// in-memory stand-in for chat (the Messages port), and no-op stand-ins for
// push and crisis.
type env struct {
	t     testing.TB
	ctx   context.Context
	pool  *pgxpool.Pool
	clock *clock
	acct  *account.Service
	vis   *visits.Service
	med   *meds.Service
	meas  *measures.Service
	rec   *records.Service
	msgs  *messages
	srv   *fhir.Server

	actors *actors

	admin, patient, other, doc, outsider, counselor account.Actor
	visitType                                       visits.VisitType
}

// newEnv returns the server on a fresh database with the whole cast (see
// people).
func newEnv(t testing.TB) *env {
	t.Helper()
	e := newWorld(t)
	e.people()
	return e
}

// newWorld returns the server on a fresh database without any user.
func newWorld(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, pool: dbtest.New(t), clock: &clock{now: t0.Add(-48 * time.Hour)},
		actors: &actors{byID: map[string]account.Actor{}}}
	kek, err := seal.NewMemoryKEK()
	must(t, err)
	keys, err := seal.New(ctx, e.pool, kek, seal.Options{Logger: quiet()})
	must(t, err)
	e.acct, err = account.New(account.Options{Pool: e.pool, Sealer: keys, Auditor: account.AuditLog{}, Now: e.clock.Now,
		Logger: quiet(), MaxConcurrentHashes: 1})
	must(t, err)
	e.vis, err = visits.New(visits.Options{Pool: e.pool, Access: e.acct, Reminders: noPorts{}, Notifier: noPorts{},
		Now: e.clock.Now, Logger: quiet()})
	must(t, err)
	e.med, err = meds.New(meds.Options{Pool: e.pool, Access: e.acct, Sealer: keys, Reminders: noPorts{},
		Notifier: noPorts{}, Now: e.clock.Now, Logger: quiet()})
	must(t, err)
	e.meas, err = measures.New(measures.Options{Pool: e.pool, Authorizer: e.acct, Sealer: keys, Escalator: noPorts{},
		Reminders: noPorts{}, Now: e.clock.Now, Logger: quiet()})
	must(t, err)
	e.rec, err = records.New(records.Options{Pool: e.pool, Authorizer: e.acct, Sealer: keys, Now: e.clock.Now, Logger: quiet()})
	must(t, err)
	e.msgs = &messages{auth: e.acct}
	e.srv, err = fhir.New(fhir.Deps{Accounts: e.acct, Visits: e.vis, Meds: e.med, Measures: e.meas, Records: e.rec,
		Messages: e.msgs, Audit: audit.New(e.pool, quiet()), Actor: e.actorOf,
		BaseURL: "https://portal.example.org/fhir", Now: e.clock.Now, Logger: quiet()})
	must(t, err)
	return e
}

// actors are the signed-in users, by id.
type actors struct {
	mu   sync.Mutex
	byID map[string]account.Actor
}

// in returns e for subtest t: the same world, failing t.
func (e *env) in(t testing.TB) *env {
	c := *e
	c.t = t
	return &c
}

// people creates the cast through account: a patient with doc on their
// care team, another patient, a clinician outside the team and a counselor
// without any grant.
func (e *env) people() {
	e.t.Helper()
	e.admin = e.user(account.RoleAdmin, "Admin")
	e.patient = e.user(account.RolePatient, "Pat Patient")
	e.other = e.user(account.RolePatient, "Otto Other")
	e.doc = e.user(account.RoleClinician, "Dr Doc")
	e.outsider = e.user(account.RoleClinician, "Dr Outsider")
	e.counselor = e.user(account.RoleCounselor, "Cora Counselor")
	must(e.t, e.acct.AddToCareTeam(e.ctx, e.admin, e.patient.UserID, e.doc.UserID))
	must(e.t, e.acct.AddToCareTeam(e.ctx, e.admin, e.other.UserID, e.outsider.UserID))
}

// user creates an account (CreateAccount, as the operator) and returns its Actor.
func (e *env) user(role account.Role, name string) account.Actor {
	e.t.Helper()
	a, err := e.acct.CreateAccount(e.ctx, account.Operator(), account.NewAccount{Role: role,
		Email: randHex(6) + "@example.test", DisplayName: name, Password: "correct horse battery " + randHex(4)})
	must(e.t, err)
	actor := account.Actor{UserID: a.ID, Role: role, IP: "198.51.100.7", UserAgent: "fhir-test"}
	e.actors.mu.Lock()
	e.actors.byID[strconv.FormatInt(a.ID, 10)] = actor
	e.actors.mu.Unlock()
	return actor
}

// actorOf is the Actor func given to the server: the X-Test-Actor header
// names a user created by user.
func (e *env) actorOf(r *http.Request) (account.Actor, bool) {
	e.actors.mu.Lock()
	defer e.actors.mu.Unlock()
	a, ok := e.actors.byID[r.Header.Get("X-Test-Actor")]
	return a, ok
}

// do sends a request as actor (the zero Actor: signed out) and returns the
// status and body.
func (e *env) do(actor account.Actor, method, target string) (int, []byte) {
	e.t.Helper()
	r := httptest.NewRequest(method, target, nil)
	if actor.UserID != 0 {
		r.Header.Set("X-Test-Actor", strconv.FormatInt(actor.UserID, 10))
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	if ct := w.Header().Get("Content-Type"); ct != "application/fhir+json; charset=utf-8" {
		e.t.Fatalf("%s %s: Content-Type %q", method, target, ct)
	}
	return w.Code, w.Body.Bytes()
}

// get sends GET target as actor and fails unless the status is want.
func (e *env) get(actor account.Actor, target string, want int) []byte {
	e.t.Helper()
	status, body := e.do(actor, http.MethodGet, target)
	if status != want {
		e.t.Fatalf("GET %s as user %d: status %d, want %d: %s", target, actor.UserID, status, want, body)
	}
	return body
}

// bundle decodes a Bundle and returns its entries' resources.
func bundleOf(t testing.TB, body []byte) []map[string]any {
	t.Helper()
	var b struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Resource map[string]any `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.ResourceType != "Bundle" {
		t.Fatalf("not a Bundle (%v): %.300s", err, body)
	}
	out := make([]map[string]any, len(b.Entry))
	for i, en := range b.Entry {
		out[i] = en.Resource
	}
	return out
}

// audits counts fhir.read rows of actor with target and outcome.
func (e *env) audits(actor account.Actor, target string, outcome audit.Outcome) int {
	e.t.Helper()
	var n int
	err := e.pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_log WHERE action = 'fhir.read' AND actor_id = $1
		AND target = $2 AND outcome = $3`, actor.UserID, target, string(outcome)).Scan(&n)
	must(e.t, err)
	return n
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clock is a settable clock shared by every service of an env.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// noPorts stands in for push (reminders, notifications) and crisis
// (escalations): they are not under test here, and write nothing.
type noPorts struct{}

func (noPorts) ScheduleAppointmentReminders(context.Context, pgx.Tx, int64, int64, time.Time, string) error {
	return nil
}
func (noPorts) CancelAppointmentReminders(context.Context, pgx.Tx, int64, int64) error { return nil }
func (noPorts) SlotOffered(context.Context, pgx.Tx, int64, int64) error                { return nil }
func (noPorts) ScheduleMedication(context.Context, pgx.Tx, int64, int64, []string, string) error {
	return nil
}
func (noPorts) CancelMedication(context.Context, pgx.Tx, int64, int64) error { return nil }
func (noPorts) RefillRequested(context.Context, pgx.Tx, int64, int64) error  { return nil }
func (noPorts) RefillDecided(context.Context, pgx.Tx, int64, int64) error    { return nil }
func (noPorts) ScheduleQuestionnaireDue(context.Context, pgx.Tx, int64, int64, time.Time) error {
	return nil
}
func (noPorts) CancelQuestionnaire(context.Context, pgx.Tx, int64, int64) error    { return nil }
func (noPorts) Raise(context.Context, pgx.Tx, int64, string, string, string) error { return nil }
