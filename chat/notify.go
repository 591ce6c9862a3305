package chat

import (
	"context"
	"sync"
	"time"

	"haven/signaling"
)

// notifyTimeout bounds one round of presence look-ups and notifications.
const notifyTimeout = 10 * time.Second

// notifier sends content-free pushes to recipients who are not online, off
// the committer's path: recipients are collected in a bounded set (a user
// is notified once per conversation per round) and a goroutine asks the
// hub's presence and then the Notifier.
type notifier struct {
	s    *Service
	max  int
	mu   sync.Mutex
	set  map[[2]int64]struct{} // (user, conversation)
	wake chan struct{}
}

func newNotifier(s *Service, max int) *notifier {
	return &notifier{s: s, max: max, set: make(map[[2]int64]struct{}), wake: make(chan struct{}, 1)}
}

// add queues a notification check; beyond the bound it is dropped and
// counted (a push is a courtesy: the message itself is stored and shown at
// the next visit).
func (n *notifier) add(user, conv int64) {
	if n.s.cfg.Notifier == nil {
		return
	}
	n.mu.Lock()
	if len(n.set) >= n.max {
		n.mu.Unlock()
		n.s.m.notifyDropped.Inc()
		return
	}
	n.set[[2]int64{user, conv}] = struct{}{}
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// run delivers queued notifications until the service stops.
func (n *notifier) run(wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-n.wake:
			n.flush()
		case <-n.s.stop:
			return
		}
	}
}

// flush notifies the queued recipients who are not online.
func (n *notifier) flush() {
	n.mu.Lock()
	set := n.set
	n.set = make(map[[2]int64]struct{})
	n.mu.Unlock()
	if len(set) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	seen := make(map[int64]bool)
	var users []int64
	for k := range set {
		if !seen[k[0]] {
			seen[k[0]] = true
			users = append(users, k[0])
		}
	}
	states, err := n.s.hub.Presence(ctx, users)
	if err != nil {
		n.s.log.Warn("chat: presence for notifications", "users", len(users), "err", err)
	}
	for k := range set {
		if states[k[0]] == signaling.Online {
			continue
		}
		if err := n.s.cfg.Notifier.NotifyNewMessage(ctx, k[0], k[1]); err != nil {
			n.s.log.Warn("chat: notify", "user", k[0], "conversation", k[1], "err", err)
			continue
		}
		n.s.m.notified.Inc()
	}
}
