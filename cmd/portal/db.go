package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations"
	"haven/push"
)

// poolSize is the least number of PostgreSQL connections a node keeps
// available: the hub's group commits, the reminder workers and request
// handlers share them (pgxpool's default of 4 on two cores is too few).
const poolSize = 24

// openDB connects to PostgreSQL and checks it answers. When create is set and
// the database does not exist, it is created first (used by the demo).
func openDB(ctx context.Context, dsn string, create bool) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("DATABASE_URL is not a valid PostgreSQL URL")
	}
	if pcfg.MaxConns < poolSize {
		pcfg.MaxConns = poolSize
	}
	where := fmt.Sprintf("%s:%d/%s", pcfg.ConnConfig.Host, pcfg.ConnConfig.Port, pcfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s: %w", where, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = pool.Ping(pctx)
	if err == nil {
		return pool, nil
	}
	pool.Close()
	var pgErr *pgconn.PgError
	if create && errors.As(err, &pgErr) && pgErr.Code == "3D000" {
		if err := createDatabase(ctx, dsn, pcfg.ConnConfig.Database); err != nil {
			return nil, fmt.Errorf("create database %s: %w", pcfg.ConnConfig.Database, err)
		}
		return openDB(ctx, dsn, false)
	}
	if errors.As(err, &pgErr) && pgErr.Code == "3D000" {
		return nil, fmt.Errorf("database %q does not exist at %s: create it with `createdb -h %s %s`",
			pcfg.ConnConfig.Database, where, pcfg.ConnConfig.Host, pcfg.ConnConfig.Database)
	}
	return nil, fmt.Errorf("cannot reach PostgreSQL at %s (is it running? `make demo` starts it): %w", where, err)
}

// createDatabase connects to the maintenance database "postgres" on the same
// server and creates name.
func createDatabase(ctx context.Context, dsn, name string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	u.Path = "/postgres"
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile
		return nil
	}
	return err
}

// migrate applies pending migrations (Haven's and those of the job queue)
// and reports what it did.
func migrate(ctx context.Context, pool *pgxpool.Pool, log func(string)) error {
	applied, err := migrations.Apply(ctx, pool)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log(fmt.Sprintf("applied migrations %s", joinInts(applied)))
	}
	river, err := push.Migrate(ctx, pool)
	if err != nil {
		return fmt.Errorf("job queue migrations: %w", err)
	}
	if len(river) > 0 {
		log(fmt.Sprintf("applied job queue migrations %s", joinInts(river)))
	}
	return nil
}

// readiness reports nil when PostgreSQL answers and the schema is current.
func readiness(pool *pgxpool.Pool) func(context.Context) error {
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		v, err := migrations.Current(ctx, pool)
		if err != nil {
			return errors.New("database unreachable")
		}
		if v != migrations.Latest() {
			return fmt.Errorf("database schema is at %d, binary expects %d", v, migrations.Latest())
		}
		return nil
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
