package push

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// riverMigrateLock serializes River migrations across nodes ("haven-rv").
const riverMigrateLock int64 = 0x686176656e2d7276

// Migrate brings River's tables up to the version of the linked River
// library. Call it right after migrations.Apply: migration 0041 already
// holds River's schema at version 8 (River v0.51.1), so this applies only
// versions added by a later River, each in its own transaction, under an
// advisory lock so concurrent nodes migrate once. It returns the versions
// applied (none when current).
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("push: migrate river: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, riverMigrateLock); err != nil {
		return nil, fmt.Errorf("push: migrate river: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, riverMigrateLock)

	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)}) // the caller reports what was applied
	if err != nil {
		return nil, fmt.Errorf("push: migrate river: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("push: migrate river: %w", err)
	}
	var applied []int
	for _, v := range res.Versions {
		applied = append(applied, v.Version)
	}
	return applied, nil
}
