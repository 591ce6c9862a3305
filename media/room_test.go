package media

import (
	"errors"
	"testing"
	"time"

	"haven/portal/fault"
)

// discard is a sink for joins that never negotiate.
var discard = SinkFunc(func(Frame) {})

func TestAdmissionRefusesPastCapacity(t *testing.T) {
	mediaTest(t, 20*time.Second)
	// Budget 18: two 1:1 visits (8 streams each) fit; a third person in one
	// of them (+10) does not, until the other visit ends.
	s := newTestSFU(t, Config{MaxStreams: 18})
	a := newTestRoom(t, s, "visit-a", RoomOptions{})
	b := newTestRoom(t, s, "visit-b", RoomOptions{})
	for _, j := range []struct {
		room *Room
		id   string
	}{{a, "a1"}, {a, "a2"}, {b, "b1"}, {b, "b2"}} {
		if _, err := j.room.Join(j.id, RoleGuest, discard); err != nil {
			t.Fatalf("join %s within budget: %v", j.id, err)
		}
	}
	_, err := a.Join("a3", RoleGuest, discard)
	if !errors.Is(err, ErrAtCapacity) {
		t.Fatalf("join past capacity: err = %v, want ErrAtCapacity", err)
	}
	if fault.CodeOf(err) != fault.Unavailable || fault.MessageOf(err) != "The video service is at capacity. Please try again in a few minutes." {
		t.Errorf("capacity error: code %v, message %q", fault.CodeOf(err), fault.MessageOf(err))
	}
	if fault.RetryAfterOf(err) <= 0 {
		t.Error("capacity error has no RetryAfter")
	}
	if st := s.Stats(); st.Streams != 16 || st.Participants != 4 {
		t.Errorf("stats after refusal: %+v; the refused join must reserve nothing", st)
	}
	b.Close()
	if _, err := a.Join("a3", RoleGuest, discard); err != nil {
		t.Errorf("join after another visit ended: %v", err)
	}
}

func TestRoomFullAndIDs(t *testing.T) {
	mediaTest(t, 20*time.Second)
	s := newTestSFU(t, Config{MaxParticipants: 2})
	r := newTestRoom(t, s, "visit-full", RoomOptions{})
	for _, id := range []string{"p1", "p2"} {
		if _, err := r.Join(id, RoleGuest, discard); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Join("p3", RoleGuest, discard); !errors.Is(err, ErrRoomFull) {
		t.Errorf("third join: %v, want ErrRoomFull", err)
	}
	if _, err := r.Join("p 1", RoleGuest, discard); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("join with a bad id: %v, want invalid", err)
	}
	old, _ := r.Participant("p1")
	if _, err := r.Join("p1", RoleGuest, discard); err != nil {
		t.Errorf("rejoin with the same id: %v", err)
	}
	if err := old.HandleAnswer("v=0"); !errors.Is(err, ErrLeft) {
		t.Errorf("the replaced participant: %v, want ErrLeft", err)
	}
	if _, err := s.Room("nope"); !errors.Is(err, ErrNoRoom) {
		t.Errorf("Room(unknown) = %v, want ErrNoRoom", err)
	}
}

func TestWaitingRoomAdmitsGuests(t *testing.T) {
	ctx := mediaTest(t, 20*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-wait", RoomOptions{WaitingRoom: true})
	host := joinPeer(t, r, "dr-lee", RoleHost, peerOptions{})
	guest, err := newPeer("pat", peerOptions{loopback: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(guest.close)
	if err := guest.join(r, RoleGuest); !errors.Is(err, ErrNotAdmitted) {
		t.Fatalf("guest join before admission: %v, want ErrNotAdmitted", err)
	}
	if err := r.Wait("pat", guest); err != nil {
		t.Fatal(err)
	}
	if _, err := host.waitEvent(ctx, FrameWaiting, func(d any) bool { return d.(ParticipantEvent).Participant == "pat" }); err != nil {
		t.Fatal(err)
	}
	if w := r.Waiting(); len(w) != 1 || w[0] != "pat" {
		t.Errorf("Waiting() = %v", w)
	}
	if err := r.Admit("pat"); err != nil {
		t.Fatal(err)
	}
	if _, err := guest.waitEvent(ctx, FrameAdmitted, nil); err != nil {
		t.Fatal(err)
	}
	if err := guest.join(r, RoleGuest); err != nil {
		t.Errorf("join after admission: %v", err)
	}
	if _, err := host.waitEvent(ctx, FrameJoined, func(d any) bool { return d.(ParticipantEvent).Participant == "pat" }); err != nil {
		t.Error(err)
	}
}

func TestCloseEndsRoomWithSummary(t *testing.T) {
	ctx := mediaTest(t, 30*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-end", RoomOptions{})
	host := joinPeer(t, r, "dr-lee", RoleHost, peerOptions{audio: true, video: true})
	guest := joinPeer(t, r, "pat", RoleGuest, peerOptions{audio: true, video: true})
	eventually(ctx, t, "media both ways", func() bool {
		return host.packetsFrom("pat", SourceCamera) > 30 && guest.packetsFrom("dr-lee", SourceCamera) > 30
	})
	if _, err := host.waitEvent(ctx, FrameQuality, func(d any) bool { return d.(QualityEvent).Participant == "pat" }); err != nil {
		t.Errorf("host got no quality event for the guest: %v", err)
	}
	// Quality is sampled on a tick per participant; on a loaded machine the
	// host's first sample can come later than the guest's.
	eventually(ctx, t, "a quality measurement of every participant", func() bool {
		for _, p := range r.Stats().Participants {
			if p.Quality == 0 {
				return false
			}
		}
		return true
	})
	sum := r.Close()
	for _, c := range []*peer{host, guest} {
		if _, err := c.waitEvent(ctx, FrameEnded, nil); err != nil {
			t.Error(err)
		}
	}
	if sum.Room != "visit-end" || sum.Reason != "ended" || len(sum.Participants) != 2 || sum.Duration <= 0 {
		t.Fatalf("summary = %+v", sum)
	}
	for _, p := range sum.Participants {
		if p.Left.IsZero() || p.QualitySamples == 0 || p.QualityMin < 1 || p.QualityAvg > 5 {
			t.Errorf("participant summary %+v: want left time and quality samples", p)
		}
	}
	if _, err := s.Room("visit-end"); !errors.Is(err, ErrNoRoom) {
		t.Errorf("closed room still open: %v", err)
	}
	if _, err := r.Join("late", RoleGuest, discard); !errors.Is(err, ErrRoomClosed) {
		t.Errorf("join after close: %v, want ErrRoomClosed", err)
	}
	if again := r.Close(); again.Room != "" {
		t.Error("second Close returned a summary")
	}
}

func TestIdleRoomClosesItself(t *testing.T) {
	ctx := mediaTest(t, 20*time.Second)
	s := newTestSFU(t, Config{EmptyRoomTimeout: time.Second})
	closed := make(chan RoomSummary, 1)
	newTestRoom(t, s, "visit-idle", RoomOptions{OnClose: func(sum RoomSummary) { closed <- sum }})
	select {
	case sum := <-closed:
		if sum.Room != "visit-idle" || sum.Reason != "idle" {
			t.Errorf("summary = %+v, want reason idle", sum)
		}
	case <-ctx.Done():
		t.Fatal("an empty room did not close after EmptyRoomTimeout")
	}
	if _, err := s.Room("visit-idle"); !errors.Is(err, ErrNoRoom) {
		t.Errorf("idle room still open: %v", err)
	}
}
