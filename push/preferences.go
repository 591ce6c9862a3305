package push

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// Errors of preferences.
var (
	ErrQuietHours   = fault.New(fault.Invalid, "quiet hours need a start, a different end and a time zone")
	ErrCrisisOptOut = fault.New(fault.Invalid, "crisis alerts cannot be turned off")
)

// Preferences are a user's notification settings.
type Preferences struct {
	// QuietStart and QuietEnd ("22:00", "07:00") bound the local hours in
	// which reminders wait; the end may be before the start (the hours then
	// wrap midnight). Both empty: no quiet hours.
	QuietStart string `json:"quiet_start"`
	QuietEnd   string `json:"quiet_end"`
	Zone       string `json:"zone"` // IANA zone of the quiet hours
	// OptOut lists the kinds the user does not want pushed. Crisis alerts
	// cannot be opted out of.
	OptOut []Kind `json:"opt_out"`
}

const (
	sqlPrefsUpsert = `INSERT INTO push_preferences (user_id, quiet_start, quiet_end, zone, opted_out)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
			zone = excluded.zone, opted_out = excluded.opted_out, updated_at = now()`
	sqlPrefsSelect = `SELECT coalesce(quiet_start, ''), coalesce(quiet_end, ''), zone, opted_out
		FROM push_preferences WHERE user_id = $1`
)

// SetPreferences replaces the user's preferences. Errors: ErrQuietHours,
// ErrClock, ErrZone, ErrUnknownKind, ErrCrisisOptOut.
func (s *Service) SetPreferences(ctx context.Context, userID int64, p Preferences) error {
	if _, err := p.compile(); err != nil {
		return err
	}
	optOut := make([]string, 0, len(p.OptOut))
	for _, k := range p.OptOut {
		if !slices.Contains(optOut, string(k)) {
			optOut = append(optOut, string(k))
		}
	}
	var start, end *string
	if p.QuietStart != "" {
		start, end = &p.QuietStart, &p.QuietEnd
	}
	if _, err := s.pool.Exec(ctx, sqlPrefsUpsert, userID, start, end, p.Zone, optOut); err != nil {
		return fmt.Errorf("push: set preferences: %w", err)
	}
	return nil
}

// Preferences returns the user's preferences (none set: no quiet hours, no
// opt-outs).
func (s *Service) Preferences(ctx context.Context, userID int64) (Preferences, error) {
	p, err := readPreferences(ctx, s.pool, userID)
	if err != nil {
		return Preferences{}, fmt.Errorf("push: preferences: %w", err)
	}
	return p, nil
}

// querier is what reads need: a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// readPreferences reads a user's preferences; the zero value when unset.
func readPreferences(ctx context.Context, q querier, userID int64) (Preferences, error) {
	var p Preferences
	var optOut []string
	err := q.QueryRow(ctx, sqlPrefsSelect, userID).Scan(&p.QuietStart, &p.QuietEnd, &p.Zone, &optOut)
	if errors.Is(err, pgx.ErrNoRows) {
		return Preferences{}, nil
	}
	for _, k := range optOut {
		p.OptOut = append(p.OptOut, Kind(k))
	}
	return p, err
}

// rules are preferences ready to apply.
type rules struct {
	quiet      bool
	start, end clock
	loc        *time.Location
	optOut     []Kind
}

// compile checks p and returns its rules.
func (p Preferences) compile() (rules, error) {
	r := rules{optOut: p.OptOut}
	for _, k := range p.OptOut {
		if !k.valid() {
			return r, ErrUnknownKind
		}
		if k == KindCrisisAlert {
			return r, ErrCrisisOptOut
		}
	}
	if p.QuietStart == "" && p.QuietEnd == "" {
		return r, nil
	}
	var err error
	if r.start, err = parseClock(p.QuietStart); err != nil {
		return r, err
	}
	if r.end, err = parseClock(p.QuietEnd); err != nil {
		return r, err
	}
	if r.start == r.end || p.Zone == "" {
		return r, ErrQuietHours
	}
	if r.loc, err = loadZone(p.Zone); err != nil {
		return r, err
	}
	r.quiet = true
	return r, nil
}

// optedOut reports whether the user turned kind off.
func (r rules) optedOut(k Kind) bool { return slices.Contains(r.optOut, k) }

// quietUntil reports whether now falls in the quiet hours and, if so, the
// instant they end.
func (r rules) quietUntil(now time.Time) (time.Time, bool) {
	if !r.quiet {
		return time.Time{}, false
	}
	local := now.In(r.loc)
	m, s, e := local.Hour()*60+local.Minute(), r.start.minutes(), r.end.minutes()
	in := m >= s && m < e
	if s > e {
		in = m >= s || m < e
	}
	if !in {
		return time.Time{}, false
	}
	y, mo, d := local.Date()
	end := r.end.on(y, mo, d, r.loc)
	if !end.After(now) {
		y, mo, d = local.AddDate(0, 0, 1).Date()
		end = r.end.on(y, mo, d, r.loc)
	}
	return end, true
}
