package crisis

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestResolveRevokesAccessAndTellsTheCareTeam(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	c, other := n.counselorOn(t, "Cora"), n.counselorOn(t, "Dan")
	clin1, clin2 := n.user(t, "clinician", "Dr Lee"), n.user(t, "clinician", "Dr Ng")
	outsider := n.user(t, "clinician", "Dr Far")
	n.people.teams[patient] = []int64{clin1, clin2}
	e := n.raise(t, patient, High)

	if _, err := n.svc.Resolve(ctx, c, e.ID, DeEscalated, nil); !errors.Is(err, ErrNotClaimed) {
		t.Errorf("resolve before claim: %v, want ErrNotClaimed", err)
	}
	if _, err := n.svc.Claim(ctx, c, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := n.grants.holder(e.Target()); !ok {
		t.Fatal("claim granted no access")
	}
	if _, err := n.svc.Resolve(ctx, other, e.ID, DeEscalated, nil); !errors.Is(err, ErrNotYours) {
		t.Errorf("resolve by another counselor: %v, want ErrNotYours", err)
	}
	if _, err := n.svc.Resolve(ctx, c, e.ID, "sent_police", nil); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("unknown disposition: %v, want Invalid", err)
	}
	due := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	bad := []FollowUp{{Kind: "remember_to_worry", AssigneeID: clin1, Due: due}}
	if _, err := n.svc.Resolve(ctx, c, e.ID, SafetyPlan, bad); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("unknown follow-up: %v, want Invalid", err)
	}

	fus := []FollowUp{{Kind: FollowUpCallBack, AssigneeID: c, Due: due}, {Kind: FollowUpCareTeamReview, AssigneeID: clin1, Due: due.Add(time.Hour)}}
	got, err := n.svc.Resolve(ctx, c, e.ID, SafetyPlan, fus)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != Resolved || got.Disposition != SafetyPlan || got.ResolvedAt == nil || got.CounselorID != c {
		t.Errorf("resolved escalation = %+v", got)
	}
	if _, _, ok := n.grants.holder(e.Target()); ok {
		t.Error("access still granted after resolve")
	}
	if !slices.Equal(n.opener.ended, []int64{e.ID}) {
		t.Errorf("crisis conversations ended: %v, want [%d]", n.opener.ended, e.ID)
	}
	for _, u := range []int64{clin1, clin2} {
		ev := n.notify.waitFor(t, u, EventResolved, nil, time.Second)
		var m map[string]any
		if err := json.Unmarshal(ev.ev.Data, &m); err != nil {
			t.Fatal(err)
		}
		if len(m) != 1 || m["escalation_id"] != float64(e.ID) {
			t.Errorf("care team event carries %v, want only the escalation id", m)
		}
	}
	if got := n.notify.matching(outsider, EventResolved, nil); len(got) != 0 {
		t.Error("a clinician outside the care team was told")
	}
	stored, err := n.svc.FollowUps(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 || stored[0].Kind != FollowUpCallBack || stored[1].AssigneeID != clin1 || !stored[0].Due.Equal(due) {
		t.Errorf("follow-ups = %+v", stored)
	}
	if _, err := n.svc.Resolve(ctx, c, e.ID, SafetyPlan, nil); !errors.Is(err, ErrResolved) {
		t.Errorf("resolve twice: %v, want ErrResolved", err)
	}
	if _, err := n.svc.Claim(ctx, other, e.ID); !errors.Is(err, ErrResolved) {
		t.Errorf("claim after resolve: %v, want ErrResolved", err)
	}

	// Every transition is in the events table and audited, in order.
	want := []string{"raised", "offered", "claimed", "in_conversation", "resolved"}
	h := n.history(t, e.ID)
	if got := kinds(h); !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
	for i := 1; i < len(h); i++ {
		if h[i].At.Before(h[i-1].At) || h[i].From != h[i-1].To {
			t.Errorf("transition %d (%s→%s at %v) does not follow %d (→%s at %v)", i, h[i].From, h[i].To, h[i].At, i-1, h[i-1].To, h[i-1].At)
		}
	}
	var audited []string
	for _, k := range want {
		audited = append(audited, "crisis."+k)
	}
	if got := n.audit.actionsFor(e.Target()); !slices.Equal(got, audited) {
		t.Errorf("audit = %v, want %v", got, audited)
	}
}
