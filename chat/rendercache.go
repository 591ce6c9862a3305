package chat

import (
	"encoding/json"
	"sync"
)

// renderSlots is the size of the render cache.
const renderSlots = 256

// renderCache remembers the last rendered chat.message frames by
// (conversation, seq), which name an immutable message: a message published
// to several participants is then opened once per node instead of once per
// recipient. It is direct-mapped and never grows.
type renderCache struct {
	mu    sync.Mutex
	slots [renderSlots]renderSlot
}

type renderSlot struct {
	conv, seq int64
	data      json.RawMessage
}

func slotOf(conv, seq int64) int {
	return int((uint64(conv)*0x9E3779B97F4A7C15 ^ uint64(seq)) % renderSlots)
}

func (c *renderCache) get(conv, seq int64) (json.RawMessage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.slots[slotOf(conv, seq)]
	if s.data != nil && s.conv == conv && s.seq == seq {
		return s.data, true
	}
	return nil, false
}

func (c *renderCache) put(conv, seq int64, data json.RawMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slots[slotOf(conv, seq)] = renderSlot{conv: conv, seq: seq, data: data}
}
