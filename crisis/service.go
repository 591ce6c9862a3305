package crisis

import (
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Config tunes the service. The zero value is the production default.
type Config struct {
	// AckDeadline is how long an escalation waits for a claim at each tier
	// (index 0 is tier 1) before it re-routes to the next tier, or is
	// alerted again once expired. Zero means 60 s.
	AckDeadline [3]time.Duration
	// NotifyTimeout bounds one fan-out of offers (hub events and push).
	// Zero means 2 s.
	NotifyTimeout time.Duration
	// GrantFor bounds the record access a claim grants; resolving ends it
	// sooner. Zero means 12 h.
	GrantFor time.Duration
	// Logger receives ids and states only. Nil means slog.Default().
	Logger *slog.Logger
}

// Deps are the other packages crisis talks to, behind its own interfaces.
// All are required.
type Deps struct {
	Notifier      Notifier
	Pusher        Pusher
	Auditor       Auditor
	Granter       Granter
	Conversations Conversations
	People        People
	Sealer        Sealer
}

// Service runs escalations on one node. Every node runs one, with its own
// pool, and its Driver; they coordinate only through PostgreSQL.
type Service struct {
	pool *pgxpool.Pool
	d    Deps
	cfg  Config
	log  *slog.Logger
}

// New returns a Service over pool. It fails when a dependency is missing.
func New(pool *pgxpool.Pool, deps Deps, cfg Config) (*Service, error) {
	if pool == nil || deps.Notifier == nil || deps.Pusher == nil || deps.Auditor == nil || deps.Granter == nil ||
		deps.Conversations == nil || deps.People == nil || deps.Sealer == nil {
		return nil, errors.New("crisis: New needs a pool and every dependency")
	}
	for i, d := range cfg.AckDeadline {
		if d <= 0 {
			cfg.AckDeadline[i] = 60 * time.Second
		}
	}
	if cfg.NotifyTimeout <= 0 {
		cfg.NotifyTimeout = 2 * time.Second
	}
	if cfg.GrantFor <= 0 {
		cfg.GrantFor = 12 * time.Hour
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Service{pool: pool, d: deps, cfg: cfg, log: log.With("pkg", "crisis")}, nil
}

// deadline returns the acknowledgement deadline of a tier (1–3).
func (s *Service) deadline(tier int) time.Duration {
	return s.cfg.AckDeadline[min(max(tier, 1), 3)-1]
}

// target is the audit target and grant ref of an escalation.
func target(id int64) string { return "escalation:" + strconv.FormatInt(id, 10) }
