package meds

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configure a Service. Every field but Now and Logger is required.
type Options struct {
	Pool      *pgxpool.Pool
	Access    Access
	Sealer    Sealer
	Reminders Reminders
	Notifier  Notifier
	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
	// Logger receives ids only, never names or doses (default slog.Default()).
	Logger *slog.Logger
}

// Service is the medication API. It is safe for concurrent use.
type Service struct {
	pool      *pgxpool.Pool
	access    Access
	sealer    Sealer
	reminders Reminders
	notifier  Notifier
	now       func() time.Time
	log       *slog.Logger
}

// New returns a Service built from o, or an error when a required option is missing.
func New(o Options) (*Service, error) {
	if o.Pool == nil || o.Access == nil || o.Sealer == nil || o.Reminders == nil || o.Notifier == nil {
		return nil, errors.New("meds: Pool, Access, Sealer, Reminders and Notifier are required")
	}
	s := &Service{pool: o.Pool, access: o.Access, sealer: o.Sealer, reminders: o.Reminders, notifier: o.Notifier,
		now: o.Now, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}
