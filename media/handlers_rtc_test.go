package media

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"haven/portal/account"
	"haven/signaling"
)

// rtcClient is a Pion client of a session that negotiates only through
// media.* frames on its signaling connection, as a browser does: it
// publishes synthetic audio and VP8 video (every frame a keyframe) and
// counts what it receives with the in-process peer's track readers.
type rtcClient struct {
	t        *testing.T
	pid      string
	p        *peer // the API and the receive counters
	wsMu     sync.Mutex
	ws       *wsClient // replaced by setWS; read through signal off the test goroutine
	up, down *webrtc.PeerConnection
	offers   chan string
	answers  chan string
	stop     chan struct{}
	wg       sync.WaitGroup
}

// newRTC connects actor's signaling and builds both peer connections;
// nothing is negotiated until join and publish.
func newRTC(e *hubEnv, actor account.Actor) *rtcClient {
	e.t.Helper()
	c := &rtcClient{t: e.t, pid: participantID(actor.UserID), offers: make(chan string, 16), answers: make(chan string, 16),
		stop: make(chan struct{})}
	p, err := newPeer(c.pid, peerOptions{loopback: true})
	if err != nil {
		e.t.Fatal(err)
	}
	c.p = p
	if c.up, err = p.api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		e.t.Fatal(err)
	}
	if c.down, err = p.api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		e.t.Fatal(err)
	}
	c.down.OnTrack(p.onTrack)
	c.ws = e.dial(actor, c.route)
	c.wg.Add(1)
	go c.answerOffers()
	e.t.Cleanup(c.close)
	return c
}

// route hands SDP events to the negotiation goroutines.
func (c *rtcClient) route(f signaling.Frame) {
	var sdp SDP
	switch f.Type {
	case FrameOffer:
		if json.Unmarshal(f.Data, &sdp) == nil {
			c.offers <- sdp.SDP
		}
	case FrameAnswer:
		if json.Unmarshal(f.Data, &sdp) == nil {
			c.answers <- sdp.SDP
		}
	}
}

// answerOffers answers each down offer of the SFU with media.answer.
func (c *rtcClient) answerOffers() {
	defer c.wg.Done()
	for {
		select {
		case <-c.stop:
			return
		case o := <-c.offers:
			if err := c.answer(o); err != nil {
				select {
				case <-c.stop: // closed while answering: the error is the close
					return
				default:
				}
				if errors.Is(err, webrtc.ErrConnectionClosed) {
					// The SFU closed this connection (DTLS close_notify, as
					// when the host ends the session) after offering: the
					// offer is moot, as in a browser. Media assertions catch
					// a connection closed too early.
					continue
				}
				c.t.Errorf("%s: answer down offer: %v", c.pid, err)
			}
		}
	}
}

func (c *rtcClient) answer(offer string) error {
	if err := c.down.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return err
	}
	a, err := c.down.CreateAnswer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(c.down)
	if err := c.down.SetLocalDescription(a); err != nil {
		return err
	}
	<-gathered
	b, _ := json.Marshal(map[string]any{"type": FrameAnswer, "data": SDP{SDP: c.down.LocalDescription().SDP}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.signal().ws.Write(ctx, websocket.MessageText, b)
}

// signal returns the current signaling connection.
func (c *rtcClient) signal() *wsClient {
	c.wsMu.Lock()
	defer c.wsMu.Unlock()
	return c.ws
}

// setWS switches to a new signaling connection (after a drop).
func (c *rtcClient) setWS(ws *wsClient) {
	c.wsMu.Lock()
	c.ws = ws
	c.wsMu.Unlock()
}

// join sends media.join and returns the reply.
func (c *rtcClient) join(ctx context.Context, session string, resume bool) JoinReply {
	c.t.Helper()
	var r JoinReply
	c.signal().ok(ctx, FrameJoin, JoinFrame{Room: session, Resume: resume}, &r)
	return r
}

// publish offers the up connection with a microphone and a camera through
// media.offer, applies the answer and starts sending.
func (c *rtcClient) publish(ctx context.Context) {
	c.t.Helper()
	audio, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", c.pid)
	video, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", c.pid)
	senders := map[*webrtc.RTPSender]string{}
	for _, tr := range []struct {
		t   *webrtc.TrackLocalStaticRTP
		src string
	}{{audio, SourceMic}, {video, SourceCamera}} {
		s, err := c.up.AddTrack(tr.t)
		if err != nil {
			c.t.Fatal(err)
		}
		c.drainRTCP(s)
		senders[s] = tr.src
	}
	offer, err := c.up.CreateOffer(nil)
	if err != nil {
		c.t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(c.up)
	if err := c.up.SetLocalDescription(offer); err != nil {
		c.t.Fatal(err)
	}
	<-gathered
	tracks := map[string]string{}
	for s, src := range senders {
		tracks[transceiverOf(c.up, s).Mid()] = src
	}
	c.signal().ok(ctx, FrameOffer, SDP{SDP: c.up.LocalDescription().SDP, Tracks: tracks}, nil)
	select {
	case a := <-c.answers:
		if err := c.up.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: a}); err != nil {
			c.t.Fatal(err)
		}
	case <-ctx.Done():
		c.t.Fatal("no media.answer to the up offer")
	}
	c.wg.Add(1)
	go c.send(audio, video)
}

// drainRTCP reads a sender's RTCP so the interceptors run.
func (c *rtcClient) drainRTCP(s *webrtc.RTPSender) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		buf := make([]byte, 1500)
		for {
			if _, _, err := s.Read(buf); err != nil {
				return
			}
		}
	}()
}

// send writes 20 ms of audio and a small VP8 keyframe every tick.
func (c *rtcClient) send(audio, video *webrtc.TrackLocalStaticRTP) {
	defer c.wg.Done()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	payload := make([]byte, 300)
	for n := uint32(0); ; n++ {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		a := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(n), Timestamp: n * 960, Marker: true}, Payload: []byte{0xfc, 0xff, 0xfe}}
		frameHeader(payload, true, true, n, 0, 0)
		v := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(n), Timestamp: n * 1800, Marker: true}, Payload: payload}
		if audio.WriteRTP(a) != nil || video.WriteRTP(v) != nil {
			return
		}
	}
}

// received counts what c received of publisher's source.
func (c *rtcClient) received(publisher, source string) uint64 {
	return c.p.packetsFrom(publisher, source)
}

func (c *rtcClient) close() {
	select {
	case <-c.stop:
		return
	default:
	}
	close(c.stop)
	_ = c.up.Close()
	_ = c.down.Close()
	c.wg.Wait()
	c.signal().close()
}
