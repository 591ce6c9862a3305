package crisis

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

// openView is what TestOpenOf compares of an escalation.
type openView struct {
	ID       int64
	State    State
	Tier     int
	Triggers int
	ConvRef  string
}

// viewOf projects e onto what TestOpenOf compares.
func viewOf(e Escalation) openView {
	return openView{ID: e.ID, State: e.State, Tier: e.Tier, Triggers: e.Triggers, ConvRef: e.ConversationRef}
}

// advance makes escalation id overdue and runs driver steps until it has
// moved on (a state or tier change), as the Driver would at its deadline.
// Other rows an earlier step finds more overdue are moved too; they belong
// to cases already checked.
func (n *node) advance(t *testing.T, id int64) Escalation {
	t.Helper()
	ctx := context.Background()
	before, err := n.svc.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.pool.Exec(ctx, `UPDATE crisis_escalations SET due_at = now() - interval '1 second' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := n.svc.step(ctx, 0); err != nil {
			t.Fatal(err)
		}
		after, err := n.svc.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if after.State != before.State || after.Tier != before.Tier {
			return after
		}
	}
	t.Fatalf("escalation %d did not move on from %s tier %d", id, before.State, before.Tier)
	return Escalation{}
}

// TestOpenOf: the patient's open escalation is found in every state but
// resolved (expired included: it still waits and alerts); a patient with
// none, or whose only one is resolved, or whose neighbour has one, gets
// ErrNoOpen; after a resolved one, a new press is what is found.
func TestOpenOf(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	counselor := n.counselorOn(t, "Cora")
	sup := n.user(t, "counselor", "Sam Supervisor")
	if err := n.svc.SetSupervisor(ctx, sup, true); err != nil {
		t.Fatal(err) // every tier has someone to offer to: no deadline is zero
	}
	button := func(patient int64) RaiseRequest {
		return RaiseRequest{PatientID: patient, Severity: High, Source: SourceButton, TriggerRef: "button:", RaisedBy: patient}
	}
	claim := func(t *testing.T, id int64) Escalation {
		t.Helper()
		e, err := n.svc.Claim(ctx, counselor, id)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	cases := []struct {
		name string
		// setup prepares patient's escalations and returns the one OpenOf
		// must find, or the zero view for ErrNoOpen.
		setup func(t *testing.T, patient int64) openView
	}{
		{"never pressed", func(t *testing.T, patient int64) openView { return openView{} }},
		{"raised, offer not yet made", func(t *testing.T, patient int64) openView {
			e, err := n.svc.Raise(ctx, n.pool, button(patient))
			if err != nil {
				t.Fatal(err)
			}
			return openView{e.ID, Raised, 1, 1, ""}
		}},
		{"offered to the on-call counselor", func(t *testing.T, patient int64) openView {
			e := n.raise(t, patient, High)
			return openView{e.ID, Offered, 1, 1, ""}
		}},
		{"a second trigger attaches to the open one", func(t *testing.T, patient int64) openView {
			e := n.raise(t, patient, Medium)
			if again := n.raise(t, patient, High); again.ID != e.ID || !again.Attached {
				t.Fatalf("second press = %+v, want attached to %d", again, e.ID)
			}
			return openView{e.ID, Offered, 1, 2, ""}
		}},
		{"rerouted to supervisors", func(t *testing.T, patient int64) openView {
			e := n.advance(t, n.raise(t, patient, High).ID)
			return openView{e.ID, Rerouted, 2, 1, ""}
		}},
		{"expired at tier 3 is still open", func(t *testing.T, patient int64) openView {
			id := n.raise(t, patient, High).ID
			n.advance(t, id)
			n.advance(t, id)
			e := n.advance(t, id)
			if e.State != Expired {
				t.Fatalf("after three deadlines: %s tier %d, want expired", e.State, e.Tier)
			}
			return openView{e.ID, Expired, 3, 1, ""}
		}},
		{"claimed, conversation not yet open", func(t *testing.T, patient int64) openView {
			id := n.raise(t, patient, High).ID
			n.opener.fail = 1
			if _, err := n.svc.Claim(ctx, counselor, id); !errors.Is(err, ErrConversation) {
				t.Fatalf("claim with chat down: %v, want ErrConversation", err)
			}
			return openView{id, Claimed, 1, 1, ""}
		}},
		{"in conversation with the counselor", func(t *testing.T, patient int64) openView {
			e := claim(t, n.raise(t, patient, High).ID)
			return openView{e.ID, InConversation, 1, 1, "conv-" + strconv.FormatInt(e.ID, 10)}
		}},
		{"resolved", func(t *testing.T, patient int64) openView {
			e := claim(t, n.raise(t, patient, High).ID)
			if _, err := n.svc.Resolve(ctx, counselor, e.ID, DeEscalated, nil); err != nil {
				t.Fatal(err)
			}
			return openView{}
		}},
		{"pressed again after a resolved one", func(t *testing.T, patient int64) openView {
			old := claim(t, n.raise(t, patient, High).ID)
			if _, err := n.svc.Resolve(ctx, counselor, old.ID, NotACrisis, nil); err != nil {
				t.Fatal(err)
			}
			e := n.raise(t, patient, High)
			if e.ID == old.ID || e.Attached {
				t.Fatalf("press after resolution reused escalation %d", old.ID)
			}
			return openView{e.ID, Offered, 1, 1, ""}
		}},
		{"only another patient has one", func(t *testing.T, patient int64) openView {
			n.raise(t, n.user(t, "patient", "Neighbour"), High)
			return openView{}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			patient := n.user(t, "patient", "Pat")
			want := tc.setup(t, patient)
			got, err := n.svc.OpenOf(ctx, patient)
			if want.ID == 0 {
				if !errors.Is(err, ErrNoOpen) || got.ID != 0 {
					t.Fatalf("OpenOf = %+v, %v; want ErrNoOpen", viewOf(got), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenOf: %v", err)
			}
			if viewOf(got) != want || got.PatientID != patient {
				t.Fatalf("OpenOf = %+v of patient %d, want %+v of patient %d", viewOf(got), got.PatientID, want, patient)
			}
		})
	}

	for _, id := range []int64{0, -1} {
		if _, err := n.svc.OpenOf(ctx, id); !errors.Is(err, ErrNoOpen) {
			t.Errorf("OpenOf(%d) = %v, want ErrNoOpen", id, err)
		}
	}
}
