package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Handler serves one client frame type. ServeFrame runs on the connection's
// reader goroutine: frames of one connection are served one at a time, in the
// order the client sent them, so a handler must return promptly (well within
// Options.PongTimeout) and must not keep req after returning.
//
// The returned error is sent to the client as an "error" frame carrying the
// request id, its code mapped from the fault code (codes.go) and only its
// user-safe message. When the handler returns nil without calling Reply and
// the frame had an id, the hub answers "<type>.ok" with no data, so every
// frame with an id gets exactly one answer.
type Handler interface {
	ServeFrame(ctx context.Context, req *Request) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req *Request) error

// ServeFrame calls f(ctx, req).
func (f HandlerFunc) ServeFrame(ctx context.Context, req *Request) error { return f(ctx, req) }

// reservedTypes are frame types the hub defines itself (PROTOCOL.md).
var reservedTypes = map[string]bool{
	"hello": true, "welcome": true, "ping": true, "pong": true, "error": true,
	"resync": true, "presence": true, "presence.set": true,
}

// Router maps client frame types to handlers. It is safe for concurrent use;
// handlers are normally registered at start-up, before the hub serves.
type Router struct {
	mu       sync.RWMutex
	handlers map[string]Handler
}

// NewRouter returns an empty Router.
func NewRouter() *Router { return &Router{handlers: make(map[string]Handler)} }

// Handle registers h for frameType. It panics when frameType is malformed,
// ends in ".ok", is one the hub defines (hello, ping, presence.set, …), or is
// already registered: these are programming errors found at start-up.
func (r *Router) Handle(frameType string, h Handler) {
	if !validType(frameType) || strings.HasSuffix(frameType, ".ok") || reservedTypes[frameType] {
		panic(fmt.Sprintf("signaling: cannot register frame type %q", frameType))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.handlers[frameType]; dup {
		panic(fmt.Sprintf("signaling: frame type %q registered twice", frameType))
	}
	r.handlers[frameType] = h
}

// HandleFunc registers f for frameType, as Handle.
func (r *Router) HandleFunc(frameType string, f func(ctx context.Context, req *Request) error) {
	r.Handle(frameType, HandlerFunc(f))
}

func (r *Router) lookup(frameType string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[frameType]
}

// Request is one client frame handed to a Handler.
type Request struct {
	Conn *Conn           // the connection: Identity, Send, Subscribe
	Type string          // the frame type
	ID   string          // the client's correlation id; may be empty
	Data json.RawMessage // the raw "data" member; nil when absent

	replied bool
}

// ErrReplied is returned by Reply when the request was already answered.
var ErrReplied = errors.New("signaling: request already answered")

// Reply answers the request with a "<type>.ok" frame carrying data (any
// value json.Marshal accepts; a json.RawMessage is sent as is; nil sends no
// data). It waits while the connection's send queue is full, until ctx ends.
// It returns ErrReplied on a second call, ErrClosed when the connection has
// closed, and the marshalling error for an unencodable value.
func (r *Request) Reply(ctx context.Context, data any) error {
	if r.replied {
		return ErrReplied
	}
	raw, err := marshalData(data)
	if err != nil {
		return err
	}
	r.replied = true
	return r.Conn.sendFrame(ctx, encodeFrame(r.Type+".ok", r.ID, raw))
}

// marshalData encodes a data member; nil stays nil.
func marshalData(data any) (json.RawMessage, error) {
	switch d := data.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		if !json.Valid(d) {
			return nil, errors.New("signaling: data is not valid JSON")
		}
		return d, nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("signaling: encode data: %w", err)
	}
	return b, nil
}
