package crisis

import (
	"context"
	"slices"
	"testing"
)

func TestQueueOrdersBySeverityThenWait(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	c := n.counselorOn(t, "Cora")
	var ids []int64
	for i, sev := range []Severity{Low, High, Medium, High} {
		p := n.user(t, "patient", "Patient "+string(rune('A'+i)))
		e, err := n.svc.RaiseAndOffer(ctx, RaiseRequest{PatientID: p, Severity: sev, Source: SourceMessage,
			TriggerRef: "message:9:" + string(rune('1'+i))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	// The last high one is taken: held escalations come after waiting ones.
	if _, err := n.svc.Claim(ctx, c, ids[3]); err != nil {
		t.Fatal(err)
	}
	q, err := n.svc.Queue(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, it := range q {
		got = append(got, it.ID)
	}
	if want := []int64{ids[1], ids[2], ids[0], ids[3]}; !slices.Equal(got, want) {
		t.Fatalf("queue order = %v, want %v", got, want)
	}
	first := q[0]
	if first.Severity != High || first.Source != SourceMessage || first.TriggerRef != "message:9:2" ||
		first.State != Offered || first.Wait < 0 || first.RaisedAt.IsZero() || first.CounselorID != 0 {
		t.Errorf("first item = %+v", first)
	}
	if q[3].CounselorID != c || q[3].State != InConversation {
		t.Errorf("held item = %+v", q[3])
	}
	if got := n.audit.actionsFor("queue"); !slices.Equal(got, []string{"crisis.queue"}) {
		t.Errorf("queue read audited as %v", got)
	}
}
