package measures

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"haven/portal/account"
	"haven/portal/audit"
)

// Options configure a Service. Every field but Now and Logger is required.
type Options struct {
	Pool       *pgxpool.Pool
	Authorizer Authorizer // *account.Service
	Sealer     Sealer     // *seal.Keyring
	Escalator  Escalator  // crisis, behind an adapter
	Reminders  Reminders  // push, behind an adapter
	Now        func() time.Time
	Logger     *slog.Logger // ids only, never answers or notes
}

// Service is the measures API. It is safe for concurrent use.
type Service struct {
	pool *pgxpool.Pool
	auth Authorizer
	seal Sealer
	esc  Escalator
	rem  Reminders
	now  func() time.Time
	log  *slog.Logger
}

// New returns a Service, or an error when a required option is missing.
func New(o Options) (*Service, error) {
	if o.Pool == nil || o.Authorizer == nil || o.Sealer == nil || o.Escalator == nil || o.Reminders == nil {
		return nil, errors.New("measures: Pool, Authorizer, Sealer, Escalator and Reminders are required")
	}
	s := &Service{pool: o.Pool, auth: o.Authorizer, seal: o.Sealer, esc: o.Escalator, rem: o.Reminders,
		now: o.Now, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// Audit action names.
const (
	actionRead  = "measures.read"
	actionWrite = "measures.write"
)

// allow asks the access policy; a refusal is already audited by it.
func (s *Service) allow(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error {
	return s.auth.Authorize(ctx, actor, action, patientID)
}

// allowClinician admits a clinician the policy lets write patientID's data;
// anyone else gets ErrCareTeamOnly, audited as access.denied.
func (s *Service) allowClinician(ctx context.Context, actor account.Actor, patientID int64) error {
	if err := s.allow(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	if actor.Role != account.RoleClinician {
		s.denied(ctx, actor, patientID)
		return ErrCareTeamOnly
	}
	return nil
}

// allowPatient admits only the patient themself.
func (s *Service) allowPatient(ctx context.Context, actor account.Actor, patientID int64) error {
	if err := s.allow(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	if actor.Role != account.RolePatient || actor.UserID != patientID {
		s.denied(ctx, actor, patientID)
		return ErrPatientOnly
	}
	return nil
}

// denied audits a refusal made by this package (outside any transaction).
func (s *Service) denied(ctx context.Context, actor account.Actor, patientID int64) {
	e := actor.AuditEntry(audit.ActionAccessDenied, patientID, "measures")
	e.Outcome = audit.Denied
	if err := audit.Record(ctx, s.pool, e); err != nil {
		s.log.ErrorContext(ctx, "measures: audit refusal failed", "actor_id", actor.UserID, "patient_id", patientID, "err", err)
	}
}

// audit records one access through tx.
func (s *Service) audit(ctx context.Context, tx pgx.Tx, actor account.Actor, action string, patientID int64, target string) error {
	return audit.Record(ctx, tx, actor.AuditEntry(action, patientID, target))
}

// inTx runs f in a transaction on the pool.
func (s *Service) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, f)
}

// allowRespondent admits the patient themself and clinicians the policy
// admits: the people who may complete a questionnaire for the patient.
func (s *Service) allowRespondent(ctx context.Context, actor account.Actor, patientID int64) error {
	if err := s.allow(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	if actor.Role == account.RoleClinician || (actor.Role == account.RolePatient && actor.UserID == patientID) {
		return nil
	}
	s.denied(ctx, actor, patientID)
	return ErrNotRespondent
}
