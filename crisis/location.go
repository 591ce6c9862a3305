package crisis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// Location is where a patient says they are, shared with consent.
type Location struct {
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	AccuracyM float64   `json:"acc"` // radius in metres
	At        time.Time `json:"at"`  // when it was shared
}

func (l Location) validate() error {
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	if !finite(l.Lat) || !finite(l.Lon) || !finite(l.AccuracyM) ||
		l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180 || l.AccuracyM < 0 || l.AccuracyM > 1e6 {
		return fault.Invalidf("a location needs a latitude, a longitude and an accuracy in range")
	}
	return nil
}

const (
	sqlOpenOfPatient = `SELECT ` + escalationColumns + ` FROM crisis_escalations
		WHERE patient_id = $1 AND state <> 'resolved' FOR UPDATE`
	sqlSetLocation = `UPDATE crisis_escalations SET location_sealed = $2, location_at = now() WHERE id = $1`
	sqlGetLocation = `SELECT location_sealed FROM crisis_escalations WHERE id = $1`
)

// locationOwner and locationAD bind a sealed location to its patient and row.
func locationOwner(patientID int64) string { return "patient:" + strconv.FormatInt(patientID, 10) }
func locationAD(id int64) []byte           { return []byte("haven/crisis/location/" + target(id)) }

// ShareLocation attaches the patient's location to their open escalation,
// sealed under the patient's key (owner "patient:<id>") and bound to the
// escalation, replacing any earlier one; it is erased at resolution. It
// returns the escalation id, or ErrNoOpen. The counselor holding the
// escalation is told a location is available ("crisis.location").
func (s *Service) ShareLocation(ctx context.Context, patientID int64, loc Location) (int64, error) {
	if err := loc.validate(); err != nil {
		return 0, err
	}
	loc.At = time.Now().UTC()
	plain, err := json.Marshal(loc)
	if err != nil {
		return 0, fmt.Errorf("crisis: location: %w", err)
	}
	var e Escalation
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		e, err = scanEscalation(tx.QueryRow(ctx, sqlOpenOfPatient, patientID))
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoOpen
		} else if err != nil {
			return fmt.Errorf("crisis: location: %w", err)
		}
		sealed, err := s.d.Sealer.Seal(ctx, locationOwner(patientID), plain, locationAD(e.ID))
		if err != nil {
			return fmt.Errorf("crisis: seal location: %w", err)
		}
		if _, err := tx.Exec(ctx, sqlSetLocation, e.ID, sealed); err != nil {
			return fmt.Errorf("crisis: location: %w", err)
		}
		return s.record(ctx, tx, e, transition{kind: "location_shared", from: e.State, to: e.State,
			tier: e.Tier, actor: patientID})
	})
	if err != nil {
		return 0, err
	}
	if e.CounselorID != 0 && (e.State == Claimed || e.State == InConversation) {
		s.publishAll(ctx, e.ID, []int64{e.CounselorID}, hubEvent(EventLocation, OfferData{EscalationID: e.ID}))
	}
	return e.ID, nil
}

// Location returns the location shared on an escalation to the counselor
// holding it, and audits the read (crisis.location_read). Anyone else gets
// ErrNotYours; no location, ErrNoLocation.
func (s *Service) Location(ctx context.Context, counselorID, id int64) (Location, error) {
	var loc Location
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		e, err := load(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if e.CounselorID != counselorID || (e.State != Claimed && e.State != InConversation) {
			return ErrNotYours
		}
		var sealed []byte
		if err := tx.QueryRow(ctx, sqlGetLocation, id).Scan(&sealed); err != nil {
			return fmt.Errorf("crisis: location: %w", err)
		}
		if sealed == nil {
			return ErrNoLocation
		}
		plain, err := s.d.Sealer.Unseal(ctx, locationOwner(e.PatientID), sealed, locationAD(id))
		if err != nil {
			return fmt.Errorf("crisis: unseal location: %w", err)
		}
		if err := json.Unmarshal(plain, &loc); err != nil {
			return fmt.Errorf("crisis: location: %w", err)
		}
		return s.d.Auditor.Record(ctx, tx, AuditEntry{ActorID: counselorID, Action: "crisis.location_read",
			PatientID: e.PatientID, Target: e.Target()})
	})
	return loc, err
}
