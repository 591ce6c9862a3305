package account

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Enrollment is a pending TOTP enrollment: show URI as a QR code and Secret
// for typing; neither is shown again.
type Enrollment struct {
	Secret string // base32, unpadded
	URI    string // otpauth://totp/Haven:<email>?secret=…&issuer=Haven…
}

const (
	sqlUpsertTOTP = `INSERT INTO user_totp (user_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = EXCLUDED.created_at, last_step = 0
		WHERE user_totp.confirmed_at IS NULL`
	sqlTOTP        = `SELECT secret, confirmed_at IS NOT NULL, last_step FROM user_totp WHERE user_id = $1`
	sqlConfirmTOTP = `UPDATE user_totp SET confirmed_at = $2, last_step = $3 WHERE user_id = $1 AND confirmed_at IS NULL`
	sqlAcceptStep  = `UPDATE user_totp SET last_step = $2
		WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2`
)

// BeginEnrollment starts TOTP enrollment for the user of the session token,
// which must be fully signed in or awaiting enrollment (ErrWrongStep
// otherwise; session errors as Authenticate). It stores a new secret,
// sealed for owner "user:<id>", replacing any unconfirmed one, and returns
// it. An already enrolled user gets ErrAlreadyEnrolled.
func (s *Service) BeginEnrollment(ctx context.Context, token string) (Enrollment, error) {
	sess, _, err := s.live(ctx, token)
	if err != nil {
		return Enrollment{}, err
	}
	if sess.State == StateMFARequired {
		return Enrollment{}, ErrWrongStep
	}
	acct, err := s.Account(ctx, sess.UserID)
	if err != nil {
		return Enrollment{}, err
	}
	secret := make([]byte, totpSecretLen)
	if _, err := rand.Read(secret); err != nil {
		return Enrollment{}, err
	}
	sealed, err := s.sealer.Seal(ctx, userTarget(sess.UserID), secret, totpAD(sess.UserID))
	if err != nil {
		return Enrollment{}, err
	}
	tag, err := s.pool.Exec(ctx, sqlUpsertTOTP, sess.UserID, sealed, s.now())
	if err != nil {
		return Enrollment{}, err
	}
	if tag.RowsAffected() == 0 {
		return Enrollment{}, ErrAlreadyEnrolled
	}
	return Enrollment{Secret: totpBase32.EncodeToString(secret), URI: otpauthURI(s.issuer, acct.Email, secret)}, nil
}

// ConfirmEnrollment activates the pending TOTP secret when code is valid
// for it (±1 step), completes sign-in for a session awaiting enrollment,
// and returns 10 new single-use recovery codes — shown once; only their
// hashes are kept. A wrong code gives ErrBadCode and counts toward the
// lockout; without BeginEnrollment first, ErrNoEnrollment. Audited
// (mfa.enrolled, or mfa.failed).
func (s *Service) ConfirmEnrollment(ctx context.Context, token, code, ip, userAgent string) ([]string, error) {
	ip, userAgent = clip(ip, maxIPBytes), clip(userAgent, maxUABytes)
	ev := Event{Action: "mfa.failed", IP: ip, UserAgent: userAgent}
	if err := s.checkAddr(ctx, ev); err != nil {
		return nil, err
	}
	sess, hash, err := s.live(ctx, token)
	if err != nil {
		return nil, err
	}
	if sess.State == StateMFARequired {
		return nil, ErrWrongStep
	}
	ev.ActorID, ev.ActorRole, ev.Target = sess.UserID, string(sess.Role), userTarget(sess.UserID)
	if err := s.checkUserLock(ctx, ev, sess.UserID); err != nil {
		return nil, err
	}
	secret, confirmed, _, err := s.totpSecret(ctx, sess.UserID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoEnrollment
	}
	if err != nil {
		return nil, err
	}
	if confirmed {
		return nil, ErrAlreadyEnrolled
	}
	step, ok, _ := totpMatch(secret, normalizeCode(code), s.now(), 0)
	if !ok {
		ev.Outcome = "bad_code"
		return nil, s.fail(ctx, ev, sess.UserID, ErrBadCode)
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sqlConfirmTOTP, sess.UserID, s.now(), step)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrAlreadyEnrolled
		}
		if err := s.storeRecoveryCodes(ctx, tx, sess.UserID, hashes); err != nil {
			return err
		}
		if err := s.completeSession(ctx, tx, hash, sess, StateEnrollmentRequired); err != nil {
			return err
		}
		return s.audit(ctx, tx, Event{ActorID: sess.UserID, ActorRole: string(sess.Role), Action: "mfa.enrolled",
			Target: userTarget(sess.UserID), Outcome: "ok", IP: ip, UserAgent: userAgent})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// totpSecret loads and unseals the user's TOTP secret.
func (s *Service) totpSecret(ctx context.Context, userID int64) (secret []byte, confirmed bool, lastStep int64, err error) {
	var sealed []byte
	if err = s.pool.QueryRow(ctx, sqlTOTP, userID).Scan(&sealed, &confirmed, &lastStep); err != nil {
		return nil, false, 0, err
	}
	secret, err = s.sealer.Unseal(ctx, userTarget(userID), sealed, totpAD(userID))
	return secret, confirmed, lastStep, err
}

// completeSession moves a session from state from to StateFull (a no-op
// for a session already full) and resets the user's failure count.
func (s *Service) completeSession(ctx context.Context, tx pgx.Tx, hash []byte, sess Session, from MFAState) error {
	if sess.State == from {
		tag, err := tx.Exec(ctx, sqlSetState, hash, string(from), s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrWrongStep
		}
	}
	_, err := tx.Exec(ctx, sqlResetFailures, sess.UserID)
	return err
}

// checkUserLock refuses while the user is locked out (see checkLock).
func (s *Service) checkUserLock(ctx context.Context, ev Event, userID int64) error {
	var until *time.Time
	if err := s.pool.QueryRow(ctx, sqlLockedUntil, userID).Scan(&until); err != nil {
		return err
	}
	return s.checkLock(ctx, ev, until)
}

func totpAD(userID int64) []byte { return []byte("haven/account/totp/" + userTarget(userID)) }
