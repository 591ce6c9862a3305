package signaling

import (
	"context"
	"time"

	"github.com/coder/websocket"
)

// writeLoop is the connection's writer: it runs while frames are queued
// (started by the first frame queued to an empty queue, or by Close), writes
// them in order, and exits when the queue is empty, so that an idle
// connection keeps no writer goroutine. At most one runs at a time. When the
// connection is closing it writes what remains and closes the WebSocket.
func (c *Conn) writeLoop() {
	defer c.bg.Done()
	for {
		c.mu.Lock()
		batch, closing := c.out, c.closing
		c.out = nil
		if len(batch) == 0 && !closing {
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		if len(batch) > 0 {
			c.signalRoom()
			if err := c.writeBatch(batch, closing); err != nil {
				c.hub.log.Debug("signaling: write failed", "conn", c.id, "err", err)
				c.terminate(codeAbort, "")
			}
			c.recycle(batch)
		}
		if closing {
			c.finish()
			return
		}
	}
}

// writeBatch writes frames (a relay connection hands them to its send
// function instead) under one WriteTimeout. Unless the batch is the
// last one (closing), it stops early when the connection starts closing: the
// rest is written as the last batch, or dropped for a slow consumer.
func (c *Conn) writeBatch(batch [][]byte, closing bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.hub.opts.WriteTimeout)
	defer cancel()
	for i, f := range batch {
		if !closing && c.ctx.Err() != nil {
			c.requeue(batch[i:])
			return nil
		}
		if c.relay != nil {
			if err := c.relay(f); err != nil {
				return err
			}
			continue
		}
		if err := c.ws.Write(ctx, websocket.MessageText, f); err != nil {
			return err
		}
		c.hub.stats.framesOut.Add(1)
	}
	return nil
}

// finish closes the WebSocket with the recorded code: with a close handshake
// (bounded by the library to a few seconds), or at once for codeAbort. A
// relay connection has no WebSocket to close.
func (c *Conn) finish() {
	if c.relay != nil {
		return
	}
	c.mu.Lock()
	code, reason := c.code, c.reason
	c.mu.Unlock()
	if code == codeAbort {
		c.ws.CloseNow()
		return
	}
	c.ws.Close(code, reason)
}

// startTimer arms the connection's one timer.
func (c *Conn) startTimer() {
	c.bg.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timer = time.AfterFunc(c.nextTick(time.Now()), c.onTick)
}

// stopTimer disarms the timer after the connection started closing.
func (c *Conn) stopTimer() {
	c.mu.Lock()
	stopped := c.timer.Stop()
	c.mu.Unlock()
	if stopped {
		c.bg.Done()
	}
}

// onTick runs on the timer's goroutine: the hello and session deadlines,
// then a ping (waiting for its pong), then it re-arms unless closing.
func (c *Conn) onTick() {
	defer c.bg.Done()
	c.tick(time.Now())
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		c.bg.Add(1)
		c.timer.Reset(c.nextTick(time.Now()))
	}
}

// tick checks the deadlines and pings.
func (c *Conn) tick(now time.Time) {
	if !c.helloed.Load() && now.Sub(c.created) >= c.hub.opts.HelloTimeout {
		c.terminate(ClosePolicyViolation, "hello timeout")
		return
	}
	if exp := c.ident.ExpiresAt; !exp.IsZero() && !now.Before(exp) {
		c.terminate(CloseUnauthenticated, "session expired")
		return
	}
	c.ping()
}

// nextTick returns the delay to the next check: the ping interval, or less
// when the hello deadline or the session expiry comes sooner.
func (c *Conn) nextTick(now time.Time) time.Duration {
	d := c.hub.opts.PingInterval
	if !c.helloed.Load() {
		d = min(d, c.created.Add(c.hub.opts.HelloTimeout).Sub(now))
	}
	if exp := c.ident.ExpiresAt; !exp.IsZero() {
		d = min(d, exp.Sub(now))
	}
	return max(d, 10*time.Millisecond)
}

// ping sends one WebSocket ping and drops the connection when no pong
// arrives within PongTimeout, unless frames kept arriving meanwhile: the
// library reads a pong only when the reader reaches it, so behind a queue of
// frames whose handlers are slow (an overloaded database) a live client's
// pong can be late. Such a client is kept, and pinged again next tick; one
// that sent nothing and answered nothing is gone.
func (c *Conn) ping() {
	sent := time.Now().UnixNano()
	ctx, cancel := context.WithTimeout(c.ctx, c.hub.opts.PongTimeout)
	defer cancel()
	if err := c.ws.Ping(ctx); err != nil && c.ctx.Err() == nil {
		if c.lastRead.Load() >= sent {
			c.hub.stats.pingsBusy.Add(1)
			return
		}
		c.hub.stats.pingTimeouts.Add(1)
		c.hub.log.Debug("signaling: ping unanswered", "conn", c.id)
		c.terminate(codeAbort, "")
	}
}
