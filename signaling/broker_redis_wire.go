package signaling

import (
	"encoding/binary"
	"errors"
)

// A message on a Redis channel: version byte, kind byte, publishing node id
// (8 bytes), then the payload (empty for a gap marker).
const (
	wireVersion   = 1
	kindMessage   = 'm'
	kindGap       = 'g'
	wireHeaderLen = 10
)

var errBadWire = errors.New("signaling: malformed broker message")

func encodeWire(kind byte, node uint64, payload []byte) []byte {
	b := make([]byte, wireHeaderLen, wireHeaderLen+len(payload))
	b[0], b[1] = wireVersion, kind
	binary.BigEndian.PutUint64(b[2:], node)
	return append(b, payload...)
}

// decodeWire parses a message of encodeWire; payload aliases b.
func decodeWire(b []byte) (kind byte, node uint64, payload []byte, err error) {
	if len(b) < wireHeaderLen || b[0] != wireVersion || b[1] != kindMessage && b[1] != kindGap {
		return 0, 0, nil, errBadWire
	}
	if b[1] == kindGap && len(b) != wireHeaderLen {
		return 0, 0, nil, errBadWire
	}
	return b[1], binary.BigEndian.Uint64(b[2:]), b[wireHeaderLen:], nil
}
