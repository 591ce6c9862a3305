package signaling

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisShard is one pub/sub connection and the channels read on it.
//
// Confirmations: Redis answers SUBSCRIBE and UNSUBSCRIBE in the order they
// were written on a connection, one reply per channel. A Subscribe waits for
// a subscribe confirmation of its channel that follows every UNSUBSCRIBE of
// that channel written before it. A subscribe confirmation with count 1 comes
// only from a fresh connection (the control channel is never unsubscribed):
// go-redis has reconnected and re-subscribed every channel in one command, so
// all of them are effective again — and messages may have been missed.
type redisShard struct {
	b   *RedisBroker
	idx int
	ctl []string // channels held for the connection's life

	mu        sync.Mutex
	ps        *redis.PubSub
	subs      map[string]*chanState // by channel name
	seenFirst bool                  // the first connection was confirmed
	down      bool                  // the connection failed and is not confirmed again

	pingOut bool // a health ping is unanswered; used by the run goroutine only
}

type chanState struct {
	topic   string
	refs    int
	unsubW  uint32 // UNSUBSCRIBEs written
	unsubC  uint32 // UNSUBSCRIBEs confirmed
	active  bool   // confirmed and not unsubscribed since
	late    bool   // a Subscribe gave up waiting: report a gap when confirmed
	waiters []*subWaiter
}

type subWaiter struct {
	minUnsub uint32
	done     chan struct{}
}

func newRedisShard(b *RedisBroker, i int) *redisShard {
	s := &redisShard{b: b, idx: i, subs: make(map[string]*chanState)}
	s.ctl = []string{b.o.Prefix + "ctl:" + strconv.FormatUint(b.node, 16) + ":" + strconv.Itoa(i)}
	if i == 0 {
		s.ctl = append(s.ctl, b.gapChannel())
	}
	s.ps = b.rdb.Subscribe(b.ctx, s.ctl...)
	return s
}

// subscribe adds a reference to topic and waits for its confirmation.
func (s *redisShard) subscribe(ctx context.Context, topic string) error {
	ch := s.b.o.Prefix + topic
	s.mu.Lock()
	st := s.subs[ch]
	if st == nil {
		st = &chanState{topic: topic}
		s.subs[ch] = st
	}
	st.refs++
	if st.active {
		s.mu.Unlock()
		return nil
	}
	w := &subWaiter{minUnsub: st.unsubW, done: make(chan struct{})}
	st.waiters = append(st.waiters, w)
	if st.refs == 1 {
		wctx, cancel := context.WithTimeout(s.b.ctx, s.b.o.SubscribeTimeout)
		err := s.ps.Subscribe(wctx, ch) // on error go-redis keeps the channel for its reconnect
		cancel()
		if err != nil {
			s.down = true
		}
	}
	down := s.down
	s.mu.Unlock()
	if down {
		s.giveUp(st, w)
		return ErrSubscribePending
	}
	t := time.NewTimer(s.b.o.SubscribeTimeout)
	defer t.Stop()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
	case <-t.C:
	case <-s.b.ctx.Done():
	}
	if s.giveUp(st, w) {
		return nil
	}
	return ErrSubscribePending
}

// giveUp stops waiting: the topic will be reported as a gap when confirmed.
// It reports whether the confirmation arrived meanwhile.
func (s *redisShard) giveUp(st *chanState, w *subWaiter) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-w.done:
		return true
	default:
	}
	st.waiters = slices.DeleteFunc(st.waiters, func(x *subWaiter) bool { return x == w })
	st.late = true
	return false
}

// unsubscribe removes a reference; the last one unsubscribes the channel.
func (s *redisShard) unsubscribe(topic string) {
	ch := s.b.o.Prefix + topic
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.subs[ch]
	if st == nil || st.refs == 0 {
		return
	}
	st.refs--
	if st.refs > 0 {
		return
	}
	st.active, st.late = false, false
	st.unsubW++
	ctx, cancel := context.WithTimeout(s.b.ctx, s.b.o.SubscribeTimeout)
	defer cancel()
	_ = s.ps.Unsubscribe(ctx, ch) // on error the reconnect will not include it
	s.forgetIfIdle(ch, st)
}

// forgetIfIdle drops the state of a channel nobody wants and no reply is
// awaited for. s.mu is held.
func (s *redisShard) forgetIfIdle(ch string, st *chanState) {
	if st.refs == 0 && st.unsubC >= st.unsubW && len(st.waiters) == 0 {
		delete(s.subs, ch)
	}
}

// run reads the shard's connection until the broker closes.
func (s *redisShard) run() {
	defer s.b.wg.Done()
	backoff := 100 * time.Millisecond
	for {
		s.mu.Lock()
		ps := s.ps
		s.mu.Unlock()
		msg, err := ps.ReceiveTimeout(s.b.ctx, s.b.o.HealthInterval)
		if s.b.ctx.Err() != nil {
			return
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				s.healthCheck(ps)
				continue
			}
			s.failed(err)
			select {
			case <-time.After(backoff):
			case <-s.b.ctx.Done():
				return
			}
			backoff = min(2*backoff, 2*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		s.pingOut = false
		switch m := msg.(type) {
		case *redis.Subscription:
			s.confirmed(m)
		case *redis.Message:
			s.message(m)
		}
	}
}

// healthCheck pings a silent connection, and replaces one whose previous
// ping went unanswered (a half-open TCP connection never errors).
func (s *redisShard) healthCheck(ps *redis.PubSub) {
	if !s.pingOut {
		s.pingOut = true
		_ = ps.Ping(s.b.ctx)
		return
	}
	s.pingOut = false
	s.failed(errors.New("pub/sub ping unanswered"))
	s.mu.Lock()
	chans := slices.Clone(s.ctl)
	for ch, st := range s.subs {
		st.unsubC = st.unsubW
		if st.refs > 0 {
			chans = append(chans, ch)
		} else {
			s.forgetIfIdle(ch, st)
		}
	}
	old := s.ps
	s.ps = s.b.rdb.Subscribe(s.b.ctx, chans...)
	s.mu.Unlock()
	_ = old.Close()
}

// failed records that the connection dropped; delivery resumes, with a gap
// report, when go-redis has reconnected and Redis confirms.
func (s *redisShard) failed(err error) {
	s.mu.Lock()
	wasDown := s.down
	s.down = true
	s.mu.Unlock()
	if !wasDown {
		s.b.o.Logger.Warn("signaling: redis pub/sub lost", "shard", s.idx, "err", err)
	}
}

// confirmed processes a subscribe or unsubscribe reply.
func (s *redisShard) confirmed(m *redis.Subscription) {
	var gaps []string
	s.mu.Lock()
	switch {
	case m.Kind == "subscribe" && m.Count == 1:
		gaps = s.reconnectedLocked()
	case m.Kind == "subscribe":
		if st := s.subs[m.Channel]; st != nil {
			if st.confirmLocked() {
				gaps = append(gaps, st.topic)
			}
		}
	case m.Kind == "unsubscribe":
		if st := s.subs[m.Channel]; st != nil {
			st.unsubC++
			s.forgetIfIdle(m.Channel, st)
		}
	}
	s.mu.Unlock()
	if len(gaps) > 0 {
		s.b.h.HandleGap(gaps)
	}
}

// confirmLocked applies a subscribe confirmation: waiters whose preceding
// unsubscribes are confirmed are released. It reports whether a gap must be
// reported (a Subscribe had given up waiting).
func (st *chanState) confirmLocked() bool {
	st.waiters = slices.DeleteFunc(st.waiters, func(w *subWaiter) bool {
		if st.unsubC >= w.minUnsub {
			close(w.done)
			return true
		}
		return false
	})
	if st.refs == 0 || st.unsubC < st.unsubW {
		return false
	}
	st.active = true
	late := st.late
	st.late = false
	return late
}

// reconnectedLocked handles a fresh connection's first confirmation: every
// wanted channel is effective again. After the first connection, all topics
// are reported as gaps; before, only those whose Subscribe gave up.
func (s *redisShard) reconnectedLocked() []string {
	first := !s.seenFirst
	s.seenFirst = true
	wasDown := s.down
	s.down = false
	var gaps []string
	for ch, st := range s.subs {
		st.unsubC = st.unsubW // replies on the old connection will not come
		for _, w := range st.waiters {
			close(w.done)
		}
		st.waiters = nil
		if st.refs == 0 {
			s.forgetIfIdle(ch, st)
			continue
		}
		st.active = true
		if !first || st.late {
			gaps = append(gaps, st.topic)
		}
		st.late = false
	}
	if !first || wasDown {
		s.b.o.Logger.Info("signaling: redis pub/sub restored", "shard", s.idx, "topics", len(gaps))
	}
	return gaps
}

// message delivers a publication of another node.
func (s *redisShard) message(m *redis.Message) {
	kind, node, payload, err := decodeWire([]byte(m.Payload))
	if err != nil {
		s.b.o.Logger.Error("signaling: malformed redis message", "shard", s.idx)
		return
	}
	if node == s.b.node {
		return
	}
	if m.Channel == s.b.gapChannel() {
		s.b.h.HandleGap(nil)
		return
	}
	topic, ok := strings.CutPrefix(m.Channel, s.b.o.Prefix)
	if !ok {
		return
	}
	if kind == kindGap {
		s.b.h.HandleGap([]string{topic})
		return
	}
	s.b.h.HandleMessage(topic, payload)
}

// close closes the shard's connection.
func (s *redisShard) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.subs {
		for _, w := range st.waiters {
			close(w.done)
		}
		st.waiters = nil
	}
	_ = s.ps.Close()
}
