package account

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"haven/portal/fault"
)

// Account is a person who signs in.
type Account struct {
	ID          int64
	Email       string // normalized: trimmed, lower case
	DisplayName string
	Role        Role
	CreatedAt   time.Time
	Disabled    bool
}

// NewAccount is the input of CreateAccount.
type NewAccount struct {
	Role        Role
	Email       string
	DisplayName string
	Password    string
}

const (
	sqlInsertUser = `INSERT INTO users (email, display_name, role, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`
	sqlUserColumns = `id, email, display_name, role, created_at, disabled_at IS NOT NULL`
	sqlUserByID    = `SELECT ` + sqlUserColumns + ` FROM users WHERE id = $1`
	sqlUserByEmail = `SELECT ` + sqlUserColumns + ` FROM users WHERE lower(email) = $1`
	sqlAllUsers    = `SELECT ` + sqlUserColumns + ` FROM users ORDER BY display_name, id`
	sqlDisableUser = `UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL`
	sqlEndUserSess = `UPDATE sessions SET ended_at = $2, end_reason = $3 WHERE user_id = $1 AND ended_at IS NULL`
)

// CreateAccount creates an account after checking the email, name, role
// and password policy. by is the admin creating it, or Operator() for the
// operator's command line; anyone else gets ErrForbidden. A taken email gives
// ErrEmailTaken. The creation is audited (account.create).
func (s *Service) CreateAccount(ctx context.Context, by Actor, in NewAccount) (Account, error) {
	if !by.administers() {
		return Account{}, ErrForbidden
	}
	if !in.Role.Valid() {
		return Account{}, ErrBadRole
	}
	email, err := validEmail(in.Email)
	if err != nil {
		return Account{}, err
	}
	name, err := validName(in.DisplayName)
	if err != nil {
		return Account{}, err
	}
	if err := CheckPassword(in.Password, email); err != nil {
		return Account{}, err
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return Account{}, err
	}
	var a Account
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		a, err = s.insertUser(ctx, tx, in.Role, email, name, hash)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, Event{ActorID: by.UserID, ActorRole: string(by.Role), Action: "account.create",
			Target: userTarget(a.ID), Outcome: "ok", IP: by.IP, UserAgent: by.UserAgent})
	})
	return a, err
}

// insertUser inserts a validated account through q.
func (s *Service) insertUser(ctx context.Context, q Querier, role Role, email, name, hash string) (Account, error) {
	now := s.now()
	a := Account{Email: email, DisplayName: name, Role: role, CreatedAt: now}
	err := q.QueryRow(ctx, sqlInsertUser, email, name, string(role), hash, now).Scan(&a.ID)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return Account{}, fault.Wrap(ErrEmailTaken, err)
	}
	return a, err
}

// Disable disables an account and ends all its sessions, atomically.
// by is an admin, or Operator() for the operator's command line; anyone
// else gets ErrForbidden. Disabling a disabled account is a no-op; an
// unknown id gives ErrNoAccount.
func (s *Service) Disable(ctx context.Context, by Actor, userID int64) error {
	if !by.administers() {
		return ErrForbidden
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := s.account(ctx, tx, userID); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, sqlDisableUser, userID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlEndUserSess, userID, now, reasonDisabled); err != nil {
			return err
		}
		return s.audit(ctx, tx, Event{ActorID: by.UserID, ActorRole: string(by.Role), Action: "account.disable",
			Target: userTarget(userID), Outcome: "ok", IP: by.IP, UserAgent: by.UserAgent})
	})
}

// Account returns the account with id, or ErrNoAccount.
func (s *Service) Account(ctx context.Context, id int64) (Account, error) {
	return s.account(ctx, s.pool, id)
}

// AccountByEmail returns the account with email (normalized first), or ErrNoAccount.
func (s *Service) AccountByEmail(ctx context.Context, email string) (Account, error) {
	return scanAccount(s.pool.QueryRow(ctx, sqlUserByEmail, normalizeEmail(email)))
}

// ListAccounts returns every account, disabled ones included, ordered by
// display name, when by is an admin (or Operator()); anyone else gets
// ErrForbidden. It is meant for a clinic-sized directory and does not page.
func (s *Service) ListAccounts(ctx context.Context, by Actor) ([]Account, error) {
	if !by.administers() {
		return nil, ErrForbidden
	}
	rows, err := s.pool.Query(ctx, sqlAllUsers)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) { return scanAccount(r) })
}

func (s *Service) account(ctx context.Context, q Querier, id int64) (Account, error) {
	return scanAccount(q.QueryRow(ctx, sqlUserByID, id))
}

func scanAccount(row pgx.Row) (Account, error) {
	var a Account
	var role string
	err := row.Scan(&a.ID, &a.Email, &a.DisplayName, &role, &a.CreatedAt, &a.Disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, ErrNoAccount
	}
	a.Role = Role(role)
	return a, err
}

// normalizeEmail trims and lower-cases an email address.
func normalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// validEmail normalizes email and checks its shape: one local part and a
// domain separated by the last '@', 3..254 bytes, no spaces or control
// characters. Quotes and other punctuation are allowed.
func validEmail(email string) (string, error) {
	e := normalizeEmail(email)
	at := strings.LastIndexByte(e, '@')
	if len(e) < 3 || len(e) > 254 || !utf8.ValidString(e) || at <= 0 || at == len(e)-1 {
		return "", ErrBadEmail
	}
	for _, r := range e {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", ErrBadEmail
		}
	}
	if strings.Contains(e[at+1:], "..") || strings.HasPrefix(e[at+1:], ".") || strings.HasSuffix(e, ".") {
		return "", ErrBadEmail
	}
	return e, nil
}

// validName trims a display name and checks it has 1..100 characters and
// no control characters.
func validName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if !utf8.ValidString(n) || n == "" || utf8.RuneCountInString(n) > 100 {
		return "", ErrBadName
	}
	for _, r := range n {
		if unicode.IsControl(r) {
			return "", ErrBadName
		}
	}
	return n, nil
}

// hash computes an argon2id hash within the bounded hashing slots.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	var h string
	var err error
	if slotErr := s.withHashSlot(ctx, func() { h, err = s.cost.hash(password) }); slotErr != nil {
		return "", slotErr
	}
	return h, err
}

func userTarget(id int64) string { return "user:" + itoa(id) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// hexPrefix is the first 8 bytes of a token hash in hex: a safe log and audit id.
func hexPrefix(hash []byte) string { return hex.EncodeToString(hash[:8]) }
