package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"haven/portal/audit"
	"haven/portal/fault"
)

// cmdAudit dispatches "portal audit verify".
func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: portal audit verify [flags]")
	}
	cfg, _, err := parseConfig("audit verify", args[1:], getenv, stderr, nil)
	if err != nil {
		return err
	}
	pool, err := openDB(ctx, cfg.DatabaseURL, false)
	if err != nil {
		return err
	}
	defer pool.Close()
	rep, err := audit.New(pool, newLogger(stderr, cfg.LogLevel)).Verify(ctx)
	if errors.Is(err, audit.ErrChainBroken) {
		fmt.Fprintf(stdout, "audit chain BROKEN: %s row at position %d (%d rows verified before it)\n", rep.Problem, rep.BrokenAt, rep.Verified)
		return errors.New("audit log has been tampered with")
	}
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	fmt.Fprintf(stdout, "audit chain intact: %d rows verified; head %d %s\n", rep.Verified, rep.HeadPos, hex.EncodeToString(rep.HeadHash))
	fmt.Fprintln(stdout, "keep the head hash outside the database to detect a later rewrite of the whole chain")
	return nil
}

// userError turns a domain error into a message for the command line: the
// user-safe message of a fault, or the error itself otherwise.
func userError(err error) error {
	var f *fault.Error
	if errors.As(err, &f) && f.Code != fault.Internal {
		return errors.New(f.Message)
	}
	return err
}
