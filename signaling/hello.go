package signaling

import (
	"bytes"
	"context"
	"encoding/json"

	"haven/portal/fault"
)

// ProtocolVersion is the version of PROTOCOL.md this hub speaks.
const ProtocolVersion = 1

// HelloHook runs when a connection says hello (after connecting, or after a
// "resync"), before the connection goes live: a package replays what the
// client missed with c.Send, reading its own members of the hello data. While
// hooks run, durable events published to the user are held; after every hook
// has returned they are delivered in publish order, less those a returned
// filter rejects (already replayed). A nil filter keeps every event.
//
// A hook error is answered as an error frame to the hello and the connection
// keeps holding events until the client says hello again. Hooks run on the
// reader goroutine, one after another, in registration order.
type HelloHook func(ctx context.Context, c *Conn, hello json.RawMessage) (EventFilter, error)

// Hello is the data of a client's hello frame as far as the hub reads it;
// other members belong to the hooks (PROTOCOL.md, "hello").
type Hello struct {
	Protocol int `json:"protocol"`
}

// Hello decoding errors.
var (
	errHelloMalformed = fault.New(fault.Invalid, "hello data must be a JSON object")
	errHelloProtocol  = fault.New(fault.Invalid, "unsupported protocol version")
	errHelloState     = fault.New(fault.Conflict, "hello is expected only after connecting or after resync")
)

// DecodeHello parses the data of a hello frame. It must be a JSON object with
// "protocol": 1; other members are ignored here (they belong to hooks).
func DecodeHello(data json.RawMessage) (Hello, error) {
	var h Hello
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Hello{}, errHelloMalformed
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return Hello{}, fault.Wrap(errHelloMalformed, err)
	}
	if h.Protocol != ProtocolVersion {
		return Hello{}, errHelloProtocol
	}
	return h, nil
}

// welcome is the data of the welcome frame.
type welcome struct {
	Protocol       int     `json:"protocol"`
	Conn           string  `json:"conn"`
	User           int64   `json:"user"`
	Role           string  `json:"role"`
	PingIntervalMS int64   `json:"ping_interval_ms"`
	MaxFrame       int64   `json:"max_frame"`
	Rate           float64 `json:"rate"`
	Burst          int     `json:"burst"`
}

// serveHello runs the hello hooks, answers welcome and goes live.
func (c *Conn) serveHello(f Frame) {
	ctx, cancel := context.WithTimeout(c.ctx, c.hub.opts.HandlerTimeout)
	defer cancel()
	if _, err := DecodeHello(f.Data); err != nil {
		c.answerError(ctx, f, err)
		return
	}
	epoch, ok := c.startHello()
	if !ok {
		c.answerError(ctx, f, errHelloState)
		return
	}
	var filters []EventFilter
	for _, hook := range c.hub.helloHooks() {
		flt, err := c.callHook(ctx, hook, f.Data)
		if err != nil {
			c.endHello()
			c.answerError(ctx, f, err)
			return
		}
		if flt != nil {
			filters = append(filters, flt)
		}
	}
	o := &c.hub.opts
	data, _ := json.Marshal(welcome{
		Protocol: ProtocolVersion, Conn: c.id, User: c.ident.UserID, Role: c.ident.Role,
		PingIntervalMS: o.PingInterval.Milliseconds(), MaxFrame: o.ReadLimit, Rate: o.Rate, Burst: o.Burst,
	})
	if err := c.sendFrame(ctx, encodeFrame("welcome", f.ID, data)); err != nil {
		c.endHello()
		return
	}
	c.helloed.Store(true)
	c.release(epoch, filters)
}

// callHook runs a hook, turning a panic into an error.
func (c *Conn) callHook(ctx context.Context, hook HelloHook, data json.RawMessage) (flt EventFilter, err error) {
	defer func() {
		if p := recover(); p != nil {
			flt, err = nil, fault.New(fault.Internal, "internal error")
			c.hub.log.Error("signaling: hello hook panic", "conn", c.id, "panic", p)
		}
	}()
	return hook(ctx, c, data)
}
