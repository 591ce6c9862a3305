package account

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// SignInResult is a successful password check: the new session and its
// token, which is returned only here (set it as the cookie) and never stored.
type SignInResult struct {
	Token   string
	Session Session // Session.State says what comes next: full, or an MFA step
}

// maxPasswordBytes bounds what sign-in hashes; longer input cannot match a
// password that passed CheckPassword (128 runes of at most 4 bytes).
const maxPasswordBytes = 4 * maxPasswordRunes

const (
	sqlSignInUser = `SELECT u.id, u.role, u.password_hash, u.disabled_at IS NOT NULL, u.locked_until,
		EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
		FROM users u WHERE lower(u.email) = $1`
	sqlLockedUntil = `SELECT locked_until FROM users WHERE id = $1`
	sqlFail        = `UPDATE users SET
		failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END,
		locked_until    = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE locked_until END
		WHERE id = $1 RETURNING locked_until`
	sqlResetFailures = `UPDATE users SET failed_attempts = 0 WHERE id = $1 AND failed_attempts <> 0`
)

type signInUser struct {
	id          int64
	role        Role
	hash        string
	disabled    bool
	lockedUntil *time.Time
	enrolled    bool
}

// SignIn checks an email and password and opens a session. The session is
// StateFull, or StateMFARequired when the user has MFA, or
// StateEnrollmentRequired for staff without MFA.
//
// Errors: ErrBadCredentials for an unknown email or a wrong password (the
// two take about the same time); ErrAccountDisabled; a TooMany error
// wrapping ErrLocked after MaxFailures consecutive failures (the attempt
// that reaches the limit and every one until the lockout ends, even with
// the right password), or wrapping ErrAddrLimited when the client address
// exceeds its limit — both say when to try again and set RetryAfter. Every
// attempt is audited: login.ok, login.failed or login.locked.
func (s *Service) SignIn(ctx context.Context, email, password, ip, userAgent string) (SignInResult, error) {
	ip, userAgent = clip(ip, maxIPBytes), clip(userAgent, maxUABytes)
	ev := Event{Action: "login.failed", IP: ip, UserAgent: userAgent}
	if err := s.checkAddr(ctx, ev); err != nil {
		return SignInResult{}, err
	}
	u, err := s.signInUser(ctx, normalizeEmail(email))
	if errors.Is(err, pgx.ErrNoRows) {
		s.verify(ctx, password, dummyHash)
		ev.Outcome = "unknown_account"
		s.auditBestEffort(ctx, ev)
		return SignInResult{}, ErrBadCredentials
	}
	if err != nil {
		return SignInResult{}, err
	}
	ev.Target = userTarget(u.id)
	if err := s.checkLock(ctx, ev, u.lockedUntil); err != nil {
		return SignInResult{}, err
	}
	ok, err := s.verify(ctx, password, u.hash)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		ev.Outcome = "bad_password"
		return SignInResult{}, s.fail(ctx, ev, u.id, ErrBadCredentials)
	}
	if u.disabled {
		ev.Outcome = "disabled"
		s.auditBestEffort(ctx, ev)
		return SignInResult{}, ErrAccountDisabled
	}
	state := StateFull
	switch {
	case u.enrolled:
		state = StateMFARequired
	case u.role.Staff():
		state = StateEnrollmentRequired
	}
	return s.openSession(ctx, u, state, ip, userAgent)
}

// openSession creates the session after a correct password and audits
// login.ok in the same transaction. Failures are reset only when the
// session is fully signed in, so MFA guesses keep counting.
func (s *Service) openSession(ctx context.Context, u signInUser, state MFAState, ip, ua string) (SignInResult, error) {
	var res SignInResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		res.Token, res.Session, err = s.createSession(ctx, tx, u.id, u.role, state, ip, ua)
		if err != nil {
			return err
		}
		if state == StateFull {
			if _, err := tx.Exec(ctx, sqlResetFailures, u.id); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, Event{ActorID: u.id, ActorRole: string(u.role), Action: "login.ok",
			Target: "session:" + res.Session.ID, Outcome: string(state), IP: ip, UserAgent: ua})
	})
	if err != nil {
		return SignInResult{}, err
	}
	s.log.Info("account: signed in", "user_id", u.id, "session", res.Session.ID, "state", string(state))
	return res, nil
}

func (s *Service) signInUser(ctx context.Context, email string) (signInUser, error) {
	var u signInUser
	var role string
	err := s.pool.QueryRow(ctx, sqlSignInUser, email).Scan(&u.id, &role, &u.hash, &u.disabled, &u.lockedUntil, &u.enrolled)
	u.role = Role(role)
	return u, err
}

// verify checks password against hash in a bounded hashing slot. Inputs
// longer than any valid password, and accounts without a usable hash, are
// refused but still cost a hash, so timing does not tell them apart.
func (s *Service) verify(ctx context.Context, password, hash string) (bool, error) {
	tooLong := len(password) > maxPasswordBytes
	if tooLong {
		password = password[:maxPasswordBytes]
	}
	if _, err := parsePHC(hash); err != nil {
		// No usable hash (say, an account seeded without a password):
		// spend the same time, then refuse like a wrong password.
		s.log.Error("account: unusable password hash", "err", err)
		hash, tooLong = dummyHash, true
	}
	var ok bool
	var err error
	if slotErr := s.withHashSlot(ctx, func() { ok, err = verifyPassword(password, hash) }); slotErr != nil {
		return false, slotErr
	}
	return ok && !tooLong, err
}

// checkAddr counts an attempt against the client address and refuses it,
// audited as login.locked, when over the limit.
func (s *Service) checkAddr(ctx context.Context, ev Event) error {
	ok, retry, err := s.limiter.Allow(ctx, addrKey(ev.IP))
	if err != nil {
		return fault.Wrap(fault.New(fault.Unavailable, "Signing in is unavailable right now. Try again shortly."), err)
	}
	if ok {
		return nil
	}
	ev.Action, ev.Outcome = "login.locked", "address_limited"
	s.auditBestEffort(ctx, ev)
	return tooMany(ErrAddrLimited, "Too many sign-in attempts from this network.", retry)
}

// checkLock refuses, audited as login.locked, while the account is locked.
func (s *Service) checkLock(ctx context.Context, ev Event, lockedUntil *time.Time) error {
	if lockedUntil == nil || !s.now().Before(*lockedUntil) {
		return nil
	}
	ev.Action, ev.Outcome = "login.locked", "account_locked"
	s.auditBestEffort(ctx, ev)
	return tooMany(ErrLocked, "Too many attempts.", lockedUntil.Sub(s.now()))
}

// fail records a failed password or MFA code: it counts the failure, audits
// ev, and returns either notOK or, when this failure reached the limit, the
// lockout error.
func (s *Service) fail(ctx context.Context, ev Event, userID int64, notOK error) error {
	var lockedUntil *time.Time
	now := s.now()
	if err := s.pool.QueryRow(ctx, sqlFail, userID, s.maxFails, now.Add(s.lockout)).Scan(&lockedUntil); err != nil {
		return err
	}
	s.auditBestEffort(ctx, ev)
	if lockedUntil != nil && now.Before(*lockedUntil) {
		s.log.Warn("account: locked after failed attempts", "user_id", userID, "until", *lockedUntil)
		return tooMany(ErrLocked, "Too many attempts.", lockedUntil.Sub(now))
	}
	return notOK
}

// tooMany returns a TooMany error saying when to try again, wrapping cause
// so errors.Is matches the sentinel.
func tooMany(cause *fault.Error, prefix string, retry time.Duration) error {
	return &fault.Error{Code: fault.TooMany, Message: prefix + " Try again in " + minutes(retry) + ".", RetryAfter: retry, Cause: cause}
}

// minutes renders d rounded up to whole minutes: "1 minute", "15 minutes".
func minutes(d time.Duration) string {
	m := int64((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "1 minute"
	}
	return itoa(m) + " minutes"
}
