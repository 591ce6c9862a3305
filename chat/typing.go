package chat

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"haven/signaling"
)

// typingLimiter drops typing notices sent faster than the interval, per
// user and conversation.
type typingLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	last     map[[2]int64]time.Time
}

func (l *typingLimiter) init(d time.Duration) {
	l.interval = d
	l.last = make(map[[2]int64]time.Time)
}

// allow reports whether a notice may go now, and records it.
func (l *typingLimiter) allow(user, conv int64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := [2]int64{user, conv}
	if t, ok := l.last[k]; ok && now.Sub(t) < l.interval {
		return false
	}
	if len(l.last) >= maxCached {
		for k, t := range l.last {
			if now.Sub(t) >= l.interval {
				delete(l.last, k)
			}
		}
		if len(l.last) >= maxCached {
			clear(l.last)
		}
	}
	l.last[k] = now
	return true
}

// Typing is a typing notice as the other participants see it.
type Typing struct {
	Conversation int64 `json:"conversation"`
	User         int64 `json:"user"`
}

// Typing tells the other participants of conv that actor is typing, as an
// ephemeral event (dropped under pressure). Notices faster than
// Config.TypingInterval are dropped silently. It returns ErrNotFound when
// the actor may not see conv.
func (s *Service) Typing(ctx context.Context, actor Actor, conv int64) error {
	if !s.typing.allow(actor.UserID, conv, time.Now()) {
		s.m.typingDropped.Inc()
		return nil
	}
	if _, err := s.member(ctx, actor, conv); err != nil {
		return err
	}
	users, err := s.participants(ctx, conv)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(Typing{Conversation: conv, User: actor.UserID})
	ev := signaling.Event{Type: EventTyping, Data: data}
	for _, u := range users {
		if u != actor.UserID {
			_ = s.hub.Publish(ctx, u, ev)
		}
	}
	return nil
}
