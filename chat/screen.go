package chat

import (
	"context"
	"sync"
	"time"
)

// screenQueue bounds the patient messages waiting for the risk screen.
const (
	screenQueue   = 4096
	screenTimeout = 10 * time.Second
)

// screenItem is a stored patient message for the risk screen.
type screenItem struct {
	patient, conv, seq int64
	body               string
}

// screenNew hands the batch's new patient messages to the risk screen's
// goroutine; when its queue is full, the committer screens inline, so that
// no stored patient message goes unscreened.
func (s *Service) screenNew(msgs []*newMessage) {
	if s.cfg.Risk == nil {
		return
	}
	for _, m := range msgs {
		if m.sender != m.conv.patient {
			continue
		}
		it := screenItem{patient: m.sender, conv: m.conv.id, seq: m.seq, body: m.body}
		select {
		case s.screenq <- it:
		default:
			s.screenOne(it)
		}
	}
}

// screenLoop screens queued messages until the service stops, then screens
// what is left.
func (s *Service) screenLoop(wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case it := <-s.screenq:
			s.screenOne(it)
		case <-s.workerDone: // no committer can queue more
			for {
				select {
				case it := <-s.screenq:
					s.screenOne(it)
				default:
					return
				}
			}
		}
	}
}

func (s *Service) screenOne(it screenItem) {
	ctx, cancel := context.WithTimeout(context.Background(), screenTimeout)
	defer cancel()
	s.cfg.Risk.PatientMessage(ctx, it.patient, it.conv, it.seq, it.body)
}
