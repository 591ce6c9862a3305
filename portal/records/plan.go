package records

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
)

// GoalStatus is where a treatment-plan goal stands.
type GoalStatus string

// The statuses.
const (
	GoalActive       GoalStatus = "active"
	GoalAchieved     GoalStatus = "achieved"
	GoalDiscontinued GoalStatus = "discontinued"
)

func (g GoalStatus) valid() bool {
	return g == GoalActive || g == GoalAchieved || g == GoalDiscontinued
}

// Limits, in characters.
const (
	MaxGoal     = 1000
	MaxProgress = 4000
)

// GoalInput is a goal as a clinician writes it.
type GoalInput struct {
	Text       string
	TargetDate time.Time  // the calendar date of the value given; zero for none
	Status     GoalStatus // "" means active
}

// Goal is one goal of the treatment plan with its progress entries.
type Goal struct {
	ID         int64
	Text       string
	TargetDate time.Time // midnight UTC of the date; zero when none
	Status     GoalStatus
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedBy  int64
	UpdatedAt  time.Time
	Progress   []Progress // oldest first
}

// Progress is an entry noting progress towards a goal.
type Progress struct {
	ID         int64
	GoalID     int64
	AuthorID   int64
	AuthorRole string
	Note       string
	At         time.Time
}

// Plan is a patient's treatment plan: their goals, oldest first.
type Plan struct {
	PatientID int64
	Goals     []Goal
}

const (
	sqlNextGoalID = `SELECT nextval(pg_get_serial_sequence('record_goals', 'id'))`
	sqlInsertGoal = `INSERT INTO record_goals (id, patient_id, goal, target_date, status, created_by, created_at, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)`
	sqlUpdateGoal = `UPDATE record_goals SET goal = $3, target_date = $4, status = $5, updated_by = $6, updated_at = $7
		WHERE id = $1 AND patient_id = $2 RETURNING created_by, created_at`
	sqlGoalExists     = `SELECT EXISTS (SELECT 1 FROM record_goals WHERE id = $1 AND patient_id = $2)`
	sqlGoals          = `SELECT id, goal, target_date, status, created_by, created_at, updated_by, updated_at FROM record_goals WHERE patient_id = $1 ORDER BY id`
	sqlNextProgress   = `SELECT nextval(pg_get_serial_sequence('record_goal_progress', 'id'))`
	sqlInsertProgress = `INSERT INTO record_goal_progress (id, goal_id, patient_id, author_id, author_role, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	sqlProgress = `SELECT id, goal_id, author_id, author_role, note, created_at FROM record_goal_progress WHERE patient_id = $1 ORDER BY id`
)

// AddGoal adds a goal to the treatment plan, audited as records.write. Only
// a clinician the policy admits may add one (ErrCareTeamOnly). ErrBadGoal,
// ErrBadStatus or ErrBadTarget for bad input.
func (s *Service) AddGoal(ctx context.Context, actor account.Actor, patientID int64, in GoalInput) (Goal, error) {
	if err := s.allowClinician(ctx, actor, patientID); err != nil {
		return Goal{}, err
	}
	g, err := in.check()
	if err != nil {
		return Goal{}, err
	}
	g.CreatedBy, g.CreatedAt = actor.UserID, s.now()
	g.UpdatedBy, g.UpdatedAt = g.CreatedBy, g.CreatedAt
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlNextGoalID).Scan(&g.ID); err != nil {
			return fmt.Errorf("records: goal id: %w", err)
		}
		text, err := s.sealText(ctx, patientID, ad("record_goals", itoa(g.ID), "goal"), g.Text)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertGoal, g.ID, patientID, text, nullTime(g.TargetDate), string(g.Status), g.CreatedBy, g.CreatedAt); err != nil {
			return fmt.Errorf("records: insert goal: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "goal:"+itoa(g.ID))
	})
	return g, err
}

// UpdateGoal replaces a goal's text, target date and status, audited as
// records.write, and returns it without its progress entries (which are
// kept). Only a clinician the policy
// admits may update one. ErrNoGoal when patientID has no such goal.
func (s *Service) UpdateGoal(ctx context.Context, actor account.Actor, patientID, goalID int64, in GoalInput) (Goal, error) {
	if err := s.allowClinician(ctx, actor, patientID); err != nil {
		return Goal{}, err
	}
	g, err := in.check()
	if err != nil {
		return Goal{}, err
	}
	g.ID, g.UpdatedBy, g.UpdatedAt = goalID, actor.UserID, s.now()
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		text, err := s.sealText(ctx, patientID, ad("record_goals", itoa(goalID), "goal"), g.Text)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, sqlUpdateGoal, goalID, patientID, text, nullTime(g.TargetDate), string(g.Status),
			g.UpdatedBy, g.UpdatedAt).Scan(&g.CreatedBy, &g.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoGoal
		}
		if err != nil {
			return fmt.Errorf("records: update goal: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "goal:"+itoa(goalID))
	})
	return g, err
}

// check validates a goal and returns it cleaned.
func (in GoalInput) check() (Goal, error) {
	text, err := cleanText(in.Text, MaxGoal, true)
	if err != nil || text == "" {
		return Goal{}, ErrBadGoal
	}
	status := in.Status
	if status == "" {
		status = GoalActive
	}
	if !status.valid() {
		return Goal{}, ErrBadStatus
	}
	var target time.Time
	if !in.TargetDate.IsZero() {
		y, m, d := in.TargetDate.Date()
		if y < 2000 || y > 2100 {
			return Goal{}, ErrBadTarget
		}
		target = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return Goal{Text: text, TargetDate: target, Status: status}, nil
}

// AddProgress notes progress towards a goal, by the patient or a clinician
// the policy admits (ErrPatientOrTeam for anyone else), sealed and audited
// as records.write. ErrBadProgress for an empty or over-long note, ErrNoGoal
// when patientID has no such goal.
func (s *Service) AddProgress(ctx context.Context, actor account.Actor, patientID, goalID int64, note string) (Progress, error) {
	if err := s.allowPatientOrClinician(ctx, actor, patientID); err != nil {
		return Progress{}, err
	}
	text, err := cleanText(note, MaxProgress, true)
	if err != nil || text == "" {
		return Progress{}, ErrBadProgress
	}
	p := Progress{GoalID: goalID, AuthorID: actor.UserID, AuthorRole: string(actor.Role), Note: text, At: s.now()}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, sqlGoalExists, goalID, patientID).Scan(&ok); err != nil {
			return fmt.Errorf("records: goal %d: %w", goalID, err)
		}
		if !ok {
			return ErrNoGoal
		}
		if err := tx.QueryRow(ctx, sqlNextProgress).Scan(&p.ID); err != nil {
			return fmt.Errorf("records: progress id: %w", err)
		}
		sealed, err := s.sealText(ctx, patientID, ad("record_goal_progress", itoa(p.ID), "note"), p.Note)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertProgress, p.ID, goalID, patientID, p.AuthorID, p.AuthorRole, sealed, p.At); err != nil {
			return fmt.Errorf("records: insert progress: %w", err)
		}
		return s.audit(ctx, tx, actor, actionWrite, patientID, "goal:"+itoa(goalID))
	})
	return p, err
}

// TreatmentPlan returns the patient's goals with their progress, audited as
// one records.read. The patient and anyone the policy admits may read it.
func (s *Service) TreatmentPlan(ctx context.Context, actor account.Actor, patientID int64) (Plan, error) {
	if err := s.allowRead(ctx, actor, patientID); err != nil {
		return Plan{}, err
	}
	var p Plan
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if p, err = s.loadPlan(ctx, tx, patientID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, actionRead, patientID, "treatment_plan")
	})
	return p, err
}

// loadPlan reads and unseals patientID's goals and progress.
func (s *Service) loadPlan(ctx context.Context, tx pgx.Tx, patientID int64) (Plan, error) {
	p := Plan{PatientID: patientID}
	rows, err := tx.Query(ctx, sqlGoals, patientID)
	if err != nil {
		return Plan{}, fmt.Errorf("records: goals: %w", err)
	}
	type storedGoal struct {
		g      Goal
		sealed []byte
	}
	goals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storedGoal, error) {
		var st storedGoal
		var target *time.Time
		err := r.Scan(&st.g.ID, &st.sealed, &target, &st.g.Status, &st.g.CreatedBy, &st.g.CreatedAt, &st.g.UpdatedBy, &st.g.UpdatedAt)
		st.g.TargetDate = deref(target)
		return st, err
	})
	if err != nil {
		return Plan{}, fmt.Errorf("records: goals: %w", err)
	}
	index := make(map[int64]int, len(goals))
	for _, st := range goals {
		if st.g.Text, err = s.openText(ctx, patientID, ad("record_goals", itoa(st.g.ID), "goal"), st.sealed); err != nil {
			return Plan{}, err
		}
		index[st.g.ID] = len(p.Goals)
		p.Goals = append(p.Goals, st.g)
	}
	if rows, err = tx.Query(ctx, sqlProgress, patientID); err != nil {
		return Plan{}, fmt.Errorf("records: progress: %w", err)
	}
	type storedProgress struct {
		p      Progress
		sealed []byte
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storedProgress, error) {
		var st storedProgress
		return st, r.Scan(&st.p.ID, &st.p.GoalID, &st.p.AuthorID, &st.p.AuthorRole, &st.sealed, &st.p.At)
	})
	if err != nil {
		return Plan{}, fmt.Errorf("records: progress: %w", err)
	}
	for _, st := range entries {
		if st.p.Note, err = s.openText(ctx, patientID, ad("record_goal_progress", itoa(st.p.ID), "note"), st.sealed); err != nil {
			return Plan{}, err
		}
		if i, ok := index[st.p.GoalID]; ok {
			p.Goals[i].Progress = append(p.Goals[i].Progress, st.p)
		}
	}
	return p, nil
}
