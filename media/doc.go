// Package media is Haven's selective forwarding unit (SFU) for video visits,
// built on Pion WebRTC.
//
// A Room holds up to Config.MaxParticipants participants. Each participant has
// two peer connections: "up", which the client offers and on which it
// publishes (audio, camera in simulcast, optional screen share), and "down",
// which the SFU offers and on which it sends every other participant's tracks.
// Two connections keep negotiation one-sided in each direction, so offers
// never collide.
//
// Media is forwarded without decoding. Each published layer has one reader
// goroutine that fans the packet out to the subscribers' down tracks, which
// rewrite SSRC, payload type, sequence number and timestamp so that a
// subscriber sees one continuous stream across simulcast layer switches.
// Every subscriber has its own bandwidth estimate (transport-wide congestion
// control feedback into Pion's GCC); a room goroutine picks each subscriber's
// layers from it, drops a subscriber to audio only when even the lowest
// layers do not fit, and brings video back with hysteresis.
//
// The package knows nothing about WebSockets: callers (the signaling hub)
// pass decoded media.* frames to Room and Participant methods and receive
// outgoing frames through the SignalSink they supply. The frames are written
// down in FRAMES.md.
//
// Sessions (RegisterHandlers) serve those frames on the hub. With several
// nodes (SessionsOptions.Redis) a session's room lives on the node that
// opened it, and the other nodes relay the frames of their connections to
// it (relay.go; FRAMES.md, "Several nodes").
package media
