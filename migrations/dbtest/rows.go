package dbtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// NewUnsynced is New with commits that do not wait for the disk
// (synchronous_commit off), for suites where durability is not under test
// and fsync would dominate the run time on a busy machine.
func NewUnsynced(t testing.TB) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(URLFor(NewDatabase(t)))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// User inserts an account of role ("patient", "clinician", …) named
// displayName, with a fresh e-mail address and no password, straight in SQL,
// and returns its id: for suites that need people but do not test accounts.
func User(t testing.TB, pool *pgxpool.Pool, role, displayName string) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `INSERT INTO users (email, display_name, role) VALUES ($1, $2, $3) RETURNING id`,
		randomHex(6)+"@example.test", displayName, role).Scan(&id)
	if err != nil {
		t.Fatalf("insert %s: %v", role, err)
	}
	return id
}

// CareTeam puts the clinicians on the patient's care team, straight in SQL.
func CareTeam(t testing.TB, pool *pgxpool.Pool, patient int64, clinicians ...int64) {
	t.Helper()
	for _, c := range clinicians {
		if _, err := pool.Exec(context.Background(), `INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, patient, c); err != nil {
			t.Fatalf("care team of %d: %v", patient, err)
		}
	}
}
