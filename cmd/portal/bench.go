package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// cmdBench dispatches the load generators.
func cmdBench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: portal bench hub|media|crisis|push [flags]")
	}
	return fmt.Errorf("bench %q: not built yet", args[0])
}
