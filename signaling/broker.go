package signaling

import (
	"context"

	"haven/portal/fault"
)

// Broker carries events between the nodes of a deployment, by topic. A topic
// is a string chosen by the hub ("u:<user id>" for a user, "p:<user id>" for
// a user's presence, "t:<name>" for a topic connections subscribe to). The
// hub delivers to its own connections directly; a Broker exists to reach the
// other nodes, so a node need not receive its own publications.
//
// Contract, modelled on centrifugal/centrifuge's Broker:
//
//   - Subscribe and Unsubscribe are reference counted per topic: the node
//     receives a topic's messages while its Subscribe calls outnumber its
//     Unsubscribe calls. Each Subscribe is balanced by one Unsubscribe.
//   - Subscribe returns nil once the subscription is effective: every
//     message published after it returns is delivered. When it cannot
//     confirm in time it returns an error, keeps the subscription wanted, and
//     reports the topic to HandleGap once it becomes effective.
//   - Publish never blocks on the network. Messages of one publisher to one
//     topic are delivered in the order of the Publish calls; messages of
//     different publishers have no defined order. When a message may have
//     been lost (Publish failed, a backlog overflowed, a subscription
//     connection dropped), the receiving nodes are told through HandleGap, so
//     that affected clients resume; a Broker never loses a message silently.
//   - The payload is opaque bytes: the broker transports what the publisher
//     gives it. Publishers must put ids or sealed bytes in it, never
//     plaintext health information.
type Broker interface {
	// Start begins delivering to h. The hub calls it once, in NewHub.
	Start(h BrokerHandler) error
	// Subscribe adds one reference to topic (see the contract above).
	Subscribe(ctx context.Context, topic string) error
	// Unsubscribe removes one reference to topic.
	Unsubscribe(topic string) error
	// Publish sends payload to the other nodes subscribed to topic. An error
	// means the message did not leave this node; the gap is reported to the
	// subscribers by the broker.
	Publish(topic string, payload []byte) error
	// Close stops delivery and releases the broker's connections. The hub
	// calls it in Shutdown.
	Close() error
}

// BrokerHandler receives what a Broker delivers. Its methods must not block:
// they run on the broker's delivery goroutine (or the publisher's, for the
// in-process broker).
type BrokerHandler interface {
	// HandleMessage delivers one message published on another node. payload
	// must not be modified or retained after HandleMessage returns.
	HandleMessage(topic string, payload []byte)
	// HandleGap reports that messages to topics may have been lost; nil
	// means every topic this node subscribes to.
	HandleGap(topics []string)
}

// Broker errors.
var (
	ErrBrokerClosed     = fault.New(fault.Unavailable, "broker closed")
	ErrBrokerBacklog    = fault.New(fault.Unavailable, "broker backlog full")
	ErrSubscribePending = fault.New(fault.Unavailable, "subscription not yet confirmed")
)
