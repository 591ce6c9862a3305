package crisis

import (
	"context"
	"sync"
	"time"
)

// DriverOptions tune a Driver. The zero value is the production default.
type DriverOptions struct {
	Interval time.Duration // how often each worker polls for due rows; zero means 500 ms
	Workers  int           // concurrent workers, staggered across the interval; zero means 2
}

// Driver moves escalations at their deadlines: it offers raised ones,
// re-routes unclaimed ones to the next tier and keeps alerting expired
// ones. Deadlines live in PostgreSQL and every node runs a Driver; rows are
// taken with FOR UPDATE SKIP LOCKED, so any number of nodes share the work
// and a dead or hung node's rows pass to another within its lease
// (NotifyTimeout + 3 s) — a killed process releases them at once.
type Driver struct {
	s    *Service
	opts DriverOptions
}

// Driver returns the deadline driver of this node's Service.
func (s *Service) Driver(o DriverOptions) *Driver {
	if o.Interval <= 0 {
		o.Interval = 500 * time.Millisecond
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	return &Driver{s: s, opts: o}
}

// Run drives deadlines until ctx is done, then returns ctx.Err(). Errors
// (a database outage) are logged and retried at the next poll.
func (d *Driver) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := range d.opts.Workers {
		offset := d.opts.Interval * time.Duration(i) / time.Duration(d.opts.Workers)
		wg.Go(func() { d.work(ctx, offset) })
	}
	wg.Wait()
	return ctx.Err()
}

// work polls every Interval, after an initial offset, and drains due rows.
func (d *Driver) work(ctx context.Context, offset time.Duration) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(offset):
	}
	t := time.NewTicker(d.opts.Interval)
	defer t.Stop()
	for {
		d.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// drain runs due transitions until none is left or one fails.
func (d *Driver) drain(ctx context.Context) {
	for ctx.Err() == nil {
		more, err := d.s.step(ctx, 0)
		if err != nil {
			if ctx.Err() == nil {
				d.s.log.ErrorContext(ctx, "crisis driver step failed", "err", err)
			}
			return
		}
		if !more {
			return
		}
	}
}
