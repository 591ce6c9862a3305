package signaling

import (
	"context"
	"fmt"
	"time"

	"github.com/coder/websocket"

	"haven/portal/fault"
)

// readLoop is the connection's reader: it reads frames one at a time,
// applies the rate limit and serves them in order, until the connection
// fails or starts closing.
func (c *Conn) readLoop() {
	for {
		typ, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.readFailed(err)
			return
		}
		c.hub.stats.framesIn.Add(1)
		now := time.Now()
		c.lastRead.Store(now.UnixNano())
		if c.isClosing() {
			return
		}
		if typ != websocket.MessageText {
			c.terminate(CloseUnsupportedData, "binary frames are not supported")
			return
		}
		if !c.admit(now) {
			continue
		}
		c.serve(data)
	}
}

// readFailed ends the connection after a read error. The library has
// already answered a peer's close and closed with 1009 an oversized frame.
func (c *Conn) readFailed(err error) {
	if websocket.CloseStatus(err) == -1 && !c.isClosing() {
		c.hub.log.Debug("signaling: read failed", "conn", c.id, "err", err)
	}
	c.terminate(codeAbort, "")
}

// admit applies the rate limit: a frame over the limit is dropped with a
// "rate_limited" error, and a client that keeps sending over it is closed.
func (c *Conn) admit(now time.Time) bool {
	o := &c.hub.opts
	if c.rate.take(now, o.Rate, o.Burst) {
		return true
	}
	c.hub.stats.rateLimited.Add(1)
	if !c.strikes.take(now, 1, o.Strikes) {
		c.terminate(CloseRateLimited, "rate limit exceeded")
		return false
	}
	c.pushControl(encodeError("", WireError{
		Code:         CodeRateLimited,
		Message:      "too many frames; slow down",
		RetryAfterMS: max(1, c.rate.wait(o.Rate).Milliseconds()),
	}), false)
	return false
}

// serve decodes one frame and dispatches it.
func (c *Conn) serve(data []byte) {
	f, err := DecodeFrame(data)
	if err != nil {
		c.bad++
		if c.bad >= c.hub.opts.MaxBadFrames {
			c.terminate(ClosePolicyViolation, "too many malformed frames")
			return
		}
		c.pushControl(encodeError("", WireError{Code: CodeBadFrame, Message: fault.MessageOf(err)}), false)
		return
	}
	switch f.Type {
	case "hello":
		c.serveHello(f)
	case "ping":
		c.pushControl(encodeFrame("pong", f.ID, nil), false)
	case "presence.set":
		c.servePresenceSet(f)
	default:
		c.serveRouted(f)
	}
}

// serveRouted runs the registered handler for f and answers it
// (Router.Serve), once the client has said hello.
func (c *Conn) serveRouted(f Frame) {
	if !c.helloed.Load() {
		c.pushControl(encodeError(f.ID, WireError{Code: CodeHelloRequired, Message: "send hello first"}), false)
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.hub.opts.HandlerTimeout)
	defer cancel()
	c.hub.router.Serve(ctx, c, f)
}

// call runs a handler, turning a panic into an error.
func (c *Conn) call(ctx context.Context, h Handler, req *Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("signaling: handler panic: %v", p)
		}
	}()
	return h.ServeFrame(ctx, req)
}

// answerError sends a handler's error to the client, logging the cause of
// internal ones.
func (c *Conn) answerError(ctx context.Context, f Frame, err error) {
	we := wireError(err)
	if we.Code == "internal" || we.Code == "unavailable" {
		c.hub.log.Warn("signaling: frame failed", "type", f.Type, "conn", c.id, "user", c.ident.UserID, "err", err)
	}
	_ = c.sendFrame(ctx, encodeError(f.ID, we))
}
