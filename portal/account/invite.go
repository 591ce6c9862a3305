package account

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

const (
	sqlInsertInvite = `INSERT INTO invitations (token_hash, email, display_name, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`
	sqlEmailTaken   = `SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = $1)`
	sqlInviteByHash = `SELECT i.email, i.display_name, i.invited_by, u.role, u.disabled_at IS NOT NULL, i.expires_at, i.accepted_at IS NOT NULL
		FROM invitations i JOIN users u ON u.id = i.invited_by WHERE i.token_hash = $1 FOR UPDATE OF i`
	sqlAcceptInvite = `UPDATE invitations SET accepted_at = $2, user_id = $3 WHERE token_hash = $1`
)

// Invite invites a new patient by email and returns the one-time token to
// put in the link (only its hash is stored; it expires after
// InvitationTTL). by must be an admin or a clinician (ErrForbidden); a
// clinician's invitee joins their care team on acceptance. An email that
// already has an account gives ErrEmailTaken. Audited (invitation.create).
func (s *Service) Invite(ctx context.Context, by Actor, email, displayName string) (string, error) {
	if by.UserID <= 0 || (by.Role != RoleAdmin && by.Role != RoleClinician) {
		return "", ErrForbidden
	}
	email, err := validEmail(email)
	if err != nil {
		return "", err
	}
	name, err := validName(displayName)
	if err != nil {
		return "", err
	}
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var taken bool
		if err := tx.QueryRow(ctx, sqlEmailTaken, email).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return ErrEmailTaken
		}
		now := s.now()
		if _, err := tx.Exec(ctx, sqlInsertInvite, hash, email, name, by.UserID, now, now.Add(InvitationTTL)); err != nil {
			return err
		}
		return s.audit(ctx, tx, Event{ActorID: by.UserID, ActorRole: string(by.Role), Action: "invitation.create",
			Target: "invitation:" + hexPrefix(hash), Outcome: "ok", IP: by.IP, UserAgent: by.UserAgent})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// AcceptInvitation creates the invited patient with password (checked by
// CheckPassword) and returns their id; when the inviter was a clinician
// (still active), the patient joins their care team. All of it commits at
// once, so a token works exactly once. Errors: ErrInvitationInvalid
// (unknown token), ErrInvitationUsed, ErrInvitationExpired, ErrEmailTaken,
// and the password errors. Audited (invitation.accept).
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (int64, error) {
	hash, ok := tokenHash(token)
	if !ok {
		return 0, ErrInvitationInvalid
	}
	inv, err := s.invitation(ctx, s.pool, hash)
	if err != nil {
		return 0, err
	}
	if err := CheckPassword(password, inv.email); err != nil {
		return 0, err
	}
	pwHash, err := s.hash(ctx, password)
	if err != nil {
		return 0, err
	}
	var userID int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		inv, err := s.invitation(ctx, tx, hash) // again, locked, in case it changed while hashing
		if err != nil {
			return err
		}
		a, err := s.insertUser(ctx, tx, RolePatient, inv.email, inv.name, pwHash)
		if err != nil {
			return err
		}
		userID = a.ID
		now := s.now()
		if _, err := tx.Exec(ctx, sqlAcceptInvite, hash, now, a.ID); err != nil {
			return err
		}
		if inv.byRole == RoleClinician && !inv.byDisabled {
			if _, err := tx.Exec(ctx, sqlAddMember, a.ID, inv.by, now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, Event{ActorID: a.ID, ActorRole: string(RolePatient), Action: "invitation.accept",
			PatientID: a.ID, Target: "invitation:" + hexPrefix(hash), Outcome: "ok"})
	})
	return userID, err
}

type invitation struct {
	email, name string
	by          int64
	byRole      Role
	byDisabled  bool
}

// invitation loads a usable invitation (locking its row inside a
// transaction) or returns why it is not usable.
func (s *Service) invitation(ctx context.Context, q Querier, hash []byte) (invitation, error) {
	var inv invitation
	var role string
	var expires time.Time
	var accepted bool
	err := q.QueryRow(ctx, sqlInviteByHash, hash).Scan(&inv.email, &inv.name, &inv.by, &role, &inv.byDisabled, &expires, &accepted)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return inv, ErrInvitationInvalid
	case err != nil:
		return inv, err
	case accepted:
		return inv, ErrInvitationUsed
	case !s.now().Before(expires):
		return inv, ErrInvitationExpired
	}
	inv.byRole = Role(role)
	return inv, nil
}
