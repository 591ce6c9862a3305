package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/records"
	"haven/portal/seal"
	"haven/signaling"
)

// crisisEnv is the edge with a real crisis.Service and records.Service on
// the harness's database (its account policy, audit log and a seal
// keyring), a real signaling.Hub at GET /ws, and recording fakes of
// crisis's own Notifier (which also publishes to the hub), Pusher and
// Conversations interfaces.
type crisisEnv struct {
	*harness
	svc    *crisis.Service
	recs   *records.Service
	hub    *signaling.Hub
	broker *gapBroker
	notify *recordingNotifier
	push   *recordingPusher
	convs  *fakeConversations
}

// newCrisisEnv starts it, with opts applied to the edge's configuration.
func newCrisisEnv(t *testing.T, opts ...harnessOption) *crisisEnv {
	t.Helper()
	cs, rs := &crisisSlot{}, &recordsSlot{}
	opts = append(opts, func(_ *Config, d *Deps) { d.Crisis, d.Records = cs, rs })
	h := newHarness(t, opts...)
	ctx := context.Background()
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(ctx, h.pool, kek, seal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(h.logs, nil))
	broker := &gapBroker{Broker: signaling.NewMemoryBroker()}
	hub, err := signaling.NewHub(signaling.Options{Logger: logger, Broker: broker, Auth: signaling.AuthenticatorFunc(func(r *http.Request) (signaling.Identity, error) {
		u, err := h.srv.Authenticate(r)
		if err != nil {
			return signaling.Identity{}, err
		}
		return signaling.Identity{UserID: u.ID, Role: string(u.Role), SessionID: u.SessionID}, nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hub.Shutdown(sctx)
	})
	h.srv.Handle("GET /ws", hub)
	e := &crisisEnv{harness: h, hub: hub, broker: broker, notify: &recordingNotifier{hub: hub}, push: &recordingPusher{},
		convs: &fakeConversations{}}
	e.svc, err = crisis.New(h.pool, crisis.Deps{Notifier: e.notify, Pusher: e.push, Auditor: crisisAudit{},
		Granter: h.acct, Conversations: e.convs, People: crisisPeople{h.acct}, Sealer: keys},
		crisis.Config{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if e.recs, err = records.New(records.Options{Pool: h.pool, Authorizer: h.acct, Sealer: keys, Logger: logger}); err != nil {
		t.Fatal(err)
	}
	cs.svc.Store(e.svc)
	rs.svc.Store(e.recs)
	return e
}

// counselor creates a counselor, signs them in with TOTP and switches them
// on call.
func (e *crisisEnv) counselor(email, name string) (*client, account.Account) {
	e.t.Helper()
	a := e.createUser(account.RoleCounselor, email, name)
	c := e.client()
	c.staff(email)
	if err := e.svc.SetSwitch(context.Background(), a.ID, crisis.SwitchOn); err != nil {
		e.t.Fatal(err)
	}
	return c, a
}

// path formats a crisis API path with an escalation id.
func crisisPath(id int64, tail string) string {
	return "/api/crisis/" + strconv.FormatInt(id, 10) + tail
}

// gapBroker is the in-process broker that can report a gap on demand, as
// a node that lost its Redis subscription does: the hub then tells every
// connection to resync.
type gapBroker struct {
	signaling.Broker
	handler atomic.Value // signaling.BrokerHandler
}

func (b *gapBroker) Start(h signaling.BrokerHandler) error {
	b.handler.Store(h)
	return b.Broker.Start(h)
}

// gap reports that every topic may have lost messages.
func (b *gapBroker) gap() { b.handler.Load().(signaling.BrokerHandler).HandleGap(nil) }

// notified is one event the Notifier was given.
type notified struct {
	user int64
	typ  string
	data map[string]any
}

// recordingNotifier records crisis's hub events and publishes them to the
// hub, as cmd/portal's adapter does.
type recordingNotifier struct {
	hub    *signaling.Hub
	mu     sync.Mutex
	events []notified
}

func (n *recordingNotifier) Publish(ctx context.Context, userID int64, ev crisis.HubEvent) error {
	var data map[string]any
	_ = json.Unmarshal(ev.Data, &data)
	n.mu.Lock()
	n.events = append(n.events, notified{userID, ev.Type, data})
	n.mu.Unlock()
	return n.hub.Publish(ctx, userID, signaling.Event{Type: ev.Type, Data: ev.Data, Durable: ev.Durable})
}

// to returns the events of type typ published to user, in order.
func (n *recordingNotifier) to(user int64, typ string) []notified {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []notified
	for _, e := range n.events {
		if e.user == user && e.typ == typ {
			out = append(out, e)
		}
	}
	return out
}

// recordingPusher records crisis's push alerts.
type recordingPusher struct {
	mu        sync.Mutex
	alerts    map[int64][]int64 // escalation → counselors
	cancelled []int64
}

func (p *recordingPusher) CrisisAlertTx(_ context.Context, _ pgx.Tx, counselorIDs []int64, escalationID int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.alerts == nil {
		p.alerts = map[int64][]int64{}
	}
	p.alerts[escalationID] = append(p.alerts[escalationID], counselorIDs...)
	return nil
}

// alerted returns who was alerted of an escalation by push.
func (p *recordingPusher) alerted(escalationID int64) []int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int64(nil), p.alerts[escalationID]...)
}

func (p *recordingPusher) CancelCrisisAlerts(_ context.Context, escalationID int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cancelled = append(p.cancelled, escalationID)
	return nil
}

// fakeConversations opens a crisis conversation named for the escalation,
// or fails while fail is set.
type fakeConversations struct {
	fail  atomic.Bool
	ended sync.Map // escalation id → true
}

var errConversationDown = errors.New("chat is down")

func (f *fakeConversations) OpenCrisis(_ context.Context, escalationID, _, _ int64) (string, error) {
	if f.fail.Load() {
		return "", errConversationDown
	}
	return "c" + strconv.FormatInt(escalationID, 10), nil
}

func (f *fakeConversations) EndCrisis(_ context.Context, escalationID int64) error {
	f.ended.Store(escalationID, true)
	return nil
}

// crisisAudit writes crisis's audit entries to the real audit log.
type crisisAudit struct{}

func (crisisAudit) Record(ctx context.Context, db crisis.Querier, e crisis.AuditEntry) error {
	return audit.Record(ctx, db, audit.Entry{ActorID: e.ActorID, Action: e.Action, PatientID: e.PatientID,
		Target: e.Target, Outcome: audit.OK})
}

// crisisPeople answers crisis's account questions.
type crisisPeople struct{ acct *account.Service }

func (p crisisPeople) DisplayName(ctx context.Context, userID int64) (string, error) {
	a, err := p.acct.Account(ctx, userID)
	return a.DisplayName, err
}

func (p crisisPeople) CareTeam(ctx context.Context, patientID int64) ([]int64, error) {
	members, err := p.acct.CareTeam(ctx, patientID)
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ClinicianID
	}
	return ids, err
}

// crisisSlot hands the edge a crisis.Service built after the harness made
// the database; atomic because the server is already serving.
type crisisSlot struct {
	svc atomic.Pointer[crisis.Service]
}

func (s *crisisSlot) RaiseAndOffer(ctx context.Context, req crisis.RaiseRequest) (crisis.Escalation, error) {
	return s.svc.Load().RaiseAndOffer(ctx, req)
}
func (s *crisisSlot) Get(ctx context.Context, id int64) (crisis.Escalation, error) {
	return s.svc.Load().Get(ctx, id)
}
func (s *crisisSlot) History(ctx context.Context, id int64) ([]crisis.Transition, error) {
	return s.svc.Load().History(ctx, id)
}
func (s *crisisSlot) Queue(ctx context.Context, viewerID int64) ([]crisis.QueueItem, error) {
	return s.svc.Load().Queue(ctx, viewerID)
}
func (s *crisisSlot) Claim(ctx context.Context, counselorID, id int64) (crisis.Escalation, error) {
	return s.svc.Load().Claim(ctx, counselorID, id)
}
func (s *crisisSlot) Resolve(ctx context.Context, counselorID, id int64, d crisis.Disposition, f []crisis.FollowUp) (crisis.Escalation, error) {
	return s.svc.Load().Resolve(ctx, counselorID, id, d, f)
}
func (s *crisisSlot) ShareLocation(ctx context.Context, patientID int64, loc crisis.Location) (int64, error) {
	return s.svc.Load().ShareLocation(ctx, patientID, loc)
}
func (s *crisisSlot) Location(ctx context.Context, counselorID, id int64) (crisis.Location, error) {
	return s.svc.Load().Location(ctx, counselorID, id)
}
func (s *crisisSlot) SetSwitch(ctx context.Context, userID int64, sw crisis.Switch) error {
	return s.svc.Load().SetSwitch(ctx, userID, sw)
}
func (s *crisisSlot) OnCall(ctx context.Context, now time.Time) ([]crisis.OnCallEntry, error) {
	return s.svc.Load().OnCall(ctx, now)
}
func (s *crisisSlot) Coverage(ctx context.Context) (crisis.Coverage, error) {
	return s.svc.Load().Coverage(ctx)
}
