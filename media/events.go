package media

// Role is what a participant may do in a room. The SFU records it and sends
// host-only events (FrameWaiting, others' FrameQuality) to hosts; deciding who
// may call the host methods (Mute, Remove, Admit, Close) is the caller's job.
type Role string

// The roles.
const (
	RoleHost  Role = "host"  // the clinician or counselor running the visit
	RoleGuest Role = "guest" // a patient or invited participant
)

// ParticipantEvent is the data of media.joined, media.left, media.removed,
// media.muted, media.unmuted, media.waiting and media.admitted.
type ParticipantEvent struct {
	Participant string `json:"participant"`
	Role        Role   `json:"role,omitempty"`
	// Reason, on media.left and media.removed: "left", "removed",
	// "connection_failed", "rejoined" or "ended".
	Reason string `json:"reason,omitempty"`
}

// EndedEvent is the data of media.ended, sent to everyone when a room closes.
type EndedEvent struct {
	Reason string `json:"reason"` // "ended" by a host, "idle", "shutdown"
}

// SpeakerEvent is the data of media.speaker: who is speaking now.
type SpeakerEvent struct {
	Participant string `json:"participant"`
}

// AudioOnlyEvent is the data of media.audio_only, sent to a subscriber whose
// bandwidth cannot carry video (On) and again when video resumes (!On).
type AudioOnlyEvent struct {
	On bool `json:"on"`
}

// LayersHint is the data of media.layers, sent to a publisher: the simulcast
// encodings (by rid) that some subscriber currently needs. The client may
// pause the others (RTCRtpSender.setParameters, active=false) to save
// upload bandwidth; the SFU works whether it does or not.
type LayersHint struct {
	Source string   `json:"source"`
	Active []string `json:"active"`
}

// QualityEvent is the data of media.quality: a participant's connection
// quality, from 1 (unusable) to 5 (excellent), and the measurements behind it.
// Sent to hosts and to the participant concerned when the score changes.
type QualityEvent struct {
	Participant string  `json:"participant"`
	Score       int     `json:"score"`
	LossPct     float64 `json:"loss_pct"`
	JitterMs    float64 `json:"jitter_ms"`
	RTTMs       float64 `json:"rtt_ms"`
}
