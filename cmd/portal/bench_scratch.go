package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// scratchDatabase creates a fresh database beside the configured one for a
// benchmark and returns its URL and a function that drops it.
func scratchDatabase(ctx context.Context, cfg *config, stdout io.Writer) (string, func(), error) {
	b := make([]byte, 6)
	rand.Read(b)
	name := "haven_bench_" + hex.EncodeToString(b)
	if err := createDatabase(ctx, cfg.DatabaseURL, name); err != nil {
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	u, _ := url.Parse(cfg.DatabaseURL)
	u.Path = "/" + name
	drop := func() {
		admin := *u
		admin.Path = "/postgres"
		conn, err := pgx.Connect(context.Background(), admin.String())
		if err != nil {
			fmt.Fprintf(stdout, "could not drop scratch database %s: %v\n", name, err)
			return
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return u.String(), drop, nil
}
