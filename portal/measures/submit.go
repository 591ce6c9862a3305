package measures

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// SubmitRequest is a completed questionnaire.
type SubmitRequest struct {
	PatientID  int64
	Instrument string
	// Version is the instrument version the answers were given to; ""
	// means the current one. A stale version fails with ErrVersion.
	Version string
	// AssignmentID is the assignment this completes; 0 for a questionnaire
	// nobody assigned.
	AssignmentID int64
	Answers      Answers
}

// Submission is a stored response and what the caller must do next.
type Submission struct {
	ID           int64
	Instrument   string
	Version      string
	AssignmentID int64
	Score        Score
	SubmittedAt  time.Time
	// Escalated says a crisis escalation was raised in the same transaction.
	Escalated bool
	// ShowCrisisResources says the UI must show crisis resources (988, the
	// emergency number, the safety plan) at once.
	ShowCrisisResources bool
}

// SourceMeasure is the Escalator source of every escalation raised here.
const SourceMeasure = "measure"

const (
	sqlNextResponseID = `SELECT nextval(pg_get_serial_sequence('measure_responses', 'id'))`
	sqlInsertResponse = `INSERT INTO measure_responses
		(id, patient_id, instrument, version, assignment_id, answers, score, submitted_by, submitted_at)
		VALUES ($1, $2, $3, $4, nullif($5::bigint, 0), $6, $7, $8, $9)`
)

// Submit stores a complete questionnaire for req.PatientID, submitted by the
// patient or by a clinician the access policy admits (ErrNotRespondent for
// anyone else). Incomplete or invalid answers fail with fault.Invalid (see
// Evaluate) and nothing is stored.
//
// In one transaction it stores the sealed answers and score, raises a
// crisis escalation through the Escalator when the answers call for one
// (PHQ-9 item 9 above 0, C-SSRS moderate or high risk), completes the
// assignment (closing it, or moving it to its next due time with its
// reminder), and audits measures.write. Any failure rolls all of it back:
// a stored response always has its escalation.
func (s *Service) Submit(ctx context.Context, actor account.Actor, req SubmitRequest) (Submission, error) {
	if err := s.allowRespondent(ctx, actor, req.PatientID); err != nil {
		return Submission{}, err
	}
	in, err := Lookup(req.Instrument)
	if err != nil {
		return Submission{}, err
	}
	if req.Version != "" && req.Version != in.Version {
		return Submission{}, ErrVersion
	}
	score, err := Evaluate(in.ID, req.Answers)
	if err != nil {
		return Submission{}, err
	}
	sub := Submission{Instrument: in.ID, Version: in.Version, AssignmentID: req.AssignmentID, Score: score,
		SubmittedAt: s.now(), Escalated: score.Escalation != "", ShowCrisisResources: score.CrisisResources}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		return s.store(ctx, tx, actor, req, &sub)
	})
	if err != nil {
		return Submission{}, err
	}
	s.log.InfoContext(ctx, "measures: response stored", "response_id", sub.ID, "patient_id", req.PatientID)
	return sub, nil
}

// store writes sub in tx: the response, its escalation, the assignment's
// completion and the audit row.
func (s *Service) store(ctx context.Context, tx pgx.Tx, actor account.Actor, req SubmitRequest, sub *Submission) error {
	if err := tx.QueryRow(ctx, sqlNextResponseID).Scan(&sub.ID); err != nil {
		return fmt.Errorf("measures: response id: %w", err)
	}
	var a Assignment
	if req.AssignmentID != 0 {
		var err error
		if a, err = lockAssignment(ctx, tx, req.AssignmentID, req.PatientID); err != nil {
			return err
		}
		if a.Instrument != sub.Instrument {
			return ErrWrongInstrument
		}
		if !a.Open() {
			return ErrAssignmentClosed
		}
	}
	row := itoa(sub.ID)
	answers, err := s.sealJSON(ctx, req.PatientID, ad("measure_responses", row, "answers"), req.Answers)
	if err != nil {
		return err
	}
	score, err := s.sealJSON(ctx, req.PatientID, ad("measure_responses", row, "score"), sub.Score)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, sqlInsertResponse, sub.ID, req.PatientID, sub.Instrument, sub.Version, req.AssignmentID,
		answers, score, actor.UserID, sub.SubmittedAt); err != nil {
		return fmt.Errorf("measures: insert response: %w", err)
	}
	if sub.Escalated {
		ref := "measure:" + sub.Instrument + ":" + row
		if err := s.esc.Raise(ctx, tx, req.PatientID, SourceMeasure, sub.Score.Escalation, ref); err != nil {
			return fmt.Errorf("measures: escalate response %d: %w", sub.ID, err)
		}
	}
	if req.AssignmentID != 0 {
		if err := s.complete(ctx, tx, a, sub.SubmittedAt); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, actor, actionWrite, req.PatientID, "response:"+row)
}
