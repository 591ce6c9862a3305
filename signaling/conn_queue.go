package signaling

import "context"

// EventFilter reports whether an event held while hello hooks ran is still to
// be delivered (false: the hook already replayed it). It runs on the reader
// goroutine and must not call the connection's methods.
type EventFilter func(Event) bool

var resyncFrame = encodeFrame("resync", "", nil)

// pushEvent queues a published event. While the connection holds events
// (before hello, after resync) a durable event is held and an ephemeral one
// dropped — except while a hello is being served, when ephemeral events are
// held too, so that none is lost between the welcome and going live. A
// durable event that finds the queue (or the hold) full closes the
// connection as a slow consumer. It never blocks.
func (c *Conn) pushEvent(ev *Event, frame []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return
	}
	if !c.holding {
		c.enqueueLocked(frame, ev.Durable)
		return
	}
	switch {
	case !ev.Durable && (!c.helloRunning || len(c.held) >= c.hub.opts.SendQueue):
		c.hub.stats.dropped.Add(1)
	case len(c.held) >= c.hub.opts.SendQueue:
		c.closeLocked(CloseSlowConsumer, "slow consumer")
	default:
		c.held = append(c.held, heldEvent{ev: ev, frame: frame})
	}
}

// enqueueLocked appends frame to the send queue. When the queue is full, a
// durable frame closes the connection and an ephemeral one is dropped; it
// reports whether the frame was queued. c.mu is held and c is not closing.
func (c *Conn) enqueueLocked(frame []byte, durable bool) bool {
	if len(c.out) >= c.hub.opts.SendQueue {
		if durable {
			c.closeLocked(CloseSlowConsumer, "slow consumer")
		} else {
			c.hub.stats.dropped.Add(1)
		}
		return false
	}
	if c.out == nil && c.spare != nil {
		c.out, c.spare = c.spare, nil
	}
	c.out = append(c.out, frame)
	c.startWriterLocked()
	return true
}

// pushControl queues a frame the hub generates without waiting.
func (c *Conn) pushControl(frame []byte, durable bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closing {
		c.enqueueLocked(frame, durable)
	}
}

// sendFrame queues frame, waiting while the queue is full.
func (c *Conn) sendFrame(ctx context.Context, frame []byte) error {
	for {
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			return ErrClosed
		}
		if len(c.out) < c.hub.opts.SendQueue {
			c.enqueueLocked(frame, true)
			if len(c.out) < c.hub.opts.SendQueue {
				c.signalRoom() // pass the wake-up on to another waiting sender
			}
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
		select {
		case <-c.room:
		case <-ctx.Done():
			return ctx.Err()
		case <-c.ctx.Done():
			return ErrClosed
		}
	}
}

// signalRoom wakes one sender waiting for room, without blocking.
func (c *Conn) signalRoom() {
	select {
	case c.room <- struct{}{}:
	default:
	}
}

// requeue puts frames the writer did not write back in front of the queue,
// for the final flush of a closing connection (unless it is to be dropped).
func (c *Conn) requeue(rest [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.code == CloseSlowConsumer || c.code == codeAbort {
		return
	}
	c.out = append(append([][]byte(nil), rest...), c.out...)
}

// recycle keeps a small written batch for reuse, so an active connection
// does not allocate a queue per write and an idle one holds little.
func (c *Conn) recycle(batch [][]byte) {
	if cap(batch) > 16 {
		return
	}
	clear(batch)
	c.mu.Lock()
	if !c.closing && c.spare == nil {
		c.spare = batch[:0]
	}
	c.mu.Unlock()
}

// gap reacts to possibly lost events: a live connection is sent "resync" and
// holds events from then on, until its next hello. A connection already
// holding needs nothing, since its coming hello replays past the loss —
// unless hooks are running, whose replay may predate the loss: then the hello
// will not go live and ends with a new "resync".
func (c *Conn) gap() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return
	}
	c.epoch++
	if c.holding {
		return
	}
	c.holding = true
	c.held = nil
	c.hub.stats.resyncs.Add(1)
	c.enqueueLocked(resyncFrame, true)
}

// startHello marks hello hooks running and returns the epoch they run in; it
// reports false when the connection is not holding (hello is only expected
// after connecting or after resync).
func (c *Conn) startHello() (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || !c.holding || c.helloRunning {
		return 0, false
	}
	c.helloRunning = true
	return c.epoch, true
}

// endHello marks hello hooks finished without going live.
func (c *Conn) endHello() {
	c.mu.Lock()
	c.helloRunning = false
	c.mu.Unlock()
}

// release goes live after a successful hello: the events held since epoch
// are queued in publish order, less those a filter rejects. When a gap
// occurred while the hooks ran (the epoch moved), the connection keeps
// holding and is sent "resync" instead. It reports whether it went live.
func (c *Conn) release(epoch uint64, filters []EventFilter) bool {
	for {
		c.mu.Lock()
		if c.closing {
			c.mu.Unlock()
			return false
		}
		if c.epoch != epoch {
			c.helloRunning = false
			c.held = nil
			c.hub.stats.resyncs.Add(1)
			c.enqueueLocked(resyncFrame, true)
			c.mu.Unlock()
			return false
		}
		held := c.held
		c.held = nil
		if len(held) == 0 {
			c.holding, c.helloRunning = false, false
			c.mu.Unlock()
			return true
		}
		c.mu.Unlock()
		held = filterHeld(held, filters)
		c.mu.Lock()
		for _, h := range held {
			if c.closing || c.epoch != epoch {
				break
			}
			c.enqueueLocked(h.frame, h.ev.Durable)
		}
		if !c.closing && c.epoch == epoch && len(c.held) == 0 {
			// Live in the same step as the last held event is queued, so
			// no event published after it can be treated as held.
			c.holding, c.helloRunning = false, false
			c.mu.Unlock()
			return true
		}
		c.mu.Unlock()
	}
}

func filterHeld(held []heldEvent, filters []EventFilter) []heldEvent {
	if len(filters) == 0 {
		return held
	}
	kept := held[:0]
next:
	for _, h := range held {
		for _, f := range filters {
			if !f(*h.ev) {
				continue next
			}
		}
		kept = append(kept, h)
	}
	return kept
}
