package main

import (
	"context"
	"flag"
	"io"

	"haven/crisis"
	"haven/push"
)

// benchPush measures pushes per second to a local receiver and the
// lateness of reminders that all fall due at once (push.Bench), on a
// scratch database.
func benchPush(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o push.BenchOptions
	c, done, err := benchCore(ctx, "bench push", args, getenv, stdout, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Pushes, "pushes", 2000, "posts for the throughput figure")
		fs.IntVar(&o.Reminders, "reminders", 10000, "reminders due in the same minute")
		fs.IntVar(&o.Workers, "workers", 100, "reminder jobs run at once")
	})
	if err != nil {
		return err
	}
	defer done()
	return push.Bench(ctx, c.pool, c.keys, stdout, o)
}

// benchCrisis measures raise→offer latency and how late escalations
// re-route when a node dies (crisis.Bench), on a scratch database; with
// --console, the crisis button → counselor's socket through a running node
// under chat load instead (benchConsole).
func benchCrisis(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o crisis.BenchOptions
	var console bool
	var co consoleOptions
	c, done, err := benchCore(ctx, "bench crisis", args, getenv, stdout, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Escalations, "escalations", 200, "escalations to raise")
		consoleFlags(fs, &console, &co)
	})
	if err != nil {
		return err
	}
	defer done()
	if console {
		return benchConsole(ctx, c, stdout, co)
	}
	return crisis.Bench(ctx, c.pool, stdout, o)
}

// benchCore parses a bench's flags and opens the core services on a
// scratch database, dropped by the returned function.
func benchCore(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer, extra func(*flag.FlagSet)) (*core, func(), error) {
	cfg, _, err := parseConfig(name, args, getenv, stderr, extra)
	if err != nil {
		return nil, nil, err
	}
	dsn, drop, err := scratchDatabase(ctx, cfg, stdout)
	if err != nil {
		return nil, nil, err
	}
	cfg.DatabaseURL, cfg.LogLevel = dsn, "error"
	c, err := openCore(ctx, cfg, stderr, coreOptions{migrate: true})
	if err != nil {
		drop()
		return nil, nil, err
	}
	return c, func() { c.Close(); drop() }, nil
}
