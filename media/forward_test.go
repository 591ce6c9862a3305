package media

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// firstVideo records, per subscriber, whether the first video packet the
// SFU forwarded (the lowest sequence number received) belongs to a
// keyframe — under load that keyframe's first packet may be lost, and a
// receiver cannot NACK a packet before the first it saw — and whether every
// video payload arrived intact.
type firstVideo struct {
	mu      sync.Mutex
	early   map[uint16]bool // seq → in a keyframe, for the first 100 packets
	corrupt int
}

func (f *firstVideo) observe(source string, pkt *rtp.Packet) {
	if source != SourceCamera {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.early == nil {
		f.early = map[uint16]bool{}
	}
	if len(f.early) < 100 {
		f.early[pkt.SequenceNumber] = inKeyframe(pkt.Payload)
	}
	if !payloadIntact(pkt.Payload) {
		f.corrupt++
	}
}

func (f *firstVideo) result() (seen, keyframe bool, corrupt int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	first, found := uint16(0), false
	for s := range f.early {
		if !found || seqNewer(first, s) {
			first, found = s, true
		}
	}
	return found, found && f.early[first], f.corrupt
}

func TestForwardingDeliversPublisherMediaIntact(t *testing.T) {
	ctx := mediaTest(t, 40*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-1", RoomOptions{})
	var fv firstVideo
	pub := joinPeer(t, r, "alice", RoleHost, peerOptions{audio: true, video: true})
	sub := joinPeer(t, r, "bob", RoleGuest, peerOptions{onRTP: func(_, src string, p *rtp.Packet) { fv.observe(src, p) }})

	eventually(ctx, t, "audio and video at the subscriber", func() bool {
		return sub.packetsFrom("alice", SourceMic) > 20 && sub.packetsFrom("alice", SourceCamera) > 20
	})
	seen, kf, corrupt := fv.result()
	if !seen || !kf {
		t.Errorf("first video packet: seen %v, keyframe %v; want a keyframe first", seen, kf)
	}
	if corrupt != 0 {
		t.Errorf("%d video payloads changed in transit", corrupt)
	}
	if a := sub.trackFrom("alice", SourceMic); a.intact.Load() != a.packets.Load() {
		t.Errorf("audio: %d of %d payloads intact", a.intact.Load(), a.packets.Load())
	}
	if n := pub.packetsFrom("bob", SourceMic); n != 0 {
		t.Errorf("publisher received %d packets from a participant who publishes nothing", n)
	}
	if st := s.Stats(); st.ForwardedPackets == 0 || st.Participants != 2 || st.Rooms != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestLateJoinerStartsOnKeyframeAfterPLI(t *testing.T) {
	ctx := mediaTest(t, 40*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-2", RoomOptions{})
	pub := joinPeer(t, r, "alice", RoleHost, peerOptions{video: true})
	early := joinPeer(t, r, "bob", RoleGuest, peerOptions{})
	eventually(ctx, t, "video at the first subscriber", func() bool { return early.packetsFrom("alice", SourceCamera) > 60 })
	plisBefore := pub.pub.plis.Load()

	var fv firstVideo
	late := joinPeer(t, r, "carol", RoleGuest, peerOptions{onRTP: func(_, src string, p *rtp.Packet) { fv.observe(src, p) }})
	eventually(ctx, t, "video at the late subscriber", func() bool { return late.packetsFrom("alice", SourceCamera) > 10 })
	if seen, kf, _ := fv.result(); !seen || !kf {
		fv.mu.Lock()
		t.Errorf("late subscriber's first video packet: keyframe %v; want the keyframe the SFU asked for (%v)", kf, fv.early)
		fv.mu.Unlock()
	}
	if got := pub.pub.plis.Load(); got <= plisBefore {
		t.Errorf("publisher got %d PLIs after the late join, had %d before; want a keyframe request", got, plisBefore)
	}
}

func TestRemovedParticipantsTracksStop(t *testing.T) {
	ctx := mediaTest(t, 40*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-3", RoomOptions{})
	pub := joinPeer(t, r, "alice", RoleGuest, peerOptions{audio: true, video: true})
	bob := joinPeer(t, r, "bob", RoleHost, peerOptions{})
	carol := joinPeer(t, r, "carol", RoleGuest, peerOptions{})
	for _, c := range []*peer{bob, carol} {
		eventually(ctx, t, c.id+" receiving", func() bool { return c.packetsFrom("alice", SourceCamera) > 10 })
	}

	if err := r.Remove("alice"); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, err := pub.waitEvent(ctx, FrameRemoved, nil); err != nil {
		t.Error(err)
	}
	for _, c := range []*peer{bob, carol} {
		if _, err := c.waitEvent(ctx, FrameLeft, func(d any) bool { return d.(ParticipantEvent).Participant == "alice" }); err != nil {
			t.Error(err)
		}
		eventually(ctx, t, c.id+"'s tracks from alice to end", func() bool {
			for _, st := range c.recv.all() {
				if st.from == "alice" && !st.ended.Load() {
					return false
				}
			}
			return true
		})
		n := c.packetsFrom("alice", SourceCamera) + c.packetsFrom("alice", SourceMic)
		time.Sleep(300 * time.Millisecond)
		if m := c.packetsFrom("alice", SourceCamera) + c.packetsFrom("alice", SourceMic); m != n {
			t.Errorf("%s received %d packets from alice after removal", c.id, m-n)
		}
	}
	if err := r.Remove("alice"); err == nil {
		t.Error("second Remove succeeded; want ErrNoParticipant")
	}
	if st := r.Stats(); len(st.Participants) != 2 {
		t.Errorf("room has %d participants after removal, want 2", len(st.Participants))
	}
}

func TestScreenShareIsASecondVideoTrack(t *testing.T) {
	ctx := mediaTest(t, 30*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-screen", RoomOptions{})
	joinPeer(t, r, "dr-lee", RoleHost, peerOptions{audio: true, video: true, screen: true})
	pat := joinPeer(t, r, "pat", RoleGuest, peerOptions{})
	eventually(ctx, t, "camera and screen at the subscriber", func() bool {
		return pat.packetsFrom("dr-lee", SourceCamera) > 20 && pat.packetsFrom("dr-lee", SourceScreen) > 20
	})
	if got := r.Stats().Participants[0].Published; got != 3 {
		t.Errorf("published tracks = %d, want 3 (mic, camera, screen)", got)
	}
	if err := pat.part.SetMaxLayer("dr-lee", SourceScreen, "off"); err != nil {
		t.Fatal(err)
	}
	// After an allocation tick and the packets in flight, the screen stops
	// and stays stopped while the camera keeps flowing.
	eventually(ctx, t, "the screen to stop", func() bool {
		n := pat.packetsFrom("dr-lee", SourceScreen)
		time.Sleep(600 * time.Millisecond)
		return pat.packetsFrom("dr-lee", SourceScreen) == n
	})
	n := pat.packetsFrom("dr-lee", SourceScreen)
	cam := pat.packetsFrom("dr-lee", SourceCamera)
	eventually(ctx, t, "the camera to keep flowing", func() bool { return pat.packetsFrom("dr-lee", SourceCamera) > cam+10 })
	if m := pat.packetsFrom("dr-lee", SourceScreen); m != n {
		t.Errorf("%d screen packets after the subscriber turned the screen off", m-n)
	}
}
