package media

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	sqlInsertSession = `INSERT INTO video_sessions (id, kind, appointment_id, host_id, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`
	sqlInsertMember = `INSERT INTO video_session_members (session_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`
	sqlOpenVisitSession = `SELECT id FROM video_sessions WHERE appointment_id = $1 AND ended_at IS NULL`
	sqlSession          = `SELECT kind, coalesce(appointment_id, 0), host_id, ended_at IS NOT NULL
		FROM video_sessions WHERE id = $1`
	sqlMembers = `SELECT user_id, role FROM video_session_members WHERE session_id = $1 ORDER BY role DESC, user_id`
	sqlMine    = `SELECT s.id FROM video_sessions s JOIN video_session_members m ON m.session_id = s.id
		WHERE m.user_id = $1 AND s.kind = 'adhoc' AND s.ended_at IS NULL AND s.created_at > $2
		ORDER BY s.created_at DESC LIMIT 10`
	sqlMarkOpened = `UPDATE video_sessions SET opened_at = coalesce(opened_at, $2) WHERE id = $1`
	sqlEndSession = `UPDATE video_sessions SET duration_ms = duration_ms + $2,
		ended_at = CASE WHEN $3 = '' THEN ended_at ELSE coalesce(ended_at, $4) END,
		end_reason = CASE WHEN $3 = '' THEN end_reason ELSE coalesce(end_reason, $3) END
		WHERE id = $1`
	sqlMergeParticipant = `INSERT INTO video_session_participants AS p
		(session_id, user_id, role, joined_at, left_at, quality_min, quality_avg, quality_samples)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (session_id, user_id) DO UPDATE SET
			joined_at = least(p.joined_at, excluded.joined_at),
			left_at = greatest(p.left_at, excluded.left_at),
			quality_min = CASE WHEN p.quality_samples = 0 THEN excluded.quality_min
				WHEN excluded.quality_samples = 0 THEN p.quality_min
				ELSE least(p.quality_min, excluded.quality_min) END,
			quality_avg = CASE WHEN p.quality_samples + excluded.quality_samples = 0 THEN 0
				ELSE (p.quality_avg * p.quality_samples + excluded.quality_avg * excluded.quality_samples)
					/ (p.quality_samples + excluded.quality_samples) END,
			quality_samples = p.quality_samples + excluded.quality_samples`
)

// record is a session as stored.
type record struct {
	id            string
	kind          string
	appointmentID int64
	hostID        int64
	ended         bool
	members       []memberRow
}

// memberRow is one person who may join.
type memberRow struct {
	userID int64
	role   Role
}

// newSessionID returns an opaque id: "v" and 26 base32 characters (130
// random bits, lower case).
func newSessionID() string {
	b := make([]byte, 17)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	enc := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	return "v" + strings.ToLower(enc[:26])
}

// participantID is a user's id in media.* frames.
func participantID(userID int64) string { return "u:" + strconv.FormatInt(userID, 10) }

// userOf parses a participantID; 0 when malformed.
func userOf(pid string) int64 {
	s, ok := strings.CutPrefix(pid, "u:")
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// insertSession stores a new session and its members in tx.
func insertSession(ctx context.Context, tx pgx.Tx, rec record, at time.Time) (bool, error) {
	var appt any
	if rec.appointmentID > 0 {
		appt = rec.appointmentID
	}
	tag, err := tx.Exec(ctx, sqlInsertSession, rec.id, rec.kind, appt, rec.hostID, at)
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	for _, m := range rec.members {
		if _, err := tx.Exec(ctx, sqlInsertMember, rec.id, m.userID, string(m.role)); err != nil {
			return false, err
		}
	}
	return true, nil
}

// load reads a session and its members. Errors: ErrNoSession.
func (s *Sessions) load(ctx context.Context, id string) (record, error) {
	if checkID("session", id) != nil || len(id) != 27 {
		return record{}, ErrNoSession
	}
	rec := record{id: id}
	err := s.pool.QueryRow(ctx, sqlSession, id).Scan(&rec.kind, &rec.appointmentID, &rec.hostID, &rec.ended)
	if errors.Is(err, pgx.ErrNoRows) {
		return record{}, ErrNoSession
	}
	if err != nil {
		return record{}, fmt.Errorf("media: load session: %w", err)
	}
	rows, err := s.pool.Query(ctx, sqlMembers, id)
	if err != nil {
		return record{}, fmt.Errorf("media: load members: %w", err)
	}
	rec.members, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (memberRow, error) {
		var m memberRow
		var role string
		err := r.Scan(&m.userID, &role)
		m.role = Role(role)
		return m, err
	})
	if err != nil {
		return record{}, fmt.Errorf("media: load members: %w", err)
	}
	return rec, nil
}

// roleOf returns userID's role in the session, or "" when not a member.
func (rec record) roleOf(userID int64) Role {
	for _, m := range rec.members {
		if m.userID == userID {
			return m.role
		}
	}
	return ""
}

// store writes a closed room's summary: participants merged into what
// earlier rooms of the session left, the open time added, and the session
// ended unless the room closed for a shutdown (reason "" keeps it open, so
// clients rejoin after a restart).
func (s *Sessions) store(ctx context.Context, sum RoomSummary, endReason string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, p := range sum.Participants {
			uid := userOf(p.ID)
			if uid == 0 {
				continue
			}
			var left any
			if !p.Left.IsZero() {
				left = p.Left
			} else {
				left = sum.Closed
			}
			if _, err := tx.Exec(ctx, sqlMergeParticipant, sum.Room, uid, string(p.Role), p.Joined, left,
				p.QualityMin, p.QualityAvg, p.QualitySamples); err != nil {
				return fmt.Errorf("media: store participant: %w", err)
			}
		}
		_, err := tx.Exec(ctx, sqlEndSession, sum.Room, sum.Duration.Milliseconds(), endReason, sum.Closed)
		return err
	})
}
