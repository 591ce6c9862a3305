package chatbench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	// The first $3 users are clinicians, the rest patients.
	sqlBenchUsers = `INSERT INTO users (email, display_name, role)
		SELECT 'bench-' || $1 || '-' || g || '@bench.invalid', 'Bench ' || g,
		       CASE WHEN g <= $3 THEN 'clinician' ELSE 'patient' END
		FROM generate_series(1, $2::int) AS g ORDER BY g RETURNING id`
	sqlBenchTeam = `INSERT INTO care_team_members (patient_id, clinician_id)
		SELECT * FROM unnest($1::bigint[], $2::bigint[])`
)

// population is the users of a run: patients[i] and clinicians[i] share a
// care team (a pair); idle patients only hold connections.
type population struct {
	patients, clinicians, idle []int64
}

// createUsers inserts total users: pairs clinicians, pairs patients each on
// the care team of their clinician, and idle patients for the rest.
func createUsers(ctx context.Context, pool *pgxpool.Pool, total, pairs int) (population, error) {
	var tag [4]byte
	_, _ = rand.Read(tag[:])
	rows, err := pool.Query(ctx, sqlBenchUsers, hex.EncodeToString(tag[:]), total, pairs)
	if err != nil {
		return population{}, fmt.Errorf("chatbench: users: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return population{}, fmt.Errorf("chatbench: users: %w", err)
	}
	p := population{clinicians: ids[:pairs], patients: ids[pairs : 2*pairs], idle: ids[2*pairs:]}
	if _, err := pool.Exec(ctx, sqlBenchTeam, p.patients, p.clinicians); err != nil {
		return population{}, fmt.Errorf("chatbench: care teams: %w", err)
	}
	return p, nil
}
