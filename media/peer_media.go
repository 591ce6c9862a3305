package media

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// mediaShape is the synthetic media a peer publishes.
type mediaShape struct {
	fps           int
	layerPackets  [maxLayers]int // packets per video frame, lowest layer first
	layerSize     [maxLayers]int // payload bytes per video packet
	audioLevel    byte           // RFC 6464 level sent with audio: 0 loudest, 127 silent
	keyframeEvery time.Duration  // periodic keyframes; 0 sends them only on PLI
}

// defaultShape is about 50, 190 and 480 kbit/s of video and 40 of audio.
func defaultShape() mediaShape {
	return mediaShape{fps: 15, layerPackets: [maxLayers]int{1, 2, 4}, layerSize: [maxLayers]int{400, 800, 1000}, audioLevel: 100}
}

// extensionWindow: simulcast packets carry mid and rid for this long, until
// the SFU has surely mapped their SSRCs (browsers do the same).
const extensionWindow = 3 * time.Second

// publication is a peer's outgoing media.
type publication struct {
	c        *peer
	audio    *webrtc.TrackLocalStaticRTP
	video    []*webrtc.TrackLocalStaticRTP // one per layer
	screen   *webrtc.TrackLocalStaticRTP
	rids     []string
	kfWanted [maxLayers]atomic.Bool
	plis     atomic.Uint64
	nacks    atomic.Uint64
	sent     atomic.Uint64
	stopCh   chan struct{}
	wg       sync.WaitGroup
}

// publish adds the peer's tracks to its up connection, offers it, and starts
// sending once connected.
func (c *peer) publish() error {
	p := &publication{c: c, stopCh: make(chan struct{})}
	tracks := map[*webrtc.RTPTransceiver]string{}
	if c.opts.audio {
		p.audio, _ = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", c.id)
		s, err := c.up.AddTrack(p.audio)
		if err != nil {
			return err
		}
		tracks[transceiverOf(c.up, s)] = SourceMic
		p.drain(s, "", -1)
	}
	if c.opts.video {
		p.rids = []string{""}
		if c.opts.simulcast {
			p.rids = []string{"q", "h", "f"}
		}
		var s *webrtc.RTPSender
		for i, rid := range p.rids {
			var opts []func(*webrtc.TrackLocalStaticRTP)
			if rid != "" {
				opts = append(opts, webrtc.WithRTPStreamID(rid))
			}
			t, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", c.id, opts...)
			if err != nil {
				return err
			}
			p.video = append(p.video, t)
			if i == 0 {
				if s, err = c.up.AddTrack(t); err != nil {
					return err
				}
			} else if err := s.AddEncoding(t); err != nil {
				return err
			}
		}
		tracks[transceiverOf(c.up, s)] = SourceCamera
		for i, rid := range p.rids {
			p.drain(s, rid, i)
		}
	}
	if c.opts.screen {
		t, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "screen", c.id)
		if err != nil {
			return err
		}
		s, err := c.up.AddTrack(t)
		if err != nil {
			return err
		}
		p.screen = t
		tracks[transceiverOf(c.up, s)] = SourceScreen
		p.drain(s, "", -1)
	}
	c.pub = p
	offer, err := c.up.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(c.up)
	if err := c.up.SetLocalDescription(offer); err != nil {
		return err
	}
	<-gathered
	names := map[string]string{}
	for t, src := range tracks {
		names[t.Mid()] = src
	}
	o := SDP{SDP: c.up.LocalDescription().SDP, Tracks: names}
	c.toSFU(func() { err = c.part.HandleOffer(o) })
	if err != nil {
		return err
	}
	p.wg.Add(1)
	go p.send()
	return nil
}

// transceiverOf finds the transceiver of a sender.
func transceiverOf(pc *webrtc.PeerConnection, s *webrtc.RTPSender) *webrtc.RTPTransceiver {
	for _, t := range pc.GetTransceivers() {
		if t.Sender() == s {
			return t
		}
	}
	return nil
}

// drain reads a sender's RTCP (feeding the NACK responder) and turns PLIs on
// video layer into a keyframe request.
func (p *publication) drain(s *webrtc.RTPSender, rid string, layer int) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		buf := make([]byte, readBuffer)
		for {
			var n int
			var err error
			if rid != "" {
				n, _, err = s.ReadSimulcast(buf, rid)
			} else {
				n, _, err = s.Read(buf)
			}
			if err != nil {
				return
			}
			pkts, err := rtcp.Unmarshal(buf[:n])
			if err != nil {
				continue
			}
			for _, pk := range pkts {
				switch pk.(type) {
				case *rtcp.PictureLossIndication:
					p.plis.Add(1)
					if layer >= 0 {
						p.kfWanted[layer].Store(true)
					}
				case *rtcp.TransportLayerNack:
					p.nacks.Add(1)
				}
			}
		}
	}()
}

// stop ends sending; the connections are closed by the peer.
func (p *publication) stop() {
	select {
	case <-p.stopCh:
	default:
		close(p.stopCh)
	}
}

// send writes 20 ms audio packets and video frames at the shape's rate.
func (p *publication) send() {
	defer p.wg.Done()
	for p.c.up.ConnectionState() != webrtc.PeerConnectionStateConnected {
		select {
		case <-p.stopCh:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	var midID, ridID, levelID uint8
	for _, t := range p.c.up.GetTransceivers() {
		for _, e := range t.Sender().GetParameters().HeaderExtensions {
			switch e.URI {
			case sdp.SDESMidURI:
				midID = uint8(e.ID) //nolint:gosec // 1..14
			case sdp.SDESRTPStreamIDURI:
				ridID = uint8(e.ID) //nolint:gosec // 1..14
			case sdp.AudioLevelURI:
				levelID = uint8(e.ID) //nolint:gosec // 1..14
			}
		}
	}
	vmid := ""
	if len(p.video) > 0 {
		for _, t := range p.c.up.GetTransceivers() {
			if t.Kind() == webrtc.RTPCodecTypeVideo {
				vmid = t.Mid()
			}
		}
	}
	w := newMediaWriter(p, p.c.opts.media, midID, ridID, levelID, vmid)
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	start := time.Now()
	for tick := 0; ; {
		select {
		case <-p.stopCh:
			return
		case <-t.C:
		}
		// Catch up on ticks a busy machine delayed (at most 5 at once), so
		// the offered load stays what the shape says.
		due := int(time.Since(start) / (20 * time.Millisecond))
		for n := 0; tick <= due && n < 5; n++ {
			if err := w.tick(tick); err != nil {
				return // the connection closed
			}
			tick++
		}
	}
}

// frameHeader writes a synthetic VP8 payload: descriptor (S on the first
// packet of a frame), a payload header whose P bit is clear on a keyframe's
// first packet, the frame number, the packet index (high bit set in every
// packet of a keyframe) and the layer, then a filler derived from the frame
// number, so a receiver can check the payload arrived intact
// (payloadIntact).
func frameHeader(buf []byte, first, keyframe bool, frame uint32, idx, layer int) {
	buf[0] = 0
	if first {
		buf[0] = 0x10
	}
	buf[1] = 1
	if keyframe && first {
		buf[1] = 0
	}
	binary.BigEndian.PutUint32(buf[2:], frame)
	buf[6], buf[7] = byte(idx), byte(layer)
	if keyframe {
		buf[6] |= 0x80
	}
	for j := 8; j < len(buf); j++ {
		buf[j] = byte(int(frame) + j)
	}
}

// inKeyframe reports whether a payload written by frameHeader belongs to a
// keyframe.
func inKeyframe(b []byte) bool { return len(b) > 6 && b[6]&0x80 != 0 }

// payloadIntact checks a payload written by frameHeader.
func payloadIntact(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	frame := binary.BigEndian.Uint32(b[2:])
	for j := 8; j < len(b); j++ {
		if b[j] != byte(int(frame)+j) {
			return false
		}
	}
	return true
}
