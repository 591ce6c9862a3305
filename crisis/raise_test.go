package crisis

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestRaiseOffersEveryOnCallCounselorAtOnce(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	on1, on2 := n.counselorOn(t, "On One"), n.counselorOn(t, "On Two")
	shifted := n.user(t, "counselor", "On Shift")
	offShift := n.user(t, "counselor", "Switched Off")
	idle := n.user(t, "counselor", "No Shift")
	now := time.Now()
	for _, u := range []int64{shifted, offShift} {
		if _, err := n.svc.AddShift(ctx, Shift{UserID: u, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.svc.SetSwitch(ctx, offShift, SwitchOff); err != nil {
		t.Fatal(err)
	}

	e := n.raise(t, patient, High)
	if e.State != Offered || e.Tier != 1 || e.DueAt == nil || e.OfferedAt == nil {
		t.Fatalf("after RaiseAndOffer: state %s tier %d due %v offered %v", e.State, e.Tier, e.DueAt, e.OfferedAt)
	}
	for _, u := range []int64{on1, on2, shifted} {
		if got := n.notify.matching(u, EventOffer, tierIs(1)); len(got) != 1 {
			t.Errorf("on-call counselor %d got %d tier-1 offers, want 1", u, len(got))
		}
	}
	for _, u := range []int64{offShift, idle} {
		if got := n.notify.matching(u, EventOffer, nil); len(got) != 0 {
			t.Errorf("counselor %d not on call got %d offers", u, len(got))
		}
	}
	if len(n.push.calls) != 1 || !slices.Equal(n.push.calls[0], sortedIDs(on1, on2, shifted)) {
		t.Errorf("push calls = %v, want one alert to %v", n.push.calls, sortedIDs(on1, on2, shifted))
	}
	if got := n.notify.matching(patient, EventStatus, statusIs(StatusAlerted)); len(got) != 1 {
		t.Errorf("patient got %d alerted statuses, want 1", len(got))
	}
	if got := kinds(n.history(t, e.ID)); !slices.Equal(got, []string{"raised", "offered"}) {
		t.Errorf("history = %v", got)
	}
	if got := n.audit.actionsFor(e.Target()); !slices.Equal(got, []string{"crisis.raised", "crisis.offered"}) {
		t.Errorf("audit = %v", got)
	}
}

func TestRaiseInCallersTransactionIsOfferedByTheDriver(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	c := n.counselorOn(t, "Cora")
	tx, err := n.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e, err := n.svc.Raise(ctx, tx, RaiseRequest{PatientID: patient, Severity: High, Source: SourceMeasure,
		TriggerRef: "measure:phq9:41"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// Nobody called Offer: as if this process died right after the commit.
	if got := n.notify.matching(c, EventOffer, nil); len(got) != 0 {
		t.Fatalf("Raise notified before any driver ran: %d offers", len(got))
	}
	n.runDriver(t, 100*time.Millisecond)
	n.notify.waitFor(t, c, EventOffer, tierIs(1), 5*time.Second)
	n.waitState(t, e.ID, Offered, 1, time.Second)
	h := n.history(t, e.ID)
	if h[0].Source != SourceMeasure || h[0].TriggerRef != "measure:phq9:41" {
		t.Errorf("raised transition = %+v", h[0])
	}
	// Offer after the driver did it is a no-op.
	if err := n.svc.Offer(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := n.notify.matching(c, EventOffer, nil); len(got) != 1 {
		t.Errorf("counselor got %d offers, want exactly 1", len(got))
	}
}

func TestRaiseInRolledBackTransactionLeavesNothing(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	n.counselorOn(t, "Cora")
	tx, err := n.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Raise(ctx, tx, RaiseRequest{PatientID: patient, Severity: High, Source: SourceMeasure,
		TriggerRef: "measure:cssrs:9"}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"crisis_escalations", "crisis_events", "crisis_offers"} {
		if c := count(t, n, "SELECT count(*) FROM "+table); c != 0 {
			t.Errorf("%s has %d rows after rollback", table, c)
		}
	}
	// And a later raise is a fresh one, offered normally.
	if e := n.raise(t, patient, Medium); e.Attached || e.State != Offered {
		t.Errorf("raise after rollback: attached %v state %s", e.Attached, e.State)
	}
}

func TestRaiseTwiceWhileOpenAttaches(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	c := n.counselorOn(t, "Cora")
	first, err := n.svc.RaiseAndOffer(ctx, RaiseRequest{PatientID: patient, Severity: Low, Source: SourceMessage,
		TriggerRef: "message:7:12"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := n.svc.RaiseAndOffer(ctx, RaiseRequest{PatientID: patient, Severity: High, Source: SourceButton,
		TriggerRef: "button:", RaisedBy: patient})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID || !second.Attached || first.Attached {
		t.Fatalf("second raise: id %d (first %d) attached %v", second.ID, first.ID, second.Attached)
	}
	if second.Severity != High || second.Triggers != 2 || second.Source != SourceMessage {
		t.Errorf("attached escalation: severity %s triggers %d source %s", second.Severity, second.Triggers, second.Source)
	}
	// A lower severity never lowers it.
	third, err := n.svc.Raise(ctx, n.pool, RaiseRequest{PatientID: patient, Severity: Low, Source: SourceMessage,
		TriggerRef: "message:7:13"})
	if err != nil || third.Severity != High || third.Triggers != 3 {
		t.Fatalf("third raise: %v severity %s triggers %d", err, third.Severity, third.Triggers)
	}
	if got := count(t, n, "SELECT count(*) FROM crisis_escalations"); got != 1 {
		t.Errorf("%d escalations, want 1", got)
	}
	if got := kinds(n.history(t, first.ID)); !slices.Equal(got, []string{"raised", "offered", "attached", "attached"}) {
		t.Errorf("history = %v", got)
	}
	if got := n.notify.matching(c, EventOffer, nil); len(got) != 1 {
		t.Errorf("counselor got %d offers, want 1", len(got))
	}
	// Once resolved, a new trigger opens a new escalation.
	if _, err := n.svc.Claim(ctx, c, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Resolve(ctx, c, first.ID, DeEscalated, nil); err != nil {
		t.Fatal(err)
	}
	if e := n.raise(t, patient, Medium); e.ID == first.ID || e.Attached {
		t.Errorf("raise after resolve reused escalation %d (attached %v)", e.ID, e.Attached)
	}
}

func TestConcurrentRaisesForOnePatientMakeOneEscalation(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	patient := n.user(t, "patient", "Pat")
	const k = 6
	errs := make(chan error, k)
	start := make(chan struct{})
	for i := range k {
		go func() {
			<-start
			_, err := n.svc.Raise(context.Background(), n.pool, RaiseRequest{PatientID: patient, Severity: Medium,
				Source: SourceMessage, TriggerRef: "message:1:" + string(rune('a'+i))})
			errs <- err
		}()
	}
	close(start)
	for range k {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := count(t, n, "SELECT count(*) FROM crisis_escalations"); got != 1 {
		t.Errorf("%d escalations, want 1", got)
	}
	if got := count(t, n, "SELECT triggers FROM crisis_escalations"); got != k {
		t.Errorf("triggers = %d, want %d", got, k)
	}
}

func TestRaiseRejectsBadRequests(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	patient := n.user(t, "patient", "Pat")
	cases := map[string]RaiseRequest{
		"no patient":          {Severity: High, Source: SourceButton, TriggerRef: "button:"},
		"no severity":         {PatientID: patient, Source: SourceButton, TriggerRef: "button:"},
		"severity too high":   {PatientID: patient, Severity: High + 1, Source: SourceButton, TriggerRef: "button:"},
		"unknown source":      {PatientID: patient, Severity: High, Source: "rumour", TriggerRef: "button:"},
		"text as trigger":     {PatientID: patient, Severity: High, Source: SourceMessage, TriggerRef: "message: I want to"},
		"no trigger":          {PatientID: patient, Severity: High, Source: SourceMessage},
		"clinician anonymous": {PatientID: patient, Severity: High, Source: SourceClinician, TriggerRef: "conversation:3"},
	}
	for name, req := range cases {
		_, err := n.svc.Raise(context.Background(), n.pool, req)
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("%s: err = %v, want Invalid", name, err)
		}
	}
	if got := count(t, n, "SELECT count(*) FROM crisis_escalations"); got != 0 {
		t.Errorf("%d escalations after bad requests", got)
	}
}

func TestManualEscalationByClinician(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	clin := n.user(t, "clinician", "Dr Lee")
	c := n.counselorOn(t, "Cora")
	e, err := n.svc.RaiseAndOffer(ctx, RaiseRequest{PatientID: patient, Severity: High, Source: SourceClinician,
		TriggerRef: "conversation:88", RaisedBy: clin})
	if err != nil {
		t.Fatal(err)
	}
	if e.Source != SourceClinician || e.RaisedBy != clin || e.State != Offered {
		t.Errorf("manual escalation = source %s raised by %d state %s", e.Source, e.RaisedBy, e.State)
	}
	if got := n.history(t, e.ID)[0]; got.ActorID != clin || got.TriggerRef != "conversation:88" {
		t.Errorf("raised transition = %+v", got)
	}
	n.notify.waitFor(t, c, EventOffer, tierIs(1), time.Second)
}

func TestNewRequiresEveryDependency(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	if _, err := New(n.pool, Deps{Notifier: n.notify}, Config{}); err == nil {
		t.Error("New accepted missing dependencies")
	}
	if _, err := n.svc.Get(context.Background(), 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(999) = %v, want ErrNotFound", err)
	}
}

func TestPushFailureNeverBlocksTheOffer(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	patient := n.user(t, "patient", "Pat")
	c := n.counselorOn(t, "Cora")
	n.push.failing = true
	e := n.raise(t, patient, High)
	if e.State != Offered {
		t.Fatalf("state %s, want offered despite the push failure", e.State)
	}
	if got := n.notify.matching(c, EventOffer, tierIs(1)); len(got) != 1 {
		t.Errorf("counselor got %d hub offers, want 1", len(got))
	}
}
