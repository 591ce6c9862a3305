package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"haven/migrations"
)

// cmdMigrate applies pending migrations and exits.
func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	build, err := registerConfigFlags(fs, getenv)
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := build()
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
