package media

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/visits"
	"haven/signaling"
)

// Access is what sessions need of the access policy; *account.Service
// satisfies it.
type Access interface {
	// Authorize returns nil when actor may act on patientID's data and a
	// fault.Forbidden error (already audited as access.denied) otherwise.
	Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
}

// Directory names the members of a session for its page; *account.Service
// satisfies it.
type Directory interface {
	Account(ctx context.Context, id int64) (account.Account, error)
}

// VisitRooms admits people to booked video visits; *visits.Service
// satisfies it. VideoRoom decides who may enter (the patient and the
// visit's own clinician), from when (the waiting room opens 10 minutes
// before the start) and until when, and audits each entry.
type VisitRooms interface {
	VideoRoom(ctx context.Context, actor account.Actor, appointmentID int64) (visits.Room, error)
}

// Notifier tells a user's connections that something waits for them;
// *signaling.Hub satisfies it. Events carry ids only.
type Notifier interface {
	Publish(ctx context.Context, userID int64, ev signaling.Event) error
}

// DefaultGrace is how long a participant whose WebSocket dropped stays in
// the room, so that a reconnecting client resumes instead of rejoining.
const DefaultGrace = 20 * time.Second

// SessionsOptions configure NewSessions. SFU, Pool and Access are
// required.
type SessionsOptions struct {
	SFU    *SFU
	Pool   *pgxpool.Pool
	Access Access
	// Visits admits people to video visits; nil refuses visit sessions with
	// ErrVisitsUnavailable.
	Visits VisitRooms
	// Directory supplies display names for the session page; nil leaves
	// names empty.
	Directory Directory
	// Notifier, when set, tells invited patients at once that an ad hoc
	// session started (event media.invite {"session": id}).
	Notifier Notifier
	// Grace is how long a participant survives a dropped WebSocket
	// (default DefaultGrace).
	Grace time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives ids only (default slog.Default()).
	Logger *slog.Logger
	// Redis, when set (several nodes), records which node hosts each open
	// session's room and relays there the media.* frames of clients
	// connected to another node (FRAMES.md, "Several nodes"); the relay
	// starts in RegisterHandlers and stops in Close. Nil: one node.
	Redis *redis.Client
	// Prefix starts the relay's Redis keys and channels (default
	// "haven:"); the nodes of a deployment share it.
	Prefix string

	// relayEvery is how often the relay refreshes this node's room claims
	// and checks that the nodes it serves stand-ins for are listening
	// (default relayDefaultEvery); tests shorten it.
	relayEvery time.Duration
}

// Sessions are video sessions: who may join which room, the waiting room
// held at the hub, host controls, and the summary stored when a session
// ends. A session belongs to a video visit or is ad hoc (a clinician or
// counselor with patients they have access to). Its room lives on one
// node's SFU: with one node, this one; with several (SessionsOptions.Redis)
// the node that opened it first, to which the others relay the frames of
// its participants connected to them (relay.go). Sessions are safe for
// concurrent use.
type Sessions struct {
	sfu    *SFU
	pool   *pgxpool.Pool
	access Access
	visits VisitRooms
	dir    Directory
	notify Notifier
	grace  time.Duration
	now    func() time.Time
	log    *slog.Logger

	rdb        *redis.Client // nil: one node
	prefix     string
	relayEvery time.Duration
	// relay is set by RegisterHandlers before the hub serves when rdb is
	// set, and read without a lock after.
	relay *relay

	// mu guards live, conns and the members of every live session. It is
	// never held while calling a Room or Participant method, which may
	// signal synchronously.
	mu    sync.Mutex
	live  map[string]*liveSession
	conns map[connKey]*member
}

// NewSessions returns Sessions over o. Errors: a required option missing.
func NewSessions(o SessionsOptions) (*Sessions, error) {
	if o.SFU == nil || o.Pool == nil || o.Access == nil {
		return nil, errors.New("media: sessions need an SFU, a pool and the access policy")
	}
	s := &Sessions{
		sfu: o.SFU, pool: o.Pool, access: o.Access, visits: o.Visits, dir: o.Directory, notify: o.Notifier,
		grace: o.Grace, now: o.Now, log: o.Logger, rdb: o.Redis, prefix: o.Prefix, relayEvery: o.relayEvery,
		live: map[string]*liveSession{}, conns: map[connKey]*member{},
	}
	if s.prefix == "" {
		s.prefix = "haven:"
	}
	if s.relayEvery <= 0 {
		s.relayEvery = relayDefaultEvery
	}
	if s.grace <= 0 {
		s.grace = DefaultGrace
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("component", "media-sessions")
	return s, nil
}

// MaxGuests is the most patients an ad hoc session invites: with its host,
// a room of 12.
const MaxGuests = 11

// Session errors, matched with errors.Is. Their messages are safe to show.
var (
	// ErrNoSession names a session id that does not exist.
	ErrNoSession = fault.New(fault.NotFound, "This video session does not exist.")
	// ErrSessionEnded refuses joining a session that has ended.
	ErrSessionEnded = fault.New(fault.Conflict, "This video session has ended.")
	// ErrNotJoined refuses a frame that needs the sender to be in a
	// session's room (or, for host actions, to host it).
	ErrNotJoined = fault.New(fault.Conflict, "Join the video session first.")
	// ErrHostOnly refuses a host action from a guest.
	ErrHostOnly = fault.New(fault.Forbidden, "Only the host can do this.")
	// ErrNotWaiting names a guest who is not in the waiting room.
	ErrNotWaiting = fault.New(fault.NotFound, "That person is not in the waiting room.")
	// ErrBadGuests refuses an ad hoc session without patients, with more
	// than MaxGuests, or naming one twice.
	ErrBadGuests = fault.New(fault.Invalid, "Invite 1 to 11 different patients.")
	// ErrVisitsUnavailable refuses visit sessions when scheduling is not
	// wired on this node.
	ErrVisitsUnavailable = fault.New(fault.Unavailable, "Video visits are not available on this server.")
	// ErrHostRole refuses an ad hoc session started by someone other than
	// a clinician or counselor.
	ErrHostRole = fault.New(fault.Forbidden, "Only clinicians and counselors can start a video session.")
	// ErrRelayUnavailable refuses a frame for a session whose room is on
	// another node that does not answer (it stopped, or Redis is down):
	// the client tries again; once the room's claim lapses, a join opens
	// the room afresh.
	ErrRelayUnavailable = &fault.Error{Code: fault.Unavailable, RetryAfter: 5 * time.Second,
		Message: "The video session cannot be reached right now. Please try again in a moment."}
)

// Close stops the relay between nodes (with SessionsOptions.Redis): the
// stand-ins of clients connected to other nodes are closed and nothing
// more is relayed. Call it after the hub has shut down; rooms stay open
// until SFU.Close, and release their claims then. Close is idempotent and
// a no-op with one node.
func (s *Sessions) Close() {
	if s.relay != nil {
		s.relay.close()
	}
}

// Session kinds.
const (
	KindVisit = "visit" // a booked video visit
	KindAdHoc = "adhoc" // started by a clinician or counselor
)

// SessionInfo is a session as its members see it.
type SessionInfo struct {
	ID            string       `json:"id"`
	Kind          string       `json:"kind"`
	AppointmentID int64        `json:"appointment_id,omitempty"`
	Role          Role         `json:"role"`        // the caller's role
	Participant   string       `json:"participant"` // the caller's participant id
	Ended         bool         `json:"ended"`
	Members       []MemberInfo `json:"members"`
}

// MemberInfo is one person who may join a session.
type MemberInfo struct {
	Participant string `json:"participant"` // "u:<user id>", the id used in media.* frames
	UserID      int64  `json:"user_id"`
	Name        string `json:"name"`
	Role        Role   `json:"role"`
}
