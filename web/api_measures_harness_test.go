package web

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/portal/account"
	"haven/portal/measures"
	"haven/portal/records"
	"haven/portal/seal"
)

// chartHarness is the edge with the real measures and records services on
// the harness's database (its account policy, audit log and a seal
// keyring), crisis escalation replaced by a recording fake.
type chartHarness struct {
	*harness
	esc *recordingEscalator
	c   clinic
	pid string // the clinic patient's id, for paths
}

// recordingEscalator records measures' escalations instead of raising
// them in crisis.
type recordingEscalator struct {
	mu    sync.Mutex
	calls []escalation
}

type escalation struct {
	patientID             int64
	source, severity, ref string
}

func (e *recordingEscalator) Raise(_ context.Context, _ pgx.Tx, patientID int64, source, severity, ref string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, escalation{patientID, source, severity, ref})
	return nil
}

func (e *recordingEscalator) raised() []escalation {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]escalation(nil), e.calls...)
}

// quietReminders stands in for push's questionnaire reminders.
type quietReminders struct{}

func (quietReminders) ScheduleQuestionnaireDue(context.Context, pgx.Tx, int64, int64, time.Time) error {
	return nil
}
func (quietReminders) CancelQuestionnaire(context.Context, pgx.Tx, int64, int64) error { return nil }

// newChartHarness starts the edge with measures and records, and a clinic
// (a patient, a clinician on their team, one outside it).
func newChartHarness(t *testing.T) *chartHarness {
	t.Helper()
	ms, rs := &measuresSlot{}, &recordsSlot{}
	h := newHarness(t, func(_ *Config, d *Deps) { d.Measures, d.Records = ms, rs })
	ctx := context.Background()
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(ctx, h.pool, kek, seal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	esc := &recordingEscalator{}
	m, err := measures.New(measures.Options{Pool: h.pool, Authorizer: h.acct, Sealer: keys, Escalator: esc,
		Reminders: quietReminders{}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	r, err := records.New(records.Options{Pool: h.pool, Authorizer: h.acct, Sealer: keys, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ms.svc.Store(m)
	rs.svc.Store(r)
	c := newClinic(t, h)
	return &chartHarness{harness: h, esc: esc, c: c, pid: strconv.FormatInt(c.patient.ID, 10)}
}

// auditCount counts audit rows of actor about patient with action.
func (h *harness) auditCount(actorID, patientID int64, action string) int {
	h.t.Helper()
	var n int
	err := h.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND patient_id = $2 AND action = $3`,
		actorID, patientID, action).Scan(&n)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// measuresSlot hands the edge a measures.Service built after the harness
// made the database; atomic because the server is already serving.
type measuresSlot struct {
	svc atomic.Pointer[measures.Service]
}

func (s *measuresSlot) Assign(ctx context.Context, a account.Actor, req measures.AssignRequest) (measures.Assignment, error) {
	return s.svc.Load().Assign(ctx, a, req)
}
func (s *measuresSlot) EndAssignment(ctx context.Context, a account.Actor, p, id int64) error {
	return s.svc.Load().EndAssignment(ctx, a, p, id)
}
func (s *measuresSlot) Assignments(ctx context.Context, a account.Actor, p int64) ([]measures.Assignment, error) {
	return s.svc.Load().Assignments(ctx, a, p)
}
func (s *measuresSlot) Submit(ctx context.Context, a account.Actor, req measures.SubmitRequest) (measures.Submission, error) {
	return s.svc.Load().Submit(ctx, a, req)
}
func (s *measuresSlot) Response(ctx context.Context, a account.Actor, p, id int64) (measures.Response, error) {
	return s.svc.Load().Response(ctx, a, p, id)
}
func (s *measuresSlot) Series(ctx context.Context, a account.Actor, p int64, in string, from, to time.Time) ([]measures.Point, error) {
	return s.svc.Load().Series(ctx, a, p, in, from, to)
}
func (s *measuresSlot) CheckIn(ctx context.Context, a account.Actor, p int64, in measures.MoodInput) (measures.Mood, error) {
	return s.svc.Load().CheckIn(ctx, a, p, in)
}
func (s *measuresSlot) Moods(ctx context.Context, a account.Actor, p int64, from, to time.Time) ([]measures.Mood, error) {
	return s.svc.Load().Moods(ctx, a, p, from, to)
}
func (s *measuresSlot) MoodTrend(ctx context.Context, a account.Actor, p int64, from, to time.Time) ([]measures.MoodPoint, error) {
	return s.svc.Load().MoodTrend(ctx, a, p, from, to)
}

// recordsSlot is measuresSlot for records.Service.
type recordsSlot struct {
	svc atomic.Pointer[records.Service]
}

func (s *recordsSlot) Notes(ctx context.Context, a account.Actor, p int64) ([]records.Note, error) {
	return s.svc.Load().Notes(ctx, a, p)
}
func (s *recordsSlot) Note(ctx context.Context, a account.Actor, p, id int64) (records.Note, error) {
	return s.svc.Load().Note(ctx, a, p, id)
}
func (s *recordsSlot) WriteNote(ctx context.Context, a account.Actor, in records.NewNote) (records.Note, error) {
	return s.svc.Load().WriteNote(ctx, a, in)
}
func (s *recordsSlot) ShareNote(ctx context.Context, a account.Actor, p, id int64) error {
	return s.svc.Load().ShareNote(ctx, a, p, id)
}
func (s *recordsSlot) WithholdNote(ctx context.Context, a account.Actor, p, id int64, why records.Exception) error {
	return s.svc.Load().WithholdNote(ctx, a, p, id, why)
}
func (s *recordsSlot) TreatmentPlan(ctx context.Context, a account.Actor, p int64) (records.Plan, error) {
	return s.svc.Load().TreatmentPlan(ctx, a, p)
}
func (s *recordsSlot) AddGoal(ctx context.Context, a account.Actor, p int64, in records.GoalInput) (records.Goal, error) {
	return s.svc.Load().AddGoal(ctx, a, p, in)
}
func (s *recordsSlot) UpdateGoal(ctx context.Context, a account.Actor, p, id int64, in records.GoalInput) (records.Goal, error) {
	return s.svc.Load().UpdateGoal(ctx, a, p, id, in)
}
func (s *recordsSlot) AddProgress(ctx context.Context, a account.Actor, p, id int64, note string) (records.Progress, error) {
	return s.svc.Load().AddProgress(ctx, a, p, id, note)
}
func (s *recordsSlot) CurrentSafetyPlan(ctx context.Context, a account.Actor, p int64) (records.SafetyPlanVersion, error) {
	return s.svc.Load().CurrentSafetyPlan(ctx, a, p)
}
func (s *recordsSlot) SaveSafetyPlan(ctx context.Context, a account.Actor, p int64, base int, plan records.SafetyPlan) (records.SafetyPlanVersion, error) {
	return s.svc.Load().SaveSafetyPlan(ctx, a, p, base, plan)
}
func (s *recordsSlot) SafetyPlanAt(ctx context.Context, a account.Actor, p int64, v int) (records.SafetyPlanVersion, error) {
	return s.svc.Load().SafetyPlanAt(ctx, a, p, v)
}
func (s *recordsSlot) SafetyPlanHistory(ctx context.Context, a account.Actor, p int64) ([]records.SafetyPlanRevision, error) {
	return s.svc.Load().SafetyPlanHistory(ctx, a, p)
}
func (s *recordsSlot) EmergencyContacts(ctx context.Context, a account.Actor, p int64) ([]records.EmergencyContact, error) {
	return s.svc.Load().EmergencyContacts(ctx, a, p)
}
func (s *recordsSlot) AddEmergencyContact(ctx context.Context, a account.Actor, p int64, c records.EmergencyContact) (records.EmergencyContact, error) {
	return s.svc.Load().AddEmergencyContact(ctx, a, p, c)
}
func (s *recordsSlot) RemoveEmergencyContact(ctx context.Context, a account.Actor, p, id int64) error {
	return s.svc.Load().RemoveEmergencyContact(ctx, a, p, id)
}
func (s *recordsSlot) Library(ctx context.Context, a account.Actor) ([]records.Resource, error) {
	return s.svc.Load().Library(ctx, a)
}
func (s *recordsSlot) AddResource(ctx context.Context, a account.Actor, in records.ResourceInput) (records.Resource, error) {
	return s.svc.Load().AddResource(ctx, a, in)
}
func (s *recordsSlot) AssignedResources(ctx context.Context, a account.Actor, p int64) ([]records.AssignedResource, error) {
	return s.svc.Load().AssignedResources(ctx, a, p)
}
func (s *recordsSlot) AssignResource(ctx context.Context, a account.Actor, p, id int64) error {
	return s.svc.Load().AssignResource(ctx, a, p, id)
}
func (s *recordsSlot) UnassignResource(ctx context.Context, a account.Actor, p, id int64) error {
	return s.svc.Load().UnassignResource(ctx, a, p, id)
}
