package media

import (
	"slices"

	"github.com/pion/webrtc/v4"
)

// Wait puts a guest in the room's waiting room: the guest's sink gets
// media.waiting and every host media.waiting naming them. A guest already
// admitted gets media.admitted at once. Errors: ErrRoomClosed, or an
// invalid-input fault for a malformed id.
func (r *Room) Wait(id string, sink SignalSink) error {
	if err := validID(id); err != nil {
		return err
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrRoomClosed
	}
	if r.admitted[id] {
		r.mu.Unlock()
		sink.Signal(Frame{Type: FrameAdmitted, Data: ParticipantEvent{Participant: id, Role: RoleGuest}})
		return nil
	}
	r.waiting[id] = sink
	hosts := r.hostsLocked()
	r.mu.Unlock()
	ev := ParticipantEvent{Participant: id, Role: RoleGuest}
	sink.Signal(Frame{Type: FrameWaiting, Data: ev})
	for _, h := range hosts {
		h.send(FrameWaiting, ev)
	}
	return nil
}

// Admit lets a guest in (a host's media.admit): a waiting guest gets
// media.admitted and may then Join; a guest not yet waiting is admitted in
// advance. Errors: ErrRoomClosed.
func (r *Room) Admit(id string) error {
	if err := validID(id); err != nil {
		return err
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrRoomClosed
	}
	r.admitted[id] = true
	sink := r.waiting[id]
	delete(r.waiting, id)
	r.mu.Unlock()
	if sink != nil {
		sink.Signal(Frame{Type: FrameAdmitted, Data: ParticipantEvent{Participant: id, Role: RoleGuest}})
	}
	return nil
}

// Waiting lists the ids in the waiting room, sorted.
func (r *Room) Waiting() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.waiting))
	for id := range r.waiting {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Mute stops forwarding a participant's audio on the server (a host's
// media.mute), including microphones they publish later, and tells everyone,
// the participant included, with media.muted. Errors: ErrNoParticipant.
func (r *Room) Mute(id string) error { return r.setMuted(id, true) }

// Unmute resumes forwarding a participant's audio and sends media.unmuted to
// everyone. Who may unmute (the host, the participant) is the caller's
// policy. Errors: ErrNoParticipant.
func (r *Room) Unmute(id string) error { return r.setMuted(id, false) }

func (r *Room) setMuted(id string, muted bool) error {
	r.mu.Lock()
	p := r.parts[id]
	if p == nil {
		r.mu.Unlock()
		return ErrNoParticipant
	}
	p.muted = muted
	for _, u := range p.ups {
		if u.kind == webrtc.RTPCodecTypeAudio {
			u.muted.Store(muted)
		}
	}
	all := r.othersLocked(nil)
	r.mu.Unlock()
	typ := FrameUnmuted
	if muted {
		typ = FrameMuted
	}
	for _, o := range all {
		o.send(typ, ParticipantEvent{Participant: id, Role: p.role})
	}
	return nil
}

// SetMaxLayer caps the quality p receives of one publisher's video source
// (media.layer): "off", "low", "medium" or "high". Errors: ErrLeft,
// ErrNoParticipant (no such publisher or source), an invalid-input fault
// for an unknown max.
func (p *Participant) SetMaxLayer(publisher, source, maxLayer string) error {
	l, ok := maxLayerOf(maxLayer)
	if !ok {
		return ErrBadFrame
	}
	if err := p.checkLive(); err != nil {
		return err
	}
	p.room.mu.Lock()
	defer p.room.mu.Unlock()
	for _, d := range p.downs {
		if d.up.owner.id == publisher && d.up.source == source {
			d.maxLayer.Store(int32(l)) //nolint:gosec // -1..2
			return nil
		}
	}
	return ErrNoParticipant
}

// hostsLocked lists the host participants.
func (r *Room) hostsLocked() []*Participant {
	var hosts []*Participant
	for _, p := range r.parts {
		if p.role == RoleHost {
			hosts = append(hosts, p)
		}
	}
	return hosts
}
