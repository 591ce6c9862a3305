package signaling

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"haven/portal/fault"
)

// subscribeWait bounds how long a new connection waits for its broker
// subscription before it starts reading (the broker reports a gap later).
const subscribeWait = 3 * time.Second

// ServeHTTP upgrades GET /ws. The request is authenticated first (401, 403,
// … before any upgrade, with the user-safe message); then the WebSocket
// handshake refuses, with 403, an Origin that is neither the request's host
// nor one of Options.OriginHosts. Compression is disabled. The handler
// returns once the connection is upgraded; the connection's reader and writer
// goroutines run until it ends (Shutdown waits for them).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	id, err := h.opts.Auth.Authenticate(r)
	if err == nil && id.UserID <= 0 {
		err = fault.New(fault.Internal, "internal error")
	}
	if err != nil {
		status := httpStatus(err)
		if status >= 500 {
			h.log.Error("signaling: authenticate", "err", err)
		}
		if ra := fault.RetryAfterOf(err); ra > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(ra.Seconds()+0.999)))
		}
		http.Error(w, fault.MessageOf(err), status)
		return
	}
	if h.isClosing() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ws, err := websocket.Accept(leanWriter{w}, r, &websocket.AcceptOptions{
		OriginPatterns:  h.opts.OriginHosts,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		h.log.Debug("signaling: upgrade refused", "user", id.UserID, "err", err)
		return
	}
	ws.SetReadLimit(h.opts.ReadLimit)
	c := newConn(h, ws, id)
	if !h.register(c) {
		ws.Close(CloseGoingAway, "server shutting down")
		return
	}
	go h.run(c)
}

// run is the connection's reader goroutine. It is not the net/http handler
// goroutine, which returns after the upgrade so that the request, the
// response and their buffers are released for the connection's lifetime.
func (h *Hub) run(c *Conn) {
	defer h.wg.Done()
	c.startTimer()
	h.subscribeUser(c)
	for _, fn := range h.connectHooks() {
		fn(c.ctx, c)
	}
	c.readLoop()
	h.cleanup(c)
}

func (h *Hub) isClosing() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.closing
}

func (h *Hub) connectHooks() []func(context.Context, *Conn) {
	h.hookMu.RLock()
	defer h.hookMu.RUnlock()
	return h.onConnect
}

func (h *Hub) disconnectHooks() []func(*Conn) {
	h.hookMu.RLock()
	defer h.hookMu.RUnlock()
	return h.onDisconnect
}

// register adds c to its user's set and counts its reader goroutine (which
// waits for the connection's other goroutines); it reports false when the
// hub is shutting down.
func (h *Hub) register(c *Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	s := h.users[c.ident.UserID]
	if s == nil {
		s = &connSet{}
		h.users[c.ident.UserID] = s
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	h.wg.Add(1)
	h.stats.conns.Add(1)
	return true
}

// subscribeUser subscribes the node to the user's topic (reference counted
// by the broker) and marks the user's presence for an update. The reader
// starts after it, so a hello is served only once the subscription is
// effective (or its gap will be reported).
func (h *Hub) subscribeUser(c *Conn) {
	ctx, cancel := context.WithTimeout(c.ctx, subscribeWait)
	defer cancel()
	if err := h.broker.Subscribe(ctx, userTopic(c.ident.UserID)); err != nil {
		h.log.Warn("signaling: subscribe pending", "user", c.ident.UserID, "err", err)
	}
	h.markPresence(c.ident.UserID)
}

// cleanup runs after the reader returns: it closes c, removes it from every
// set, waits for the writer and timer goroutines and runs the disconnect
// hooks.
func (h *Hub) cleanup(c *Conn) {
	c.terminate(codeAbort, "")
	c.stopTimer()
	uid := c.ident.UserID
	h.mu.Lock()
	s := h.users[uid]
	last := s.remove(c)
	if last {
		delete(h.users, uid)
	}
	c.mu.Lock()
	topics := c.topics
	c.topics = nil
	c.mu.Unlock()
	for _, t := range topics {
		if ts := h.topics[t]; ts.remove(c) {
			delete(h.topics, t)
		}
	}
	h.mu.Unlock()
	for _, t := range topics {
		_ = h.broker.Unsubscribe(namedTopic(t))
	}
	_ = h.broker.Unsubscribe(userTopic(uid))
	if last {
		h.unwatchAll(uid)
	}
	h.markPresence(uid)
	c.bg.Wait()
	h.stats.conns.Add(-1)
	for _, fn := range h.disconnectHooks() {
		fn(c)
	}
}

// remove deletes c from the set and reports whether the set is now empty.
func (s *connSet) remove(c *Conn) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.Index(s.conns, c); i >= 0 {
		s.conns = slices.Delete(s.conns, i, i+1)
	}
	return len(s.conns) == 0
}

// subscribeTopic adds c to a named topic's set.
func (h *Hub) subscribeTopic(ctx context.Context, c *Conn, topic string) error {
	h.mu.Lock()
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		h.mu.Unlock()
		return ErrClosed
	}
	for _, t := range c.topics {
		if t == topic {
			c.mu.Unlock()
			h.mu.Unlock()
			return nil
		}
	}
	c.topics = append(c.topics, topic)
	c.mu.Unlock()
	s := h.topics[topic]
	if s == nil {
		s = &connSet{}
		h.topics[topic] = s
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	h.mu.Unlock()
	return h.broker.Subscribe(ctx, namedTopic(topic))
}

// unsubscribeTopic removes c from a named topic's set.
func (h *Hub) unsubscribeTopic(c *Conn, topic string) {
	h.mu.Lock()
	c.mu.Lock()
	found := false
	for i, t := range c.topics {
		if t == topic {
			c.topics = append(c.topics[:i], c.topics[i+1:]...)
			found = true
			break
		}
	}
	c.mu.Unlock()
	if found {
		if s := h.topics[topic]; s.remove(c) {
			delete(h.topics, topic)
		}
	}
	h.mu.Unlock()
	if found {
		_ = h.broker.Unsubscribe(namedTopic(topic))
	}
}
