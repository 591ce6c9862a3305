package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// MFAState is how far a session has got through sign-in.
type MFAState string

// The session states. Only StateFull sessions pass Authenticate.
const (
	StateMFARequired        MFAState = "mfa_required"        // password ok; must enter a TOTP or recovery code
	StateEnrollmentRequired MFAState = "enrollment_required" // staff without MFA: must enroll first
	StateFull               MFAState = "full"                // signed in
)

// touchEvery bounds how often Authenticate writes last_seen_at.
const touchEvery = 30 * time.Second

// Client address and user-agent text are clipped to these many bytes
// before they are stored or audited.
const (
	maxIPBytes = 64
	maxUABytes = 512
)

// Session is a server-side session, identified to the client only by its
// token (which is never stored).
type Session struct {
	ID         string // first 16 hex digits of the token's hash: safe to log, not usable to sign in
	UserID     int64
	Role       Role
	State      MFAState
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // when it ends if unused: the earlier of idle and absolute expiry
	EndsAt     time.Time // when it ends however active: CreatedAt + the absolute timeout
}

// Actor returns the Actor for requests made with this session.
func (s Session) Actor(ip, userAgent string) Actor {
	return Actor{UserID: s.UserID, Role: s.Role, IP: ip, UserAgent: userAgent}
}

// End reasons stored in sessions.end_reason.
const (
	reasonSignedOut = "signed_out"
	reasonDisabled  = "disabled"
	reasonIdle      = "idle"
	reasonExpired   = "expired"
)

const (
	sqlInsertSession = `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ip, user_agent, mfa_state)
		VALUES ($1, $2, $3, $3, $4, $5, $6)`
	sqlSessionByHash = `SELECT s.user_id, u.role, s.mfa_state, s.created_at, s.last_seen_at, s.end_reason, u.disabled_at IS NOT NULL
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`
	sqlEndSession = `UPDATE sessions SET ended_at = $2, end_reason = $3 WHERE token_hash = $1 AND ended_at IS NULL`
	sqlTouch      = `UPDATE sessions SET last_seen_at = $2
		WHERE token_hash = $1 AND ended_at IS NULL AND last_seen_at < $2`
	sqlSetState = `UPDATE sessions SET mfa_state = 'full', last_seen_at = $3
		WHERE token_hash = $1 AND mfa_state = $2 AND ended_at IS NULL`
)

// newToken returns a fresh session or invitation token (32 random bytes,
// unpadded base64url) and the SHA-256 stored in its place.
func newToken() (string, []byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(raw)
	return base64.RawURLEncoding.EncodeToString(raw), sum[:], nil
}

// tokenHash decodes a token and returns its SHA-256, or false when the
// token is malformed.
func tokenHash(token string) ([]byte, bool) {
	if len(token) != 43 {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != 32 {
		return nil, false
	}
	sum := sha256.Sum256(raw)
	return sum[:], true
}

// createSession inserts a session for userID in state through q and
// returns its token.
func (s *Service) createSession(ctx context.Context, q Querier, userID int64, role Role, state MFAState, ip, ua string) (string, Session, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.now()
	sess := Session{ID: hex.EncodeToString(hash[:8]), UserID: userID, Role: role, State: state, CreatedAt: now, LastSeenAt: now}
	sess.ExpiresAt, sess.EndsAt = s.expiresAt(sess), now.Add(s.absolute)
	_, err = q.Exec(ctx, sqlInsertSession, hash, userID, now, clip(ip, maxIPBytes), clip(ua, maxUABytes), string(state))
	return token, sess, err
}

func (s *Service) expiresAt(sess Session) time.Time {
	idle, abs := sess.LastSeenAt.Add(s.idle), sess.CreatedAt.Add(s.absolute)
	if idle.Before(abs) {
		return idle
	}
	return abs
}

// Authenticate returns the signed-in session for token, touching its
// last-seen time (at most every 30 s). A session that is not fully signed
// in gives ErrMFARequired or ErrEnrollmentRequired; an ended one gives the
// reason, so the UI can say why: ErrSessionIdle (unused for the idle
// timeout), ErrSessionExpired (past the absolute limit), ErrSignedOut, or
// ErrAccountDisabled. An unknown or malformed token gives ErrNoSession.
// All are fault.Unauthenticated.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	sess, _, err := s.live(ctx, token)
	if err != nil {
		return Session{}, err
	}
	switch sess.State {
	case StateFull:
		return sess, nil
	case StateEnrollmentRequired:
		return Session{}, ErrEnrollmentRequired
	default:
		return Session{}, ErrMFARequired
	}
}

// live loads the session for token in any state, ends it if it has expired
// (returning why), and touches it. It also returns the token's hash.
func (s *Service) live(ctx context.Context, token string) (Session, []byte, error) {
	hash, ok := tokenHash(token)
	if !ok {
		return Session{}, nil, ErrNoSession
	}
	sess := Session{ID: hex.EncodeToString(hash[:8])}
	var role, state string
	var reason *string
	var disabled bool
	err := s.pool.QueryRow(ctx, sqlSessionByHash, hash).Scan(&sess.UserID, &role, &state, &sess.CreatedAt, &sess.LastSeenAt, &reason, &disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, nil, ErrNoSession
	}
	if err != nil {
		return Session{}, nil, err
	}
	sess.Role, sess.State = Role(role), MFAState(state)
	if reason != nil {
		return Session{}, nil, endedError(*reason)
	}
	if disabled {
		return Session{}, nil, ErrAccountDisabled
	}
	now := s.now()
	if exp := s.expiresAt(sess); !now.Before(exp) {
		why := reasonExpired
		if exp.Before(sess.CreatedAt.Add(s.absolute)) {
			why = reasonIdle
		}
		if _, err := s.pool.Exec(ctx, sqlEndSession, hash, exp, why); err != nil {
			return Session{}, nil, err
		}
		return Session{}, nil, endedError(why)
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if _, err := s.pool.Exec(ctx, sqlTouch, hash, now); err != nil {
			return Session{}, nil, err
		}
		sess.LastSeenAt = now
	}
	sess.ExpiresAt, sess.EndsAt = s.expiresAt(sess), sess.CreatedAt.Add(s.absolute)
	return sess, hash, nil
}

// endedError maps a stored end reason to its user-facing error.
func endedError(reason string) error {
	switch reason {
	case reasonIdle:
		return ErrSessionIdle
	case reasonExpired:
		return ErrSessionExpired
	case reasonDisabled:
		return ErrAccountDisabled
	case reasonSignedOut:
		return ErrSignedOut
	}
	return fault.Wrap(ErrNoSession, errors.New("unknown end reason "+reason))
}

// SignOut ends the session for token. Signing out an unknown or ended
// session is not an error. Audited (logout) when a session ended.
func (s *Service) SignOut(ctx context.Context, token string) error {
	hash, ok := tokenHash(token)
	if !ok {
		return nil
	}
	var userID int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, sqlEndSession+` RETURNING user_id`, hash, s.now(), reasonSignedOut).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, Event{ActorID: userID, Action: "logout.ok", Target: "session:" + hex.EncodeToString(hash[:8]), Outcome: "ok"})
	})
	return err
}

// SignOutEverywhere ends every session of userID (for example after a
// password change or a lost device). Audited (logout.all).
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sqlEndUserSess, userID, s.now(), reasonSignedOut)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, Event{ActorID: userID, Action: "logout.all", Target: userTarget(userID),
			Outcome: itoa(tag.RowsAffected()) + " ended"})
	})
}

// clip truncates s to at most n bytes on a rune boundary, after replacing
// invalid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
