package media

import "time"

// RoomSummary is what a closed room leaves behind for the caller to store:
// who was there, when, and how well they were connected. It holds no media
// and no content.
type RoomSummary struct {
	Room         string               `json:"room"`
	Opened       time.Time            `json:"opened"`
	Closed       time.Time            `json:"closed"`
	Duration     time.Duration        `json:"duration"`
	Reason       string               `json:"reason"` // "ended", "idle" or "shutdown"
	Participants []ParticipantSummary `json:"participants"`
}

// ParticipantSummary is one participant's part in a RoomSummary; rejoins
// under the same id are merged.
type ParticipantSummary struct {
	ID             string    `json:"id"`
	Role           Role      `json:"role"`
	Joined         time.Time `json:"joined"` // first join
	Left           time.Time `json:"left"`   // last leave
	QualityMin     int       `json:"quality_min"`
	QualityAvg     float64   `json:"quality_avg"`
	QualitySamples int       `json:"quality_samples"`
	qualitySum     int
}

// addQuality merges a participant's score history into the summary.
func (s *ParticipantSummary) addQuality(q qualityLog) {
	if q.n == 0 {
		return
	}
	if s.QualitySamples == 0 || q.min < s.QualityMin {
		s.QualityMin = q.min
	}
	s.qualitySum += q.sum
	s.QualitySamples += q.n
	s.QualityAvg = round1(float64(s.qualitySum) / float64(s.QualitySamples))
}

// Close ends the room (a host's media.end): every participant gets
// media.ended and is disconnected, waiting guests get media.ended, and the
// summary is returned. Later calls return a zero RoomSummary.
func (r *Room) Close() RoomSummary {
	s, _ := r.closeWith("ended")
	return s
}

// closeAndReport closes the room and hands the summary to OnClose.
func (r *Room) closeAndReport(reason string) {
	if s, ok := r.closeWith(reason); ok && r.opts.OnClose != nil {
		r.opts.OnClose(s)
	}
}

// closeWith closes the room once; ok is false if it was already closed. It
// must not run on the room loop's goroutine, which it waits for.
func (r *Room) closeWith(reason string) (RoomSummary, bool) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return RoomSummary{}, false
	}
	r.closed = true
	parts := r.othersLocked(nil)
	for _, p := range parts {
		r.detachLocked(p) // every connection closes; nothing to unsubscribe
	}
	waiting := r.waiting
	r.waiting = map[string]SignalSink{}
	r.mu.Unlock()
	close(r.done)
	<-r.loopDone
	ev := EndedEvent{Reason: reason}
	for _, p := range parts {
		p.send(FrameEnded, ev)
		p.close()
	}
	for _, sink := range waiting {
		sink.Signal(Frame{Type: FrameEnded, Data: ev})
	}
	r.sfu.forgetRoom(r)
	s := r.summary(reason)
	r.log.Info("room closed", "reason", reason, "participants", len(s.Participants), "duration_s", int(s.Duration.Seconds()))
	return s, true
}

// summary builds the RoomSummary after close.
func (r *Room) summary(reason string) RoomSummary {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	s := RoomSummary{Room: r.id, Opened: r.opened, Closed: now, Duration: now.Sub(r.opened), Reason: reason}
	for _, h := range r.history {
		s.Participants = append(s.Participants, *h)
	}
	sortSummaries(s.Participants)
	return s
}
