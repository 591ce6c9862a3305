package media

import (
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/transport/v5/vnet"
)

// TestRealGCCUnderBandwidthCap drives the real path: the subscriber's link
// is a vnet token-bucket queue, the SFU's GCC estimator reads the
// subscriber's transport-wide feedback, and the room loop moves the
// subscriber to a lower layer, to audio-only, and back to video when the
// cap lifts.
func TestRealGCCUnderBandwidthCap(t *testing.T) {
	ctx := mediaTest(t, 90*time.Second)
	tbf := vnet.NewTBFQueue(20_000_000, 64<<10, 64<<10)
	var queue *vnet.Queue
	v := newVnet(t, nil, func(n vnet.NIC) vnet.NIC {
		q, err := vnet.NewQueue(n, tbf)
		if err != nil {
			t.Fatal(err)
		}
		queue = q
		return q
	})
	t.Cleanup(func() { _ = queue.Close() })
	s := newVnetSFU(t, v)
	r := newTestRoom(t, s, "visit-gcc", RoomOptions{})
	var vl videoLog
	joinPeer(t, r, "alice", RoleHost, peerOptions{audio: true, video: true, simulcast: true, net: v.pubNet})
	sub := joinPeer(t, r, "bob", RoleGuest, peerOptions{net: v.sub, onRTP: func(_, src string, p *rtp.Packet) { vl.observe(src, p) }})
	start := time.Now()
	logEstimate := func(step string) {
		l, n := vl.current()
		t.Logf("%5.1fs %s: estimate %d bit/s, layer %d, %d video packets", time.Since(start).Seconds(), step, sub.part.estimate(), l, n)
	}
	eventually(ctx, t, "video", func() bool { _, n := vl.current(); return n > 50 })
	logEstimate("uncapped")

	tbf.SetRate(250_000)
	eventually(ctx, t, "a lower layer under a 250 kbit/s cap", func() bool { l, _ := vl.current(); return l < 2 && sub.part.estimate() < 400_000 })
	logEstimate("250k")

	tbf.SetRate(70_000)
	if _, err := sub.waitEvent(ctx, FrameAudioOnly, func(d any) bool { return d.(AudioOnlyEvent).On }); err != nil {
		logEstimate("70k")
		t.Fatal(err)
	}
	logEstimate("70k")

	tbf.SetRate(20_000_000)
	if _, err := sub.waitEvent(ctx, FrameAudioOnly, func(d any) bool { return !d.(AudioOnlyEvent).On }); err != nil {
		logEstimate("uncapped again")
		t.Fatal(err)
	}
	_, n := vl.current()
	eventually(ctx, t, "video again", func() bool { _, m := vl.current(); return m > n+20 })
	logEstimate("uncapped again")
}
