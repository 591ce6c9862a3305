// Package migrations holds Haven's schema as numbered SQL files
// (NNNN_name.sql), embedded in the binary, and applies them.
//
// Apply runs every pending file in one transaction under an advisory lock, so
// concurrent nodes starting together migrate once, and a failure leaves the
// database as it was. A database whose schema is newer than the binary is
// refused rather than used.
package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed *.sql
var files embed.FS

// advisoryLockKey serializes migrations across nodes ("haven-mg" as an int64).
const advisoryLockKey int64 = 0x686176656e2d6d67

// ErrNewerDatabase means the database was migrated by a newer binary.
var ErrNewerDatabase = errors.New("database schema is newer than this binary; upgrade haven")

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// All returns the embedded migrations in version order.
func All() ([]Migration, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		if !ok || !strings.HasSuffix(rest, ".sql") {
			return nil, fmt.Errorf("migration %q: want NNNN_name.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: bad version", name)
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %q and %q share a version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// Latest returns the highest embedded version.
func Latest() int {
	all, err := All()
	if err != nil || len(all) == 0 {
		return 0
	}
	return all[len(all)-1].Version
}

const (
	sqlCreateVersions = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version int PRIMARY KEY,
		name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`
	sqlLock           = `SELECT pg_advisory_xact_lock($1)`
	sqlCurrentVersion = `SELECT coalesce(max(version), 0) FROM schema_migrations`
	sqlRecordVersion  = `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`
)

// Apply brings the database up to the latest embedded version and returns
// the versions it applied (none when already current).
func Apply(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	var applied []int
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlLock, advisoryLockKey); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlCreateVersions); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, sqlCurrentVersion).Scan(&current); err != nil {
			return err
		}
		if len(all) > 0 && current > all[len(all)-1].Version {
			return fmt.Errorf("%w (database %d, binary %d)", ErrNewerDatabase, current, all[len(all)-1].Version)
		}
		for _, m := range all {
			if m.Version <= current {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, sqlRecordVersion, m.Version, m.Name); err != nil {
				return err
			}
			applied = append(applied, m.Version)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return applied, nil
}

// Current returns the database's schema version (0 when never migrated).
func Current(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := pool.QueryRow(ctx, sqlCurrentVersion).Scan(&v)
	return v, err
}
