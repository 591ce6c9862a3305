package records_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/records"
	"haven/portal/seal"
)

// db is one migrated database shared by the subtests of TestDatabase,
// with the real account policy, audit log and sealing keyring.
type db struct {
	pool *pgxpool.Pool
	keys *seal.Keyring
	acct *account.Service
}

// env is one subtest's world on the shared database: its own users, clock
// and Service. Subtests see only their own patients' rows, so they run in
// parallel.
type env struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	acct  *account.Service
	svc   *records.Service
	clock *clock

	patient, doc, doc2, outsider, counselor, admin account.Actor
	other                                          account.Actor // another patient
}

func newDB(t *testing.T) *db {
	t.Helper()
	ctx := context.Background()
	d := &db{pool: dbtest.NewUnsynced(t)}
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

// env returns a fresh world: a patient with doc and doc2 on their care
// team, another patient, a clinician outside the team, a counselor without
// a grant and an admin.
func (d *db) env(t *testing.T) *env {
	t.Helper()
	e := &env{ctx: context.Background(), pool: d.pool, acct: d.acct, clock: &clock{now: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)}}
	var err error
	e.svc, err = records.New(records.Options{Pool: d.pool, Authorizer: d.acct, Sealer: d.keys, Now: e.clock.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	e.patient = e.user(t, account.RolePatient)
	e.other = e.user(t, account.RolePatient)
	e.doc = e.user(t, account.RoleClinician)
	e.doc2 = e.user(t, account.RoleClinician)
	e.outsider = e.user(t, account.RoleClinician)
	e.counselor = e.user(t, account.RoleCounselor)
	e.admin = e.user(t, account.RoleAdmin)
	for _, c := range []account.Actor{e.doc, e.doc2} {
		if err := d.acct.AddToCareTeam(e.ctx, e.admin, e.patient.UserID, c.UserID); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// user inserts an account of role and returns its Actor.
func (e *env) user(t *testing.T, role account.Role) account.Actor {
	t.Helper()
	id := dbtest.User(t, e.pool, string(role), "Test "+string(role))
	return account.Actor{UserID: id, Role: role, IP: "198.51.100.9", UserAgent: "test"}
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
	return e.count(t, `SELECT count(*) FROM `+table+` WHERE patient_id = $1`, e.patient.UserID)
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

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
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

// note writes a note as doc and returns it.
func (e *env) note(t *testing.T, by account.Actor, kind records.NoteKind, title, body string, withhold records.Exception) records.Note {
	t.Helper()
	n, err := e.svc.WriteNote(e.ctx, by, records.NewNote{PatientID: e.patient.UserID, Kind: kind, Title: title, Body: body, Withhold: withhold})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ids returns the ids of notes.
func ids(ns []records.Note) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func isErr(err, target error) bool { return errors.Is(err, target) }
