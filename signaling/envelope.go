package signaling

import (
	"bytes"
	"encoding/json"
	"strconv"

	"haven/portal/fault"
)

// Frame is one message of the wire protocol, in either direction: a JSON
// object {"type", "id", "data", "error"} (PROTOCOL.md, "Envelope").
type Frame struct {
	Type  string          `json:"type"`
	ID    string          `json:"id,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	Error *WireError      `json:"error,omitempty"`
}

// WireError is the "error" member of a frame: a stable code from
// PROTOCOL.md, a message safe to show, and for rate limits a delay.
type WireError struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	RetryAfterMS int64  `json:"retry_after_ms,omitempty"`
}

// Limits of the envelope.
const (
	maxTypeLen = 64
	maxIDLen   = 64
)

// Decoding errors; each is sent to the client as a "bad_frame" error.
var (
	errNotObject = fault.New(fault.Invalid, "a frame must be a JSON object")
	errBadType   = fault.New(fault.Invalid, "frame type is missing or malformed")
	errBadID     = fault.New(fault.Invalid, "frame id is malformed")
	errHasError  = fault.New(fault.Invalid, "a client frame must not carry an error")
)

// DecodeFrame parses and validates one client frame. It returns a
// *fault.Error with code Invalid when the bytes are not a JSON object, the
// type is missing or not of the form [a-z][a-z0-9._-]{0,63}, the id is longer
// than 64 bytes or not printable ASCII, or the frame carries an error. A
// "data" of null is returned as absent.
func DecodeFrame(b []byte) (Frame, error) {
	var f Frame
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Frame{}, errNotObject
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return Frame{}, fault.Wrap(errNotObject, err)
	}
	if !validType(f.Type) {
		return Frame{}, errBadType
	}
	if !validID(f.ID) {
		return Frame{}, errBadID
	}
	if f.Error != nil {
		return Frame{}, errHasError
	}
	if bytes.Equal(f.Data, []byte("null")) {
		f.Data = nil
	}
	return f, nil
}

// validType reports whether t is a frame type: [a-z][a-z0-9._-]{0,63}.
func validType(t string) bool {
	if len(t) == 0 || len(t) > maxTypeLen || t[0] < 'a' || t[0] > 'z' {
		return false
	}
	for i := 1; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validID reports whether id is empty or 1–64 bytes of printable ASCII
// other than '"' and '\\'.
func validID(id string) bool {
	if len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// appendFrame appends the encoding of {"type":t,"id":id,"data":data} to dst.
// t and id must have passed validType and validID (so need no escaping) and
// data must be valid JSON or empty.
func appendFrame(dst []byte, t, id string, data json.RawMessage) []byte {
	dst = append(dst, `{"type":"`...)
	dst = append(dst, t...)
	dst = append(dst, '"')
	if id != "" {
		dst = append(dst, `,"id":"`...)
		dst = append(dst, id...)
		dst = append(dst, '"')
	}
	if len(data) > 0 {
		dst = append(dst, `,"data":`...)
		dst = append(dst, data...)
	}
	return append(dst, '}')
}

// encodeFrame returns the encoding of a frame without error.
func encodeFrame(t, id string, data json.RawMessage) []byte {
	return appendFrame(make([]byte, 0, 32+len(t)+len(id)+len(data)), t, id, data)
}

// encodeError returns an "error" frame answering id (may be empty).
func encodeError(id string, e WireError) []byte {
	b := make([]byte, 0, 96+len(e.Message))
	b = append(b, `{"type":"error"`...)
	if id != "" {
		b = append(b, `,"id":"`...)
		b = append(b, id...)
		b = append(b, '"')
	}
	b = append(b, `,"error":{"code":"`...)
	b = append(b, e.Code...)
	b = append(b, `","message":`...)
	msg, _ := json.Marshal(e.Message) // a string always marshals
	b = append(b, msg...)
	if e.RetryAfterMS > 0 {
		b = append(b, `,"retry_after_ms":`...)
		b = strconv.AppendInt(b, e.RetryAfterMS, 10)
	}
	return append(b, "}}"...)
}
