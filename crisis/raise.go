package crisis

import (
	"context"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"

	"haven/portal/fault"
)

// RaiseRequest is one trigger of an escalation.
type RaiseRequest struct {
	PatientID int64
	Severity  Severity // Low, Medium or High
	Source    Source
	// TriggerRef points at what triggered it, never its text:
	// "message:<conversation>:<seq>", "rule:N002@v2", "measure:phq9:<id>",
	// "conversation:<id>" for a clinician's manual escalation, "button:".
	TriggerRef string
	// RaisedBy is the user who raised it: the patient for the button, the
	// clinician for a manual escalation; 0 for the system.
	RaisedBy int64
}

// triggerRefRE admits references, not sentences: no spaces, at most 200 bytes.
var triggerRefRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}:[A-Za-z0-9._:@/-]{0,160}$`)

func (r RaiseRequest) validate() error {
	switch {
	case r.PatientID <= 0:
		return fault.Invalidf("a crisis request needs a patient")
	case r.Severity < Low || r.Severity > High:
		return fault.Invalidf("severity must be low, medium or high")
	case !r.Source.valid():
		return fault.Invalidf("unknown crisis source")
	case !triggerRefRE.MatchString(r.TriggerRef):
		return fault.Invalidf("the trigger must be a reference such as message:<conversation>:<seq>")
	case r.Source == SourceClinician && r.RaisedBy <= 0:
		return fault.Invalidf("a manual escalation needs the clinician who raised it")
	}
	return nil
}

// sqlRaise inserts a raised escalation, or attaches the trigger to the
// patient's open one, keeping the higher severity. The last column says
// whether a row was inserted.
const sqlRaise = `INSERT INTO crisis_escalations (patient_id, severity, source, trigger_ref, raised_by, state, tier, due_at)
	VALUES ($1, $2, $3, $4, nullif($5::bigint, 0), 'raised', 1, now())
	ON CONFLICT (patient_id) WHERE state <> 'resolved' DO UPDATE
	SET severity = greatest(crisis_escalations.severity, excluded.severity),
	    triggers = crisis_escalations.triggers + 1
	RETURNING ` + escalationColumns + `, xmax = 0`

// Raise records a trigger through db — inside the caller's transaction when
// db is a pgx.Tx, so it commits or rolls back with it. If the patient has an
// open escalation the trigger attaches to it (raising its severity if
// higher; Attached is set) instead of creating another. The event and audit
// entry are written in the same transaction.
//
// Raise only writes: it does not notify anyone. Once the transaction has
// committed, every node's Driver offers a raised escalation within one poll
// interval, even if this process dies right after the commit; call Offer
// after the commit to do it at once. Raise never contacts emergency
// services; nothing in Haven does.
//
// Raise trusts its caller to have checked that RaisedBy may escalate for
// this patient (the web layer does, for a clinician's manual escalation).
func (s *Service) Raise(ctx context.Context, db DB, req RaiseRequest) (Escalation, error) {
	if err := req.validate(); err != nil {
		return Escalation{}, err
	}
	var e Escalation
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var inserted bool
		var err error
		e, err = scanEscalation(tx.QueryRow(ctx, sqlRaise, req.PatientID, int16(req.Severity), string(req.Source),
			req.TriggerRef, req.RaisedBy), &inserted)
		if err != nil {
			return fmt.Errorf("crisis: raise: %w", err)
		}
		e.Attached = !inserted
		t := transition{kind: "raised", to: e.State, tier: e.Tier, actor: req.RaisedBy,
			source: req.Source, triggerRef: req.TriggerRef}
		if e.Attached {
			t.kind, t.from = "attached", e.State
		}
		return s.record(ctx, tx, e, t)
	})
	if err != nil {
		return Escalation{}, err
	}
	s.log.InfoContext(ctx, "crisis raised", "escalation_id", e.ID, "attached", e.Attached)
	return e, nil
}

// RaiseAndOffer raises in its own transaction and then offers at once: the
// path for triggers that are not part of a larger transaction (the crisis
// button, a clinician's manual escalation). A failed offer is logged, not
// returned: the escalation is committed and the Driver retries the offer.
func (s *Service) RaiseAndOffer(ctx context.Context, req RaiseRequest) (Escalation, error) {
	e, err := s.Raise(ctx, s.pool, req)
	if err != nil || e.State != Raised {
		return e, err
	}
	if err := s.Offer(ctx, e.ID); err != nil {
		s.log.WarnContext(ctx, "crisis offer deferred to the driver", "escalation_id", e.ID, "err", err)
		return e, nil
	}
	attached := e.Attached
	if got, err := load(ctx, s.pool, e.ID, false); err == nil {
		e = got
		e.Attached = attached
	}
	return e, nil
}
