package audit

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"haven/portal/fault"
)

// Outcome is how an audited action ended.
type Outcome string

// The outcomes.
const (
	OK     Outcome = "ok"     // the action happened
	Denied Outcome = "denied" // access was refused by policy
	Failed Outcome = "failed" // the attempt failed (bad password, bad code, error)
)

// Security events every deployment records. Domain packages name their own
// actions the same way: "area.verb", lower case ("chat.read", "meds.write").
const (
	ActionLogin          = "login.ok"
	ActionLoginFailed    = "login.failed"
	ActionLogout         = "logout.ok"
	ActionMFA            = "mfa.ok"
	ActionMFAFailed      = "mfa.failed"
	ActionAccessDenied   = "access.denied"
	ActionBreakGlassOpen = "breakglass.open"
)

// Limits on entry fields.
const (
	maxRole      = 32
	maxAction    = 64
	maxTarget    = 200
	maxUserAgent = 256
)

// ErrInvalidEntry means an Entry breaks the rules above: a bug in the caller,
// never the user's fault.
var ErrInvalidEntry = fault.New(fault.Internal, "invalid audit entry")

// Entry is one audited event. Zero ids mean "none" (ids start at 1).
type Entry struct {
	ActorID   int64      // who; 0 for an anonymous actor (a failed sign-in of an unknown user)
	ActorRole string     // the actor's role at the time ("clinician", …); "" when anonymous
	Action    string     // stable name, "area.verb" ("chat.read", "login.failed")
	PatientID int64      // whose health information; 0 when none
	Target    string     // what, by id ("conversation:42"); never content
	Outcome   Outcome    // OK, Denied or Failed
	ClientIP  netip.Addr // from where; the zero Addr when unknown
	UserAgent string     // untrusted; cleaned and truncated to 256 bytes
}

// Querier is what Record needs of a connection: *pgxpool.Pool, *pgx.Conn and
// pgx.Tx all satisfy it.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const sqlInsert = `INSERT INTO audit_log
	(actor_id, actor_role, action, patient_id, target, outcome, client_ip, user_agent)
	VALUES ($1, $2, $3, $4, $5, $6, $7::inet, $8)`

// Record appends e to the audit log through db. Passed a transaction, the
// row commits or rolls back with it; writers never block one another. The
// row is chained later by a Chainer. An invalid entry fails with
// ErrInvalidEntry; the time is the database server's.
func Record(ctx context.Context, db Querier, e Entry) error {
	if err := e.check(); err != nil {
		return err
	}
	var ip any
	if e.ClientIP.IsValid() {
		ip = e.ClientIP.Unmap().WithZone("").String()
	}
	_, err := db.Exec(ctx, sqlInsert, nullID(e.ActorID), e.ActorRole, e.Action, nullID(e.PatientID),
		e.Target, string(e.Outcome), ip, cleanUserAgent(e.UserAgent))
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

func (e *Entry) check() error {
	switch {
	case !validAction(e.Action):
		return fmt.Errorf("audit: action %q: %w", e.Action, ErrInvalidEntry)
	case e.Outcome != OK && e.Outcome != Denied && e.Outcome != Failed:
		return fmt.Errorf("audit: %s: outcome %q: %w", e.Action, e.Outcome, ErrInvalidEntry)
	case len(e.ActorRole) > maxRole || !cleanText(e.ActorRole):
		return fmt.Errorf("audit: %s: actor role: %w", e.Action, ErrInvalidEntry)
	case len(e.Target) > maxTarget || !cleanText(e.Target):
		return fmt.Errorf("audit: %s: target: %w", e.Action, ErrInvalidEntry)
	case e.ActorID < 0 || e.PatientID < 0:
		return fmt.Errorf("audit: %s: negative id: %w", e.Action, ErrInvalidEntry)
	}
	return nil
}

// validAction enforces the naming rule: lower-case words joined by dots,
// at least two of them, the first starting with a letter.
func validAction(a string) bool {
	if len(a) == 0 || len(a) > maxAction || a[0] < 'a' || a[0] > 'z' {
		return false
	}
	dots, prev := 0, byte(0)
	for i := 0; i < len(a); i++ {
		c := a[i]
		switch {
		case c == '.':
			if prev == '.' {
				return false
			}
			dots++
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
		default:
			return false
		}
		prev = c
	}
	return dots > 0 && prev != '.'
}

// cleanText reports whether s is UTF-8 without control characters.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// cleanUserAgent drops invalid UTF-8 and control characters and truncates to
// maxUserAgent bytes on a character boundary.
func cleanUserAgent(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if len(s) <= maxUserAgent {
		return s
	}
	cut := maxUserAgent
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
