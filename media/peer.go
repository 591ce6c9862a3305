package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/dtls/v3"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/transport/v5"
	"github.com/pion/webrtc/v4"
)

// peer is an in-process Pion client of the SFU, used by the tests and by
// Bench: it joins a room through the Go API, publishes synthetic audio and
// VP8 video (optionally in three simulcast layers) and receives everyone
// else's tracks. It is the SignalSink of its own participant.
type peer struct {
	id     string
	opts   peerOptions
	api    *webrtc.API
	part   *Participant  // set once, before joined closes
	joined chan struct{} // closed when part is set
	start  sync.Once
	up     *webrtc.PeerConnection
	down   *webrtc.PeerConnection
	inbox  chan Frame

	mu     sync.Mutex
	events []Frame // every frame other than offers and answers, in order
	notify chan struct{}

	pub  *publication
	recv peerTracks
	// sfuLabel runs calls into the SFU under the SFU's profiler label
	// (bench CPU attribution).
	sfuLabel  bool
	received  atomic.Uint64
	overflows atomic.Uint64

	done chan struct{}
	wg   sync.WaitGroup
}

// peerOptions configure a peer.
type peerOptions struct {
	audio, video bool
	screen       bool // a second, single-layer video track named "screen"
	simulcast    bool
	loopback     bool          // gather loopback candidates only
	net          transport.Net // a virtual network instead of loopback
	tcpOnly      bool          // ICE over TCP only (ICE-TCP test)
	iceServers   []webrtc.ICEServer
	relayOnly    bool
	media        mediaShape
	// onRTP, if set, sees every received packet on the track's reader
	// goroutine: the publisher's id, the source and the packet.
	onRTP func(from, source string, pkt *rtp.Packet)
}

// newPeer builds the client's API; nothing connects until join.
func newPeer(id string, opts peerOptions) (*peer, error) {
	m := &webrtc.MediaEngine{}
	if err := registerCodecs(m); err != nil {
		return nil, err
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	quiet := pionLogs{slog.New(slog.NewTextHandler(io.Discard, nil))}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptorsWithOptions(m, reg, webrtc.WithInterceptorLoggerFactory(quiet)); err != nil {
		return nil, err
	}
	var se webrtc.SettingEngine
	se.LoggerFactory = quiet
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetSRTPProtectionProfiles(dtls.SRTP_AEAD_AES_128_GCM)
	switch {
	case opts.net != nil:
		se.SetNet(opts.net)
	case opts.loopback:
		se.SetIncludeLoopbackCandidate(true)
		se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	if opts.tcpOnly {
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeTCP4})
	} else {
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	}
	if opts.media.fps == 0 {
		opts.media = defaultShape()
	}
	return &peer{
		id: id, opts: opts, api: webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)),
		inbox: make(chan Frame, 1024), notify: make(chan struct{}, 1), done: make(chan struct{}), joined: make(chan struct{}),
	}, nil
}

// Signal implements SignalSink: frames queue for the peer's own goroutine.
func (c *peer) Signal(f Frame) {
	select {
	case c.inbox <- f:
	default:
		c.overflows.Add(1)
	}
}

// join joins room as role and starts receiving; publish separately. A
// refused join may be retried (after admission, say).
func (c *peer) join(room *Room, role Role) error {
	cfg := webrtc.Configuration{ICEServers: c.opts.iceServers}
	if c.opts.relayOnly {
		cfg.ICETransportPolicy = webrtc.ICETransportPolicyRelay
	}
	var err error
	if c.down == nil {
		if c.down, err = c.api.NewPeerConnection(cfg); err != nil {
			return err
		}
		c.down.OnTrack(c.onTrack)
	}
	if c.up == nil {
		if c.up, err = c.api.NewPeerConnection(cfg); err != nil {
			return err
		}
	}
	c.start.Do(func() {
		c.wg.Add(1)
		go c.loop()
	})
	var p *Participant
	c.toSFU(func() { p, err = room.Join(c.id, role, c) })
	if err != nil {
		return err
	}
	c.part = p
	close(c.joined)
	return nil
}

// loop handles the frames the SFU sends.
func (c *peer) loop() {
	defer c.wg.Done()
	for {
		select {
		case <-c.done:
			return
		case f := <-c.inbox:
			if err := c.handle(f); err != nil && !errors.Is(err, ErrLeft) {
				c.record(Frame{Type: "test.error", Data: err.Error()})
			}
		}
	}
}

// handle answers down offers, applies up answers and records the rest.
func (c *peer) handle(f Frame) error {
	switch f.Type {
	case FrameOffer:
		select {
		case <-c.joined:
		case <-c.done:
			return nil
		}
		if err := c.down.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: f.Data.(SDP).SDP}); err != nil {
			return err
		}
		answer, err := c.down.CreateAnswer(nil)
		if err != nil {
			return err
		}
		gathered := webrtc.GatheringCompletePromise(c.down)
		if err := c.down.SetLocalDescription(answer); err != nil {
			return err
		}
		<-gathered
		c.toSFU(func() { err = c.part.HandleAnswer(c.down.LocalDescription().SDP) })
		return err
	case FrameAnswer:
		return c.up.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: f.Data.(SDP).SDP})
	}
	c.record(f)
	return nil
}

// toSFU runs a call into the SFU, under the SFU's profiler label when the
// bench attributes CPU.
func (c *peer) toSFU(f func()) {
	if c.sfuLabel {
		onSFU(f)
		return
	}
	f()
}

// record appends an event and wakes waiters.
func (c *peer) record(f Frame) {
	c.mu.Lock()
	c.events = append(c.events, f)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// waitEvent waits for an event of typ matching ok (nil matches any) and
// returns it; it fails when ctx ends.
func (c *peer) waitEvent(ctx context.Context, typ string, ok func(any) bool) (Frame, error) {
	for {
		c.mu.Lock()
		for _, f := range c.events {
			if f.Type == typ && (ok == nil || ok(f.Data)) {
				c.mu.Unlock()
				return f, nil
			}
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return Frame{}, fmt.Errorf("peer %s: no %s: %w", c.id, typ, ctx.Err())
		case <-c.notify:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// close stops the peer's goroutines and connections.
func (c *peer) close() {
	select {
	case <-c.done:
		return
	default:
	}
	close(c.done)
	if c.pub != nil {
		c.pub.stop()
	}
	for _, pc := range []*webrtc.PeerConnection{c.up, c.down} {
		if pc != nil {
			_ = pc.Close()
		}
	}
	if c.pub != nil {
		c.pub.wg.Wait()
	}
	c.wg.Wait()
}
