package chatbench

import (
	"context"
	"errors"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchOptions configures Bench. Dial and Pool are required.
type BenchOptions struct {
	// Dial opens an authenticated WebSocket to node (0, or 1 for the second
	// node) as the user. The caller provides it (it knows how sessions are
	// made); Bench says hello itself.
	Dial func(ctx context.Context, node int, userID int64) (*websocket.Conn, error)
	// Nodes is how many nodes Dial reaches: 1, or 2 to run the two-node
	// phase. Default 1.
	Nodes int
	// Pool is the server's database: Bench inserts its users and care
	// teams there (never deleted; emails end in @bench.invalid).
	Pool *pgxpool.Pool
	// ServerPIDs are the server processes whose resident memory is
	// measured (one per node); empty means this process, which then also
	// holds the client side of every connection — the report says so.
	ServerPIDs []int

	Conns       int           // connections held in phase 1; default 2,000
	Pairs       int           // patient–clinician pairs sending in phases 2 and 3; default 200
	Rate        float64       // messages per second offered, in total; default 2,000
	Duration    time.Duration // of each sending phase; default 10 s
	DialWorkers int           // concurrent dials; default 64
}

func (o *BenchOptions) withDefaults() (BenchOptions, error) {
	c := *o
	if c.Dial == nil || c.Pool == nil {
		return c, errors.New("chatbench: Dial and Pool are required")
	}
	if c.Nodes <= 0 {
		c.Nodes = 1
	}
	if c.Conns <= 0 {
		c.Conns = 2000
	}
	if c.Pairs <= 0 {
		c.Pairs = 200
	}
	c.Conns = max(c.Conns, 2*c.Pairs)
	if c.Rate <= 0 {
		c.Rate = 2000
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.DialWorkers <= 0 {
		c.DialWorkers = 64
	}
	return c, nil
}
