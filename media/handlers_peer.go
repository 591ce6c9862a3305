package media

import (
	"context"

	"haven/signaling"
)

// participantOf returns the sender's participant in a room. Errors:
// ErrNotJoined (not in a session, or still waiting).
func (s *Sessions) participantOf(c connKey) (*Participant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.conns[c]
	if m == nil || m.part == nil || m.waiting {
		return nil, ErrNotJoined
	}
	return m.part, nil
}

// handleOffer serves media.offer: the client's offer for its up
// connection, answered with media.answer before the reply.
func (s *Sessions) handleOffer(_ context.Context, req *signaling.Request) error {
	o, err := DecodeSDP(req.Data)
	if err != nil {
		return err
	}
	p, err := s.participantOf(req.Conn)
	if err != nil {
		return err
	}
	return p.HandleOffer(o)
}

// handleAnswer serves media.answer: the client's answer to the SFU's
// latest down offer.
func (s *Sessions) handleAnswer(_ context.Context, req *signaling.Request) error {
	a, err := DecodeSDP(req.Data)
	if err != nil {
		return err
	}
	p, err := s.participantOf(req.Conn)
	if err != nil {
		return err
	}
	return p.HandleAnswer(a.SDP)
}

// handleCandidate serves media.candidate: a trickled client candidate.
func (s *Sessions) handleCandidate(_ context.Context, req *signaling.Request) error {
	c, err := DecodeCandidate(req.Data)
	if err != nil {
		return err
	}
	p, err := s.participantOf(req.Conn)
	if err != nil {
		return err
	}
	return p.AddICECandidate(c)
}

// handleRestart serves media.restart: the SFU re-offers the down
// connection with new ICE credentials.
func (s *Sessions) handleRestart(_ context.Context, req *signaling.Request) error {
	p, err := s.participantOf(req.Conn)
	if err != nil {
		return err
	}
	return p.RestartICE()
}

// handleLayer serves media.layer: a cap on what the sender receives of one
// tile.
func (s *Sessions) handleLayer(_ context.Context, req *signaling.Request) error {
	l, err := DecodeLayer(req.Data)
	if err != nil {
		return err
	}
	p, err := s.participantOf(req.Conn)
	if err != nil {
		return err
	}
	return p.SetMaxLayer(l.Participant, l.Source, l.Max)
}
