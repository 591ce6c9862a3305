package media

import (
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// capture is a TrackLocalWriter that keeps the headers it is given.
type capture struct {
	seqs  []uint16
	tss   []uint32
	count int
	keep  bool
}

func (c *capture) WriteRTP(h *rtp.Header, _ []byte) (int, error) {
	c.count++
	if c.keep {
		c.seqs = append(c.seqs, h.SequenceNumber)
		c.tss = append(c.tss, h.Timestamp)
	}
	return 0, nil
}

func (c *capture) Write(b []byte) (int, error) { return len(b), nil }

// testDownTrack is a bound video down track writing to w.
func testDownTrack(w *capture) *downTrack {
	s := &SFU{}
	pub := &Participant{id: "pub", room: &Room{sfu: s}}
	sub := &Participant{id: "sub", room: &Room{sfu: s}}
	sub.downReady.Store(true)
	up := &upTrack{owner: pub, kind: webrtc.RTPCodecTypeVideo, source: SourceCamera,
		codec:    webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}},
		keyframe: vp8Keyframe}
	d := newDownTrack(up, sub)
	d.bound, d.writer, d.ssrc, d.pt = true, w, 1234, 96
	return d
}

// vp8 returns a payload; kf marks a keyframe start.
func vp8(kf bool) []byte {
	if kf {
		return []byte{0x10, 0x00, 1, 2, 3}
	}
	return []byte{0x10, 0x01, 1, 2, 3}
}

func TestDownTrackSwitchesLayersContinuously(t *testing.T) {
	w := &capture{keep: true}
	d := testDownTrack(w)
	now := int64(1e9)
	send := func(layer int, seq uint16, ts uint32, kf bool) {
		now += 10e6
		pkt := &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts}, Payload: vp8(kf)}
		d.forward(layer, pkt, vp8Keyframe(pkt.Payload), now)
	}
	if !d.setTarget(2) {
		t.Fatal("setTarget on a new track does not ask for a keyframe")
	}
	send(2, 500, 9000, false) // no keyframe yet: dropped
	send(2, 501, 9000, true)  // starts
	send(2, 502, 9000, false)
	send(0, 70, 1000, true) // layer 0 not wanted
	if !d.setTarget(0) {
		t.Error("a downgrade does not ask for a keyframe")
	}
	send(0, 71, 4000, false) // waits for a keyframe on 0
	send(2, 503, 12000, false)
	send(0, 72, 7000, true) // switch
	send(2, 504, 15000, false)
	send(0, 71, 4000, false) // late packet from before the switch: dropped
	send(0, 73, 7000, false)
	d.setTarget(-1)
	send(0, 74, 10000, true) // paused
	d.setTarget(0)
	send(0, 75, 13000, false)
	send(0, 76, 16000, true) // resumes
	want := []uint16{501, 502, 503, 504, 505, 506}
	if len(w.seqs) != len(want) {
		t.Fatalf("sent seqs %v, want %v", w.seqs, want)
	}
	for i := range want {
		if w.seqs[i] != want[i] {
			t.Errorf("seq[%d] = %d, want %d (all: %v)", i, w.seqs[i], want[i], w.seqs)
		}
		if i > 0 && int32(w.tss[i]-w.tss[i-1]) < 0 {
			t.Errorf("timestamp went back at %d: %v", i, w.tss)
		}
	}
	if cur, tgt := d.layers(); cur != 0 || tgt != 0 {
		t.Errorf("layers = %d/%d, want 0/0", cur, tgt)
	}
}

func TestForwardingHotPathDoesNotAllocate(t *testing.T) {
	w := &capture{}
	d := testDownTrack(w)
	d.setTarget(0)
	u := d.up
	downs := []*downTrack{d, testDownTrack(w), testDownTrack(w)}
	for _, x := range downs[1:] {
		x.setTarget(0)
	}
	u.downs.Store(&downs)
	pkt := &rtp.Packet{Header: rtp.Header{SequenceNumber: 1, Timestamp: 90}, Payload: vp8(true)}
	u.forward(0, pkt)
	pkt.Payload = vp8(false)
	allocs := testing.AllocsPerRun(1000, func() {
		pkt.SequenceNumber++
		pkt.Timestamp += 3000
		u.forward(0, pkt)
	})
	if allocs != 0 {
		t.Errorf("forwarding one packet to 3 subscribers allocates %v times; want 0", allocs)
	}
	if w.count < 3000 {
		t.Errorf("wrote %d packets, want ≥ 3000", w.count)
	}
}
