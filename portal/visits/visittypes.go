package visits

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

const (
	sqlInsertType = `INSERT INTO visit_types (clinician_id, name, minutes, modality) VALUES ($1, $2, $3, $4) RETURNING id`
	sqlTypeCols   = `id, clinician_id, name, minutes, modality, active`
	sqlType       = `SELECT ` + sqlTypeCols + ` FROM visit_types WHERE id = $1`
	sqlTypes      = `SELECT ` + sqlTypeCols + ` FROM visit_types WHERE clinician_id = $1 AND active ORDER BY minutes, name, id`
	sqlRetireType = `UPDATE visit_types SET active = false WHERE id = $1 AND clinician_id = $2`
)

// AddVisitType adds a kind of visit the clinician t.ClinicianID offers. Only
// that clinician may (account.ErrForbidden). ErrTypeName, ErrTypeMinutes,
// ErrModality for bad input.
func (s *Service) AddVisitType(ctx context.Context, actor account.Actor, t VisitType) (VisitType, error) {
	if !isSelfClinician(actor, t.ClinicianID) {
		return VisitType{}, account.ErrForbidden
	}
	name, err := cleanName(t.Name)
	if err != nil {
		return VisitType{}, err
	}
	if t.Minutes < 5 || t.Minutes > 480 {
		return VisitType{}, ErrTypeMinutes
	}
	if !t.Modality.Valid() {
		return VisitType{}, ErrModality
	}
	t.Name, t.Active = name, true
	if err := s.pool.QueryRow(ctx, sqlInsertType, t.ClinicianID, t.Name, t.Minutes, string(t.Modality)).Scan(&t.ID); err != nil {
		return VisitType{}, fmt.Errorf("visits: add visit type: %w", err)
	}
	return t, nil
}

// VisitTypes lists the active visit types of clinicianID, shortest first.
// Any signed-in user may list them.
func (s *Service) VisitTypes(ctx context.Context, actor account.Actor, clinicianID int64) ([]VisitType, error) {
	if actor.UserID <= 0 || !actor.Role.Valid() {
		return nil, account.ErrForbidden
	}
	rows, err := s.pool.Query(ctx, sqlTypes, clinicianID)
	if err != nil {
		return nil, fmt.Errorf("visits: visit types: %w", err)
	}
	types, err := pgx.CollectRows(rows, scanType)
	if err != nil {
		return nil, fmt.Errorf("visits: visit types: %w", err)
	}
	return types, nil
}

// RetireVisitType stops offering a visit type; appointments of that type
// stay. Only its clinician may (account.ErrForbidden); ErrNoVisitType when
// the clinician has no such type.
func (s *Service) RetireVisitType(ctx context.Context, actor account.Actor, typeID int64) error {
	if actor.Role != account.RoleClinician || actor.UserID <= 0 {
		return account.ErrForbidden
	}
	tag, err := s.pool.Exec(ctx, sqlRetireType, typeID, actor.UserID)
	if err != nil {
		return fmt.Errorf("visits: retire visit type: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNoVisitType
	}
	return nil
}

// visitType loads a visit type of clinicianID; ErrNoVisitType when it does
// not exist, belongs to someone else, or is retired and active is required.
func (s *Service) visitType(ctx context.Context, typeID, clinicianID int64, active bool) (VisitType, error) {
	rows, err := s.pool.Query(ctx, sqlType, typeID)
	if err != nil {
		return VisitType{}, fmt.Errorf("visits: visit type: %w", err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanType)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && (t.ClinicianID != clinicianID || active && !t.Active) {
		return VisitType{}, ErrNoVisitType
	}
	if err != nil {
		return VisitType{}, fmt.Errorf("visits: visit type: %w", err)
	}
	return t, nil
}

func scanType(r pgx.CollectableRow) (VisitType, error) {
	var t VisitType
	var m string
	err := r.Scan(&t.ID, &t.ClinicianID, &t.Name, &t.Minutes, &m, &t.Active)
	t.Modality = Modality(m)
	return t, err
}

// cleanName trims a visit type's name and checks it: 1 to 100 characters
// of valid UTF-8 without control characters.
func cleanName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "", ErrTypeName
	}
	return s, nil
}
