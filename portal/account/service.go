package account

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults for Options fields left zero.
const (
	DefaultIdleTimeout     = 15 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	DefaultMaxFailures     = 5
	DefaultLockout         = 15 * time.Minute
	DefaultAddrAttempts    = 30
	DefaultAddrWindow      = 15 * time.Minute
	DefaultIssuer          = "Haven"
)

// Options configure a Service. Pool, Sealer and Auditor are required; every
// other field has a default.
type Options struct {
	Pool    *pgxpool.Pool
	Sealer  Sealer
	Auditor Auditor

	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
	// IdleTimeout ends a session unused this long (default 15 min);
	// AbsoluteTimeout ends any session this long after sign-in (default 12 h).
	IdleTimeout, AbsoluteTimeout time.Duration
	// MaxFailures consecutive password or MFA failures lock the account for
	// Lockout (defaults 5 and 15 min).
	MaxFailures int
	Lockout     time.Duration
	// AddrLimiter bounds sign-in and MFA attempts per client address
	// (default: in memory, 30 per 15 min, using Now).
	AddrLimiter Limiter
	// MaxConcurrentHashes bounds simultaneous argon2id computations (19 MiB
	// each) so a burst of sign-ins cannot exhaust memory (default 2×CPUs).
	MaxConcurrentHashes int
	// Issuer names Haven in authenticator apps (default "Haven").
	Issuer string
	// InsecureFastHashing lowers the argon2id cost of new and verified
	// password hashes to 64 KiB and one pass. It exists for the test suites
	// of packages that sign in hundreds of times (under -race the OWASP cost
	// alone would take minutes); a deployment must never set it.
	InsecureFastHashing bool
	// Logger receives ids only, never emails, names or codes (default slog.Default()).
	Logger *slog.Logger
}

// Service is the account API. It is safe for concurrent use.
type Service struct {
	pool      *pgxpool.Pool
	sealer    Sealer
	auditor   Auditor
	now       func() time.Time
	idle      time.Duration
	absolute  time.Duration
	maxFails  int
	lockout   time.Duration
	limiter   Limiter
	hashSlots chan struct{}
	cost      argonCost // owaspCost; lowered only by this package's tests
	issuer    string
	log       *slog.Logger
}

// dummyHash is verified against for unknown emails so they cost the same
// argon2id work as a wrong password. It hashes a fixed, public string with
// the current parameters; it matches no account.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$aGF2ZW4tZHVtbXktc2FsdA$4U/zX4VwgWxdNBl1K6K2LH0I+eQkFVCFbYVIFfmrIWk"

// New returns a Service built from o, or an error when a required option is
// missing or a value is out of range.
func New(o Options) (*Service, error) {
	if o.Pool == nil || o.Sealer == nil || o.Auditor == nil {
		return nil, errors.New("account: Pool, Sealer and Auditor are required")
	}
	if o.IdleTimeout < 0 || o.AbsoluteTimeout < 0 || o.Lockout < 0 || o.MaxFailures < 0 {
		return nil, errors.New("account: negative timeout or limit")
	}
	s := &Service{
		pool:     o.Pool,
		sealer:   o.Sealer,
		auditor:  o.Auditor,
		now:      o.Now,
		idle:     or(o.IdleTimeout, DefaultIdleTimeout),
		absolute: or(o.AbsoluteTimeout, DefaultAbsoluteTimeout),
		maxFails: or(o.MaxFailures, DefaultMaxFailures),
		lockout:  or(o.Lockout, DefaultLockout),
		limiter:  o.AddrLimiter,
		issuer:   or(o.Issuer, DefaultIssuer),
		cost:     owaspCost,
		log:      o.Logger,
	}
	if o.InsecureFastHashing {
		s.cost = fastCost
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.limiter == nil {
		s.limiter = NewMemoryLimiter(DefaultAddrAttempts, DefaultAddrWindow, s.now)
	}
	s.hashSlots = make(chan struct{}, or(o.MaxConcurrentHashes, 2*runtime.GOMAXPROCS(0)))
	return s, nil
}

// or returns v, or def when v is the zero value.
func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// audit records e through db. A failure is returned so callers inside a
// transaction can roll back; callers recording a refusal log it instead.
func (s *Service) audit(ctx context.Context, db Querier, e Event) error {
	return s.auditor.Record(ctx, db, e)
}

// auditBestEffort records e outside any transaction; a failure is logged,
// not returned, because the caller is already refusing something.
func (s *Service) auditBestEffort(ctx context.Context, e Event) {
	if err := s.auditor.Record(ctx, s.pool, e); err != nil {
		s.log.Error("account: audit failed", "action", e.Action, "actor_id", e.ActorID, "err", err)
	}
}

// withHashSlot runs f while holding one of the bounded argon2id slots.
func (s *Service) withHashSlot(ctx context.Context, f func()) error {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	f()
	return nil
}
