package push

import (
	"cmp"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"haven/portal/fault"
)

// Config configures a Service. The zero value of every field but Subject
// selects the documented default.
type Config struct {
	// Subject is the VAPID contact of the operator: "mailto:ops@clinic.example"
	// or an https URL. Required.
	Subject string

	// Allowlist lists the push service hosts endpoints may point at
	// (default DefaultAllowlist).
	Allowlist Allowlist

	// HTTPClient posts to push services (default NewHTTPClient()). The
	// Service uses a copy that never follows redirects.
	HTTPClient *http.Client

	// Now is the clock (default time.Now). River's own scheduling always
	// uses the real clock.
	Now func() time.Time

	// Logger receives ids and reason codes, never content (default slog.Default()).
	Logger *slog.Logger

	// AppointmentOffsets are how long before an appointment its reminders
	// are due (default 24 h and 1 h).
	AppointmentOffsets []time.Duration

	// MedicationStale is how late a dose reminder may still be delivered
	// (default 2 h).
	MedicationStale time.Duration

	// QuestionnaireStale is how long after its due time a questionnaire
	// reminder stays relevant (default 24 h).
	QuestionnaireStale time.Duration

	// MessageStale bounds how late an unread-message notice may arrive
	// (default 24 h); reading the conversation drops it at once.
	MessageStale time.Duration

	// CrisisStale is how long a crisis alert stays worth delivering
	// (default 30 min); claiming the escalation drops it at once.
	CrisisStale time.Duration

	// RetryBase and RetryMax bound the exponential backoff after 429, 5xx
	// and network errors (defaults 5 s and 10 min); a Retry-After from the
	// push service raises the delay (to at most 1 h).
	RetryBase, RetryMax time.Duration

	// MaxRetries is how many failed rounds a reminder gets before its
	// remaining devices are marked failed (default 12).
	MaxRetries int

	// Workers is the number of reminder jobs run at once on this node
	// (default 50).
	Workers int

	// PollInterval is how often idle workers look for due jobs (default 1 s).
	PollInterval time.Duration
}

// maxRetryAfter caps how long a push service's Retry-After may defer a reminder.
const maxRetryAfter = time.Hour

// ErrSubject means Config.Subject is not a mailto: or https: contact.
var ErrSubject = fault.New(fault.Invalid, "push subject must be a mailto: or https: URL")

// withDefaults validates c and fills in defaults.
func (c Config) withDefaults() (Config, error) {
	if !strings.HasPrefix(c.Subject, "mailto:") && !strings.HasPrefix(c.Subject, "https://") {
		return c, ErrSubject
	}
	if c.Allowlist == nil {
		c.Allowlist = DefaultAllowlist()
	}
	if c.HTTPClient == nil {
		c.HTTPClient = NewHTTPClient()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if len(c.AppointmentOffsets) == 0 {
		c.AppointmentOffsets = []time.Duration{24 * time.Hour, time.Hour}
	}
	c.MedicationStale = cmp.Or(c.MedicationStale, 2*time.Hour)
	c.QuestionnaireStale = cmp.Or(c.QuestionnaireStale, 24*time.Hour)
	c.MessageStale = cmp.Or(c.MessageStale, 24*time.Hour)
	c.CrisisStale = cmp.Or(c.CrisisStale, 30*time.Minute)
	c.RetryBase = cmp.Or(c.RetryBase, 5*time.Second)
	c.RetryMax = cmp.Or(c.RetryMax, 10*time.Minute)
	c.MaxRetries = cmp.Or(c.MaxRetries, 12)
	c.Workers = cmp.Or(c.Workers, 50)
	c.PollInterval = cmp.Or(c.PollInterval, time.Second)
	return c, nil
}
