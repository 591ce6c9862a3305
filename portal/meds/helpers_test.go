package meds

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/seal"
)

// TestMain lets this package's tests overlap more than GOMAXPROCS allows by
// default: each has its own database and spends its time waiting on
// PostgreSQL, not on the CPU. An explicit -test.parallel wins.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "6")
	}
	os.Exit(m.Run())
}

// t0 is the tests' "now": Thursday 12 March 2026, 21:00 in New York.
var t0 = time.Date(2026, 3, 13, 1, 0, 0, 0, time.UTC)

const ny = "America/New_York"

// env is the medication service on a fresh database with the real
// account, audit and seal packages, a settable clock, and in-transaction
// fakes of the reminder and notification ports that write to test tables.
type env struct {
	t         testing.TB
	ctx       context.Context
	pool      *pgxpool.Pool
	svc       *Service
	clock     *clock
	reminders *fakeReminders
	n         atomic.Int64

	clinician, patient int64
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, pool: dbtest.New(t), clock: &clock{now: t0}}
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(ctx, e.pool, kek, seal.Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := account.New(account.Options{Pool: e.pool, Sealer: keys, Auditor: account.AuditLog{}, Now: e.clock.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	e.exec(`CREATE TABLE test_reminders (user_id bigint, med_id bigint, times text[], zone text, op text)`)
	e.exec(`CREATE TABLE test_notices (user_id bigint, refill_id bigint, kind text)`)
	e.reminders = &fakeReminders{}
	e.svc, err = New(Options{Pool: e.pool, Access: acct, Sealer: keys, Reminders: e.reminders, Notifier: fakeNotifier{},
		Now: e.clock.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	e.clinician = e.user(account.RoleClinician)
	e.patient = e.patientOf(e.clinician)
	return e
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func (e *env) exec(sql string, args ...any) {
	e.t.Helper()
	if _, err := e.pool.Exec(e.ctx, sql, args...); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (e *env) user(role account.Role) int64 {
	e.t.Helper()
	n := e.n.Add(1)
	return dbtest.User(e.t, e.pool, string(role), fmt.Sprintf("User %d", n))
}

// patientOf creates a patient on the clinicians' care team.
func (e *env) patientOf(clinicians ...int64) int64 {
	e.t.Helper()
	p := e.user(account.RolePatient)
	dbtest.CareTeam(e.t, e.pool, p, clinicians...)
	return p
}

// sertraline is a typical entry, started 2 March 2026, twice a day.
func sertraline() MedicationInput {
	return MedicationInput{Name: "Sertraline", Dose: "50 mg", Instructions: "Take with breakfast and dinner.",
		DailyTimes: []string{"20:00", "08:00"}, Zone: ny, Start: "2026-03-02"}
}

// add records in for the env's patient as the env's clinician.
func (e *env) add(in MedicationInput) Medication {
	e.t.Helper()
	m, err := e.svc.Add(e.ctx, clin(e.clinician), e.patient, in)
	if err != nil {
		e.t.Fatalf("Add: %v", err)
	}
	return m
}

// audits counts audit rows with the action (and the patient, unless 0).
func (e *env) audits(action string, patient int64) int {
	e.t.Helper()
	return e.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND ($2 = 0 OR patient_id = $2)`, action, patient)
}

func pat(id int64) account.Actor {
	return account.Actor{UserID: id, Role: account.RolePatient, IP: "192.0.2.1"}
}
func clin(id int64) account.Actor {
	return account.Actor{UserID: id, Role: account.RoleClinician, IP: "192.0.2.2"}
}

// wantErr fails unless err matches want (errors.Is) and has its code.
func wantErr(t testing.TB, err error, want *fault.Error) {
	t.Helper()
	if !errors.Is(err, want) || fault.CodeOf(err) != want.Code {
		t.Fatalf("err = %v, want %q (%v)", err, want.Message, want.Code)
	}
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeReminders records calls in test_reminders through the caller's
// transaction; fail makes the next call fail.
type fakeReminders struct{ fail atomic.Bool }

var errReminders = errors.New("fake reminders: failing")

func (f *fakeReminders) ScheduleMedication(ctx context.Context, tx pgx.Tx, userID, medID int64, times []string, zone string) error {
	if f.fail.Swap(false) {
		return errReminders
	}
	_, err := tx.Exec(ctx, `INSERT INTO test_reminders VALUES ($1, $2, $3, $4, 'schedule')`, userID, medID, times, zone)
	return err
}

func (f *fakeReminders) CancelMedication(ctx context.Context, tx pgx.Tx, userID, medID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO test_reminders VALUES ($1, $2, NULL, NULL, 'cancel')`, userID, medID)
	return err
}

// fakeNotifier records notices in test_notices through the caller's transaction.
type fakeNotifier struct{}

func (fakeNotifier) RefillRequested(ctx context.Context, tx pgx.Tx, prescriberID, refillID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO test_notices VALUES ($1, $2, 'requested')`, prescriberID, refillID)
	return err
}

func (fakeNotifier) RefillDecided(ctx context.Context, tx pgx.Tx, patientID, refillID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO test_notices VALUES ($1, $2, 'decided')`, patientID, refillID)
	return err
}
