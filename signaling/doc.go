// Package signaling is Haven's WebSocket hub: it accepts and authenticates
// connections on GET /ws, runs per connection one reader goroutine and —
// while frames are queued — one writer goroutine, with a bounded send queue, speaks the typed JSON envelope
// described in PROTOCOL.md, routes frame types to handlers that other
// packages register, tracks presence, and fans events out to users through a
// Broker (in-process by default, Redis when a deployment has several nodes).
//
// The package knows nothing of chat, crisis or media: they register frame
// handlers with a Router, hello hooks with the Hub (to resume), and publish
// events to user topics with Hub.Publish.
//
// Delivery contract. A durable event published to a user reaches every live
// connection of that user exactly once and in publish order (per publisher),
// or the connection is closed (slow consumer, close code 4008) or told to
// resync, so that the client resumes from the database. A publisher is never
// blocked by a slow connection. Ephemeral events (typing, presence) may be
// dropped under pressure.
package signaling
