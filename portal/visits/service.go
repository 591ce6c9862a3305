package visits

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults for Options fields left zero.
const (
	DefaultBookNotice   = 2 * time.Hour
	DefaultChangeNotice = 24 * time.Hour
	DefaultOfferHold    = 30 * time.Minute
	DefaultExpiryEvery  = 30 * time.Second
	// WaitingRoomLead is how long before a video visit its waiting room opens.
	WaitingRoomLead = 10 * time.Minute
)

// Options configure a Service. Pool, Access, Reminders and Notifier are
// required; every other field has a default.
type Options struct {
	Pool      *pgxpool.Pool
	Access    Access
	Reminders Reminders
	Notifier  Notifier

	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
	// BookNotice is how far ahead a patient must book (default 2 h);
	// ChangeNotice how far ahead a patient may still cancel or reschedule
	// (default 24 h).
	BookNotice, ChangeNotice time.Duration
	// OfferHold is how long a waitlist offer is held (default 30 min).
	OfferHold time.Duration
	// ClinicPhone, when set, is named in the messages that send patients
	// to the clinic ("call the clinic at …").
	ClinicPhone string
	// Logger receives ids only (default slog.Default()).
	Logger *slog.Logger
}

// Service is the scheduling API. It is safe for concurrent use.
type Service struct {
	pool      *pgxpool.Pool
	access    Access
	reminders Reminders
	notifier  Notifier
	now       func() time.Time
	book      time.Duration
	change    time.Duration
	hold      time.Duration
	phone     string
	log       *slog.Logger
}

// New returns a Service built from o, or an error when a required option is
// missing or a duration is negative.
func New(o Options) (*Service, error) {
	if o.Pool == nil || o.Access == nil || o.Reminders == nil || o.Notifier == nil {
		return nil, errors.New("visits: Pool, Access, Reminders and Notifier are required")
	}
	if o.BookNotice < 0 || o.ChangeNotice < 0 || o.OfferHold < 0 || len(o.ClinicPhone) > 40 {
		return nil, errors.New("visits: negative notice or hold, or clinic phone too long")
	}
	s := &Service{
		pool: o.Pool, access: o.Access, reminders: o.Reminders, notifier: o.Notifier,
		now: o.Now, book: or(o.BookNotice, DefaultBookNotice), change: or(o.ChangeNotice, DefaultChangeNotice),
		hold: or(o.OfferHold, DefaultOfferHold), phone: o.ClinicPhone, log: o.Logger,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// or returns v, or def when v is zero.
func or(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}
