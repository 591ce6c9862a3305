package push

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// queueName is the River queue of reminder jobs.
const queueName = "push"

// jobTimeout bounds one run of a reminder job (a few posts of ≤ 10 s each,
// made concurrently); a job stuck longer than 3× this on a dead node is
// rescued and run again.
const jobTimeout = time.Minute

// Service is Haven's web push: keys, subscriptions, preferences, the
// scheduling API and the reminder workers. Its methods are safe for
// concurrent use.
type Service struct {
	pool     *pgxpool.Pool
	cfg      Config
	log      *slog.Logger
	keys     *vapidKeys
	topicKey []byte
	sender   *sender
	river    *river.Client[pgx.Tx]
	queue    string // River queue of this service's jobs
}

// New loads the VAPID key pair (generating and storing it, sealed, on the
// first start; concurrent first starts converge on one pair) and prepares
// the reminder workers without starting them. The schema must be migrated
// (migrations.Apply, then Migrate). Errors: ErrSubject for a bad
// Config.Subject; otherwise database or sealing failures.
func New(ctx context.Context, pool *pgxpool.Pool, sealer Sealer, cfg Config) (*Service, error) {
	return newService(ctx, pool, sealer, cfg, queueName)
}

// newService is New with the River queue to insert into and work.
func newService(ctx context.Context, pool *pgxpool.Pool, sealer Sealer, cfg Config, queue string) (*Service, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	keys, err := loadVAPID(ctx, pool, sealer)
	if err != nil {
		return nil, err
	}
	s := &Service{
		pool:     pool,
		cfg:      cfg,
		log:      cfg.Logger,
		keys:     keys,
		topicKey: topicKey(keys),
		sender:   newSender(cfg.HTTPClient, cfg.Allowlist, keys, cfg.Subject, cfg.Now),
		queue:    queue,
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &reminderWorker{s: s})
	s.river, err = river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues: map[string]river.QueueConfig{
			queue: {MaxWorkers: cfg.Workers, FetchPollInterval: cfg.PollInterval, FetchCooldown: min(cfg.PollInterval, 100*time.Millisecond)},
		},
		Workers:              workers,
		Logger:               cfg.Logger.With("component", "river"),
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: 3 * jobTimeout,
		MaxAttempts:          25,
	})
	if err != nil {
		return nil, fmt.Errorf("push: river client: %w", err)
	}
	return s, nil
}

// PublicKey returns the VAPID application server key, base64url without
// padding, for PushManager.subscribe({applicationServerKey}).
func (s *Service) PublicKey() string { return s.keys.publicB64() }

// Start starts this node's reminder workers; due reminders, including
// those that fell due while no node was running, are then delivered.
// Scheduling works without Start.
func (s *Service) Start(ctx context.Context) error {
	if err := s.river.Start(ctx); err != nil {
		return fmt.Errorf("push: start workers: %w", err)
	}
	return nil
}

// Stop stops the workers, letting running jobs finish until ctx ends.
func (s *Service) Stop(ctx context.Context) error {
	if err := s.river.Stop(ctx); err != nil {
		return fmt.Errorf("push: stop workers: %w", err)
	}
	return nil
}
