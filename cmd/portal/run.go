package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// run is the whole program: it parses args (without the program name),
// reads the environment through getenv, writes to stdout/stderr, and returns
// when the command is done or ctx is cancelled. Tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "users":
		return cmdUsers(ctx, rest, getenv, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, getenv, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return nil
	default:
		usage(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
