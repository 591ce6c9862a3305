package media

// Frames the hub's session layer adds to those of the SFU (FRAMES.md).
const (
	FrameDecline     = "media.decline"      // host→server: Target; a waiting guest is not let in
	FrameDeclined    = "media.declined"     // server→guest: ParticipantEvent
	FrameWaitingList = "media.waiting_list" // server→hosts: WaitingList
)

// WaitingList is the data of media.waiting_list, sent to a session's hosts
// when they join and whenever the waiting room changes: the participant
// ids waiting, first come first.
type WaitingList struct {
	Waiting []string `json:"waiting"`
}

// JoinReply is the data of media.join.ok: the caller's participant id and
// role, and whether they wait for a host (no peer connection exists yet)
// or resumed their place after a reconnect.
type JoinReply struct {
	Participant string `json:"participant"`
	Role        Role   `json:"role"`
	Waiting     bool   `json:"waiting"`
	Resumed     bool   `json:"resumed"`
}

// JoinFrame is the data of media.join as the session layer reads it: the
// session id in "room", and "resume" when the client still holds its peer
// connections from before a dropped WebSocket and wants its place back
// (the SFU then restarts ICE instead of starting over).
type JoinFrame struct {
	Room   string `json:"room"`
	Resume bool   `json:"resume,omitempty"`
}

// DecodeJoinFrame decodes and validates media.join data: at most 512
// bytes, a room id of 1 to 64 characters from letters, digits and "-_.:".
func DecodeJoinFrame(data []byte) (JoinFrame, error) {
	var j JoinFrame
	err := decode(data, 512, &j, func() error { return checkID("room", j.Room) })
	return j, err
}
