package media

import (
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

const (
	maxLayers = 3
	// pliInterval throttles keyframe requests per published layer.
	pliInterval = 500 * time.Millisecond
	// readBuffer is the size of a reader goroutine's packet buffer.
	readBuffer = 1500
)

// upTrack is one track a participant publishes: audio, or video with up to
// three simulcast layers. Each layer has one reader goroutine (the OnTrack
// goroutine Pion starts) that fans packets out to the subscribers' down
// tracks; the list of down tracks is copy-on-write, so the hot path takes
// no room lock.
type upTrack struct {
	owner    *Participant
	kind     webrtc.RTPCodecType
	source   string
	codec    webrtc.RTPCodecParameters
	keyframe keyframeFunc
	receiver *webrtc.RTPReceiver
	levelID  uint8    // audio-level extension id, 0 if not negotiated
	rids     []string // simulcast rids by layer index, lowest first; nil if not simulcast
	layers   [maxLayers]atomic.Pointer[upLayer]
	downs    atomic.Pointer[[]*downTrack] // changed only under the room lock
	muted    atomic.Bool
	meter    levelMeter
	hint     string // last media.layers hint sent; room loop only
}

// upLayer is one received stream (one simulcast encoding) of an upTrack.
type upLayer struct {
	idx     int
	rid     string
	track   *webrtc.TrackRemote
	ssrc    uint32
	packets atomic.Uint64
	bytes   atomic.Uint64
	highest atomic.Uint64 // extended highest sequence number
	lastPLI atomic.Int64  // unix ns of the last keyframe request sent upstream
	rate    atomic.Int64  // measured bit/s over the last allocation tick
	known   atomic.Int64  // the last non-zero rate, for paused layers
	// Room-loop state: counters at the previous tick.
	prevBytes, prevPackets, prevHighest uint64
}

// newUpTrack describes the track received by rc; source names it.
func newUpTrack(owner *Participant, tr *webrtc.TrackRemote, rc *webrtc.RTPReceiver, source string) *upTrack {
	u := &upTrack{owner: owner, kind: tr.Kind(), source: source, codec: tr.Codec(), receiver: rc}
	u.keyframe = keyframeFuncFor(u.codec.MimeType)
	for _, ext := range rc.GetParameters().HeaderExtensions {
		if ext.URI == sdp.AudioLevelURI {
			u.levelID = uint8(ext.ID) //nolint:gosec // negotiated ids are 1..14
		}
	}
	if tr.RID() != "" {
		for _, t := range rc.Tracks() {
			u.rids = append(u.rids, t.RID())
		}
		u.rids = orderRIDs(u.rids)
	}
	empty := []*downTrack{}
	u.downs.Store(&empty)
	return u
}

// orderRIDs sorts simulcast rids lowest quality first: q/h/f and l/m/h are
// recognized; other names keep the order of the SDP. At most maxLayers.
func orderRIDs(rids []string) []string {
	has := map[string]bool{}
	for _, r := range rids {
		has[r] = true
	}
	var order []string
	switch {
	case has["q"] || has["f"]:
		order = []string{"q", "h", "f"}
	case has["l"] || has["m"]:
		order = []string{"l", "m", "h"}
	default:
		return rids[:min(len(rids), maxLayers)]
	}
	var out []string
	for _, r := range order {
		if has[r] {
			out = append(out, r)
		}
	}
	return out
}

// layerIndex is the layer of a rid, or -1 for a rid beyond maxLayers.
func (u *upTrack) layerIndex(rid string) int {
	if u.rids == nil {
		return 0
	}
	for i, r := range u.rids {
		if r == rid {
			return i
		}
	}
	return -1
}

// layerCount is the number of layers the publisher declared.
func (u *upTrack) layerCount() int { return max(1, len(u.rids)) }

// run is a layer's reader: it forwards every packet until the track ends.
// It reuses one buffer and one rtp.Packet, so forwarding allocates nothing.
func (u *upTrack) run(l *upLayer) {
	buf := make([]byte, readBuffer)
	var pkt rtp.Packet
	var cycles uint64
	var last uint16
	started := false
	for {
		n, _, err := l.track.Read(buf)
		if err != nil {
			return
		}
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		l.packets.Add(1)
		l.bytes.Add(uint64(n))
		if !started || seqNewer(pkt.SequenceNumber, last) {
			if started && pkt.SequenceNumber < last {
				cycles += 1 << 16
			}
			last, started = pkt.SequenceNumber, true
			l.highest.Store(cycles | uint64(pkt.SequenceNumber))
		}
		u.forward(l.idx, &pkt)
	}
}

// forward fans one packet out to the subscribers.
func (u *upTrack) forward(layer int, pkt *rtp.Packet) {
	if u.levelID != 0 {
		if ext := pkt.GetExtension(u.levelID); len(ext) > 0 {
			u.meter.add(ext[0])
		}
	}
	if u.muted.Load() {
		return
	}
	kf := u.keyframe != nil && u.keyframe(pkt.Payload)
	now := time.Now().UnixNano()
	for _, d := range *u.downs.Load() {
		d.forward(layer, pkt, kf, now)
	}
}

// requestKeyframe asks the publisher for a keyframe on a layer, at most once
// per pliInterval per layer.
func (u *upTrack) requestKeyframe(layer int) {
	if u.keyframe == nil || layer < 0 || layer >= maxLayers {
		return
	}
	l := u.layers[layer].Load()
	if l == nil {
		return
	}
	now := time.Now().UnixNano()
	last := l.lastPLI.Load()
	if now-last < int64(pliInterval) || !l.lastPLI.CompareAndSwap(last, now) {
		return
	}
	// A failed write means the publisher is leaving; nothing to do.
	_ = u.owner.up.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: l.ssrc}})
	u.owner.room.sfu.plis.Add(1)
}

// addDown and removeDown change the fan-out list; callers hold the room lock.
func (u *upTrack) addDown(d *downTrack) {
	old := *u.downs.Load()
	next := make([]*downTrack, 0, len(old)+1)
	next = append(append(next, old...), d)
	u.downs.Store(&next)
}

func (u *upTrack) removeDown(d *downTrack) {
	old := *u.downs.Load()
	next := make([]*downTrack, 0, len(old))
	for _, x := range old {
		if x != d {
			next = append(next, x)
		}
	}
	u.downs.Store(&next)
}

// seqNewer reports whether a is after b in RTP sequence-number order.
func seqNewer(a, b uint16) bool { return a != b && a-b < 0x8000 }

// drainRTCP reads the RTCP the publisher sends on a layer (sender reports),
// so the receiver-report interceptor sees them, until the track ends.
func (u *upTrack) drainRTCP(l *upLayer) {
	buf := make([]byte, readBuffer)
	for {
		var err error
		if l.rid != "" {
			_, _, err = u.receiver.ReadSimulcast(buf, l.rid)
		} else {
			_, _, err = u.receiver.Read(buf)
		}
		if err != nil {
			return
		}
	}
}
