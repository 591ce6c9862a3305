package media

import (
	"testing"
	"time"
)

func TestSpeakerAndServerMute(t *testing.T) {
	ctx := mediaTest(t, 30*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-talk", RoomOptions{})
	loud, quiet := defaultShape(), defaultShape()
	loud.audioLevel, quiet.audioLevel = 20, 110
	alice := joinPeer(t, r, "alice", RoleGuest, peerOptions{audio: true, media: loud})
	joinPeer(t, r, "bob", RoleGuest, peerOptions{audio: true, media: quiet})
	host := joinPeer(t, r, "dr-lee", RoleHost, peerOptions{})

	if _, err := host.waitEvent(ctx, FrameSpeaker, func(d any) bool { return d.(SpeakerEvent).Participant == "alice" }); err != nil {
		t.Fatal(err)
	}
	if got := r.Stats().Speaker; got != "alice" {
		t.Errorf("room speaker = %q, want alice", got)
	}

	eventually(ctx, t, "alice's audio at the host", func() bool { return host.packetsFrom("alice", SourceMic) > 20 })
	if err := r.Mute("alice"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*peer{alice, host} {
		if _, err := c.waitEvent(ctx, FrameMuted, func(d any) bool { return d.(ParticipantEvent).Participant == "alice" }); err != nil {
			t.Error(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // packets already in flight
	n := host.packetsFrom("alice", SourceMic)
	bob := host.packetsFrom("bob", SourceMic)
	time.Sleep(500 * time.Millisecond)
	if m := host.packetsFrom("alice", SourceMic); m != n {
		t.Errorf("%d packets of muted audio forwarded", m-n)
	}
	if host.packetsFrom("bob", SourceMic) <= bob {
		t.Error("muting alice stopped bob's audio")
	}
	if err := r.Unmute("alice"); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "alice's audio after unmute", func() bool { return host.packetsFrom("alice", SourceMic) > n+10 })
	if err := r.Mute("nobody"); err == nil {
		t.Error("muting an absent participant succeeded")
	}
}

func TestICERestartKeepsMediaFlowing(t *testing.T) {
	ctx := mediaTest(t, 30*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-restart", RoomOptions{})
	joinPeer(t, r, "alice", RoleHost, peerOptions{video: true})
	bob := joinPeer(t, r, "bob", RoleGuest, peerOptions{})
	eventually(ctx, t, "video", func() bool { return bob.packetsFrom("alice", SourceCamera) > 20 })
	before := bob.down.RemoteDescription().SDP
	if err := bob.part.RestartICE(); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "a restart offer with new credentials", func() bool {
		return iceUfrag(bob.down.RemoteDescription().SDP) != iceUfrag(before)
	})
	n := bob.packetsFrom("alice", SourceCamera)
	eventually(ctx, t, "video after the restart", func() bool { return bob.packetsFrom("alice", SourceCamera) > n+30 })
}

func TestICETCP(t *testing.T) {
	ctx := mediaTest(t, 30*time.Second)
	s := newTestSFU(t, Config{TCPAddr: "127.0.0.1:0"})
	r := newTestRoom(t, s, "visit-tcp", RoomOptions{})
	joinPeer(t, r, "alice", RoleHost, peerOptions{audio: true, tcpOnly: true})
	bob := joinPeer(t, r, "bob", RoleGuest, peerOptions{tcpOnly: true})
	eventually(ctx, t, "audio over ICE-TCP", func() bool { return bob.packetsFrom("alice", SourceMic) > 20 })
	pair, err := bob.down.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local.Protocol.String() != "tcp" {
		t.Errorf("selected pair %v (%v); want TCP", pair, err)
	}
}
