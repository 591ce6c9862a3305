package account

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// CompleteMFA finishes signing in a session in StateMFARequired with a
// TOTP code (current step ±1, each step usable once) or an unused recovery
// code, and returns the now full session. Errors: ErrWrongStep for a
// session in another state; ErrBadCode; ErrCodeReused for a TOTP code of a
// step already accepted; the lockout and address-limit errors of SignIn.
// Failures count toward the lockout. Audited: mfa.ok or mfa.failed.
func (s *Service) CompleteMFA(ctx context.Context, token, code, ip, userAgent string) (Session, error) {
	ip, userAgent = clip(ip, maxIPBytes), clip(userAgent, maxUABytes)
	ev := Event{Action: "mfa.failed", IP: ip, UserAgent: userAgent}
	if err := s.checkAddr(ctx, ev); err != nil {
		return Session{}, err
	}
	sess, hash, err := s.live(ctx, token)
	if err != nil {
		return Session{}, err
	}
	if sess.State != StateMFARequired {
		return Session{}, ErrWrongStep
	}
	ev.ActorID, ev.ActorRole, ev.Target = sess.UserID, string(sess.Role), "session:"+sess.ID
	if err := s.checkUserLock(ctx, ev, sess.UserID); err != nil {
		return Session{}, err
	}
	c, err := s.checkCode(ctx, sess.UserID, normalizeCode(code))
	if err != nil {
		return Session{}, err
	}
	ok := false
	if c.refused == nil {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			if ok, err = c.consume(tx); err != nil || !ok {
				return err
			}
			if err := s.completeSession(ctx, tx, hash, sess, StateMFARequired); err != nil {
				return err
			}
			return s.audit(ctx, tx, Event{ActorID: sess.UserID, ActorRole: string(sess.Role), Action: "mfa.ok",
				Target: "session:" + sess.ID, Outcome: c.method, IP: ip, UserAgent: userAgent})
		})
		if err != nil {
			return Session{}, err
		}
		if !ok { // a racing request used the step or the recovery code first
			c.refused, c.outcome = c.lost, c.lostOutcome
		}
	}
	if !ok {
		ev.Outcome = c.outcome
		return Session{}, s.fail(ctx, ev, sess.UserID, c.refused)
	}
	sess.State = StateFull
	return sess, nil
}

// codeCheck is the verdict on a typed MFA code: refused (with the audit
// outcome), or to be consumed inside the sign-in transaction, which may
// still lose a race (lost, lostOutcome).
type codeCheck struct {
	method      string // "totp" or "recovery_code"
	refused     error
	outcome     string
	consume     func(tx pgx.Tx) (bool, error)
	lost        error
	lostOutcome string
}

// checkCode verifies a normalized code for userID without consuming it.
func (s *Service) checkCode(ctx context.Context, userID int64, code string) (codeCheck, error) {
	if !isTOTPCode(code) {
		return codeCheck{method: "recovery_code", lost: ErrBadCode, lostOutcome: "bad_code",
			consume: func(tx pgx.Tx) (bool, error) { return s.useRecoveryCode(ctx, tx, userID, code) }}, nil
	}
	secret, confirmed, last, err := s.totpSecret(ctx, userID)
	if err != nil {
		return codeCheck{}, err
	}
	c := codeCheck{method: "totp", lost: ErrCodeReused, lostOutcome: "replayed"}
	step, ok, replay := totpMatch(secret, code, s.now(), last)
	switch {
	case confirmed && ok:
		c.consume = func(tx pgx.Tx) (bool, error) {
			tag, err := tx.Exec(ctx, sqlAcceptStep, userID, step)
			return tag.RowsAffected() == 1, err
		}
	case confirmed && replay:
		c.refused, c.outcome = ErrCodeReused, "replayed"
	default:
		c.refused, c.outcome = ErrBadCode, "bad_code"
	}
	return c, nil
}

// isTOTPCode reports whether code is six ASCII digits.
func isTOTPCode(code string) bool {
	if len(code) != totpDigits {
		return false
	}
	for i := range len(code) {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}
