package chat

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"haven/signaling"
)

// BenchmarkRenderMessage measures what a delivering node pays per
// chat.message and recipient: "first" decodes the sealed event, opens the
// body (AES-GCM under a cached data key) and encodes the plaintext data;
// "repeat" is each further recipient of the same message on the node,
// served by the render cache.
func BenchmarkRenderMessage(b *testing.B) {
	e := newEnv(b, envOptions{})
	ctx := context.Background()
	svc := e.nodes[0].chat
	body := strings.Repeat("a typical message of moderate length. ", 6)
	const n = 4 * renderSlots
	evs := make([]signaling.Event, n)
	for i := range evs {
		seq := int64(i + 1)
		sealed, err := e.keys.Seal(ctx, conversationOwner(1), []byte(body), messageAD(1, seq))
		if err != nil {
			b.Fatal(err)
		}
		data, _ := json.Marshal(sealedMessage{Conversation: 1, Seq: seq, Sender: 3, ClientID: "c-81f2", At: time.Now(), Sealed: sealed})
		evs[i] = signaling.Event{Type: EventMessage, Data: data, Durable: true}
	}
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := svc.renderMessage(ctx, evs[i%n]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("repeat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.renderMessage(ctx, evs[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
