package audit_test

import (
	"context"
	"testing"

	"haven/portal/audit"
)

func TestViewsOfIsNewestFirstForOnePatient(t *testing.T) {
	l, _ := newLog(t)
	ctx := context.Background()
	recorded := []audit.Entry{
		readEntry(2, 7, 1),
		readEntry(2, 8, 5), // another patient
		{ActorID: 7, ActorRole: "patient", Action: "chat.read", PatientID: 7, Target: "conversation:1", Outcome: audit.OK}, // the patient's own read
		{ActorID: 4, ActorRole: "clinician", Action: audit.ActionAccessDenied, PatientID: 7, Target: "patient:7", Outcome: audit.Denied},
		{ActorID: 3, ActorRole: "counselor", Action: audit.ActionBreakGlassOpen, PatientID: 7, Target: "patient:7", Outcome: audit.OK},
		{ActorID: 3, ActorRole: "counselor", Action: "records.read", PatientID: 7, Target: "safety_plan:7", Outcome: audit.OK},
		{Action: audit.ActionLoginFailed, Outcome: audit.Failed}, // no patient
	}
	for _, e := range recorded {
		mustRecord(t, l, e)
	}
	views, err := l.ViewsOf(ctx, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		actor  int64
		action string
	}{{3, "records.read"}, {3, audit.ActionBreakGlassOpen}, {4, audit.ActionAccessDenied}, {2, "chat.read"}}
	if len(views) != len(want) {
		t.Fatalf("ViewsOf(7) returned %d views, want %d: %+v", len(views), len(want), views)
	}
	for i, w := range want {
		if views[i].ActorID != w.actor || views[i].Action != w.action {
			t.Errorf("view %d = actor %d %s, want actor %d %s", i, views[i].ActorID, views[i].Action, w.actor, w.action)
		}
		if i > 0 && views[i].At.After(views[i-1].At) {
			t.Errorf("view %d is newer than view %d", i, i-1)
		}
	}
	if views[2].Outcome != audit.Denied || views[0].Target != "safety_plan:7" || views[0].ActorRole != "counselor" {
		t.Errorf("view fields not returned: %+v", views[:3])
	}

	limited, err := l.ViewsOf(ctx, 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(limited) != 2 || limited[0].ID != views[0].ID || limited[1].ID != views[1].ID {
		t.Fatalf("ViewsOf(7, 2) = %+v, want the two newest", limited)
	}
	none, err := l.ViewsOf(ctx, 99, 10)
	if err != nil || len(none) != 0 {
		t.Fatalf("ViewsOf(99) = %v, %v; want none", none, err)
	}
}
