package records

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"haven/portal/account"
)

// ResourceKind is the kind of a library resource.
type ResourceKind string

// The kinds.
const (
	KindArticle  ResourceKind = "article"
	KindExercise ResourceKind = "exercise"
)

// Resource limits.
const (
	MaxResourceTitle = 200
	MaxResourceBody  = 50_000
	MaxResourceURL   = 2000
)

// ResourceInput is a resource a clinician adds to the library: a title and
// a body, a link, or both.
type ResourceInput struct {
	Kind  ResourceKind
	Title string
	Body  string
	URL   string // https only
}

// Resource is an article or exercise in the clinic's library. The library
// is clinic material, not health information; which patient was given which
// resource is.
type Resource struct {
	ID        int64
	Kind      ResourceKind
	Title     string
	Body      string
	URL       string
	CreatedBy int64
	CreatedAt time.Time
}

// AssignedResource is a resource as assigned to a patient.
type AssignedResource struct {
	Resource
	AssignedBy int64
	AssignedAt time.Time
}

const (
	resourceColumns   = `r.id, r.kind, r.title, r.body, r.url, r.created_by, r.created_at`
	sqlInsertResource = `INSERT INTO record_resources (kind, title, body, url, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	sqlLibrary        = `SELECT ` + resourceColumns + ` FROM record_resources r ORDER BY r.title, r.id`
	sqlAssignResource = `INSERT INTO record_resource_assignments (patient_id, resource_id, assigned_by, assigned_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`
	sqlUnassignResource = `DELETE FROM record_resource_assignments WHERE patient_id = $1 AND resource_id = $2`
	sqlAssigned         = `SELECT ` + resourceColumns + `, a.assigned_by, a.assigned_at
		FROM record_resource_assignments a JOIN record_resources r ON r.id = a.resource_id
		WHERE a.patient_id = $1 ORDER BY a.assigned_at DESC, r.id`
	pgForeignKeyViolation = "23503"
)

// AddResource adds an article or exercise to the library. Only clinicians
// and admins may (ErrStaffOnly). ErrBadResourceKind, ErrBadResource or
// ErrBadURL for bad input.
func (s *Service) AddResource(ctx context.Context, actor account.Actor, in ResourceInput) (Resource, error) {
	if actor.UserID <= 0 || (actor.Role != account.RoleClinician && actor.Role != account.RoleAdmin) {
		return Resource{}, ErrStaffOnly
	}
	r, err := in.check()
	if err != nil {
		return Resource{}, err
	}
	r.CreatedBy, r.CreatedAt = actor.UserID, s.now()
	err = s.pool.QueryRow(ctx, sqlInsertResource, string(r.Kind), r.Title, r.Body, r.URL, r.CreatedBy, r.CreatedAt).Scan(&r.ID)
	if err != nil {
		return Resource{}, fmt.Errorf("records: insert resource: %w", err)
	}
	s.log.InfoContext(ctx, "records: resource added", "resource_id", r.ID, "actor_id", actor.UserID)
	return r, nil
}

// check validates a resource and returns it cleaned.
func (in ResourceInput) check() (Resource, error) {
	if in.Kind != KindArticle && in.Kind != KindExercise {
		return Resource{}, ErrBadResourceKind
	}
	title, err := cleanText(in.Title, MaxResourceTitle, false)
	if err != nil || title == "" {
		return Resource{}, ErrBadResource
	}
	body, err := cleanText(in.Body, MaxResourceBody, true)
	if err != nil {
		return Resource{}, err
	}
	link, err := cleanURL(in.URL)
	if err != nil {
		return Resource{}, err
	}
	if body == "" && link == "" {
		return Resource{}, ErrBadResource
	}
	return Resource{Kind: in.Kind, Title: title, Body: body, URL: link}, nil
}

// cleanURL admits "" or an absolute https URL with a host and no
// credentials, so a link shown to a patient can neither run script nor
// leak a password.
func cleanURL(raw string) (string, error) {
	raw, err := cleanText(raw, MaxResourceURL, false)
	if err != nil || raw == "" {
		return "", err
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", ErrBadURL
	}
	return u.String(), nil
}

// Library lists every resource by title, for staff choosing what to assign
// (ErrStaffOnly for patients).
func (s *Service) Library(ctx context.Context, actor account.Actor) ([]Resource, error) {
	if actor.UserID <= 0 || !actor.Role.Staff() {
		return nil, ErrStaffOnly
	}
	rows, err := s.pool.Query(ctx, sqlLibrary)
	if err != nil {
		return nil, fmt.Errorf("records: library: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Resource, error) { return scanResource(r) })
	if err != nil {
		return nil, fmt.Errorf("records: library: %w", err)
	}
	return out, nil
}

func scanResource(r pgx.Row, extra ...any) (Resource, error) {
	var res Resource
	err := r.Scan(append([]any{&res.ID, &res.Kind, &res.Title, &res.Body, &res.URL, &res.CreatedBy, &res.CreatedAt}, extra...)...)
	return res, err
}

// AssignResource gives the patient a library resource, audited as
// records.write. Only a clinician the policy admits may (ErrCareTeamOnly);
// assigning twice is a no-op. ErrNoResource for an unknown resource.
func (s *Service) AssignResource(ctx context.Context, actor account.Actor, patientID, resourceID int64) error {
	if err := s.allowClinician(ctx, actor, patientID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, sqlAssignResource, patientID, resourceID, actor.UserID, s.now())
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == pgForeignKeyViolation {
			return ErrNoResource
		}
		if err != nil {
			return fmt.Errorf("records: assign resource: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "resource:"+itoa(resourceID))
	})
}

// UnassignResource takes a resource back from the patient, audited as
// records.write. Only a clinician the policy admits may; removing one that
// is not assigned is a no-op.
func (s *Service) UnassignResource(ctx context.Context, actor account.Actor, patientID, resourceID int64) error {
	if err := s.allowClinician(ctx, actor, patientID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlUnassignResource, patientID, resourceID); err != nil {
			return fmt.Errorf("records: unassign resource: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "resource:"+itoa(resourceID))
	})
}

// AssignedResources lists the resources assigned to the patient, most
// recently assigned first, audited as one records.read. The patient and
// anyone the policy admits may read them.
func (s *Service) AssignedResources(ctx context.Context, actor account.Actor, patientID int64) ([]AssignedResource, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return nil, err
	}
	var out []AssignedResource
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = loadAssigned(ctx, tx, patientID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "resources")
	})
	return out, err
}

func loadAssigned(ctx context.Context, tx pgx.Tx, patientID int64) ([]AssignedResource, error) {
	rows, err := tx.Query(ctx, sqlAssigned, patientID)
	if err != nil {
		return nil, fmt.Errorf("records: assigned resources: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AssignedResource, error) {
		var a AssignedResource
		var err error
		a.Resource, err = scanResource(r, &a.AssignedBy, &a.AssignedAt)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("records: assigned resources: %w", err)
	}
	return out, nil
}
