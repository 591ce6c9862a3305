package crisis

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestSimultaneousClaimsExactlyOneWins(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	patient := n.user(t, "patient", "Pat")
	const k = 8
	counselors := make([]int64, k)
	for i := range counselors {
		counselors[i] = n.counselorOn(t, "Counselor "+string(rune('A'+i)))
	}
	e := n.raise(t, patient, High)

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []int64
		errs    = map[int64]error{}
	)
	start := make(chan struct{})
	for _, c := range counselors {
		wg.Go(func() {
			<-start
			_, err := n.svc.Claim(context.Background(), c, e.ID)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				winners = append(winners, c)
			} else {
				errs[c] = err
			}
		})
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d claims won (%v), want exactly 1; errors %v", len(winners), winners, errs)
	}
	win := winners[0]
	for c, err := range errs {
		if !errors.Is(err, ErrTaken) || fault.CodeOf(err) != fault.Conflict ||
			fault.MessageOf(err) != "Another counselor has already taken this" {
			t.Errorf("loser %d: err = %v, want ErrTaken", c, err)
		}
	}
	got := n.waitState(t, e.ID, InConversation, 1, time.Second)
	if got.CounselorID != win || got.ConversationRef == "" || got.ClaimedAt == nil || got.DueAt != nil {
		t.Errorf("after claim: %+v", got)
	}
	for _, c := range counselors {
		taken := n.notify.matching(c, EventTaken, nil)
		if c == win && len(taken) != 0 {
			t.Errorf("the winner was told it was taken")
		}
		if c != win && len(taken) != 1 {
			t.Errorf("loser %d got %d taken events, want 1", c, len(taken))
		}
	}
	if user, pat, ok := n.grants.holder(e.Target()); !ok || user != win || pat != patient {
		t.Errorf("grant for %s = %d/%d/%v, want counselor %d on patient %d", e.Target(), user, pat, ok, win, patient)
	}
	if !slices.Equal(n.push.cancelled, []int64{e.ID}) {
		t.Errorf("push alerts cancelled for %v, want [%d]", n.push.cancelled, e.ID)
	}
	if n.grants.grants != 1 || n.opener.calls != 1 {
		t.Errorf("%d grants and %d conversations opened, want 1 each", n.grants.grants, n.opener.calls)
	}
	joined := n.notify.waitFor(t, patient, EventStatus, statusIs(StatusJoined), time.Second)
	var d StatusData
	if err := jsonUnmarshal(joined.ev.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.CounselorName != n.people.names[win] || d.ConversationRef != got.ConversationRef || d.EscalationID != e.ID {
		t.Errorf("patient told %+v", d)
	}
	// Claiming again is idempotent for the holder.
	if again, err := n.svc.Claim(context.Background(), win, e.ID); err != nil || again.State != InConversation {
		t.Errorf("second claim by the holder: %v, %s", err, again.State)
	}
}

func TestClaimNeedsAnOffer(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	stranger := n.user(t, "counselor", "Not On Call")
	// Raised but not yet offered: nobody holds an offer.
	e, err := n.svc.Raise(ctx, n.pool, RaiseRequest{PatientID: patient, Severity: High, Source: SourceButton,
		TriggerRef: "button:", RaisedBy: patient})
	if err != nil {
		t.Fatal(err)
	}
	n.counselorOn(t, "Cora")
	if _, err := n.svc.Claim(ctx, stranger, e.ID); !errors.Is(err, ErrNotOffered) {
		t.Errorf("claim before the offer: %v, want ErrNotOffered", err)
	}
	if err := n.svc.Offer(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Claim(ctx, stranger, e.ID); !errors.Is(err, ErrNotOffered) || fault.CodeOf(err) != fault.Forbidden {
		t.Errorf("claim by someone not offered: %v, want ErrNotOffered", err)
	}
	if _, err := n.svc.Claim(ctx, stranger, 424242); !errors.Is(err, ErrNotFound) {
		t.Errorf("claim of a missing escalation: %v, want ErrNotFound", err)
	}
}

func TestClaimRetriesTheConversation(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	c1, c2 := n.counselorOn(t, "Cora"), n.counselorOn(t, "Dan")
	n.opener.fail = 1
	e := n.raise(t, patient, High)
	got, err := n.svc.Claim(ctx, c1, e.ID)
	if !errors.Is(err, ErrConversation) || fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("claim with chat down: %v, want ErrConversation", err)
	}
	if got.State != Claimed || got.CounselorID != c1 {
		t.Errorf("claim stands: state %s counselor %d", got.State, got.CounselorID)
	}
	if _, err := n.svc.Claim(ctx, c2, e.ID); !errors.Is(err, ErrTaken) {
		t.Errorf("other counselor: %v, want ErrTaken", err)
	}
	got, err = n.svc.Claim(ctx, c1, e.ID)
	if err != nil || got.State != InConversation || got.ConversationRef == "" {
		t.Fatalf("retry: %v, state %s ref %q", err, got.State, got.ConversationRef)
	}
	n.notify.waitFor(t, patient, EventStatus, func(m map[string]any) bool {
		return m["status"] == StatusJoined && m["conversation_ref"] == got.ConversationRef
	}, time.Second)
}
