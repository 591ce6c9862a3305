package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"haven/signaling"
)

// Event types chat publishes (PROTOCOL.md).
const (
	EventMessage      = "chat.message"      // durable; rendered from sealed bytes on each node
	EventReceipt      = "chat.receipt"      // durable; "read up to seq"
	EventTyping       = "chat.typing"       // ephemeral
	EventConversation = "chat.conversation" // durable; a conversation the user takes part in was opened or changed
	EventAssigned     = "chat.assigned"     // durable; who on the care team has a conversation
	EventResume       = "chat.resume"       // sent by the hello hook, to one connection
)

var errNoQueryInBatch = errors.New("chat: queries cannot be queued in a batch")

// Message is a message as a participant sees it.
type Message struct {
	Conversation int64     `json:"conversation"`
	Seq          int64     `json:"seq"`
	Sender       int64     `json:"sender"`
	ClientID     string    `json:"client_id"`
	At           time.Time `json:"at"`
	Body         string    `json:"body"`
	Attachments  []int64   `json:"attachments,omitempty"`
}

// sealedMessage is the data of a chat.message event between nodes: the body
// is sealed, so the broker (Redis) never carries plaintext.
type sealedMessage struct {
	Conversation int64     `json:"conversation"`
	Seq          int64     `json:"seq"`
	Sender       int64     `json:"sender"`
	ClientID     string    `json:"client_id"`
	At           time.Time `json:"at"`
	Sealed       []byte    `json:"sealed"` // base64 in JSON
	Attachments  []int64   `json:"attachments,omitempty"`
}

// publishMessages publishes committed messages, in commit order, to every
// participant of their conversations, and queues push notifications for
// the recipients.
func (s *Service) publishMessages(msgs []*newMessage) {
	ctx := context.Background()
	for _, m := range msgs {
		data, err := json.Marshal(sealedMessage{Conversation: m.conv.id, Seq: m.seq, Sender: m.sender,
			ClientID: m.client, At: m.at, Sealed: m.sealed, Attachments: m.attach})
		if err != nil { // cannot happen: all fields marshal
			s.log.Error("chat: encode event", "conversation", m.conv.id, "err", err)
			continue
		}
		ev := signaling.Event{Type: EventMessage, Data: data, Durable: true}
		for _, u := range m.conv.recipients {
			if err := s.hub.Publish(ctx, u, ev); err != nil {
				s.log.Error("chat: publish", "conversation", m.conv.id, "user", u, "err", err)
			}
			if u != m.sender {
				s.notify.add(u, m.conv.id)
			}
		}
		s.m.messages.Inc()
		s.m.published.Add(float64(len(m.conv.recipients)))
	}
}

// renderMessage opens a chat.message event on the delivering node: the
// sealed body becomes the plaintext Message the client reads. The result is
// cached briefly, since the same message is rendered for each recipient.
func (s *Service) renderMessage(ctx context.Context, ev signaling.Event) (signaling.Event, error) {
	var sm sealedMessage
	if err := json.Unmarshal(ev.Data, &sm); err != nil {
		s.m.renderErrors.Inc()
		return ev, fmt.Errorf("chat: render: %w", err)
	}
	if data, ok := s.rendered.get(sm.Conversation, sm.Seq); ok {
		return signaling.Event{Type: ev.Type, Data: data, Durable: ev.Durable}, nil
	}
	body, err := s.sealer.Unseal(ctx, conversationOwner(sm.Conversation), sm.Sealed, messageAD(sm.Conversation, sm.Seq))
	if err != nil {
		s.m.renderErrors.Inc()
		return ev, fmt.Errorf("chat: render conversation %d seq %d: %w", sm.Conversation, sm.Seq, err)
	}
	data, err := json.Marshal(Message{Conversation: sm.Conversation, Seq: sm.Seq, Sender: sm.Sender,
		ClientID: sm.ClientID, At: sm.At, Body: string(body), Attachments: sm.Attachments})
	if err != nil {
		return ev, fmt.Errorf("chat: render: %w", err)
	}
	s.m.rendered.Inc()
	s.rendered.put(sm.Conversation, sm.Seq, data)
	return signaling.Event{Type: ev.Type, Data: data, Durable: ev.Durable}, nil
}

// publishAll publishes an event to each user, logging failures.
func (s *Service) publishAll(ctx context.Context, users []int64, ev signaling.Event) {
	for _, u := range users {
		if err := s.hub.Publish(ctx, u, ev); err != nil {
			s.log.Error("chat: publish", "type", ev.Type, "user", u, "err", err)
		}
	}
}
