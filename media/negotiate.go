package media

import (
	"fmt"
	"time"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"haven/portal/fault"
)

const (
	// maxMediaSections bounds a client's up offer: audio, camera, screen
	// and one spare (a data channel, or a replaced track).
	maxMediaSections = 4
	// gatherTimeout bounds waiting for local candidates; with the UDP mux
	// gathering is immediate.
	gatherTimeout      = 5 * time.Second
	maxEarlyCandidates = 32
)

// run is the participant's negotiation goroutine: each kick makes one down
// offer, so bursts of track changes coalesce into one renegotiation.
func (p *Participant) run() {
	defer p.wg.Done()
	for {
		select {
		case <-p.done:
			return
		case <-p.kickCh:
			if err := p.offerDown(); err != nil {
				p.log.Warn("down offer failed", "err", err)
			}
		}
	}
}

// kick asks for a down renegotiation without blocking.
func (p *Participant) kick() {
	select {
	case p.kickCh <- struct{}{}:
	default:
	}
}

// offerDown sends a new down offer, or marks one pending while the previous
// offer awaits its answer. The SFU sends complete offers (all candidates
// included), so it never trickles candidates itself.
func (p *Participant) offerDown() error {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.down.SignalingState() != webrtc.SignalingStateStable {
		p.pending = true
		return nil
	}
	if len(p.down.GetTransceivers()) == 0 {
		return nil
	}
	restart := p.restart
	p.restart = false
	offer, err := p.down.CreateOffer(&webrtc.OfferOptions{ICERestart: restart})
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(p.down)
	if err := p.down.SetLocalDescription(offer); err != nil {
		return err
	}
	select {
	case <-gathered:
	case <-p.done:
		return nil
	case <-time.After(gatherTimeout):
	}
	p.send(FrameOffer, SDP{SDP: p.down.LocalDescription().SDP})
	return nil
}

// HandleOffer applies the client's offer for its up connection (first
// publish, a new track, or an ICE restart) and sends the answer through the
// sink as media.offer's reply, media.answer, before it returns. o.Tracks
// names the sources of its m-lines. Errors: ErrLeft, ErrBadSDP (the offer
// is unusable; the up connection is unchanged), or an invalid-input fault
// for more than 4 media sections.
func (p *Participant) HandleOffer(o SDP) error {
	if err := p.checkLive(); err != nil {
		return err
	}
	var parsed sdp.SessionDescription
	if err := parsed.UnmarshalString(o.SDP); err != nil {
		return fault.Wrap(ErrBadSDP, err)
	}
	if len(parsed.MediaDescriptions) > maxMediaSections {
		return fault.Invalidf("offer: at most %d media sections", maxMediaSections)
	}
	p.setSources(o.Tracks)
	p.upMu.Lock()
	defer p.upMu.Unlock()
	if err := p.up.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: o.SDP}); err != nil {
		return fault.Wrap(ErrBadSDP, err)
	}
	p.flushEarly(p.up, &p.earlyUp)
	answer, err := p.up.CreateAnswer(nil)
	if err != nil {
		return fault.Wrap(ErrBadSDP, err)
	}
	gathered := webrtc.GatheringCompletePromise(p.up)
	if err := p.up.SetLocalDescription(answer); err != nil {
		return fault.Wrap(ErrBadSDP, err)
	}
	select {
	case <-gathered:
	case <-time.After(gatherTimeout):
	}
	p.send(FrameAnswer, SDP{SDP: p.up.LocalDescription().SDP})
	return nil
}

// HandleAnswer applies the client's answer to the SFU's latest down offer,
// then sends the next offer if tracks changed meanwhile. Errors: ErrLeft,
// ErrBadSDP (an answer without an outstanding offer, or malformed).
func (p *Participant) HandleAnswer(answer string) error {
	if err := p.checkLive(); err != nil {
		return err
	}
	p.negMu.Lock()
	err := p.down.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer})
	pending := p.pending
	p.pending = false
	p.negMu.Unlock()
	if err != nil {
		return fault.Wrap(ErrBadSDP, err)
	}
	p.flushEarly(p.down, &p.earlyDn)
	if pending {
		p.kick()
	}
	return nil
}

// AddICECandidate adds a candidate the client trickled for its up or down
// connection. Candidates that arrive before the matching description are
// held (up to 32) and applied after it. Errors: ErrLeft, ErrBadCandidate.
func (p *Participant) AddICECandidate(c Candidate) error {
	if err := p.checkLive(); err != nil {
		return err
	}
	init := webrtc.ICECandidateInit{Candidate: c.Candidate, SDPMid: c.SDPMid, SDPMLineIndex: c.SDPMLineIndex, UsernameFragment: c.UsernameFragment}
	pc, early := p.up, &p.earlyUp
	if c.PC == "down" {
		pc, early = p.down, &p.earlyDn
	}
	p.candMu.Lock()
	if pc.RemoteDescription() == nil {
		defer p.candMu.Unlock()
		if len(*early) >= maxEarlyCandidates {
			return fault.Wrap(ErrBadCandidate, fmt.Errorf("more than %d candidates before a description", maxEarlyCandidates))
		}
		*early = append(*early, init)
		return nil
	}
	p.candMu.Unlock()
	if err := pc.AddICECandidate(init); err != nil {
		return fault.Wrap(ErrBadCandidate, err)
	}
	return nil
}

// flushEarly applies candidates held for pc.
func (p *Participant) flushEarly(pc *webrtc.PeerConnection, early *[]webrtc.ICECandidateInit) {
	p.candMu.Lock()
	held := *early
	*early = nil
	p.candMu.Unlock()
	for _, c := range held {
		if err := pc.AddICECandidate(c); err != nil {
			p.log.Debug("held candidate rejected", "err", err)
		}
	}
}

// RestartICE makes the SFU re-offer the down connection with new ICE
// credentials (media.restart); the client restarts its up connection by
// sending an offer with iceRestart. Errors: ErrLeft.
func (p *Participant) RestartICE() error {
	if err := p.checkLive(); err != nil {
		return err
	}
	p.negMu.Lock()
	p.restart = true
	p.negMu.Unlock()
	p.kick()
	return nil
}

// checkLive returns ErrLeft once the participant is gone.
func (p *Participant) checkLive() error {
	select {
	case <-p.done:
		return ErrLeft
	default:
		return nil
	}
}

// setSources records the client's mid → source names.
func (p *Participant) setSources(tracks map[string]string) {
	p.room.mu.Lock()
	defer p.room.mu.Unlock()
	for mid, src := range tracks {
		p.sources[mid] = src
	}
}
