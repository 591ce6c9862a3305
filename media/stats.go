package media

import (
	"cmp"
	"slices"
)

// Stats is a snapshot of the node's forwarding.
type Stats struct {
	Rooms            int    `json:"rooms"`
	Participants     int    `json:"participants"`
	Streams          int    `json:"streams"`     // reserved by admission
	MaxStreams       int    `json:"max_streams"` // Config.MaxStreams
	ForwardedPackets uint64 `json:"forwarded_packets"`
	ForwardedBytes   uint64 `json:"forwarded_bytes"` // payload bytes
	PacketRate       int64  `json:"packet_rate"`     // forwarded packets/s, last second
	KeyframeRequests uint64 `json:"keyframe_requests"`
	NACKsReceived    uint64 `json:"nacks_received"` // from subscribers, answered from the packet cache
}

// Stats returns counters since NewSFU and the current load.
func (s *SFU) Stats() Stats {
	s.mu.Lock()
	rooms := make([]*Room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	st := Stats{
		Rooms: len(rooms), Streams: s.adm.streams(), MaxStreams: s.cfg.MaxStreams,
		ForwardedPackets: s.forwarded.Load(), ForwardedBytes: s.forwardedBytes.Load(),
		PacketRate: s.rate.Load(), KeyframeRequests: s.plis.Load(), NACKsReceived: s.nacks.Load(),
	}
	for _, r := range rooms {
		r.mu.Lock()
		st.Participants += len(r.parts)
		r.mu.Unlock()
	}
	return st
}

// RoomStats is a snapshot of one room.
type RoomStats struct {
	Room         string             `json:"room"`
	Speaker      string             `json:"speaker,omitempty"`
	Participants []ParticipantStats `json:"participants"`
}

// ParticipantStats is one participant in RoomStats.
type ParticipantStats struct {
	ID         string `json:"id"`
	Role       Role   `json:"role"`
	Quality    int    `json:"quality"` // 1–5, 0 before the first measurement
	AudioOnly  bool   `json:"audio_only"`
	Muted      bool   `json:"muted"`
	Estimate   int    `json:"estimate_bps"`
	Published  int    `json:"published"`  // tracks
	Subscribed int    `json:"subscribed"` // tracks
}

// Stats returns the room's participants in join order.
func (r *Room) Stats() RoomStats {
	r.mu.Lock()
	st := RoomStats{Room: r.id, Speaker: r.speaker}
	parts := make([]*Participant, 0, len(r.order))
	for _, id := range r.order {
		p := r.parts[id]
		parts = append(parts, p)
		st.Participants = append(st.Participants, ParticipantStats{
			ID: id, Role: p.role, Muted: p.muted, Published: len(p.ups), Subscribed: len(p.downs),
		})
	}
	r.mu.Unlock()
	for i, p := range parts {
		st.Participants[i].Quality = p.Quality()
		st.Participants[i].AudioOnly = p.audioOnly.Load()
		st.Participants[i].Estimate = p.estimate()
	}
	return st
}

// sortSummaries orders summaries by first join, then id.
func sortSummaries(s []ParticipantSummary) {
	slices.SortFunc(s, func(a, b ParticipantSummary) int {
		if c := a.Joined.Compare(b.Joined); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
