package signaling

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"sync"

	"haven/portal/fault"
)

// PresenceState is a user's presence across all their devices.
type PresenceState uint8

// The presence states, in increasing order of availability.
const (
	Offline PresenceState = iota // no connection on any node
	Away                         // every connection said presence.set away
	Online                       // at least one connection is active
)

var presenceNames = [...]string{"offline", "away", "online"}

// String returns the wire name: "offline", "away" or "online".
func (s PresenceState) String() string {
	if int(s) < len(presenceNames) {
		return presenceNames[s]
	}
	return "offline"
}

// MarshalText encodes the wire name.
func (s PresenceState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a wire name; anything else is an Invalid error.
func (s *PresenceState) UnmarshalText(b []byte) error {
	for i, n := range presenceNames {
		if string(b) == n {
			*s = PresenceState(i)
			return nil
		}
	}
	return errBadPresence
}

// Presence is a user's state across nodes and its version, which increases
// with every change written to the store.
type Presence struct {
	State   PresenceState
	Version int64
}

// PresenceStore keeps each node's view of its users' presence, so that any
// node can tell a user's presence across all nodes. It stores user ids and
// states only.
type PresenceStore interface {
	// Set records node's state for the user (Offline removes the node's
	// entry) and returns the user's presence across nodes after the write,
	// atomically with it, with a version greater than any before.
	Set(ctx context.Context, node string, userID int64, s PresenceState) (Presence, error)
	// Refresh extends the life of node's entries for these users (stores
	// with expiry let a dead node's entries lapse).
	Refresh(ctx context.Context, node string, states map[int64]PresenceState) error
	// Get returns the presence of each user; unknown users are Offline.
	Get(ctx context.Context, userIDs []int64) (map[int64]Presence, error)
}

// MemoryPresence is the in-process PresenceStore: exact, without expiry;
// several hubs of one process may share it as nodes.
type MemoryPresence struct {
	mu      sync.Mutex
	version int64
	users   map[int64]map[string]PresenceState
}

// NewMemoryPresence returns an empty store.
func NewMemoryPresence() *MemoryPresence {
	return &MemoryPresence{users: make(map[int64]map[string]PresenceState)}
}

// Set implements PresenceStore.
func (m *MemoryPresence) Set(_ context.Context, node string, userID int64, s PresenceState) (Presence, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	nodes := m.users[userID]
	if s == Offline {
		delete(nodes, node)
		if len(nodes) == 0 {
			delete(m.users, userID)
		}
	} else {
		if nodes == nil {
			nodes = make(map[string]PresenceState)
			m.users[userID] = nodes
		}
		nodes[node] = s
	}
	m.version++
	return Presence{State: aggregate(m.users[userID]), Version: m.version}, nil
}

// Refresh implements PresenceStore; entries do not expire in memory.
func (m *MemoryPresence) Refresh(context.Context, string, map[int64]PresenceState) error { return nil }

// Get implements PresenceStore.
func (m *MemoryPresence) Get(_ context.Context, userIDs []int64) (map[int64]Presence, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[int64]Presence, len(userIDs))
	for _, id := range userIDs {
		out[id] = Presence{State: aggregate(m.users[id]), Version: m.version}
	}
	return out, nil
}

// aggregate is the most available state among nodes.
func aggregate(nodes map[string]PresenceState) PresenceState {
	best := Offline
	for _, s := range nodes {
		best = max(best, s)
	}
	return best
}

var errBadPresence = fault.New(fault.Invalid, `state must be "online" or "away"`)

// presenceSet is the data of a presence.set frame.
type presenceSet struct {
	State *PresenceState `json:"state"`
}

// DecodePresenceSet parses the data of a presence.set frame: a JSON object
// whose "state" is "online" or "away" (a client cannot declare itself
// offline; it disconnects).
func DecodePresenceSet(data json.RawMessage) (PresenceState, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Offline, errBadPresence
	}
	var p presenceSet
	if err := json.Unmarshal(data, &p); err != nil || p.State == nil || *p.State == Offline {
		return Offline, errBadPresence
	}
	return *p.State, nil
}

// presenceEventData is the data of a presence event.
type presenceEventData struct {
	User  int64         `json:"user"`
	State PresenceState `json:"state"`
}

func presenceEvent(userID int64, s PresenceState) Event {
	data, _ := json.Marshal(presenceEventData{User: userID, State: s})
	return Event{Type: "presence", Data: data}
}

// encodePresencePayload returns the broker payload of a presence change:
// the state byte then the version, big-endian.
func encodePresencePayload(p Presence) []byte {
	b := make([]byte, 9)
	b[0] = byte(p.State)
	binary.BigEndian.PutUint64(b[1:], uint64(p.Version))
	return b
}

var errBadPresencePayload = errors.New("signaling: malformed presence payload")

// decodePresencePayload parses a payload of encodePresencePayload.
func decodePresencePayload(b []byte) (Presence, error) {
	if len(b) != 9 || b[0] > byte(Online) {
		return Presence{}, errBadPresencePayload
	}
	return Presence{State: PresenceState(b[0]), Version: int64(binary.BigEndian.Uint64(b[1:]))}, nil
}
