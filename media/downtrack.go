package media

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// downTrack is one published track as one subscriber receives it: a
// webrtc.TrackLocal on the subscriber's down connection. It rewrites each
// forwarded packet's SSRC, payload type, sequence number and timestamp so
// that switching simulcast layers, pausing and resuming look like one
// continuous stream to the subscriber. Switches happen only on a keyframe.
type downTrack struct {
	up       *upTrack
	sub      *Participant
	sender   *webrtc.RTPSender // set once under the room lock after AddTrack
	maxLayer atomic.Int32      // highest layer the subscriber asked for (media.layer)

	mu        sync.Mutex
	bound     bool
	writer    webrtc.TrackLocalWriter
	ssrc      uint32
	pt        uint8
	clock     uint32
	hdr       rtp.Header // reused for every packet
	current   int        // layer being forwarded; -1 none (paused or waiting)
	target    int        // layer wanted; -1 none
	started   bool
	seqOffset uint16
	tsOffset  uint32
	switchSeq uint16 // upstream sequence number at which current began
	lastSeq   uint16 // last sequence number sent
	lastTS    uint32
	lastAt    int64 // unix ns of the last packet sent
}

// newDownTrack prepares up's track for sub. Audio forwards from the start;
// video waits for the allocator to set a target and for a keyframe.
func newDownTrack(up *upTrack, sub *Participant) *downTrack {
	d := &downTrack{up: up, sub: sub, current: -1, target: -1, clock: up.codec.ClockRate}
	if up.kind == webrtc.RTPCodecTypeAudio {
		d.current, d.target = 0, 0
	}
	d.maxLayer.Store(maxLayers - 1)
	return d
}

// Bind implements webrtc.TrackLocal: it picks the subscriber's payload type
// for the publisher's codec.
func (d *downTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	for _, c := range ctx.CodecParameters() {
		if !strings.EqualFold(c.MimeType, d.up.codec.MimeType) {
			continue
		}
		d.mu.Lock()
		d.bound, d.writer, d.ssrc, d.pt = true, ctx.WriteStream(), uint32(ctx.SSRC()), uint8(c.PayloadType)
		d.mu.Unlock()
		return c, nil
	}
	return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
}

// Unbind implements webrtc.TrackLocal.
func (d *downTrack) Unbind(webrtc.TrackLocalContext) error {
	d.mu.Lock()
	d.bound = false
	d.mu.Unlock()
	return nil
}

// ID implements webrtc.TrackLocal: the source ("mic", "camera", "screen").
func (d *downTrack) ID() string { return d.up.source }

// StreamID implements webrtc.TrackLocal: the publisher's participant id, so
// the client can label the tile.
func (d *downTrack) StreamID() string { return d.up.owner.id }

// RID implements webrtc.TrackLocal; a subscriber gets one layer.
func (d *downTrack) RID() string { return "" }

// Kind implements webrtc.TrackLocal.
func (d *downTrack) Kind() webrtc.RTPCodecType { return d.up.kind }

// forward sends one packet of the given layer if this subscriber wants it.
// kf reports whether it starts a keyframe; now is its arrival in unix ns.
func (d *downTrack) forward(layer int, pkt *rtp.Packet, kf bool, now int64) {
	if !d.sub.downReady.Load() {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.bound {
		return
	}
	if layer != d.current {
		if layer != d.target || !kf {
			return
		}
		d.switchTo(layer, pkt, now)
	} else if seqNewer(d.switchSeq, pkt.SequenceNumber) {
		return // a late packet from before this layer was switched to
	}
	seq, ts := pkt.SequenceNumber+d.seqOffset, pkt.Timestamp+d.tsOffset
	if seqNewer(seq, d.lastSeq) {
		d.lastSeq, d.lastTS, d.lastAt = seq, ts, now
	}
	h := &d.hdr
	h.Version, h.Padding, h.PaddingSize, h.Marker = 2, pkt.Padding, pkt.PaddingSize, pkt.Marker
	h.PayloadType, h.SequenceNumber, h.Timestamp, h.SSRC = d.pt, seq, ts, d.ssrc
	h.Extension, h.ExtensionProfile, h.Extensions, h.CSRC = false, 0, h.Extensions[:0], h.CSRC[:0]
	if _, err := d.writer.WriteRTP(h, pkt.Payload); err == nil {
		d.sub.room.sfu.countForwarded(len(pkt.Payload))
	}
}

// switchTo makes layer current at pkt, continuing the outgoing sequence
// numbers and advancing the timestamp by the wall time since the last packet.
func (d *downTrack) switchTo(layer int, pkt *rtp.Packet, now int64) {
	if d.started {
		step := uint32(max(1, (now-d.lastAt)*int64(d.clock)/1e9))
		d.seqOffset = d.lastSeq + 1 - pkt.SequenceNumber
		d.tsOffset = d.lastTS + step - pkt.Timestamp
	} else {
		d.started = true
		d.lastSeq = pkt.SequenceNumber - 1
	}
	d.current, d.switchSeq = layer, pkt.SequenceNumber
}

// setTarget sets the wanted layer (-1 pauses at once) and reports whether
// a keyframe on it is needed: the switch has not happened yet.
func (d *downTrack) setTarget(layer int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.target = layer
	if layer < 0 {
		d.current = -1
		return false
	}
	return layer != d.current
}

// layers returns the current and target layers.
func (d *downTrack) layers() (current, target int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.current, d.target
}

// keyframeLayer is the layer a subscriber's PLI should go to: the target
// during a switch, else the current one.
func (d *downTrack) keyframeLayer() int {
	cur, tgt := d.layers()
	if tgt >= 0 {
		return tgt
	}
	return cur
}

// outSSRC is the SSRC the subscriber sees.
func (d *downTrack) outSSRC() uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ssrc
}
