package crisis

import (
	"context"
	"encoding/json"
	"sync"
)

// The hub event types crisis publishes. Their data carries ids and
// statuses only (see the payload types below).
const (
	EventOffer    = "crisis.offer"    // to staff: an escalation awaits a claim
	EventTaken    = "crisis.taken"    // to staff: someone else claimed it
	EventStatus   = "crisis.status"   // to the patient: what is happening
	EventResolved = "crisis.resolved" // to the care team: it was resolved
	EventLocation = "crisis.location" // to the claiming counselor: a location was shared
)

// The statuses of EventStatus.
const (
	StatusAlerted  = "alerted"  // counselors were alerted
	StatusCall988  = "call_988" // nobody has answered yet: call or text 988 now
	StatusJoined   = "joined"   // a counselor has joined
	StatusResolved = "resolved" // the counselor closed the request
)

// OfferData is the data of EventOffer, EventTaken, EventResolved and
// EventLocation (Tier only on offers).
type OfferData struct {
	EscalationID int64 `json:"escalation_id"`
	Tier         int   `json:"tier,omitempty"`
}

// StatusData is the data of EventStatus.
type StatusData struct {
	EscalationID    int64  `json:"escalation_id"`
	Status          string `json:"status"`
	CounselorName   string `json:"counselor_name,omitempty"`   // with StatusJoined
	ConversationRef string `json:"conversation_ref,omitempty"` // with StatusJoined, once open
}

func hubEvent(typ string, data any) HubEvent {
	b, err := json.Marshal(data)
	if err != nil {
		panic("crisis: marshal " + typ + ": " + err.Error()) // only fixed structs are marshalled
	}
	return HubEvent{Type: typ, Data: b, Durable: true}
}

// delivery is one event for one user.
type delivery struct {
	user int64
	ev   HubEvent
}

// publishAll sends ev to every user; see fanOut.
func (s *Service) publishAll(ctx context.Context, escalationID int64, users []int64, ev HubEvent) {
	ds := make([]delivery, len(users))
	for i, u := range users {
		ds[i] = delivery{u, ev}
	}
	s.fanOut(ctx, escalationID, ds)
}

// tellPatient publishes a status to the patient; see fanOut.
func (s *Service) tellPatient(ctx context.Context, e Escalation, d StatusData) {
	d.EscalationID = e.ID
	s.fanOut(ctx, e.ID, []delivery{{e.PatientID, hubEvent(EventStatus, d)}})
}

// fanOut makes every delivery concurrently, logging (ids only) each
// failure. It returns within NotifyTimeout even if the Notifier ignores its
// context: a stuck hub must not hold a deadline.
func (s *Service) fanOut(ctx context.Context, escalationID int64, ds []delivery) {
	if len(ds) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.NotifyTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Go(func() {
			if err := s.d.Notifier.Publish(ctx, d.user, d.ev); err != nil {
				s.log.WarnContext(ctx, "crisis notify failed", "escalation_id", escalationID, "user_id", d.user,
					"event", d.ev.Type, "err", err)
			}
		})
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.WarnContext(ctx, "crisis notification timed out", "escalation_id", escalationID)
	}
}
