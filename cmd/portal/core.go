package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/seal"
)

// core holds the foundation services every command builds on.
type core struct {
	cfg      *config
	log      *slog.Logger
	pool     *pgxpool.Pool
	keys     *seal.Keyring
	audit    *audit.Log
	accounts *account.Service
}

// coreOptions says how openCore treats the database.
type coreOptions struct {
	createDB bool // create the database when missing (demo)
	migrate  bool // apply pending migrations
}

// openCore connects to PostgreSQL, migrates when asked, opens the keyring
// and builds the audit log and account service.
func openCore(ctx context.Context, cfg *config, stderr io.Writer, opts coreOptions) (*core, error) {
	log := newLogger(stderr, cfg.LogLevel)
	pool, err := openDB(ctx, cfg.DatabaseURL, opts.createDB)
	if err != nil {
		return nil, err
	}
	c := &core{cfg: cfg, log: log, pool: pool}
	if opts.migrate {
		if err := migrate(ctx, pool, func(s string) { log.Info(s) }); err != nil {
			c.Close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
	}
	c.keys, err = seal.Open(ctx, pool, cfg.KeyURI, seal.Options{Logger: log})
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("sealing keys (%s): %w", redactKeyURI(cfg.KeyURI), err)
	}
	c.audit = audit.New(pool, log)
	c.accounts, err = account.New(account.Options{
		Pool:            pool,
		Sealer:          c.keys,
		Auditor:         account.AuditLog{},
		IdleTimeout:     cfg.SessionIdle,
		AbsoluteTimeout: cfg.SessionMax,
		Logger:          log,
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Close releases the database pool.
func (c *core) Close() { c.pool.Close() }

// newLogger returns a JSON slog logger at the given level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// redactKeyURI keeps the scheme of a key URI for messages.
func redactKeyURI(uri string) string {
	scheme, _, _ := strings.Cut(uri, "://")
	return scheme + "://…"
}
