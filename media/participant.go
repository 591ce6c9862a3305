package media

import (
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/webrtc/v4"
)

// Participant is one person's presence in a room: an "up" peer connection
// the client offers to publish on and a "down" one the SFU offers to send
// everyone else's tracks on. Its methods are safe for concurrent use and
// return ErrLeft once the participant has left or been removed.
type Participant struct {
	id     string
	role   Role
	room   *Room
	sink   SignalSink
	log    *slog.Logger
	joined time.Time

	up, down *webrtc.PeerConnection
	// downReady is set once the down connection is connected: until then
	// pion would drop forwarded packets, keyframes included.
	downReady atomic.Bool

	estMu     sync.Mutex
	estimator cc.BandwidthEstimator
	// estimateOverride, when positive, replaces the GCC estimate in bit/s:
	// the seam tests use to drive layer selection deterministically.
	estimateOverride atomic.Int64

	sendMu sync.Mutex // serializes sink.Signal

	upMu    sync.Mutex // serializes up negotiation
	negMu   sync.Mutex // guards down negotiation state
	pending bool       // a down offer is needed once the current one is answered
	restart bool       // the next down offer restarts ICE
	kickCh  chan struct{}

	candMu  sync.Mutex
	earlyUp []webrtc.ICECandidateInit // candidates that arrived before a remote description
	earlyDn []webrtc.ICECandidateInit

	// Guarded by room.mu.
	ups     map[*webrtc.RTPReceiver]*upTrack
	downs   []*downTrack
	sources map[string]string // mid → source, from the client's offer
	left    bool

	audioOnly atomic.Bool // set by the room loop
	muted     bool        // guarded by room.mu; applies to audio published later too

	// Room-loop state.
	upStreak  int
	probe     probeState
	lastScore int
	rr        rrStats

	qmu     sync.Mutex
	quality qualityLog

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// newParticipant creates the two peer connections; nothing is negotiated yet.
func newParticipant(r *Room, id string, role Role, sink SignalSink) (*Participant, error) {
	p := &Participant{
		id: id, role: role, room: r, sink: sink, joined: time.Now(),
		log:    r.log.With("participant", id),
		kickCh: make(chan struct{}, 1), done: make(chan struct{}),
		ups: map[*webrtc.RTPReceiver]*upTrack{}, sources: map[string]string{},
	}
	downAPI, err := r.sfu.newDownAPI(p.setEstimator)
	if err != nil {
		return nil, err
	}
	if p.down, err = downAPI.NewPeerConnection(webrtc.Configuration{}); err != nil {
		return nil, err
	}
	if p.up, err = r.sfu.upAPI.NewPeerConnection(webrtc.Configuration{}); err != nil {
		_ = p.down.Close()
		return nil, err
	}
	p.up.OnTrack(p.onTrack)
	p.up.OnConnectionStateChange(p.onState)
	p.down.OnConnectionStateChange(p.onDownState)
	p.wg.Add(1)
	go p.run()
	return p, nil
}

// ID returns the participant id given to Join.
func (p *Participant) ID() string { return p.id }

// Role returns the role given to Join.
func (p *Participant) Role() Role { return p.role }

// Leave removes the participant from its room, as Room.Remove does, with
// the reason "left". It is idempotent.
func (p *Participant) Leave() { _ = p.room.remove(p, "left") }

// setEstimator receives the down connection's GCC estimator.
func (p *Participant) setEstimator(e cc.BandwidthEstimator) {
	p.estMu.Lock()
	p.estimator = e
	p.estMu.Unlock()
}

// estimate is the subscriber's bandwidth in bit/s.
func (p *Participant) estimate() int {
	if v := p.estimateOverride.Load(); v > 0 {
		return int(v)
	}
	p.estMu.Lock()
	e := p.estimator
	p.estMu.Unlock()
	if e == nil {
		return p.room.sfu.cfg.StartBitrate
	}
	return e.GetTargetBitrate()
}

// send hands one frame to the sink; calls are serialized per participant.
func (p *Participant) send(typ string, data any) {
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	p.sink.Signal(Frame{Type: typ, Data: data})
}

// onState removes the participant when either connection fails for good.
func (p *Participant) onState(s webrtc.PeerConnectionState) {
	if s == webrtc.PeerConnectionStateFailed {
		p.log.Info("media connection failed")
		go func() { _ = p.room.remove(p, "connection_failed") }()
	}
}

// onDownState starts forwarding when the down connection connects (and
// again after a reconnect), asking every publisher it subscribes to for a
// keyframe so that video starts at once.
func (p *Participant) onDownState(s webrtc.PeerConnectionState) {
	if s != webrtc.PeerConnectionStateConnected {
		p.onState(s)
		return
	}
	p.downReady.Store(true)
	p.room.mu.Lock()
	downs := slices.Clone(p.downs)
	p.room.mu.Unlock()
	for _, d := range downs {
		if d.up.kind == webrtc.RTPCodecTypeVideo {
			d.up.requestKeyframe(d.keyframeLayer())
		}
	}
}

// close stops the participant's goroutines and connections and waits for
// its goroutines. Callers have removed it from the room first.
func (p *Participant) close() {
	p.closeOnce.Do(func() {
		close(p.done)
		_ = p.up.Close()
		_ = p.down.Close()
		p.wg.Wait()
	})
}

// Quality returns the participant's latest connection quality score (1–5),
// or 0 before the first measurement.
func (p *Participant) Quality() int {
	p.qmu.Lock()
	defer p.qmu.Unlock()
	return p.quality.last
}
