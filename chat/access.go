package chat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// maxCached bounds the in-memory caches; when full they are emptied.
const maxCached = 100_000

// accessCache remembers staff access decisions for a short time, so a busy
// conversation does not ask Access on every message (nor, for a member who
// lost access, on every message they are no longer sent).
type accessCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[[2]int64]decision // (user, patient)
}

type decision struct {
	until   time.Time
	allowed bool
}

func (c *accessCache) init(ttl time.Duration) {
	c.ttl = ttl
	c.m = make(map[[2]int64]decision)
}

// get returns a cached decision still valid at now.
func (c *accessCache) get(user, patient int64, now time.Time) (allowed, hit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[[2]int64{user, patient}]
	if !ok || !now.Before(d.until) {
		return false, false
	}
	return d.allowed, true
}

func (c *accessCache) put(user, patient int64, allowed bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[[2]int64{user, patient}] = decision{until: now.Add(c.ttl), allowed: allowed}
}

// forget drops the cached decisions of users for the patient (their
// membership changed).
func (c *accessCache) forget(patient int64, users ...int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range users {
		delete(c.m, [2]int64{u, patient})
	}
}

// authorize checks that the actor may see the patient's conversations: a
// patient only their own; staff as Access says. A refusal is ErrNotFound,
// so that it reveals nothing; a failure of Access is returned wrapped.
func (s *Service) authorize(ctx context.Context, a Actor, patientID int64) error {
	switch {
	case a.isPatient():
		if a.UserID == patientID {
			return nil
		}
		return ErrNotFound
	case !a.isStaff():
		return ErrNotFound
	}
	now := time.Now()
	if allowed, hit := s.access.get(a.UserID, patientID, now); hit {
		if allowed {
			return nil
		}
		return ErrNotFound
	}
	err := s.cfg.Access.Authorize(ctx, a.UserID, a.Role, patientID)
	switch {
	case err == nil:
		s.access.put(a.UserID, patientID, true, now)
		return nil
	case fault.CodeOf(err) == fault.Forbidden || fault.CodeOf(err) == fault.NotFound:
		s.access.put(a.UserID, patientID, false, now)
		return ErrNotFound
	default:
		return fault.Wrap(ErrUnavailable, fmt.Errorf("chat: access: %w", err))
	}
}

// patientCache maps conversation ids to their patient, which never changes.
type patientCache struct {
	mu sync.Mutex
	m  map[int64]int64
}

func (c *patientCache) init() { c.m = make(map[int64]int64) }

func (c *patientCache) get(conv int64) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[conv]
	return p, ok
}

func (c *patientCache) put(conv, patient int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[conv] = patient
}

const sqlPatientOf = `SELECT patient_id FROM chat_conversations WHERE id = $1`

// patientOf returns the patient of a conversation, or ErrNotFound.
func (s *Service) patientOf(ctx context.Context, conv int64) (int64, error) {
	if p, ok := s.patients.get(conv); ok {
		return p, nil
	}
	var p int64
	err := s.pool.QueryRow(ctx, sqlPatientOf, conv).Scan(&p)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, dbError("patient of conversation", err)
	}
	s.patients.put(conv, p)
	return p, nil
}

// membership is what a participant may know of a conversation.
type membership struct {
	conv    int64
	patient int64
	kind    string
	role    string // the actor's participant role: "patient" or "staff"
	lastSeq int64
}

const sqlMember = `SELECT c.patient_id, c.kind, p.role, c.last_seq
	FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id
	WHERE p.conversation_id = $1 AND p.user_id = $2 AND p.left_at IS NULL`

// member returns the actor's membership of conv, checking both the
// participant row and access (see authorize). It returns ErrNotFound when
// either fails or the conversation does not exist.
func (s *Service) member(ctx context.Context, a Actor, conv int64) (membership, error) {
	if conv <= 0 {
		return membership{}, ErrNotFound
	}
	m := membership{conv: conv}
	err := s.pool.QueryRow(ctx, sqlMember, conv, a.UserID).Scan(&m.patient, &m.kind, &m.role, &m.lastSeq)
	if errors.Is(err, pgx.ErrNoRows) {
		return membership{}, ErrNotFound
	}
	if err != nil {
		return membership{}, dbError("membership", err)
	}
	if err := s.authorize(ctx, a, m.patient); err != nil {
		return membership{}, err
	}
	return m, nil
}

// dbError wraps a database failure as ErrUnavailable with its cause.
func dbError(what string, err error) error {
	return fault.Wrap(ErrUnavailable, fmt.Errorf("chat: %s: %w", what, err))
}
