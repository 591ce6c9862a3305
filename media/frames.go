package media

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"haven/portal/fault"
)

// Size limits of decoded frame data, in bytes.
const (
	maxSDPBytes       = 64 << 10
	maxFrameBytes     = maxSDPBytes + 4<<10
	maxCandidateBytes = 1 << 10
	maxIDBytes        = 64
)

// Track sources: what a published track shows.
const (
	SourceMic    = "mic"
	SourceCamera = "camera"
	SourceScreen = "screen"
)

// JoinRequest is the data of media.join.
type JoinRequest struct {
	Room string `json:"room"`
}

// SDP is the data of media.offer and media.answer. Tracks, only in a
// client's offer, names the source of each sending m-line by its mid
// ("0" → "camera"); unnamed audio is "mic", the first unnamed video
// "camera" and further video "screen".
type SDP struct {
	SDP    string            `json:"sdp"`
	Tracks map[string]string `json:"tracks,omitempty"`
}

// Candidate is the data of media.candidate: one trickled ICE candidate of
// the client's "up" or "down" connection. An empty Candidate marks the end
// of candidates.
type Candidate struct {
	PC               string  `json:"pc"`
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex,omitempty"`
	UsernameFragment *string `json:"usernameFragment,omitempty"`
}

// LayerRequest is the data of media.layer: the highest quality a subscriber
// wants of one publisher's video source ("off", "low", "medium", "high"),
// for example "low" for a thumbnail. "high" (the default) lets bandwidth
// decide alone.
type LayerRequest struct {
	Participant string `json:"participant"`
	Source      string `json:"source"`
	Max         string `json:"max"`
}

// Target is the data of host actions that name a participant
// (media.mute, media.unmute, media.remove, media.admit).
type Target struct {
	Participant string `json:"participant"`
}

// decode unmarshals data into v after a size check, then runs check.
func decode(data []byte, limit int, v any, check func() error) error {
	if len(data) > limit {
		return ErrFrameTooLarge
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fault.Wrap(ErrBadFrame, err)
	}
	if dec.More() {
		return ErrBadFrame
	}
	return check()
}

// DecodeJoin decodes and validates media.join data.
func DecodeJoin(data []byte) (JoinRequest, error) {
	var j JoinRequest
	err := decode(data, 512, &j, func() error { return checkID("room", j.Room) })
	return j, err
}

// DecodeSDP decodes and validates media.offer or media.answer data: a
// non-empty SDP starting with "v=0" of at most 64 KiB, and a tracks map of
// at most 8 known sources.
func DecodeSDP(data []byte) (SDP, error) {
	var s SDP
	err := decode(data, maxFrameBytes, &s, s.validate)
	return s, err
}

// validate checks the limits DecodeSDP documents.
func (s *SDP) validate() error {
	if len(s.SDP) > maxSDPBytes {
		return ErrFrameTooLarge
	}
	if !strings.HasPrefix(s.SDP, "v=0") {
		return fault.Invalidf("sdp: want a session description starting with v=0")
	}
	if len(s.Tracks) > 8 {
		return fault.Invalidf("tracks: at most 8")
	}
	for mid, src := range s.Tracks {
		if mid == "" || len(mid) > 32 {
			return fault.Invalidf("tracks: a mid is 1 to 32 characters")
		}
		if src != SourceMic && src != SourceCamera && src != SourceScreen {
			return fault.Invalidf("tracks: a source is mic, camera or screen")
		}
	}
	return nil
}

// DecodeCandidate decodes and validates media.candidate data.
func DecodeCandidate(data []byte) (Candidate, error) {
	var c Candidate
	err := decode(data, 2*maxCandidateBytes, &c, func() error {
		if c.PC != "up" && c.PC != "down" {
			return fault.Invalidf("pc: want up or down")
		}
		if len(c.Candidate) > maxCandidateBytes {
			return ErrFrameTooLarge
		}
		if c.Candidate != "" && !strings.HasPrefix(c.Candidate, "candidate:") {
			return fault.Invalidf("candidate: want an a=candidate value starting with candidate:")
		}
		if (c.SDPMid != nil && len(*c.SDPMid) > 32) || (c.UsernameFragment != nil && len(*c.UsernameFragment) > 256) {
			return ErrFrameTooLarge
		}
		return nil
	})
	return c, err
}

// DecodeLayer decodes and validates media.layer data.
func DecodeLayer(data []byte) (LayerRequest, error) {
	var l LayerRequest
	err := decode(data, 512, &l, func() error {
		if err := checkID("participant", l.Participant); err != nil {
			return err
		}
		if l.Source != SourceCamera && l.Source != SourceScreen {
			return fault.Invalidf("source: want camera or screen")
		}
		if _, ok := maxLayerOf(l.Max); !ok {
			return fault.Invalidf("max: want off, low, medium or high")
		}
		return nil
	})
	return l, err
}

// DecodeTarget decodes and validates the data of a host action.
func DecodeTarget(data []byte) (Target, error) {
	var t Target
	err := decode(data, 512, &t, func() error { return checkID("participant", t.Participant) })
	return t, err
}

// maxLayerOf maps a LayerRequest.Max to a layer index (-1 for off).
func maxLayerOf(s string) (int, bool) {
	switch s {
	case "off":
		return -1, true
	case "low":
		return 0, true
	case "medium":
		return 1, true
	case "high", "":
		return 2, true
	}
	return 0, false
}

// checkID accepts room and participant ids: 1 to 64 characters from
// letters, digits and "-_.:".
func checkID(field, id string) error {
	if id == "" || len(id) > maxIDBytes {
		return fault.Invalidf("%s: want 1 to %d characters", field, maxIDBytes)
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)
		if !ok {
			return fault.Invalidf("%s: only letters, digits and -_.: are allowed", field)
		}
	}
	return nil
}

// validID is checkID for callers that only need a yes or no.
func validID(id string) error {
	if err := checkID("id", id); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	return nil
}
