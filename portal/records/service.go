package records

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

// Options configure a Service. Pool, Authorizer and Sealer are required.
type Options struct {
	Pool       *pgxpool.Pool
	Authorizer Authorizer // *account.Service
	Sealer     Sealer     // *seal.Keyring
	Now        func() time.Time
	Logger     *slog.Logger // ids only, never text
}

// Service is the records API. It is safe for concurrent use.
type Service struct {
	pool *pgxpool.Pool
	auth Authorizer
	seal Sealer
	now  func() time.Time
	log  *slog.Logger
}

// New returns a Service, or an error when a required option is missing.
func New(o Options) (*Service, error) {
	if o.Pool == nil || o.Authorizer == nil || o.Sealer == nil {
		return nil, errors.New("records: Pool, Authorizer and Sealer are required")
	}
	s := &Service{pool: o.Pool, auth: o.Authorizer, seal: o.Sealer, now: o.Now, log: o.Logger}
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
	actionRead   = "records.read"
	actionWrite  = "records.write"
	actionExport = "records.export"
)

// allowRead asks the access policy for a read.
func (s *Service) allowRead(ctx context.Context, actor account.Actor, patientID int64) error {
	return s.auth.Authorize(ctx, actor, account.Read, patientID)
}

// allowWrite admits a writer the policy admits whose role is among roles:
// "the patient" means the patient themself. Anyone else gets refusal,
// audited as access.denied.
func (s *Service) allowWrite(ctx context.Context, actor account.Actor, patientID int64, refusal error, roles ...account.Role) error {
	if err := s.auth.Authorize(ctx, actor, account.Write, patientID); err != nil {
		return err
	}
	for _, r := range roles {
		if actor.Role == r && (r != account.RolePatient || actor.UserID == patientID) {
			return nil
		}
	}
	s.denied(ctx, actor, patientID)
	return refusal
}

// allowClinician admits only clinicians the policy admits.
func (s *Service) allowClinician(ctx context.Context, actor account.Actor, patientID int64) error {
	return s.allowWrite(ctx, actor, patientID, ErrCareTeamOnly, account.RoleClinician)
}

// allowPatientOrClinician admits the patient and clinicians the policy admits.
func (s *Service) allowPatientOrClinician(ctx context.Context, actor account.Actor, patientID int64) error {
	return s.allowWrite(ctx, actor, patientID, ErrPatientOrTeam, account.RolePatient, account.RoleClinician)
}

// denied audits a refusal made by this package (outside any transaction).
func (s *Service) denied(ctx context.Context, actor account.Actor, patientID int64) {
	e := actor.AuditEntry(audit.ActionAccessDenied, patientID, "records")
	e.Outcome = audit.Denied
	if err := audit.Record(ctx, s.pool, e); err != nil {
		s.log.ErrorContext(ctx, "records: audit refusal failed", "actor_id", actor.UserID, "patient_id", patientID, "err", err)
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
