package chat

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/signaling"
)

// Config wires a Service. Pool, Hub, Sealer and Access are required; zero
// tuning fields take the defaults documented on each.
type Config struct {
	Pool     *pgxpool.Pool
	Hub      *signaling.Hub
	Sealer   Sealer
	Access   Access
	Notifier Notifier   // nil: no push notifications
	Risk     RiskScreen // nil: messages are not screened
	Logger   *slog.Logger

	// ReplyExpectation is what patients are told about reply times ("your
	// care team usually replies within …"); default 24 h.
	ReplyExpectation time.Duration
	// MaxBatch bounds how many sends one transaction commits; default 256.
	MaxBatch int
	// Committers is how many send transactions may be in flight at once,
	// each on a database connection of its own, opened with the pool's
	// configuration but outside it; a conversation always goes to the same
	// committer, so its messages are committed and published in order.
	// Default 2.
	Committers int
	// MaxReplay bounds how many messages of one conversation a resume
	// replays; beyond it the client is told to fetch history. Default 500.
	MaxReplay int
	// AccessTTL is how long a staff member's access decision (allowed or
	// refused) is reused before Access is asked again; default 15 s. It is
	// how late a care-team change not followed by SyncCareTeam takes effect.
	AccessTTL time.Duration
	// TypingInterval is the least time between two typing notices of one
	// user in one conversation; default 2 s. Faster ones are dropped.
	TypingInterval time.Duration
	// NotifyQueue bounds the pending push notifications; beyond it they
	// are dropped (counted). Default 10,000.
	NotifyQueue int
}

func (c *Config) withDefaults() (Config, error) {
	o := *c
	switch {
	case o.Pool == nil:
		return o, errors.New("chat: Config.Pool is required")
	case o.Hub == nil:
		return o, errors.New("chat: Config.Hub is required")
	case o.Sealer == nil:
		return o, errors.New("chat: Config.Sealer is required")
	case o.Access == nil:
		return o, errors.New("chat: Config.Access is required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ReplyExpectation <= 0 {
		o.ReplyExpectation = 24 * time.Hour
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 256
	}
	if o.Committers <= 0 {
		o.Committers = 2
	}
	if o.MaxReplay <= 0 {
		o.MaxReplay = 500
	}
	if o.AccessTTL <= 0 {
		o.AccessTTL = 15 * time.Second
	}
	if o.TypingInterval <= 0 {
		o.TypingInterval = 2 * time.Second
	}
	if o.NotifyQueue <= 0 {
		o.NotifyQueue = 10000
	}
	return o, nil
}
