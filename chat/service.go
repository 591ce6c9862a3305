package chat

import (
	"context"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/signaling"
)

// Service is the chat domain bound to one hub. Create it with New, which
// registers the chat.* frames, the chat.message renderer and the resume
// hook on the hub; stop it with Close after the hub has shut down.
type Service struct {
	cfg    Config
	pool   *pgxpool.Pool
	hub    *signaling.Hub
	sealer Sealer
	log    *slog.Logger
	m      *metrics

	access   accessCache
	patients patientCache
	pub      pubLocks
	typing   typingLimiter
	notify   *notifier
	rendered renderCache

	sendq      []chan *sendReq // one per committer; a conversation's sends go to one
	screenq    chan screenItem
	stop       chan struct{}
	workerDone chan struct{} // closed when every committer has ended
	closeOnce  sync.Once
	bg         sync.WaitGroup
}

// New returns a Service for cfg and registers it with cfg.Hub: the frames of
// PROTOCOL.md on the hub's router, the renderer of "chat.message" and the
// resume hello hook. It panics, as the router does, if chat frames are
// already registered. It starts the committers and the notifier.
func New(cfg Config) (*Service, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Service{
		cfg:        c,
		pool:       c.Pool,
		hub:        c.Hub,
		sealer:     c.Sealer,
		log:        c.Logger,
		m:          newMetrics(),
		stop:       make(chan struct{}),
		screenq:    make(chan screenItem, screenQueue),
		workerDone: make(chan struct{}),
	}
	s.access.init(c.AccessTTL)
	s.patients.init()
	s.typing.init(c.TypingInterval)
	s.notify = newNotifier(s, c.NotifyQueue)
	s.register(c.Hub)
	var committers sync.WaitGroup
	for range c.Committers {
		cm := &committer{q: make(chan *sendReq, 4*c.MaxBatch)}
		s.sendq = append(s.sendq, cm.q)
		committers.Add(1)
		go s.commitLoop(cm, &committers)
	}
	go func() {
		committers.Wait()
		close(s.workerDone)
	}()
	s.bg.Add(2)
	go s.notify.run(&s.bg)
	go s.screenLoop(&s.bg)
	return s, nil
}

// Close stops accepting sends, fails those still queued with ErrClosed,
// waits for the transaction in flight and the notifier, or until ctx ends.
// Shut the hub down first, so no handler is running.
func (s *Service) Close(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.stop) })
	done := make(chan struct{})
	go func() {
		<-s.workerDone
		s.bg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// closed reports whether Close was called.
func (s *Service) closed() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}
