package signaling

import (
	"bytes"
	"context"
	"strconv"
	"strings"
)

// Topic names on the broker.
func userTopic(id int64) string     { return "u:" + strconv.FormatInt(id, 10) }
func presenceTopic(id int64) string { return "p:" + strconv.FormatInt(id, 10) }
func namedTopic(t string) string    { return "t:" + t }

// Publish delivers ev to every connection of the user, on every node.
//
// A durable event reaches each live connection exactly once, after the
// events this publisher published to the user before (calls must be
// sequential for that order), or the connection is closed as a slow consumer
// or told to resync. An ephemeral event may be dropped. Publish never waits
// for a connection or for the network; it returns ErrBadEvent for a
// malformed event and nil otherwise (a broker failure is logged, and
// reported to the other nodes as a gap). ctx is handed to a RenderFunc.
// ev.Data must not be modified after the call, and must not carry plaintext
// health information (see Event).
func (h *Hub) Publish(ctx context.Context, userID int64, ev Event) error {
	if err := ev.validate(); err != nil {
		return err
	}
	if err := h.broker.Publish(userTopic(userID), encodeEventPayload(&ev)); err != nil {
		h.log.Warn("signaling: broker publish failed", "user", userID, "err", err)
	}
	h.mu.RLock()
	s := h.users[userID]
	h.mu.RUnlock()
	h.deliver(ctx, s, ev)
	return nil
}

// PublishTopic delivers ev to every connection subscribed to topic (see
// Conn.Subscribe), on every node, with the guarantees of Publish.
func (h *Hub) PublishTopic(ctx context.Context, topic string, ev Event) error {
	if !validType(topic) {
		return errBadTopic
	}
	if err := ev.validate(); err != nil {
		return err
	}
	if err := h.broker.Publish(namedTopic(topic), encodeEventPayload(&ev)); err != nil {
		h.log.Warn("signaling: broker publish failed", "topic", topic, "err", err)
	}
	h.mu.RLock()
	s := h.topics[topic]
	h.mu.RUnlock()
	h.deliver(ctx, s, ev)
	return nil
}

// deliver renders ev (once per node) and queues it on every connection of
// the set, under the set's lock so that all of them see the same order.
func (h *Hub) deliver(ctx context.Context, s *connSet, ev Event) {
	if s == nil {
		return
	}
	if fn := h.renderer(ev.Type); fn != nil {
		out, err := fn(ctx, ev)
		if err == nil {
			err = out.validate()
		}
		if err != nil {
			h.log.Warn("signaling: render failed", "type", ev.Type, "err", err)
			for _, c := range s.snapshot() {
				c.gap()
			}
			return
		}
		ev = out
	}
	frame := ev.frame()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.pushEvent(&ev, frame)
	}
}

// brokerSink receives the broker's deliveries for a hub.
type brokerSink struct{ h *Hub }

// HandleMessage implements BrokerHandler.
func (b brokerSink) HandleMessage(topic string, payload []byte) {
	h := b.h
	kind, rest, ok := strings.Cut(topic, ":")
	if !ok {
		return
	}
	switch kind {
	case "u", "t":
		ev, err := decodeEventPayload(payload)
		if err != nil {
			h.log.Error("signaling: malformed broker payload", "topic", topic)
			return
		}
		ev.Data = bytes.Clone(ev.Data)
		h.mu.RLock()
		var s *connSet
		if kind == "t" {
			s = h.topics[rest]
		} else if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
			s = h.users[id]
		}
		h.mu.RUnlock()
		h.deliver(context.Background(), s, ev)
	case "p":
		id, err := strconv.ParseInt(rest, 10, 64)
		p, perr := decodePresencePayload(payload)
		if err != nil || perr != nil {
			h.log.Error("signaling: malformed broker payload", "topic", topic)
			return
		}
		h.applyPresence(id, p, false)
	}
}

// HandleGap implements BrokerHandler: the connections of the topics (all,
// for nil) resync, and watched presence is read again.
func (b brokerSink) HandleGap(topics []string) {
	h := b.h
	if topics == nil {
		for _, c := range h.allConns() {
			c.gap()
		}
		h.resnapshotPresence(nil)
		return
	}
	var targets []int64
	for _, t := range topics {
		kind, rest, _ := strings.Cut(t, ":")
		h.mu.RLock()
		var s *connSet
		switch kind {
		case "u":
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
				s = h.users[id]
			}
		case "t":
			s = h.topics[rest]
		case "p":
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
				targets = append(targets, id)
			}
		}
		h.mu.RUnlock()
		for _, c := range s.snapshot() {
			c.gap()
		}
	}
	if len(targets) > 0 {
		h.resnapshotPresence(targets)
	}
}
