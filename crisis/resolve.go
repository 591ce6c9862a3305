package crisis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// FollowUpKind is a follow-up task set at resolution; the list is fixed and
// carries no free text.
type FollowUpKind string

// The follow-up kinds.
const (
	FollowUpCallBack       FollowUpKind = "call_back"          // the counselor calls the patient back
	FollowUpCareTeamReview FollowUpKind = "care_team_review"   // the care team reviews the episode
	FollowUpSafetyPlan     FollowUpKind = "safety_plan_update" // the safety plan is revised
	FollowUpAppointment    FollowUpKind = "appointment"        // an appointment is booked
)

func (k FollowUpKind) valid() bool {
	switch k {
	case FollowUpCallBack, FollowUpCareTeamReview, FollowUpSafetyPlan, FollowUpAppointment:
		return true
	}
	return false
}

// FollowUp is a task created when an escalation is resolved.
type FollowUp struct {
	ID         int64 // set when stored
	Kind       FollowUpKind
	AssigneeID int64
	Due        time.Time
	DoneAt     *time.Time
}

// maxFollowUps bounds the follow-ups of one resolution.
const maxFollowUps = 10

const (
	sqlResolve = `UPDATE crisis_escalations SET state = 'resolved', disposition = $2, resolved_at = now(),
		due_at = NULL, location_sealed = NULL, location_at = NULL
		WHERE id = $1 RETURNING ` + escalationColumns
	sqlInsertFollowUp = `INSERT INTO crisis_followups (escalation_id, kind, assignee_id, due_at) VALUES ($1, $2, $3, $4)`
	sqlFollowUps      = `SELECT id, kind, assignee_id, due_at, done_at FROM crisis_followups
		WHERE escalation_id = $1 ORDER BY due_at, id`
)

// Resolve closes an escalation held by counselorID with a disposition and
// follow-up tasks, in one transaction: the counselor's access to the
// patient's record ends (RevokeGrants), any shared location is erased, and
// the transition is recorded and audited. Afterwards the counselor leaves
// the crisis conversation (EndCrisis; the patient keeps it), each clinician
// on the care team gets a content-free "crisis.resolved" event and the
// patient a resolved status.
//
// Errors: ErrNotFound, ErrResolved, ErrNotClaimed (nobody holds it yet),
// ErrNotYours (another counselor holds it), Invalid for a disposition or
// follow-up outside the fixed lists.
func (s *Service) Resolve(ctx context.Context, counselorID, id int64, d Disposition, followUps []FollowUp) (Escalation, error) {
	if !d.valid() {
		return Escalation{}, fault.Invalidf("unknown disposition")
	}
	if len(followUps) > maxFollowUps {
		return Escalation{}, fault.Invalidf("at most %d follow-ups", maxFollowUps)
	}
	for _, f := range followUps {
		if !f.Kind.valid() || f.AssigneeID <= 0 || f.Due.IsZero() {
			return Escalation{}, fault.Invalidf("each follow-up needs a known kind, an assignee and a due time")
		}
	}
	var e Escalation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if e, err = load(ctx, tx, id, true); err != nil {
			return err
		}
		switch {
		case e.State == Resolved:
			return ErrResolved
		case e.State != Claimed && e.State != InConversation:
			return ErrNotClaimed
		case e.CounselorID != counselorID:
			return ErrNotYours
		}
		from := e.State
		if e, err = scanEscalation(tx.QueryRow(ctx, sqlResolve, id, string(d))); err != nil {
			return fmt.Errorf("crisis: resolve: %w", err)
		}
		for _, f := range followUps {
			if _, err := tx.Exec(ctx, sqlInsertFollowUp, id, string(f.Kind), f.AssigneeID, f.Due); err != nil {
				return fmt.Errorf("crisis: follow-up: %w", err)
			}
		}
		if err := s.d.Granter.RevokeGrants(ctx, tx, GrantKind, e.Target()); err != nil {
			return fmt.Errorf("crisis: revoke: %w", err)
		}
		return s.record(ctx, tx, e, transition{kind: "resolved", from: from, to: Resolved, tier: e.Tier,
			actor: counselorID})
	})
	if err != nil {
		return Escalation{}, err
	}
	s.log.InfoContext(ctx, "crisis resolved", "escalation_id", e.ID, "counselor_id", counselorID)
	if err := s.d.Conversations.EndCrisis(ctx, e.ID); err != nil {
		s.log.WarnContext(ctx, "crisis conversation not ended", "escalation_id", e.ID, "err", err)
	}
	team, err := s.d.People.CareTeam(ctx, e.PatientID)
	if err != nil {
		s.log.WarnContext(ctx, "crisis care team unknown", "escalation_id", e.ID, "err", err)
	}
	s.publishAll(ctx, e.ID, team, hubEvent(EventResolved, OfferData{EscalationID: e.ID}))
	s.tellPatient(ctx, e, StatusData{Status: StatusResolved})
	return e, nil
}

// FollowUps returns the follow-up tasks of an escalation, by due time.
func (s *Service) FollowUps(ctx context.Context, escalationID int64) ([]FollowUp, error) {
	rows, err := s.pool.Query(ctx, sqlFollowUps, escalationID)
	if err != nil {
		return nil, fmt.Errorf("crisis: follow-ups: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FollowUp, error) {
		var f FollowUp
		err := r.Scan(&f.ID, &f.Kind, &f.AssigneeID, &f.Due, &f.DoneAt)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("crisis: follow-ups: %w", err)
	}
	return out, nil
}
