package visits

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// maxSlotRange bounds an OpenSlots query.
const maxSlotRange = 62 * 24 * time.Hour

const sqlBusy = `SELECT lower(during), upper(during) FROM visit_appointments
	WHERE clinician_id = $1 AND status IN ('booked', 'held') AND during && tstzrange($2, $3, '[)')
	ORDER BY lower(during)`

// OpenSlots returns the times in [from, to) at which a visit of type
// visitTypeID can be booked with clinicianID, in order: the clinician's
// weekly hours plus extra hours, minus days and hours off, minus booked
// visits and held offers. For a patient the clinician must be on their care
// team (ErrNotOnTeam) and slots start at least Options.BookNotice from now;
// staff see every future slot. ErrRange when to is not after from or the
// range exceeds 62 days; ErrNoVisitType for an unknown or retired type. A
// clinician with no published availability has no slots.
func (s *Service) OpenSlots(ctx context.Context, actor account.Actor, clinicianID int64, from, to time.Time, visitTypeID int64) ([]Slot, error) {
	if err := s.maySeeSlots(ctx, actor, clinicianID); err != nil {
		return nil, err
	}
	if !to.After(from) || to.Sub(from) > maxSlotRange {
		return nil, ErrRange
	}
	vt, err := s.visitType(ctx, visitTypeID, clinicianID, true)
	if err != nil {
		return nil, err
	}
	earliest := s.now()
	if isPatient(actor) {
		earliest = earliest.Add(s.book)
	}
	if from.Before(earliest) {
		from = earliest
	}
	if !to.After(from) {
		return nil, nil
	}
	sc, err := s.loadSchedule(ctx, clinicianID, from, to)
	if err != nil || sc == nil {
		return nil, err
	}
	busy, err := s.busy(ctx, clinicianID, from, to.Add(vt.Duration()))
	if err != nil {
		return nil, err
	}
	var out []Slot
	for _, sl := range sc.slots(from, to, vt.Duration()) {
		if !overlapsAny(sl, busy) {
			out = append(out, sl)
		}
	}
	return out, nil
}

// maySeeSlots lets staff see any clinician's slots and patients those of
// their care team.
func (s *Service) maySeeSlots(ctx context.Context, actor account.Actor, clinicianID int64) error {
	switch {
	case actor.UserID <= 0:
		return account.ErrForbidden
	case actor.Role == account.RoleClinician || actor.Role == account.RoleAdmin:
		return nil
	case actor.Role != account.RolePatient:
		return account.ErrForbidden
	}
	ok, err := s.onTeam(ctx, actor.UserID, clinicianID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotOnTeam
	}
	return nil
}

// isSlot reports whether a visit of length d starting at start is one of
// clinicianID's slots by availability alone (bookings are not considered;
// the exclusion constraint decides those). It returns the clinician's zone.
func (s *Service) isSlot(ctx context.Context, clinicianID int64, start time.Time, d time.Duration) (string, error) {
	sc, err := s.loadSchedule(ctx, clinicianID, start, start.Add(time.Minute))
	if err != nil {
		return "", err
	}
	if sc == nil {
		return "", ErrNotASlot
	}
	for _, sl := range sc.slots(start, start.Add(time.Minute), d) {
		if sl.Start.Equal(start) {
			return sc.zone, nil
		}
	}
	return "", ErrNotASlot
}

// loadSchedule reads clinicianID's availability covering [from, to); nil
// when the clinician has published none.
func (s *Service) loadSchedule(ctx context.Context, clinicianID int64, from, to time.Time) (*schedule, error) {
	av := Availability{}
	err := s.pool.QueryRow(ctx, sqlSettings, clinicianID).Scan(&av.Zone)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("visits: schedule: %w", err)
	}
	loc, err := LoadZone(av.Zone)
	if err != nil {
		return nil, err
	}
	if av.Weekly, err = s.weekly(ctx, clinicianID); err != nil {
		return nil, err
	}
	first, last := dateOf(from.In(loc)).addDays(-1), dateOf(to.In(loc)).addDays(1)
	if av.Exceptions, err = s.exceptions(ctx, clinicianID, first, last); err != nil {
		return nil, err
	}
	return parseAvailability(av)
}

// busy returns the booked and held ranges of clinicianID overlapping [from, to).
func (s *Service) busy(ctx context.Context, clinicianID int64, from, to time.Time) ([]Slot, error) {
	rows, err := s.pool.Query(ctx, sqlBusy, clinicianID, from, to)
	if err != nil {
		return nil, fmt.Errorf("visits: busy: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Slot, error) {
		var sl Slot
		err := r.Scan(&sl.Start, &sl.End)
		return sl, err
	})
	if err != nil {
		return nil, fmt.Errorf("visits: busy: %w", err)
	}
	return out, nil
}

// overlapsAny reports whether sl overlaps one of the ordered ranges.
func overlapsAny(sl Slot, busy []Slot) bool {
	for _, b := range busy {
		if b.Start.Before(sl.End) && sl.Start.Before(b.End) {
			return true
		}
	}
	return false
}
