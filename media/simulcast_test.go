package media

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// videoLog records the video a subscriber receives: the layer of the
// latest packet (from the synthetic payload) and every sequence number with
// its timestamp, to check continuity at the end.
type videoLog struct {
	mu        sync.Mutex
	layer     int
	packets   int
	first     uint16
	ts        map[int]uint32 // unwrapped seq (relative to the first) → timestamp
	transited []int          // layers in the order they were received
}

func (v *videoLog) observe(source string, p *rtp.Packet) {
	if source != SourceCamera || len(p.Payload) < 8 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	layer := int(p.Payload[7])
	if v.ts == nil {
		v.ts, v.first = map[int]uint32{}, p.SequenceNumber
	}
	if v.packets == 0 || layer != v.layer {
		v.transited = append(v.transited, layer)
	}
	v.ts[int(int16(p.SequenceNumber-v.first))] = p.Timestamp
	v.layer = layer
	v.packets++
}

// continuity counts missing sequence numbers (ignoring the last 20, which
// may still be in flight) and timestamps that go back in sequence order.
func (v *videoLog) continuity() (holes, tsBack int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	lo, hi := 0, 0
	for s := range v.ts {
		lo, hi = min(lo, s), max(hi, s)
	}
	var last uint32
	seen := false
	for s := lo; s <= hi; s++ {
		ts, ok := v.ts[s]
		if !ok {
			if s < hi-20 {
				holes++
			}
			continue
		}
		if seen && int32(ts-last) < 0 {
			tsBack++
		}
		last, seen = ts, true
	}
	return holes, tsBack
}

func (v *videoLog) current() (layer, packets int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.layer, v.packets
}

// waitLayer waits until the subscriber has received n packets on layer.
func (v *videoLog) waitLayer(ctx context.Context, t *testing.T, layer int) {
	t.Helper()
	_, base := v.current()
	eventually(ctx, t, "video on layer "+string(rune('0'+layer)), func() bool {
		l, n := v.current()
		return l == layer && n > base+20
	})
}

// TestSimulcastFollowsInjectedEstimate drives one subscriber's bandwidth
// estimate through the test seam (Participant.estimateOverride) and checks
// the whole forwarding path: top layer when rich, lowest layer when poor,
// audio-only when even that does not fit, and back — with one continuous
// sequence-number space and never-decreasing timestamps throughout.
func TestSimulcastFollowsInjectedEstimate(t *testing.T) {
	ctx := mediaTest(t, 50*time.Second)
	s := newTestSFU(t, Config{})
	r := newTestRoom(t, s, "visit-sim", RoomOptions{})
	var vl videoLog
	pub := joinPeer(t, r, "alice", RoleHost, peerOptions{audio: true, video: true, simulcast: true})
	sub := joinPeer(t, r, "bob", RoleGuest, peerOptions{onRTP: func(_, src string, p *rtp.Packet) { vl.observe(src, p) }})

	sub.part.estimateOverride.Store(5_000_000)
	vl.waitLayer(ctx, t, 2)

	sub.part.estimateOverride.Store(150_000) // carries q (~55 kbit/s), not h (~200)
	vl.waitLayer(ctx, t, 0)
	if _, err := pub.waitEvent(ctx, FrameLayers, func(d any) bool { return slices.Equal(d.(LayersHint).Active, []string{"q"}) }); err != nil {
		t.Error(err)
	}

	sub.part.estimateOverride.Store(20_000) // not even the lowest layer
	if _, err := sub.waitEvent(ctx, FrameAudioOnly, func(d any) bool { return d.(AudioOnlyEvent).On }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // packets sent before the pause may still be in flight
	_, paused := vl.current()
	audio := sub.packetsFrom("alice", SourceMic)
	time.Sleep(600 * time.Millisecond)
	if _, n := vl.current(); n != paused {
		t.Errorf("%d video packets forwarded while audio-only", n-paused)
	}
	if sub.packetsFrom("alice", SourceMic) <= audio {
		t.Error("audio stopped while audio-only")
	}

	sub.part.estimateOverride.Store(5_000_000)
	if _, err := sub.waitEvent(ctx, FrameAudioOnly, func(d any) bool { return !d.(AudioOnlyEvent).On }); err != nil {
		t.Fatal(err)
	}
	vl.waitLayer(ctx, t, 2)

	if holes, back := vl.continuity(); holes != 0 || back != 0 {
		t.Errorf("subscriber saw %d missing sequence numbers and %d timestamp reversals; want one continuous stream", holes, back)
	}
	vl.mu.Lock()
	defer vl.mu.Unlock()
	t.Logf("layers received in order: %v", vl.transited)
}
