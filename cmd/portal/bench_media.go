package main

import (
	"context"
	"flag"
	"io"

	"haven/media"
)

// benchMedia runs the SFU load generator (media.Bench): Pion publishers
// and subscribers on loopback, one group room, concurrent one-to-one
// visits, and a ramp until admission control refuses. It needs no
// database.
func benchMedia(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o media.BenchOptions
	fs := flag.NewFlagSet("bench media", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.Window, "window", 0, "measurement window per scenario (default 8s)")
	fs.IntVar(&o.GroupSize, "group", 0, "participants in the group room (default 12)")
	fs.IntVar(&o.Pairs, "pairs", 0, "concurrent one-to-one visits (default 40)")
	fs.IntVar(&o.RampBudget, "ramp-budget", 0, "admission budget in streams for the ramp (default 160 = 20 visits)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return media.Bench(ctx, stdout, o)
}
