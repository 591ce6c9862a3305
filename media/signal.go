package media

// SignalSink is how the SFU talks to one participant's client: the caller
// (the signaling hub) implements it and turns each Frame into a media.* frame
// on the participant's WebSocket.
//
// Signal is called from SFU goroutines, never while an SFU lock is held, and
// for one participant always from one goroutine at a time, in the order the
// frames must arrive. It must not block: a sink that cannot keep up should
// close the connection (the client rejoins) rather than stall the SFU.
// Ephemeral frames (FrameSpeaker, FrameQuality, FrameLayers) may be dropped
// under pressure; offers, answers and room events may not.
type SignalSink interface {
	Signal(f Frame)
}

// Frame is one outgoing media frame: its wire type and its data, a value of
// one of the *Event or SDP types in this package, JSON-encodable as is.
type Frame struct {
	Type string
	Data any
}

// SinkFunc adapts a function to SignalSink.
type SinkFunc func(Frame)

// Signal calls f(fr).
func (f SinkFunc) Signal(fr Frame) { f(fr) }

// Wire frame types. Client→server types are decoded by the Decode*
// functions; server→client types are sent through SignalSink. FRAMES.md
// describes each.
const (
	FrameJoin      = "media.join"       // client→server: JoinRequest
	FrameLeave     = "media.leave"      // client→server: no data
	FrameOffer     = "media.offer"      // both ways: SDP (client's is for up, server's for down)
	FrameAnswer    = "media.answer"     // both ways: SDP (server's answers up, client's answers down)
	FrameCandidate = "media.candidate"  // client→server: Candidate
	FrameRestart   = "media.restart"    // client→server: no data; server re-offers down with an ICE restart
	FrameLayer     = "media.layer"      // client→server: LayerRequest
	FrameMute      = "media.mute"       // host→server: Target
	FrameUnmute    = "media.unmute"     // host or self→server: Target
	FrameMuted     = "media.muted"      // server→all: ParticipantEvent
	FrameUnmuted   = "media.unmuted"    // server→all: ParticipantEvent
	FrameRemove    = "media.remove"     // host→server: Target
	FrameEnd       = "media.end"        // host→server: no data
	FrameAdmit     = "media.admit"      // host→server: Target
	FrameWaiting   = "media.waiting"    // server→hosts and the guest: ParticipantEvent
	FrameAdmitted  = "media.admitted"   // server→guest: ParticipantEvent
	FrameJoined    = "media.joined"     // server→others: ParticipantEvent
	FrameLeft      = "media.left"       // server→others: ParticipantEvent (Reason)
	FrameRemoved   = "media.removed"    // server→the removed participant: ParticipantEvent
	FrameEnded     = "media.ended"      // server→all: EndedEvent
	FrameSpeaker   = "media.speaker"    // server→all: SpeakerEvent
	FrameAudioOnly = "media.audio_only" // server→subscriber: AudioOnlyEvent
	FrameLayers    = "media.layers"     // server→publisher: LayersHint
	FrameQuality   = "media.quality"    // server→hosts and self: QualityEvent
)
