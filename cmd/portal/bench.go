package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// cmdBench dispatches the load generators. Each prints figures; none
// asserts them.
func cmdBench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: portal bench signin|push|crisis|media|hub [flags]")
	}
	switch args[0] {
	case "signin":
		return benchSignin(ctx, args[1:], getenv, stdout, stderr)
	case "push":
		return benchPush(ctx, args[1:], getenv, stdout, stderr)
	case "crisis":
		return benchCrisis(ctx, args[1:], getenv, stdout, stderr)
	case "media":
		return benchMedia(ctx, args[1:], stdout, stderr)
	case "hub":
		return benchHub(ctx, args[1:], getenv, stdout, stderr)
	}
	return fmt.Errorf("unknown bench %q (signin, push, crisis, media, hub)", args[0])
}
