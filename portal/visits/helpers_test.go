package visits

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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

// t0 is the tests' "now": Monday 2 March 2026, 10:00 in New York.
var t0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

const ny = "America/New_York"

// env is the scheduler on a fresh database with the real account, audit
// and seal packages, a settable clock, and in-transaction fakes of the
// reminder and notification ports that write to test tables.
type env struct {
	t         testing.TB
	ctx       context.Context
	pool      *pgxpool.Pool
	acct      *account.Service
	svc       *Service
	clock     *clock
	reminders *fakeReminders
	nextUser  atomic.Int64

	clinician int64
	therapy   VisitType // 50 min video
	medCheck  VisitType // 25 min in person
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
	e.acct, err = account.New(account.Options{Pool: e.pool, Sealer: keys, Auditor: account.AuditLog{}, Now: e.clock.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	e.exec(`CREATE TABLE test_reminders (user_id bigint, appointment_id bigint, start_at timestamptz, zone text, op text)`)
	e.exec(`CREATE TABLE test_offers (patient_id bigint, offer_id bigint)`)
	e.reminders = &fakeReminders{}
	e.svc, err = New(Options{Pool: e.pool, Access: e.acct, Reminders: e.reminders, Notifier: fakeNotifier{},
		Now: e.clock.Now, ClinicPhone: "+1 555 0100", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	e.clinician = e.user(account.RoleClinician)
	e.setHours(e.clinician, "09:00", "12:00")
	e.therapy = e.visitType(e.clinician, "Therapy session", 50, Video)
	e.medCheck = e.visitType(e.clinician, "Medication check", 25, InPerson)
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

// user creates an account with the role directly in SQL.
func (e *env) user(role account.Role) int64 {
	e.t.Helper()
	n := e.nextUser.Add(1)
	return dbtest.User(e.t, e.pool, string(role), fmt.Sprintf("User %d", n))
}

// patient creates a patient on the care team of the clinicians.
func (e *env) patient(clinicians ...int64) int64 {
	e.t.Helper()
	p := e.user(account.RolePatient)
	dbtest.CareTeam(e.t, e.pool, p, clinicians...)
	return p
}

// setHours gives the clinician the same hours every weekday (Mon–Fri) in New York.
func (e *env) setHours(clinician int64, start, end string) {
	e.t.Helper()
	av := Availability{Zone: ny}
	for d := time.Monday; d <= time.Friday; d++ {
		av.Weekly = append(av.Weekly, WeeklyHours{Weekday: d, Start: start, End: end})
	}
	if err := e.svc.SetAvailability(e.ctx, clin(clinician), clinician, av); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) visitType(clinician int64, name string, minutes int, m Modality) VisitType {
	e.t.Helper()
	vt, err := e.svc.AddVisitType(e.ctx, clin(clinician), VisitType{ClinicianID: clinician, Name: name, Minutes: minutes, Modality: m})
	if err != nil {
		e.t.Fatal(err)
	}
	return vt
}

// book books a therapy session for patient at start, as the patient.
func (e *env) book(patient int64, start time.Time) Appointment {
	e.t.Helper()
	a, err := e.svc.Book(e.ctx, pat(patient), BookRequest{PatientID: patient, ClinicianID: e.clinician, VisitTypeID: e.therapy.ID, Start: start})
	if err != nil {
		e.t.Fatalf("Book(%v): %v", start, err)
	}
	return a
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

// at returns the instant of a New York wall time.
func at(y int, m time.Month, d, h, min int) time.Time {
	loc, err := time.LoadLocation(ny)
	if err != nil {
		panic(err)
	}
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// wantErr fails unless err matches want (errors.Is) and has its code.
func wantErr(t testing.TB, err error, want *fault.Error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %q", err, want.Message)
	}
	if fault.CodeOf(err) != want.Code {
		t.Fatalf("code = %v, want %v", fault.CodeOf(err), want.Code)
	}
}

// clock is a settable clock.
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
// transaction, so a rolled-back booking leaves no row. fail makes the next
// call fail.
// When pause is set, CancelAppointmentReminders signals on it and waits for
// it to be closed, so a test can interleave another request.
type fakeReminders struct {
	fail  atomic.Bool
	pause atomic.Pointer[chan struct{}]
}

var errReminders = errors.New("fake reminders: failing")

func (f *fakeReminders) ScheduleAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, apptID int64, start time.Time, zone string) error {
	if f.fail.Swap(false) {
		return errReminders
	}
	_, err := tx.Exec(ctx, `INSERT INTO test_reminders VALUES ($1, $2, $3, $4, 'schedule')`, userID, apptID, start, zone)
	return err
}

func (f *fakeReminders) CancelAppointmentReminders(ctx context.Context, tx pgx.Tx, userID, apptID int64) error {
	if p := f.pause.Swap(nil); p != nil {
		*p <- struct{}{}
		<-*p
	}
	_, err := tx.Exec(ctx, `INSERT INTO test_reminders VALUES ($1, $2, NULL, NULL, 'cancel')`, userID, apptID)
	return err
}

// fakeNotifier records offers in test_offers through the caller's transaction.
type fakeNotifier struct{}

func (fakeNotifier) SlotOffered(ctx context.Context, tx pgx.Tx, patientID, offerID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO test_offers VALUES ($1, $2)`, patientID, offerID)
	return err
}
