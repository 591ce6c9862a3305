package account

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what account needs of a database handle: a *pgxpool.Pool, a
// *pgx.Conn and a pgx.Tx all satisfy it, so functions that take a Querier
// run inside the caller's transaction when given one.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Sealer encrypts small secrets at rest (envelope encryption). owner names
// the key scope ("user:<id>"); ad is authenticated but not encrypted, and
// Unseal must be given the same owner and ad or fail.
type Sealer interface {
	Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error)
	Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error)
}

// Auditor appends an event to the audit log through db, so the event
// commits or rolls back with the caller's transaction when db is one.
type Auditor interface {
	Record(ctx context.Context, db Querier, e Event) error
}

// Event is one audit entry written by this package. It never carries a
// password, a code, a token or health information.
type Event struct {
	ActorID   int64  // the acting user, or 0 when unknown (a failed sign-in)
	ActorRole string // the actor's role, or "" when unknown
	Action    string // stable dotted name: "login.ok", "access.denied", …
	PatientID int64  // the patient whose data is concerned, or 0
	Target    string // what was acted on: "user:42", "session:ab12…", "read"
	Outcome   string // "ok", "denied", "bad_password", …
	IP        string
	UserAgent string
}

// Limiter bounds attempts per key (a client address) within a window. It is
// an interface so a Redis-backed limiter can replace the in-memory one when
// Haven runs on several nodes.
type Limiter interface {
	// Allow counts one attempt for key and reports whether it is within
	// the limit; when not, retryAfter says when the window reopens.
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}
