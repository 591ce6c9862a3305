package main

import (
	"context"
	"fmt"
	"io"

	"haven/migrations"
)

// cmdMigrate applies pending migrations and exits.
func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	pool, err := openDB(ctx, cfg.DatabaseURL, false)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := migrate(ctx, pool, func(s string) { fmt.Fprintln(stdout, s) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database schema at version %d\n", migrations.Latest())
	return nil
}
