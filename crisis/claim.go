package crisis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// GrantKind is the access-grant kind a claim creates; its ref is
// Escalation.Target().
const GrantKind = "escalation"

const (
	sqlHasOffer = `SELECT EXISTS (SELECT 1 FROM crisis_offers WHERE escalation_id = $1 AND user_id = $2)`
	// sqlClaim takes a waiting escalation; no row means someone else did.
	sqlClaim = `UPDATE crisis_escalations SET state = 'claimed', counselor_id = $2, claimed_at = now(), due_at = NULL
		WHERE id = $1 AND state IN ('offered', 'rerouted', 'expired')
		RETURNING ` + escalationColumns
	sqlInConversation = `UPDATE crisis_escalations SET state = 'in_conversation', conversation_ref = $3
		WHERE id = $1 AND state = 'claimed' AND counselor_id = $2
		RETURNING ` + escalationColumns
)

// Claim gives an escalation to counselorID. The first claim wins
// atomically: every other claimant gets ErrTaken (Conflict) and is told so
// by a "crisis.taken" event. Only someone it was offered to may claim it
// (ErrNotOffered); a resolved one fails with ErrResolved.
//
// In the claim's transaction the counselor is granted access to the
// patient's record (kind GrantKind, ref "escalation:<id>") until Resolve.
// Then the crisis conversation is opened and the patient is told a
// counselor (by display name) has joined. If the conversation cannot be
// opened, the claim stands and Claim returns the escalation with
// ErrConversation (Unavailable); calling Claim again, which is idempotent
// for the counselor holding it, retries the opening.
func (s *Service) Claim(ctx context.Context, counselorID, id int64) (Escalation, error) {
	var (
		e      Escalation
		others []int64
		fresh  bool
	)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if e, err = load(ctx, tx, id, true); err != nil {
			return err
		}
		if held := e.State == Claimed || e.State == InConversation; held && e.CounselorID == counselorID {
			return nil
		} else if held {
			return ErrTaken
		}
		if e.State == Resolved {
			return ErrResolved
		}
		var offered bool
		if err := tx.QueryRow(ctx, sqlHasOffer, id, counselorID).Scan(&offered); err != nil {
			return fmt.Errorf("crisis: claim: %w", err)
		}
		if !offered {
			return ErrNotOffered
		}
		from := e.State
		e, err = scanEscalation(tx.QueryRow(ctx, sqlClaim, id, counselorID))
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrTaken
		} else if err != nil {
			return fmt.Errorf("crisis: claim: %w", err)
		}
		until := time.Now().Add(s.cfg.GrantFor)
		if err := s.d.Granter.Grant(ctx, tx, counselorID, e.PatientID, GrantKind, e.Target(), until); err != nil {
			return fmt.Errorf("crisis: grant: %w", err)
		}
		if err := s.record(ctx, tx, e, transition{kind: "claimed", from: from, to: Claimed, tier: e.Tier,
			actor: counselorID}); err != nil {
			return err
		}
		holders, err := offerHolders(ctx, tx, id)
		others = slices.DeleteFunc(holders, func(u int64) bool { return u == counselorID })
		fresh = true
		return err
	})
	if err != nil {
		return Escalation{}, err
	}
	if fresh {
		s.log.InfoContext(ctx, "crisis claimed", "escalation_id", e.ID, "counselor_id", counselorID)
		s.publishAll(ctx, e.ID, others, hubEvent(EventTaken, OfferData{EscalationID: e.ID}))
		if err := s.d.Pusher.CancelCrisisAlerts(ctx, e.ID); err != nil {
			s.log.WarnContext(ctx, "crisis push alerts not cancelled", "escalation_id", e.ID, "err", err)
		}
	}
	opened := false
	if e.State == Claimed {
		if e, err = s.openConversation(ctx, e); err != nil {
			s.log.WarnContext(ctx, "crisis conversation not opened", "escalation_id", e.ID, "err", err)
			err = fault.Wrap(ErrConversation, err)
		} else {
			opened = true
		}
	}
	if fresh || opened {
		name, nerr := s.d.People.DisplayName(ctx, counselorID)
		if nerr != nil {
			s.log.WarnContext(ctx, "crisis counselor name unknown", "escalation_id", e.ID, "err", nerr)
		}
		s.tellPatient(ctx, e, StatusData{Status: StatusJoined, CounselorName: name, ConversationRef: e.ConversationRef})
	}
	return e, err
}

// openConversation opens the crisis conversation of a claimed escalation
// and moves it to in_conversation.
func (s *Service) openConversation(ctx context.Context, e Escalation) (Escalation, error) {
	ref, err := s.d.Conversations.OpenCrisis(ctx, e.ID, e.PatientID, e.CounselorID)
	if err != nil {
		return e, err
	}
	var out Escalation
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		out, err = scanEscalation(tx.QueryRow(ctx, sqlInConversation, e.ID, e.CounselorID, ref))
		if errors.Is(err, pgx.ErrNoRows) {
			out, err = load(ctx, tx, e.ID, false) // another call got there first
			return err
		} else if err != nil {
			return fmt.Errorf("crisis: in conversation: %w", err)
		}
		return s.record(ctx, tx, out, transition{kind: "in_conversation", from: Claimed, to: InConversation,
			tier: out.Tier, actor: e.CounselorID})
	})
	if err != nil {
		return e, err
	}
	return out, nil
}
