package signaling

import (
	"encoding/json"
	"errors"

	"haven/portal/fault"
)

// Event is something published to a user (or topic) and written to each of
// its connections as the frame {"type": Type, "data": Data}.
//
// Data travels through the Broker — and so through Redis when configured — as
// given: it must carry ids or sealed bytes, never plaintext health
// information. A package that must show content on the client either sends a
// notice the client follows up on, or publishes sealed bytes and registers a
// RenderFunc (Hub.Render) that opens them on the delivering node.
type Event struct {
	Type    string          // frame type, [a-z][a-z0-9._-]{0,63}
	Data    json.RawMessage // a JSON value; may be empty
	Durable bool            // never dropped: overflow closes the connection
}

// ErrBadEvent is returned by Publish for an event with a malformed type or
// data that is not valid JSON.
var ErrBadEvent = fault.New(fault.Invalid, "malformed event")

func (e *Event) validate() error {
	if !validType(e.Type) || len(e.Data) > 0 && !json.Valid(e.Data) {
		return ErrBadEvent
	}
	return nil
}

// frame returns the wire encoding of e.
func (e *Event) frame() []byte { return encodeFrame(e.Type, "", e.Data) }

const eventDurable = 1 << 0

// encodeEventPayload returns the broker payload for e: a flags byte, the type
// length, the type, then the data bytes.
func encodeEventPayload(e *Event) []byte {
	b := make([]byte, 0, 2+len(e.Type)+len(e.Data))
	var flags byte
	if e.Durable {
		flags |= eventDurable
	}
	b = append(b, flags, byte(len(e.Type)))
	b = append(b, e.Type...)
	return append(b, e.Data...)
}

var errBadPayload = errors.New("signaling: malformed broker payload")

// decodeEventPayload parses a payload made by encodeEventPayload and
// validates the event. The returned Data aliases b.
func decodeEventPayload(b []byte) (Event, error) {
	if len(b) < 2 || b[0]&^eventDurable != 0 || len(b) < 2+int(b[1]) {
		return Event{}, errBadPayload
	}
	n := 2 + int(b[1])
	e := Event{Type: string(b[2:n]), Durable: b[0]&eventDurable != 0}
	if n < len(b) {
		e.Data = json.RawMessage(b[n:])
	}
	if e.validate() != nil {
		return Event{}, errBadPayload
	}
	return e, nil
}
