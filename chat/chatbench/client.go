package chatbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// frame is the wire envelope as the bench reads it.
type frame struct {
	Type  string          `json:"type"`
	ID    string          `json:"id,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// conn is one benchmark connection: a reader goroutine routes answers to
// waiting requests and chat.message events to onMessage.
type conn struct {
	ws        *websocket.Conn
	onMessage func(data json.RawMessage, at time.Time)

	mu      sync.Mutex
	waiters map[string]chan frame
	next    int
	done    chan struct{}
}

func newConn(ws *websocket.Conn) *conn {
	ws.SetReadLimit(1 << 20)
	c := &conn{ws: ws, waiters: map[string]chan frame{}, done: make(chan struct{})}
	go c.read()
	return c
}

func (c *conn) read() {
	defer close(c.done)
	for {
		_, b, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		now := time.Now()
		var f frame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		if f.ID != "" {
			c.mu.Lock()
			w := c.waiters[f.ID]
			delete(c.waiters, f.ID)
			c.mu.Unlock()
			if w != nil {
				w <- f
			}
			continue
		}
		c.mu.Lock()
		fn := c.onMessage
		c.mu.Unlock()
		if f.Type == "chat.message" && fn != nil {
			fn(f.Data, now)
		}
	}
}

func (c *conn) setOnMessage(fn func(json.RawMessage, time.Time)) {
	c.mu.Lock()
	c.onMessage = fn
	c.mu.Unlock()
}

// request sends a frame and waits for its answer.
func (c *conn) request(ctx context.Context, typ string, data any) (frame, error) {
	c.mu.Lock()
	c.next++
	id := strconv.Itoa(c.next)
	w := make(chan frame, 1)
	c.waiters[id] = w
	c.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"type": typ, "id": id, "data": data})
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		return frame{}, err
	}
	select {
	case f := <-w:
		if f.Type == "error" && f.Error != nil {
			return f, fmt.Errorf("%s: %s: %s", typ, f.Error.Code, f.Error.Message)
		}
		return f, nil
	case <-c.done:
		return frame{}, errors.New("connection closed")
	case <-ctx.Done():
		return frame{}, ctx.Err()
	}
}

func (c *conn) close() {
	c.ws.CloseNow()
	<-c.done
}
