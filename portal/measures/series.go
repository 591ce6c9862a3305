package measures

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// MaxPoints bounds a series: the most recent MaxPoints responses are kept.
const MaxPoints = 1000

// Point is one response on a chart.
type Point struct {
	ResponseID int64
	At         time.Time
	Total      int // see Score.Total
	Band       Band
}

// Response is a stored questionnaire with its answers.
type Response struct {
	ID           int64
	PatientID    int64
	Instrument   string
	Version      string
	AssignmentID int64 // 0 when unassigned
	Answers      Answers
	Score        Score
	SubmittedBy  int64
	SubmittedAt  time.Time
}

const (
	sqlSeries = `SELECT id, score, submitted_at FROM measure_responses
		WHERE patient_id = $1 AND instrument = $2 AND submitted_at >= $3 AND submitted_at <= $4
		ORDER BY submitted_at DESC, id DESC LIMIT $5`
	sqlResponse = `SELECT id, patient_id, instrument, version, coalesce(assignment_id, 0), answers, score,
		submitted_by, submitted_at FROM measure_responses WHERE id = $1 AND patient_id = $2`
)

// Series returns patientID's scores on instrument submitted between from
// and to inclusive (zero from: since the beginning; zero to: until now),
// oldest first, at most MaxPoints (the most recent). It is audited as one
// measures.read. The patient and anyone the policy admits may read it.
// ErrUnknownInstrument, or ErrBadRange when from is after to.
func (s *Service) Series(ctx context.Context, actor account.Actor, patientID int64, instrument string, from, to time.Time) ([]Point, error) {
	if err := s.allow(ctx, actor, account.Read, patientID); err != nil {
		return nil, err
	}
	if _, err := Lookup(instrument); err != nil {
		return nil, err
	}
	if to.IsZero() {
		to = s.now()
	}
	if from.After(to) {
		return nil, ErrBadRange
	}
	var out []Point
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlSeries, patientID, instrument, from, to, MaxPoints)
		if err != nil {
			return fmt.Errorf("measures: series: %w", err)
		}
		type stored struct {
			id     int64
			sealed []byte
			at     time.Time
		}
		got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
			var st stored
			return st, r.Scan(&st.id, &st.sealed, &st.at)
		})
		if err != nil {
			return fmt.Errorf("measures: series: %w", err)
		}
		slices.Reverse(got)
		for _, st := range got {
			var sc Score
			if err := s.openJSON(ctx, patientID, ad("measure_responses", itoa(st.id), "score"), st.sealed, &sc); err != nil {
				return err
			}
			out = append(out, Point{ResponseID: st.id, At: st.at, Total: sc.Total, Band: sc.Band})
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "series:"+instrument)
	})
	return out, err
}

// Response returns one of patientID's responses with its answers, audited
// as measures.read. ErrNoResponse when patientID has no such response.
func (s *Service) Response(ctx context.Context, actor account.Actor, patientID, responseID int64) (Response, error) {
	if err := s.allow(ctx, actor, account.Read, patientID); err != nil {
		return Response{}, err
	}
	var r Response
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var answers, score []byte
		err := tx.QueryRow(ctx, sqlResponse, responseID, patientID).Scan(&r.ID, &r.PatientID, &r.Instrument,
			&r.Version, &r.AssignmentID, &answers, &score, &r.SubmittedBy, &r.SubmittedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoResponse
		}
		if err != nil {
			return fmt.Errorf("measures: response %d: %w", responseID, err)
		}
		row := itoa(r.ID)
		if err := s.openJSON(ctx, patientID, ad("measure_responses", row, "answers"), answers, &r.Answers); err != nil {
			return err
		}
		if err := s.openJSON(ctx, patientID, ad("measure_responses", row, "score"), score, &r.Score); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "response:"+row)
	})
	return r, err
}
