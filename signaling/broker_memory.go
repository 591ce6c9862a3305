package signaling

import (
	"context"
	"sync"
)

// MemoryBus connects in-process brokers, one per hub, as if they were nodes
// sharing Redis. A single node uses NewMemoryBroker.
type MemoryBus struct {
	mu    sync.RWMutex
	nodes []*MemoryBroker
}

// NewMemoryBus returns a bus with no nodes.
func NewMemoryBus() *MemoryBus { return &MemoryBus{} }

// Node returns a new broker attached to the bus.
func (b *MemoryBus) Node() *MemoryBroker {
	n := &MemoryBroker{bus: b, refs: make(map[string]int)}
	b.mu.Lock()
	b.nodes = append(b.nodes, n)
	b.mu.Unlock()
	return n
}

// NewMemoryBroker returns the broker of a single node: its Publish reaches no
// one, since the hub delivers to its own connections directly.
func NewMemoryBroker() *MemoryBroker { return NewMemoryBus().Node() }

// MemoryBroker is the in-process Broker. Publish delivers synchronously, on
// the publisher's goroutine, to every other node of the bus subscribed to the
// topic, so one publisher's messages arrive in order; it never loses a
// message and so never reports a gap.
type MemoryBroker struct {
	bus *MemoryBus

	mu     sync.Mutex
	h      BrokerHandler
	refs   map[string]int
	closed bool
}

// Start implements Broker.
func (m *MemoryBroker) Start(h BrokerHandler) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.h = h
	return nil
}

// Subscribe implements Broker; it is effective at once.
func (m *MemoryBroker) Subscribe(_ context.Context, topic string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrBrokerClosed
	}
	m.refs[topic]++
	return nil
}

// Unsubscribe implements Broker.
func (m *MemoryBroker) Unsubscribe(topic string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.refs[topic] <= 1 {
		delete(m.refs, topic)
	} else {
		m.refs[topic]--
	}
	return nil
}

// Publish implements Broker.
func (m *MemoryBroker) Publish(topic string, payload []byte) error {
	m.bus.mu.RLock()
	nodes := m.bus.nodes
	m.bus.mu.RUnlock()
	for _, n := range nodes {
		if n == m {
			continue
		}
		if h := n.handlerFor(topic); h != nil {
			h.HandleMessage(topic, payload)
		}
	}
	return nil
}

func (m *MemoryBroker) handlerFor(topic string) BrokerHandler {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.refs[topic] == 0 {
		return nil
	}
	return m.h
}

// Close implements Broker: the node leaves the bus.
func (m *MemoryBroker) Close() error {
	m.mu.Lock()
	m.closed = true
	m.refs = map[string]int{}
	m.mu.Unlock()
	m.bus.mu.Lock()
	defer m.bus.mu.Unlock()
	for i, n := range m.bus.nodes {
		if n == m {
			m.bus.nodes = append(m.bus.nodes[:i:i], m.bus.nodes[i+1:]...)
			break
		}
	}
	return nil
}
