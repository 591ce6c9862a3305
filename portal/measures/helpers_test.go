package measures_test

import (
	"context"
	"errors"
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
	"haven/portal/measures"
	"haven/portal/seal"
)

// db is one migrated database shared by the subtests of TestDatabase,
// with the real account policy, audit log and sealing keyring.
type db struct {
	pool *pgxpool.Pool
	keys *seal.Keyring
	acct *account.Service
}

// env is one subtest's world on the shared database: its own users, clock,
// stand-ins for crisis and push (which write rows in the caller's
// transaction, like the real ones) and Service. Subtests see only their own
// patients' rows, so they run in parallel.
type env struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	svc   *measures.Service
	clock *clock
	esc   *txEscalator
	rem   *txReminders

	patient, doc, outsider, counselor account.Actor
	other                             account.Actor // another patient
}

func newDB(t *testing.T) *db {
	t.Helper()
	ctx := context.Background()
	d := &db{pool: dbtest.NewUnsynced(t)}
	for _, ddl := range []string{
		`CREATE TABLE test_escalations (patient_id bigint, source text, severity text, ref text, response_visible boolean)`,
		`CREATE TABLE test_reminders (user_id bigint, assignment_id bigint, op text, due timestamptz, zone text)`,
	} {
		if _, err := d.pool.Exec(ctx, ddl); err != nil {
			t.Fatal(err)
		}
	}
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	if d.keys, err = seal.New(ctx, d.pool, kek, seal.Options{}); err != nil {
		t.Fatal(err)
	}
	d.acct, err = account.New(account.Options{Pool: d.pool, Sealer: d.keys, Auditor: account.AuditLog{}, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// env returns a fresh world: a patient with doc on their care team, another
// patient, a clinician outside the team and a counselor without a grant.
func (d *db) env(t *testing.T) *env {
	t.Helper()
	e := &env{ctx: context.Background(), pool: d.pool, clock: &clock{now: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)},
		esc: &txEscalator{}, rem: &txReminders{}}
	var err error
	e.svc, err = measures.New(measures.Options{Pool: d.pool, Authorizer: d.acct, Sealer: d.keys, Escalator: e.esc,
		Reminders: e.rem, Now: e.clock.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	e.patient = e.user(t, account.RolePatient)
	e.other = e.user(t, account.RolePatient)
	e.doc = e.user(t, account.RoleClinician)
	e.outsider = e.user(t, account.RoleClinician)
	e.counselor = e.user(t, account.RoleCounselor)
	admin := e.user(t, account.RoleAdmin)
	if err := d.acct.AddToCareTeam(e.ctx, admin, e.patient.UserID, e.doc.UserID); err != nil {
		t.Fatal(err)
	}
	return e
}

// user inserts an account of role and returns its Actor.
func (e *env) user(t *testing.T, role account.Role) account.Actor {
	t.Helper()
	id := dbtest.User(t, e.pool, string(role), "Test "+string(role))
	return account.Actor{UserID: id, Role: role, IP: "198.51.100.4", UserAgent: "test"}
}

// count runs a SELECT count(*) … query.
func (e *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rows counts the rows of table that concern e's patient.
func (e *env) rows(t *testing.T, table string) int {
	t.Helper()
	col := "patient_id"
	if table == "test_reminders" {
		col = "user_id"
	}
	return e.count(t, `SELECT count(*) FROM `+table+` WHERE `+col+` = $1`, e.patient.UserID)
}

// audits counts audit rows of action by actor about patient.
func (e *env) audits(t *testing.T, action string, actor account.Actor, patientID int64) int {
	t.Helper()
	return e.count(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_id = $2 AND patient_id = $3`,
		action, actor.UserID, patientID)
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

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// txEscalator records each escalation as a row written through the
// submission's transaction, noting whether the response is visible there;
// with fail set it writes its row and then fails.
type txEscalator struct{ fail atomic.Bool }

func (x *txEscalator) Raise(ctx context.Context, tx pgx.Tx, patientID int64, source, severity, ref string) error {
	_, err := tx.Exec(ctx, `INSERT INTO test_escalations (patient_id, source, severity, ref, response_visible)
		VALUES ($1, $2, $3, $4, EXISTS (SELECT 1 FROM measure_responses WHERE 'measure:' || instrument || ':' || id = $4))`,
		patientID, source, severity, ref)
	if err != nil {
		return err
	}
	if x.fail.Load() {
		return errors.New("test escalator: failing on purpose")
	}
	return nil
}

// txReminders records reminders as rows in the caller's transaction; with
// fail set it writes its row and then fails.
type txReminders struct{ fail atomic.Bool }

func (r *txReminders) ScheduleQuestionnaireDue(ctx context.Context, tx pgx.Tx, userID, assignmentID int64, due time.Time) error {
	return r.write(ctx, tx, userID, assignmentID, "schedule", &due)
}

func (r *txReminders) CancelQuestionnaire(ctx context.Context, tx pgx.Tx, userID, assignmentID int64) error {
	return r.write(ctx, tx, userID, assignmentID, "cancel", nil)
}

func (r *txReminders) write(ctx context.Context, tx pgx.Tx, userID, assignmentID int64, op string, due *time.Time) error {
	var zone *string
	if due != nil {
		z := due.Location().String()
		zone = &z
	}
	if _, err := tx.Exec(ctx, `INSERT INTO test_reminders VALUES ($1, $2, $3, $4, $5)`, userID, assignmentID, op, due, zone); err != nil {
		return err
	}
	if r.fail.Load() {
		return errors.New("test reminders: failing on purpose")
	}
	return nil
}

// wantErr fails unless err matches want (errors.Is).
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

// wantCode fails unless err carries the fault code.
func wantCode(t *testing.T, err error, code fault.Code) {
	t.Helper()
	if err == nil || fault.CodeOf(err) != code {
		t.Fatalf("err = %v (code %v), want code %v", err, fault.CodeOf(err), code)
	}
}

// phq9 returns complete PHQ-9 answers totalling total with item 9 = item9.
func phq9(total, item9 int) measures.Answers {
	a := measures.Answers{"q9": item9}
	rest := total - item9
	for i := 1; i <= 8; i++ {
		v := min(rest, 3)
		a["q"+string(rune('0'+i))] = v
		rest -= v
	}
	if rest != 0 {
		panic("phq9: total out of range")
	}
	if total > 0 {
		a["difficulty"] = 1
	}
	return a
}

// gad7 returns complete GAD-7 answers totalling total.
func gad7(total int) measures.Answers {
	a := measures.Answers{}
	rest := total
	for i := 1; i <= 7; i++ {
		v := min(rest, 3)
		a["q"+string(rune('0'+i))] = v
		rest -= v
	}
	if rest != 0 {
		panic("gad7: total out of range")
	}
	if total > 0 {
		a["difficulty"] = 0
	}
	return a
}
